"""The add-in as Excel calls it: direct calls, and xlwings' Office.js protocol in-process.

`custom_functions_meta` lists what Excel registers; `custom_functions_call` takes the JSON
Excel sends (every argument a 2-D array, caller address, culture). Scripts run on a Book
built from JSON, as xlwings Server / Lite hand it over. Results must equal `kpixl.score`.
"""

from __future__ import annotations

import random

import anyio
import kpixl_udfs
import openpyxl
import pandas as pd
import pytest
import xlwings as xw
from rosters import make_rows
from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_call

import kpixl
from kpixl import addin
from kpixl.excel import GRADES, GUIDE, LIBRARY, TEAM, build

RESPONSE = "≤30秒(5分);30-60秒(3分);>60秒(1分)"


def payload(func: str, *args, caller: str = "考核表!G7") -> dict:
    """What Excel (Office.js) posts for one call: each argument a 2-D array."""
    return {
        "func_name": func,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "caller_address": caller,
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/M/d",
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }


def call(func: str, *args):
    async def run():
        return await custom_functions_call(payload(func, *args), kpixl_udfs)

    return anyio.run(run)


# ----------------------------------------------------------------------------- direct calls
def test_kpi_score_single_range_blank_and_errors():
    assert addin.kpi_score(28, RESPONSE) == 5
    assert addin.kpi_score("1.5分钟", RESPONSE) == 1
    assert addin.kpi_score([[28], [30], [30.5], [None], [61]], RESPONSE) == [[5], [5], [3], [""], [1]]
    assert addin.kpi_score(3, "发现一次扣2分", 5) == 0
    assert addin.kpi_score("九十", "≥90%(5分);<90%(1分)").startswith("#KPI! 无法识别的数值 '九十'")
    assert "75%–80% 没有对应分值" in addin.kpi_score(0.78, "达到80%以上10分;低于75%,0分")


def test_kpi_explain_and_rule():
    assert addin.kpi_explain(28, RESPONSE) == "28秒 ≤ 30秒 → 5分"
    assert addin.kpi_explain(3, "发现一次扣2分", 5) == "扣2分×3次=6分，得分 0（扣完为止）"
    assert addin.kpi_rule(RESPONSE) == "≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)"
    assert addin.kpi_rule("80-90;90-100").startswith("#KPI!")


def test_grade_and_coefficient_from_a_range_or_a_scheme():
    tiers = [["等级", "下限", "系数"], ["金牌", 90, 1.2], ["银牌", 80, 1.0], ["铜牌", 70, 0.8], ["未达标", 0, 0]]
    assert addin.kpi_grade([[95], [90], [89.99], [10]], tiers) == [["金牌"], ["金牌"], ["银牌"], ["未达标"]]
    assert addin.kpi_coef(80, tiers) == 1.0
    assert addin.kpi_grade(85, "support-center-quarterly") == "良好" and addin.kpi_coef(85, "support-center-quarterly") == 1.2
    assert addin.kpi_grade(59.99, "support-center-quarterly") == "不合格"
    assert addin.kpi_grade(85).startswith("#KPI! 请给出等级表")  # no table is guessed from some scheme
    assert addin.kpi_grade(85, "no-such-scheme").startswith("#KPI! 没有内置方案")


def test_blend_renormalises_missing_raters_and_calibration():
    # 自评15% 上级60% 小组25%: 5×.15 + 3×.6 + 3×.25 = 3.3; without 小组: (0.75+1.8)/0.75 = 3.4
    assert addin.kpi_blend([[5, 3, 3]], [["15%", "60%", "25%"]]) == pytest.approx(3.3)
    assert addin.kpi_blend([[5, 3, None]], [[0.15, 0.6, 0.25]]) == pytest.approx(3.4)
    assert addin.kpi_blend([[5, 3, 3], [4, 4, 4]], [[0.15, 0.6, 0.25]]) == [[pytest.approx(3.3)], [4.0]]
    assert addin.kpi_blend([[5, 3]], [[0.5, 0.3, 0.2]]).startswith("#KPI!")
    # seed 000: 1–5 scale, 20% of the range = 0.8: 4 vs 5 differ by 1 → 需校准; 4 vs 4.5 → fine
    assert addin.kpi_calibrate([[4, 5]], None, 1, 5) == "需校准" and addin.kpi_calibrate([[4, 4.5]], "20%", 1, 5) == ""
    assert addin.kpi_calibrate([[4, 5, None], [3, 3, 3]], 0.2, 1, 5) == [["需校准"], [""]]
    # the indicator's own scale from its rubric: 1–10 points, 20% of 9 = 1.8: 5 vs 6.8 → 需校准, 5 vs 6.7 → fine
    assert addin.kpi_calibrate([[5, 6.8], [5, 6.7]], None, "1分:差;10分:优") == [["需校准"], [""]]
    assert addin.kpi_calibrate([[4, 5]]).startswith("#KPI! 请给出评分标准")  # no scale is assumed


def _roster_range(df: pd.DataFrame) -> list[list]:
    return [list(df.columns)] + [[None if (isinstance(v, float) and v != v) else v for v in row] for row in df.itertuples(index=False)]


@pytest.mark.parametrize("sid", kpixl.builtin_ids())
def test_kpi_team_equals_engine_on_every_scheme(sid):
    scheme = kpixl.load_scheme(sid)
    rows = make_rows(scheme, 60, random.Random(sid))
    df = pd.DataFrame(rows)
    got = addin.kpi_team(_roster_range(df), sid)
    expected = kpixl.score(scheme, df)
    assert got[0] == list(expected.columns)
    for out_row, (_, exp) in zip(got[1:], expected.iterrows(), strict=True):
        for h, v in zip(got[0], out_row, strict=True):
            e = exp[h]
            assert v == ("" if isinstance(e, float) and e != e else e), (sid, h)


def test_kpi_team_reports_missing_columns_and_the_bad_cell():
    out = addin.kpi_team([["工号", "姓名", "服务规范度"], ["E1", "甲", "很好"]], "support-center-quarterly")
    assert out.startswith("#KPI!") and "缺少此列" in out
    scheme = kpixl.load_scheme("support-center-quarterly")
    header = ["工号", "姓名", *scheme.input_columns()]
    row = ["E1", "甲", *[4] * len(scheme.input_columns())]
    bad = header.index(scheme.input_columns()[0])
    row[bad] = "很好"
    out = addin.kpi_team([header, row], scheme.id)
    assert out.startswith("#KPI! 第2行") and header[bad] in out and "很好" in out


def test_kpi_team_reads_cells_as_the_engine_reads_the_sheet():
    """A TRUE cell is no number for the add-in either (the engine refuses it in an .xlsx); a date
    in a carried column comes back as the date; an id typed as a number is text without ".0"."""
    import datetime as dt

    scheme = kpixl.load_scheme("support-center-quarterly")
    header = ["工号", "姓名", "考核期间", *scheme.input_columns()]
    row = [1001.0, "甲", dt.datetime(2024, 3, 31), *[4] * len(scheme.input_columns())]
    got = addin.kpi_team([header, row], scheme.id)
    assert got[1][:3] == ["1001", "甲", dt.datetime(2024, 3, 31)]
    bad = header.index(scheme.input_columns()[0])
    for typed in (True, False):
        row[bad] = typed
        out = addin.kpi_team([header, row], scheme.id)
        assert isinstance(out, str) and out.startswith("#KPI! 第2行") and header[bad] in out and "TRUE/FALSE" in out


# ----------------------------------------------------------------------------- Office.js protocol
def test_meta_lists_every_function_with_its_arguments():
    meta = custom_functions_meta(kpixl_udfs)
    got = {f["name"]: [p["name"] for p in f["parameters"]] for f in meta["functions"]}
    assert got == {
        "KPI_SCORE": ["value", "rule", "max_points"],
        "KPI_EXPLAIN": ["value", "rule", "max_points"],
        "KPI_RULE": ["rule", "max_points"],
        "KPI_GRADE": ["total", "tiers"],
        "KPI_COEF": ["total", "tiers"],
        "KPI_BLEND": ["ratings", "weights"],
        "KPI_CALIBRATE": ["ratings", "threshold", "scale_min", "scale_max"],
        "KPI_TEAM": ["roster", "scheme", "library", "grades"],
    }
    optional = {f["name"]: [p["name"] for p in f["parameters"] if p.get("optional")] for f in meta["functions"]}
    assert optional["KPI_SCORE"] == ["max_points"]


def test_protocol_single_cells_ranges_blanks_errors_and_chinese():
    assert call("kpi_score", 28, RESPONSE) == [[5]]
    assert call("kpi_score", [[28], [45], [None], ["九十"]], RESPONSE)[:3] == [[5], [3], [""]]
    assert "九十" in call("kpi_score", [[28], [45], [None], ["九十"]], RESPONSE)[3][0]
    assert call("kpi_score", [[28, 61]], RESPONSE) == [[5, 1]]
    assert call("kpi_explain", "45秒", RESPONSE) == [["30秒 < 45秒 ≤ 60秒 → 3分"]]
    assert call("kpi_rule", "达到80%以上10分;低于75%,0分") == [["#KPI! 75%–80% 没有对应分值 / no score defined for 75%–80%"]]
    assert call("kpi_grade", 85, "support-center-quarterly") == [["良好"]]
    assert call("kpi_coef", [[95], [85]], [["等级", "下限", "系数"], ["优", 90, 1.5], ["差", 0, 0.5]]) == [[1.5], [0.5]]
    assert call("kpi_blend", [[5, 3, 3]], [["15%", "60%", "25%"]])[0][0] == pytest.approx(3.3)
    assert call("kpi_calibrate", [[4, 5]], 0.2, 1, 5) == [["需校准"]]


def test_protocol_team_spills_the_engine_results():
    df = kpixl.read_table("samples/team.csv")
    spilled = call("kpi_team", _roster_range(df), "support-center-quarterly")
    expected = kpixl.score("support-center-quarterly", df)
    assert spilled[0] == list(expected.columns)
    assert [r[spilled[0].index("总分")] for r in spilled[1:]] == expected["总分"].tolist()
    assert [r[spilled[0].index("等级")] for r in spilled[1:]] == expected["等级"].tolist()
    assert spilled[1][spilled[0].index("总分")] == 85  # seed 000's sample person


def _officejs_range(df: pd.DataFrame) -> list[list]:
    """A range as Office.js sends it: empty cells are "", never None."""
    return [list(df.columns)] + [["" if (v is None or (isinstance(v, float) and v != v)) else v for v in row] for row in df.itertuples(index=False)]


def test_protocol_team_at_10000_rows_equals_the_engine():
    scheme = kpixl.load_scheme("support-center-quarterly")
    df = pd.DataFrame(make_rows(scheme, 10_000, random.Random(11), blank=0.03, override=0.02))
    spilled = call("kpi_team", _officejs_range(df), scheme.id)
    expected = kpixl.score(scheme, df)
    assert len(spilled) == 10_001 and spilled[0] == list(expected.columns)
    for h in ("总分", "等级", "奖金系数", "排名", "标记"):
        got = [r[spilled[0].index(h)] for r in spilled[1:]]
        assert got == expected[h].tolist(), h


def test_protocol_team_reads_empty_and_error_cells_as_missing_never_zero():
    df = kpixl.read_table("samples/team.csv").head(2)
    grid = _officejs_range(df)
    col = grid[0].index("服务规范度")
    grid[1][col] = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}  # an error cell, as Office.js sends it
    grid[2][col] = ""  # an empty cell
    spilled = call("kpi_team", grid, "support-center-quarterly")
    flags = [r[spilled[0].index("标记")] for r in spilled[1:]]
    assert all("缺失:服务规范度（按最低分1计）" in f for f in flags), flags  # 1–5 scale: the lowest, flagged


# ----------------------------------------------------------------------------- scripts on a JSON book
def _book_json(sid: str, roster: pd.DataFrame, tmp_path) -> dict:
    """A book as the Office.js client sends it, made from a generated workbook + a roster."""
    wb = openpyxl.load_workbook(build(sid, tmp_path))

    def values(name):
        ws = wb[name]
        return [[c.value for c in row] for row in ws.iter_rows(max_col=ws.max_column)]

    team = _roster_range(roster)
    sheets = [
        {"name": TEAM, "values": team},
        {"name": LIBRARY, "values": values(LIBRARY)},
        {"name": GRADES, "values": [r[:3] for r in values(GRADES)]},
        {"name": GUIDE, "values": [["填写说明", "方案 id", sid]]},
    ]
    for s in sheets:
        s.update({"pictures": [], "tables": []})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": f"{sid}.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def run_script(name: str, book: xw.Book) -> list[dict]:
    async def run():
        return await custom_scripts_call(kpixl_udfs, name, typehint_to_value={xw.Book: book})

    return anyio.run(run).json()["actions"]


def _written(actions: list[dict], sheet_name: str) -> list[list]:
    added = [a for a in actions if a["func"] == "addSheet"]
    pos = next(a["args"][0] for a in added if a["args"][1] == sheet_name)
    return next(a["values"] for a in actions if a["func"] == "setValues" and a["sheet_position"] == pos and a["start_row"] == 0)


def test_script_score_writes_engine_results(tmp_path):
    roster = kpixl.read_table("samples/team.csv")
    book = xw.Book(json=_book_json("support-center-quarterly", roster, tmp_path))
    actions = run_script("汇总评分", book)
    table = _written(actions, "评分结果")
    expected = kpixl.score("support-center-quarterly", roster)
    assert table[0] == list(expected.columns)
    assert [r[table[0].index("总分")] for r in table[1:]] == expected["总分"].tolist()
    assert "已评分 12 人" in _written(actions, "kpixl")[0][0]


def test_script_uses_the_books_edited_tiers(tmp_path):
    roster = kpixl.read_table("samples/team.csv")
    data = _book_json("support-center-quarterly", roster, tmp_path)
    grades = next(s for s in data["sheets"] if s["name"] == GRADES)["values"]
    row = next(r for r in grades if r[0] == "良好")
    row[1] = 86  # 良好 now from 86: E001's 85 becomes 合格
    actions = run_script("汇总评分", xw.Book(json=data))
    table = _written(actions, "评分结果")
    e001 = next(r for r in table[1:] if r[0] == "E001")
    assert e001[table[0].index("等级")] == "合格"


def test_script_payout_and_audit(tmp_path):
    roster = kpixl.read_table("samples/team.csv")
    book = xw.Book(json=_book_json("support-center-quarterly", roster, tmp_path))
    payout = _written(run_script("导出奖金系数", book), "奖金系数表")
    e001 = next(r for r in payout[1:] if r[0] == "E001")
    assert e001[payout[0].index("奖金")] == 1440  # 6000 × 20% × 1.2
    roster["服务规范度"] = roster["服务规范度"].astype(object)
    roster.loc[2, "服务规范度"] = "很好"
    book = xw.Book(json=_book_json("support-center-quarterly", roster, tmp_path / "b"))
    issues = _written(run_script("校验", book), "问题清单")
    assert issues[0] == ["级别", "工作表", "单元格", "问题"]
    assert any(r[0] == "错误" and r[2] == "F4" and "很好" in r[3] for r in issues[1:])


def test_script_forms_explains_what_lite_cannot_do(tmp_path):
    roster = kpixl.read_table("samples/team.csv")
    book = xw.Book(json=_book_json("support-center-quarterly", roster, tmp_path))
    message = _written(run_script("生成个人考核表", book), "kpixl")[0][0]
    assert message.startswith("#KPI!") and "kpixl forms" in message


def test_script_on_a_foreign_book_says_so():
    data = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "x.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": "Sheet1", "values": [[None]], "pictures": [], "tables": []}],
    }
    message = _written(run_script("汇总评分", xw.Book(json=data)), "kpixl")[0][0]
    assert "不是 kpixl 生成的考核表" in message


def test_vba_facing_names_and_descriptions_are_ascii():
    """Classic xlwings writes these into a VBA module: non-ASCII breaks on code page 936 Windows."""
    meta = custom_functions_meta(kpixl_udfs)
    for f in meta["functions"]:
        texts = [f["name"], f.get("description") or "", *(p["name"] for p in f["parameters"]), *(p.get("description") or "" for p in f["parameters"])]
        for t in texts:
            assert t.isascii(), (f["name"], t)
    for alias in ("make_forms", "score_team", "export_payout", "audit"):
        assert callable(getattr(kpixl_udfs, alias))


# ----------------------------------------------------------------------------- classic xlwings
def _classic_vba() -> str:
    """The VBA that classic xlwings' "Import Functions" writes for kpixl_udfs, generated by xlwings'
    own code (xlwings.udfs.generate_vba_wrapper) with its Windows-only imports stubbed."""
    import importlib
    import io
    import sys
    import types

    class _Stub(types.ModuleType):
        def __getattr__(self, name):
            return lambda *a, **k: None

    saved = {n: sys.modules.get(n) for n in ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs")}
    decorators = {n: getattr(xw, n) for n in ("func", "arg", "ret", "script")}
    try:
        for n in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
            sys.modules[n] = _Stub(n)
        udfs = importlib.import_module("xlwings.udfs")
        xw.func, xw.arg, xw.ret, xw.script = udfs.xlfunc, udfs.xlarg, udfs.xlret, udfs.xlsub  # as on Windows
        spec = importlib.util.spec_from_file_location("kpixl_udfs_classic", kpixl_udfs.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out = io.StringIO()
        udfs.generate_vba_wrapper("kpixl_udfs", module, out, types.SimpleNamespace(Name="kpixl.xlsm"))
        return out.getvalue()
    finally:
        for n, d in decorators.items():
            setattr(xw, n, d)
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m


def test_classic_xlwings_writes_ascii_only_vba():
    vba = _classic_vba()
    for name in ("KPI_SCORE", "KPI_EXPLAIN", "KPI_RULE", "KPI_GRADE", "KPI_COEF", "KPI_BLEND", "KPI_CALIBRATE", "KPI_TEAM"):
        assert f"Function {name.lower()}(" in vba  # VBA names are case-insensitive; Excel shows them upper-case
    non_ascii = [line for line in vba.splitlines() if not line.isascii()]
    assert non_ascii == [], non_ascii  # code page 936 garbles anything else in a VBA module
