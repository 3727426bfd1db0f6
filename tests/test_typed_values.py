"""What people type, read alike by the generated workbook (recalculated by LibreOffice) and the engine.

A corpus of typed values — numbers, numbers stored as text, a number with each unit word of the
field, full-width digits, 无, blank words, percent-formatted numbers, and values the sheet refuses —
is typed into 团队汇总 and 考核表. Where the sheet reads a value its points equal ``kpixl.score`` on
the same file (read as ``kpixl score`` reads it, percent formats included); where it cannot, it says
无法读取 (never #N/A, never a number) and its data validation refuses the value; one unreadable row
leaves the others' ranks alone. These tests need LibreOffice: without it they fail, never skip.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.workbook.defined_name import DefinedName
from rosters import make_rows

import kpixl
from kpixl.errors import KpixlError
from kpixl.excel import FORM, TEAM, build
from kpixl.excel.compiler import UNREADABLE
from kpixl.excel.recalc import recalculate
from kpixl.excel.workbook import build_workbook, save_reproducible
from kpixl.roster import read_table
from kpixl.units import parse_value, too_large, typed_units
from kpixl.xl import FUNCTIONS, excel_read, excel_readable, functions_used, reader_names
from kpixl.xlsx_percent import is_percent_format, percent_cells, shown_percent

PCT = "pct"  # a number typed into a cell formatted 0%: the person sees 105% for 1.05

#: typed values the engine reads but the sheet does not (and refuses by validation): the reader
#: reads plain digits and one unit word only — documented in docs/workbooks.md
SHEET_REFUSES = {"1分30秒", "1:30", "1,000", "28秒 ", "¥5", "-5", "\u300028", "N / A"}


def corpus(unit: str) -> list[object]:
    """Typed values for a field in ``unit``: what people type, in every unit word of its kind."""
    words = [u for u, _, _ in typed_units(unit) if u]
    values: list[object] = [0, 1, 2.5, 28, 92, 0.88, 1.05, "28", " 28 ", "5.", ".5", "２８", "0"]
    values += [f"2{u}" for u in words] + [f"1.5 {u}" for u in words[:3]] + [f"２{u}" for u in words[:1]]
    values += ["无", "没有", "零", "N/A", "/", "-", "空", "na", "N / A"]
    values += ["1分30秒", "1:30", "1,000", "1e3", "-5", "¥5", "28秒 ", "abc", "5 5", "TRUE", "1/2", "\u300028", "?", "*"]
    values += [(PCT, 1.05), (PCT, 0.88)]
    # the largest values scored and the smallest refused as too large (kpixl.units.too_large)
    values += [999999999999999, 999999999999999.5, 1e15, -1e15, 1e308, "999999999999999", "1000000000000000", (PCT, 9999999999999.99)]
    return values


def _typed(v: object) -> object:
    return v[1] if isinstance(v, tuple) else v


def _fill(built: Path, rows: list[dict], pct: set[tuple[int, str]], dst: Path) -> Path:
    """Rows into 团队汇总 (header → value); ``pct`` cells (row index, header) get a percent format."""
    wb = openpyxl.load_workbook(built)
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    for r, row in enumerate(rows, 2):
        for h, v in row.items():
            if v is not None:
                cell = ws.cell(r, col[h], v)
                if (r - 2, h) in pct:
                    cell.number_format = "0%"
    wb.save(dst)
    return dst


def _team_after_recalc(scheme: kpixl.Scheme, rows: list[dict], tmp_path: Path) -> list[dict]:
    """``rows`` typed into a built 团队汇总, recalculated by LibreOffice: each row's cells by header."""
    built = build(scheme, tmp_path / "wb")
    (tmp_path / "in").mkdir()
    src = _fill(built, rows, set(), tmp_path / "in" / "t.xlsx")
    ws = openpyxl.load_workbook(recalculate([src], tmp_path / "out")[0], data_only=True)[TEAM]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, [c.value for c in ws[i + 2]], strict=False)) for i in range(len(rows))]


def _numeric_inputs(scheme: kpixl.Scheme) -> list[tuple[object, str, str]]:
    """(rule, field, header) of every input that reads numbers (not a list of options)."""
    out = []
    for ind in scheme.indicators:
        for rater in ind.raters or (None,):
            for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True):
                if ind.rule.excel_readable(f, "A1") is not None:
                    out.append((ind.rule, f, h))
    out += [(v.rule, "", v.column) for v in scheme.vetoes]
    return out


def _engine(scheme: kpixl.Scheme, table: pd.DataFrame, i: int) -> pd.Series | None:
    """The engine's result for row ``i`` alone, or None where it refuses the row."""
    try:
        return kpixl.score(scheme, table.iloc[[i]].reset_index(drop=True)).iloc[0]
    except KpixlError:
        return None


SCHEMES = ["support-center-quarterly", "kpi-pay-tier", "service-manager", "online-agent"]


def test_team_sheet_reads_typed_values_as_the_engine(soffice, tmp_path):
    (tmp_path / "wb").mkdir()
    (tmp_path / "in").mkdir()
    plans, inputs = {}, []
    for sid in SCHEMES:
        scheme = kpixl.load_scheme(sid)
        base = make_rows(scheme, 1, random.Random(7), blank=0, override=0)[0]
        rows, pct, varied = [], set(), []
        for rule, f, h in _numeric_inputs(scheme):
            for v in corpus(rule.input_unit(f)):
                if isinstance(v, tuple):
                    pct.add((len(rows), h))
                rows.append({**base, "工号": f"E{len(rows) + 1:04d}", h: _typed(v)})
                varied.append((h, v))
        built = build(sid, tmp_path / "wb", rows=len(rows))
        inputs.append(_fill(built, rows, pct, tmp_path / "in" / f"{sid}.xlsx"))
        plans[sid] = (scheme, rows, varied)
    outs = recalculate(inputs, tmp_path / "out")
    compared = refused = 0
    for (scheme, _rows, varied), src, out in zip(plans.values(), inputs, outs, strict=True):
        table = read_table(src)  # as `kpixl score` reads the file: a percent-formatted 1.05 is "105%"
        ws = openpyxl.load_workbook(out, data_only=True)[TEAM]
        header = [c.value for c in ws[1]]
        numeric = [h for h in scheme.result_headers() if h.endswith(("得分", "小计")) or h in ("总分", "奖金系数")]
        readable = []
        for i, (h, v) in enumerate(varied):
            got = dict(zip(header, [c.value for c in ws[i + 2]], strict=False))
            assert not any(isinstance(x, str) and x.startswith("#") for x in got.values()), f"{scheme.id} {h}={v!r}: {got}"
            exp = _engine(scheme, table, i)
            where = f"{scheme.id} {h}={v!r}"
            if exp is None or _typed(v) in SHEET_REFUSES:
                # the engine refuses the value, or the sheet does not read it: 无法读取, and the 标记 says where
                assert got["总分"] == UNREADABLE and got["等级"] in (None, "") and got["排名"] in (None, ""), f"{where}: {got}"
                assert f"{UNREADABLE}:" in (got["标记"] or ""), f"{where}: {got['标记']}"
                refused += 1
                continue
            for r in numeric:
                assert got[r] is not None and math.isclose(got[r], exp[r], abs_tol=1e-9), f"{where} {r}: sheet {got[r]} ≠ engine {exp[r]}"
            assert (got["等级"] or "") == exp["等级"] and (got["标记"] or "") == exp["标记"], f"{where}: {got} vs {exp.to_dict()}"
            readable.append(i)
            compared += 1
        # the ranks of everyone readable, among themselves, are the engine's ranks of the same people
        ranks = kpixl.score(scheme, table.iloc[readable].reset_index(drop=True))["排名"].tolist()
        sheet_ranks = [ws.cell(i + 2, header.index("排名") + 1).value for i in readable]
        assert sheet_ranks == ranks, scheme.id
    assert compared > 300 and refused > 100


def test_one_unreadable_row_leaves_the_others_ranks(soffice, tmp_path):
    scheme = kpixl.load_scheme("support-center-quarterly")
    rows = make_rows(scheme, 12, random.Random(3), blank=0, override=0)
    rows[4]["平均响应时长"] = "1分30秒"  # the engine reads it; the sheet refuses it
    rows[7]["一次解决率"] = "abc"  # nobody reads it
    got = _team_after_recalc(scheme, rows, tmp_path)
    good = [i for i in range(len(rows)) if i not in (4, 7)]
    expected = kpixl.score(scheme, pd.DataFrame([rows[i] for i in good]))
    assert [got[i]["排名"] for i in good] == expected["排名"].tolist()
    assert [got[i]["总分"] for i in good] == expected["总分"].tolist()
    for i, name in ((4, "平均响应时长"), (7, "一次解决率")):
        assert got[i][f"{name}得分"] == UNREADABLE and got[i]["总分"] == UNREADABLE and got[i]["排名"] in (None, "")
        assert got[i]["标记"] == f"{UNREADABLE}:{name}"


def _validation_sheet(path: Path, cases: list[tuple[str, object]]) -> Path:
    """One row per (unit, value): the value in A, the validation formula in B, the reader in C."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for name, text in reader_names({u for u, _ in cases}).items():
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    for r, (unit, v) in enumerate(cases, 1):
        a = ws.cell(r, 1, _typed(v))
        if isinstance(v, tuple):
            a.number_format = "0%"
        ws.cell(r, 2, "=" + excel_readable(f"A{r}", unit))
        ws.cell(r, 3, "=" + excel_read(f"A{r}", unit))
    wb.save(path)
    return path


def _engine_value(v: object, unit: str) -> float | None:
    """What the engine reads (a percent-formatted cell as the text the person sees); None if refused."""
    raw = shown_percent(v[1]) if isinstance(v, tuple) else v
    try:
        return parse_value(raw, unit)
    except KpixlError:
        return None


def test_validation_accepts_exactly_what_the_sheet_reads(soffice, tmp_path):
    units = ["秒", "小时", "%", "", "次", "家", "元", "万元", "分", "天"]
    cases = [(u, v) for u in units for v in corpus(u)]
    src = _validation_sheet(tmp_path / "v.xlsx", cases)
    ws = openpyxl.load_workbook(recalculate([src], tmp_path / "out")[0], data_only=True).active
    for r, (unit, v) in enumerate(cases, 1):
        valid, read = ws.cell(r, 2).value, ws.cell(r, 3).value
        engine = _engine_value(v, unit)
        sheet_reads = read is None or read == "" or isinstance(read, int | float)
        assert valid is sheet_reads, f"{unit!r} {v!r}: validation {valid}, reader {read!r}"
        if isinstance(read, int | float):  # what the sheet reads, the engine reads the same
            assert engine is not None and math.isclose(read, engine, rel_tol=1e-12, abs_tol=1e-15), f"{unit!r} {v!r}: {read} ≠ {engine}"
        elif read in (None, ""):
            assert engine is not None and math.isnan(engine), f"{unit!r} {v!r}: the sheet reads a blank, the engine {engine}"
        elif engine is not None:  # the sheet refuses a value the engine reads: only the documented ones
            assert _typed(v) in SHEET_REFUSES or (isinstance(v, tuple) and unit != "%"), f"{unit!r} {v!r}: the engine reads {engine}"


def test_validation_fits_excel_and_uses_common_functions():
    for unit in ["秒", "小时", "%", "", "次", "个工作日", "万元", "分", "级"]:
        for cell in ("E7", "AB12"):
            check = excel_readable(cell, unit)
            assert len(check) <= 255, (unit, len(check))
            assert functions_used(check) <= FUNCTIONS and functions_used(excel_read(cell, unit)) <= FUNCTIONS


#: support-center-quarterly, 服务规范度 4, 问题解决能力 5, 平均响应时长 28秒, 一次解决率 0.88, 客户满意度 92%,
#: 投诉率 无, 跨部门协作响应速度 0.5小时: 服务质量 90, 工作效率 80, 客户反馈 80, 团队协作 100 →
#: 0.4×90 + 0.3×80 + 0.2×80 + 0.1×100 = 86; then one value changed per case (column, typed, percent format, 总分)
HAND = [
    ("平均响应时长", "28秒", False, 86),  # ≤30秒 → 5
    ("平均响应时长", "1分钟", False, 80),  # 60秒: 30-60秒 → 3; 工作效率 50+30 → 60
    ("平均响应时长", "1.5分钟", False, 74),  # 90秒 > 60 → 1; 工作效率 10+30 → 40
    ("跨部门协作响应速度", "2天", False, 82),  # 48小时: 24-48 → 3; 团队协作 60
    ("一次解决率", "90%", False, 92),  # ≥90% → 5; 工作效率 100
    ("一次解决率", 1.05, True, 92),  # shown 105% → 5
    ("一次解决率", 1.05, False, 80),  # 1.05 typed plain: the percent convention, 1.05% → 1; 工作效率 60
    ("客户满意度", 0.95, True, 90),  # shown 95% → 5; 客户反馈 100
    ("客户满意度", "９５", False, 90),  # full-width 95 → 95% → 5
]


def test_hand_computed_totals_of_typed_values(soffice, tmp_path):
    row = {"工号": "E1", "姓名": "甲", "服务规范度": 4, "问题解决能力": 5, "平均响应时长": "28秒", "一次解决率": 0.88,
           "客户满意度": "92%", "投诉率": "无", "跨部门协作响应速度": "0.5小时"}  # fmt: skip
    scheme = kpixl.load_scheme("support-center-quarterly")
    built = build(scheme, tmp_path / "wb")
    (tmp_path / "in").mkdir()
    files = [
        _fill(built, [{**row, column: value}], {(0, column)} if pct else set(), tmp_path / "in" / f"t{k}.xlsx")
        for k, (column, value, pct, _) in enumerate(HAND)
    ]
    for (column, value, _, total), src, out in zip(HAND, files, recalculate(files, tmp_path / "out"), strict=True):
        ws = openpyxl.load_workbook(out, data_only=True)[TEAM]
        got = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=False))
        assert got["总分"] == total, (column, value)
        assert kpixl.score(scheme, read_table(src))["总分"].tolist() == [total], (column, value)


def test_the_printed_form_reads_typed_values(soffice, tmp_path):
    """考核表: one form per typed value; its points and total are the engine's, or 无法读取."""
    scheme = kpixl.load_scheme("support-center-quarterly")
    base = {"服务规范度": 4, "问题解决能力": 5, "平均响应时长": 28, "一次解决率": 0.88, "客户满意度": 0.92, "投诉率": 0, "跨部门协作响应速度": 0.5}
    cases = [("平均响应时长", "1.5分钟"), ("平均响应时长", "0.5 min"), ("跨部门协作响应速度", "2天"), ("跨部门协作响应速度", "90分钟"),
             ("一次解决率", (PCT, 1.05)), ("客户满意度", "95%"), ("投诉率", "无"), ("投诉率", "N/A"), ("服务规范度", "３分"),
             ("平均响应时长", "1:30"), ("平均响应时长", "abc"), ("一次解决率", "5次")]  # fmt: skip
    (tmp_path / "in").mkdir()
    files = []
    for k, (column, v) in enumerate(cases):
        wb = build_workbook(scheme, team=False)
        ws = wb[FORM]
        for h, x in {**base, column: _typed(v)}.items():
            ws[wb.kpixl_form_layout[h]] = x
        if isinstance(v, tuple):
            ws[wb.kpixl_form_layout[column]].number_format = "0%"
        files.append(tmp_path / "in" / f"f{k}.xlsx")
        save_reproducible(wb, str(files[-1]))
    for (column, v), out in zip(cases, recalculate(files, tmp_path / "out"), strict=True):
        layout = build_workbook(scheme, team=False).kpixl_form_layout
        ws = openpyxl.load_workbook(out, data_only=True)[FORM]
        total = ws[layout["总分"]].value
        raw = shown_percent(v[1]) if isinstance(v, tuple) else v
        try:
            exp = kpixl.score(scheme, pd.DataFrame([{"工号": "1", "姓名": "甲", **base, column: raw}])).iloc[0]
        except KpixlError:
            exp = None
        if exp is None or _typed(v) in SHEET_REFUSES:
            assert total == UNREADABLE, f"{column}={v!r}: {total}"
        else:
            assert total == exp["总分"], f"{column}={v!r}: sheet {total} ≠ engine {exp['总分']}"
        assert not any(isinstance(c.value, str) and c.value.startswith("#") for row in ws.iter_rows() for c in row), f"{column}={v!r}"


def test_adjusted_flag_only_when_the_override_differs(soffice, tmp_path):
    scheme = kpixl.load_scheme("support-center-quarterly")
    row = {"工号": "E1", "姓名": "甲", "服务规范度": 4, "问题解决能力": 5, "平均响应时长": 28, "一次解决率": 0.88,
           "客户满意度": 0.92, "投诉率": 0, "跨部门协作响应速度": 30}  # fmt: skip
    rows = [{**row, "一次解决率·调整得分": 3}, {**row, "工号": "E2", "一次解决率·调整得分": 4}]  # the rule gives 3
    flags = [row["标记"] or "" for row in _team_after_recalc(scheme, rows, tmp_path)[:2]]
    engine = kpixl.score(scheme, pd.DataFrame(rows))["标记"].tolist()
    assert engine[0] == "" and flags[0] == ""
    assert engine[1].startswith("调整:一次解决率") and flags[1] == "调整:一次解决率→4"


def test_percent_cells_of_an_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "一次解决率", "备注"])
    ws.append(["E1", 1.05, "105%"])
    ws.append(["E2", 0.88, 3])
    ws["B2"].number_format = "0%"
    ws["B3"].number_format = '0.0"%"'  # a literal % sign in quotes: not a percent format
    ws["C2"].number_format = "0.00%"  # text in a percent-formatted cell stays text
    ws["C3"].number_format = "[Red]0.00%"
    wb.save(tmp_path / "p.xlsx")
    assert percent_cells(tmp_path / "p.xlsx") == {(2, 2), (3, 3)}
    table = read_table(tmp_path / "p.xlsx")
    assert table["一次解决率"].tolist() == ["105%", 0.88] and table["备注"].tolist() == ["105%", "300%"]
    assert is_percent_format("0%") and is_percent_format("#,##0.00%") and not is_percent_format('0"%"')
    assert shown_percent(1.05) == "105%" and shown_percent(0.123) == "12.3%"


def test_a_wildcard_is_no_yes_or_no(soffice, tmp_path):
    """``?`` or ``*`` typed where 是/否 is asked: neither the engine nor the sheet reads it as a word
    (Excel's MATCH would take it for a wildcard and match 是)."""
    scheme = kpixl.load_scheme("phone-agent-monthly")
    row = make_rows(scheme, 1, random.Random(5), blank=0, override=0)[0]
    rows = [{**row, "投诉处理·2小时内响应": "?"}, {**row, "工号": "E2", "投诉处理·2小时内响应": "是"}]
    with pytest.raises(KpixlError):
        kpixl.score(scheme, pd.DataFrame(rows[:1]))
    got = _team_after_recalc(scheme, rows, tmp_path)[:2]
    assert got[0]["投诉处理得分"] == UNREADABLE and got[0]["标记"] == f"{UNREADABLE}:投诉处理"
    assert got[1]["总分"] == kpixl.score(scheme, pd.DataFrame(rows[1:]))["总分"][0]


def test_rows_of_blank_words_and_dashes_are_read_alike(soffice, tmp_path):
    """A row with a blank word or a dash in every input — N/A, "-", the en dash, "——" — is written
    in: the sheet (COUNTA) and the engine both score it with each item's lowest points and a 缺失
    flag (1 of 5 everywhere: 20, by hand), and read the dashes as blanks, never 无法读取; a row of
    empty cells is 未提交 in both."""
    scheme = kpixl.load_scheme("support-center-quarterly")
    full = {"服务规范度": 5, "问题解决能力": 5, "平均响应时长": 20, "一次解决率": "95%", "客户满意度": "96%", "投诉率": 0}
    full["跨部门协作响应速度"] = 10
    rows = [{"工号": "E1", "姓名": "甲", **full}]
    for k, word in enumerate(("N/A", "-", "–", "——", "−")):
        rows.append({"工号": f"E{k + 2}", "姓名": f"乙{k}", **{h: word for h in full}})
    rows.append({"工号": "E9", "姓名": "丙"})
    got = _team_after_recalc(scheme, rows, tmp_path)
    engine = kpixl.score(scheme, pd.DataFrame(rows))
    assert [g["总分"] for g in got[:6]] == [100, 20, 20, 20, 20, 20] == engine["总分"].tolist()[:6]
    for i in range(1, 6):
        assert got[i]["标记"] == engine.loc[i, "标记"] and got[i]["标记"].count("缺失:") == len(full)
    assert got[6]["标记"] == "未提交" == engine.loc[6, "标记"] and got[6]["总分"] in (None, "") and pd.isna(engine.loc[6, "总分"])


#: magnitudes on both sides of 1E15, where LibreOffice's comparison is approximate: a fraction within
#: about 3.55 of 10^15 compares equal to it (999999999999996.5 is refused, .25 is not), a whole number
#: compares exactly (999999999999999 is below it)
NEAR_BOUND = [
    999999999999999, 999999999999999.5, 999999999999999.875, 999999999999998.5, 999999999999996.5, 999999999999996.25,
    999999999999995.5, 999999999999996, 1e15, 1e15 + 0.125, 999999999999990.5, -999999999999999.5, -999999999999999,
    1e308, -1e308, 1e14 + 0.5, 0, 5e-324,
]  # fmt: skip


def test_too_large_is_the_sheets_comparison(soffice, tmp_path):
    """The engine's bound on a value read (kpixl.units.too_large) against ``ABS(x)<1E15`` recalculated
    by LibreOffice, on the values where the two could part: the formula every points formula reads
    an input through (Rule.excel_input) is that comparison."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, v in enumerate(NEAR_BOUND, 1):
        ws.cell(r, 1, v)
        ws.cell(r, 2, f"=ABS(A{r})<1E15")
    wb.save(tmp_path / "bound.xlsx")
    got = openpyxl.load_workbook(recalculate([tmp_path / "bound.xlsx"], tmp_path / "out")[0], data_only=True).active
    engine = too_large(NEAR_BOUND)
    for r, v in enumerate(NEAR_BOUND, 1):
        assert got.cell(r, 2).value is (not engine[r - 1]), f"{v!r}: the sheet says {got.cell(r, 2).value}, the engine {not engine[r - 1]}"
    # by hand: the whole 15-digit number is scored, 10^15 and a fraction a hair below it are not
    assert list(engine[:3]) == [False, True, True] and engine[8] and not engine[5]


def test_an_adjustment_the_sheet_refuses_is_named_in_the_flags(soffice, tmp_path):
    """service-staff's 奖励/处罚 counters: a value too large (1E15), an unreadable one (abc) and a
    negative count (-1) — each refused by the engine, naming the cell — show 无法读取 on the
    adjustment and the total, and the 标记 names the adjustment (before: 标记 stayed empty)."""
    scheme = kpixl.load_scheme("service-staff")
    rows = make_rows(scheme, 5, random.Random(5), blank=0, override=0)
    rows[1]["奖励·被公司表扬"] = 1e15
    rows[2]["处罚·被部门批评"] = "abc"
    rows[3]["奖励·收到顾客表扬信"] = -1
    for i in (1, 2, 3):
        with pytest.raises(KpixlError):
            kpixl.score(scheme, pd.DataFrame([rows[i]]))
    got = _team_after_recalc(scheme, rows, tmp_path)
    for i, name in ((1, "奖励"), (2, "处罚"), (3, "奖励")):
        assert got[i]["调整分"] == UNREADABLE and got[i]["总分"] == UNREADABLE, got[i]
        assert f"{UNREADABLE}:{name}" in (got[i]["标记"] or ""), got[i]["标记"]
    expected = kpixl.score(scheme, pd.DataFrame([rows[0], rows[4]]))
    assert [got[0]["总分"], got[4]["总分"]] == expected["总分"].tolist()
    assert not any(UNREADABLE in (got[i]["标记"] or "") for i in (0, 4))  # (需校准 is the engine's alone)
