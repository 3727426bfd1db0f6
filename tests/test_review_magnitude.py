"""Review of the 1E15 bound on values read (kpixl.units.too_large): where the evaluators still parted.

Expected values are by hand: a value at or beyond 1E15 is refused by every evaluator, naming it.
"""

from __future__ import annotations

import random
import warnings

import openpyxl
import pandas as pd
import pytest
from rosters import make_rows

import kpixl as k
from kpixl.addin import kpi_explain, kpi_score, kpi_team
from kpixl.errors import RosterError, SchemeError, ValueParseError
from kpixl.rubric import parse_rule

BANDS = "≤30秒得5分;30-60秒3分;>60秒1分"


@pytest.mark.parametrize("value", [1e308, 1e15, 999999999999999.5, "1000000000000000秒", "999999999999999.9"])
def test_a_band_rule_refuses_a_value_too_large_one_cell_at_a_time(value):
    """The add-in's per-cell path (Rule.score_one) asked the kind's own invalid_one, which for bands
    and scales did not know the bound: KPI_SCORE(1e308, "≤30秒得5分;…") gave 1 where kpixl.score
    and the sheet refuse the value."""
    rule = parse_rule(BANDS)
    with pytest.raises(ValueParseError, match="1E15"):
        rule.score(value)
    with pytest.raises(ValueParseError, match="1E15"):
        rule.score_one(value)
    got = kpi_score(value, BANDS)
    assert isinstance(got, str) and got.startswith("#KPI!") and "1E15" in got, got
    assert kpi_score(999999999999999, BANDS) == 1  # the largest whole number below the bound: > 60秒 → 1分


def test_a_scale_refuses_near_the_bound_as_the_sheet_does():
    """A 评分 scale whose top (指标库) is 999999999999999: 999999999999998.5 is within its range,
    but LibreOffice's ABS(x)<1E15 calls it equal to 1E15 (too_large), so every evaluator refuses it."""
    rule = parse_rule("评分1-5分").with_params({"hi": 999999999999999})
    with pytest.raises(ValueParseError, match="1E15"):
        rule.score(999999999999998.5)
    with pytest.raises(ValueParseError, match="1E15"):
        rule.score_one(999999999999998.5)
    assert rule.score_one(999999999999998) == 999999999999998  # a whole number compares exactly: scored


def test_explain_refuses_it_too():
    got = kpi_explain(1e308, BANDS)
    assert isinstance(got, str) and got.startswith("#KPI!") and "1E15" in got, got


#: 1E-15 and values a hair each side of it: LibreOffice's >= is approximate (a relative 2^-48), so
#: 1E-15×(1−2^-49) is equal to 1E-15 there and accepted, 1E-15×(1−2^-46) is below it and refused
TINY_OK = [1e-15, 1e-15 * (1 - 2**-49), "0.000000000000001"]
TINY_REFUSED = [1e-300, 5e-324, 9e-16, 1e-15 * (1 - 2**-46)]


def _ratio_rows(denominators: list[object]) -> list[dict]:
    """service-manager rows: 客服工作计划完成率 = 1 / denominator (a single denominator)."""
    scheme = k.load_scheme("service-manager")
    base = make_rows(scheme, 1, random.Random(7), blank=0, override=0)[0]
    col = "客服工作计划完成率·"
    return [{**base, "工号": f"E{i}", f"{col}实际完成量": 1, f"{col}应完成量": d} for i, d in enumerate(denominators, 1)]


def test_a_denominator_too_small_is_refused_by_the_engine_and_the_add_in():
    """1e14 / 1e-300 overflowed to ∞ in the engine (scored as the top band, 100分, or with a negative
    numerator as the bottom one) while the sheet's division failed: a denominator must be 0 (where
    denominators are averaged) or at least 1E-15, so a ratio of values read stays below 1E30."""
    rule = parse_rule("比率=实际完成量/应完成量;≥100%(100分);100%>/≥90%(80分);90%>/≥80%(60分);<80%(0分)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        for d in TINY_REFUSED:
            with pytest.raises(ValueParseError, match=r"应完成量.*1E-15"):
                rule.score({"实际完成量": 1e14, "应完成量": d})
        assert rule.score({"实际完成量": 999999999999999, "应完成量": 1e-15}) == 100  # 1E30 = 10^32 % ≥ 100%
    turnover = parse_rule("比率=离职人数/平均(月初人数,月末人数);≤15%(10分);>15%(0分)")
    with pytest.raises(ValueParseError, match=r"月初人数.*1E-15"):
        turnover.score({"离职人数": 1, "月初人数": 5e-324, "月末人数": 0})  # its average was 0 in the engine, not in the sheet
    assert turnover.score({"离职人数": 0, "月初人数": 0, "月末人数": 1e-15}) == 10  # 0 / 5E-16 = 0% ≤ 15%
    header = list(_ratio_rows([1])[0])
    got = kpi_team([header, *[[r[h] for h in header] for r in _ratio_rows([1e-300])]], "service-manager")
    assert isinstance(got, str) and got.startswith("#KPI! 第2行「客服工作计划完成率·应完成量」") and "1E-15" in got, got


def test_the_sheet_refuses_the_same_denominators(soffice, tmp_path):
    from kpixl.excel import TEAM, build
    from kpixl.excel.compiler import UNREADABLE
    from kpixl.excel.recalc import recalculate

    rows = _ratio_rows(TINY_OK + TINY_REFUSED)
    wb = openpyxl.load_workbook(build("service-manager", tmp_path / "wb", rows=len(rows)))
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    for r, row in enumerate(rows, 2):
        for h, v in row.items():
            if v is not None:
                ws.cell(r, col[h], v)
    (tmp_path / "in").mkdir()
    wb.save(tmp_path / "in" / "t.xlsx")
    out = openpyxl.load_workbook(recalculate([tmp_path / "in" / "t.xlsx"], tmp_path / "out")[0], data_only=True)[TEAM]
    got = [out.cell(r, col["客服工作计划完成率得分"]).value for r in range(2, len(rows) + 2)]
    # 1 / 1E-15 = 10^17 % ≥ 100% → 100分 where the denominator is read; 无法读取 where it is refused
    assert got == [100] * len(TINY_OK) + [UNREADABLE] * len(TINY_REFUSED)
    for i, row in enumerate(rows):
        one = pd.DataFrame([row])
        if i < len(TINY_OK):
            assert k.score("service-manager", one)["客服工作计划完成率得分"].tolist() == [100]
        else:
            with pytest.raises(RosterError, match="1E-15"):
                k.score("service-manager", one)


def test_a_library_number_too_small_to_divide_by_is_named(tmp_path):
    """每档数量 edited to 1e-307: 600 short / 1e-307 overflowed, the engine gave 0 points (or, with
    每少一档扣分 0, 0 × ∞ = NaN: 缺失) where the sheet said 无法读取. Now the workbook is refused."""
    from kpixl.excel import build
    from kpixl.excel.names import LIBRARY
    from kpixl.sources import read_scheme

    wb = openpyxl.load_workbook(build("supervisor-monthly", tmp_path / "wb"))
    lib = wb[LIBRARY]
    row = next(r for r in range(2, lib.max_row + 1) if lib.cell(r, 6).value == "i1.step")
    lib.cell(row, 4, 1e-307)
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(SchemeError, match=f"第{row}行.*1E-15"):
        read_scheme(tmp_path / "edited.xlsx")
    lib.cell(row, 4, 0.5)  # an ordinary edit still reads
    wb.save(tmp_path / "ok.xlsx")
    assert read_scheme(tmp_path / "ok.xlsx").indicators[0].rule.step == 0.5


def test_the_refused_value_is_shown_as_typed_not_as_numpy_writes_it(tmp_path):
    """A number column's refused value read 「值 np.float64(1e+308)」 (numpy 2's repr), and a whole
    1e308 came out as its 309 digits: the message shows 1e+308."""
    team = k.read_table("samples/team.csv")
    team["投诉率"] = [0.01 * i for i in range(len(team))]  # a float64 column
    team.loc[1, "投诉率"] = 1e308
    team["平均响应时长"] = team["平均响应时长"].astype(object)
    team.loc[2, "平均响应时长"] = int(1e308)  # a whole number as a Python int (an xlsx column of whole numbers)
    with pytest.raises(RosterError) as exc:
        k.score("support-center-quarterly", team)
    text = str(exc.value)
    assert "第3行 列「投诉率」 值 1e+308: 过大" in text, text
    assert "第4行 列「平均响应时长」 值 1e+308: 过大" in text, text
    assert "np." not in text


@pytest.mark.parametrize("points, problem", [("1.0e+308", "过大"), ("-1.0e+15", "过大"), ("1.0e-300", "过小")])
def test_a_scheme_file_number_has_the_library_bounds(tmp_path, points, problem):
    """分值 1.0e+308 in a scheme file scored totals of 1e308 and ∞ (two of them) with no word, where
    the same number edited into 指标库 is refused: a scheme file's numbers have the same bounds."""
    from pathlib import Path

    text = Path("kpixl/schemes/supervisor-monthly.yaml").read_text(encoding="utf-8")
    assert "        分值: 4\n" in text
    (tmp_path / "s.yaml").write_text(text.replace("        分值: 4\n", f"        分值: {points}\n", 1), encoding="utf-8")
    with pytest.raises(SchemeError, match=rf"分值（第\d+行）: 数值 .* {problem}"):
        k.load_scheme(str(tmp_path / "s.yaml"))


def test_a_payout_base_too_large_is_refused():
    """绩效工资基数 1e308 was paid (its 合计 ∞) with no word: a base is a value read, with its bound."""
    from kpixl.payout import payout

    results = k.score("support-center-quarterly", k.read_table("samples/team.csv").head(3))
    results["绩效工资基数"] = [1e308, "1000000000000000元", 5000]
    with pytest.raises(RosterError) as exc:
        payout(results, k.load_scheme("support-center-quarterly"))
    found = {(i.row, i.column): i.message for i in exc.value.issues}
    assert set(found) == {(2, "绩效工资基数"), (3, "绩效工资基数")} and all("1E15" in m for m in found.values()), found
    results["绩效工资基数"] = [999999999999999, 0, 5000]  # below the bound: paid
    assert payout(results, k.load_scheme("support-center-quarterly"))["绩效工资基数"].tolist()[:3] == [999999999999999, 0, 5000]


#: a rule that may go negative (可扣为负分) has no floor: its 调整得分 had no lower bound at all
NO_FLOOR = """\
id: no-floor
名称: 可扣为负分的调整得分
部分:
  - 名称: 业绩
    指标:
      - 名称: 回访
        分值: 50
        评分标准: "目标600人次(50分);每少1人次扣1分;可扣为负分"
      - 名称: 培训
        分值: 50
        评分标准: "目标10次(50分);每少1次扣5分;可扣为负分"
等级:
  - {等级: 合格, 下限: 0, 系数: 1.0}
  - {等级: 不合格, 下限: -1000000, 系数: 0}
"""


def test_an_override_too_large_is_refused_by_the_engine_and_the_sheet(soffice, tmp_path):
    """回访·调整得分 −1e308 was scored by both (total −1e308, 标记 with its 309 digits in the engine);
    two such overrides gave the engine a total of −∞ where the sheet said 无法读取."""
    from kpixl.excel import TEAM, build
    from kpixl.excel.compiler import UNREADABLE
    from kpixl.excel.recalc import recalculate

    (tmp_path / "s.yaml").write_text(NO_FLOOR, encoding="utf-8")
    scheme = k.load_scheme(str(tmp_path / "s.yaml"))
    base = {"工号": "E1", "姓名": "甲", "回访": 600, "培训": 10}
    cases = [
        {"回访·调整得分": -1e308},
        {"回访·调整得分": -1e308, "培训·调整得分": -1e308},
        {"回访·调整得分": -1e15},
        {"回访·调整得分": -999999999999999},
    ]
    rows = [{**base, "工号": f"E{i}", **c} for i, c in enumerate(cases, 1)]
    wb = openpyxl.load_workbook(build(scheme, tmp_path / "wb", rows=len(rows)))
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    for r, row in enumerate(rows, 2):
        for h, v in row.items():
            ws.cell(r, col[h], v)
    (tmp_path / "in").mkdir()
    wb.save(tmp_path / "in" / "t.xlsx")
    out = openpyxl.load_workbook(recalculate([tmp_path / "in" / "t.xlsx"], tmp_path / "out")[0], data_only=True)[TEAM]
    got = [out.cell(r, col["总分"]).value for r in range(2, len(rows) + 2)]
    # by hand: −999999999999999 + 50 (培训 at its target) = −999999999999949; the others refused
    assert got == [UNREADABLE, UNREADABLE, UNREADABLE, -999999999999949]
    for row in rows[:3]:
        with pytest.raises(RosterError, match=r"调整得分.*1E15"):
            k.score(scheme, pd.DataFrame([row]))
    assert k.score(scheme, pd.DataFrame([rows[3]]))["总分"].tolist() == [-999999999999949]
