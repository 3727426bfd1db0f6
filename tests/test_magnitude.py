"""Values too large to score: every evaluator refuses a value read at or beyond 1E15, naming it.

A count typed as 1e308 used to overflow the engine's sums to ±∞ (a 扣完为止 counter then gave 0
points, two counters gave -∞ or NaN) while the sheet showed an error. Now a value read must be below
1E15 in magnitude (:func:`kpixl.units.too_large`, LibreOffice's own ``ABS(x)<1E15`` — checked
against LibreOffice in tests/test_typed_values.py, where the typed-values corpus carries these
values through the workbook too), and so must every number of 指标库. Expected values here are by hand.
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from rosters import make_rows
from test_cli import kpixl

import kpixl as k
from kpixl.addin import kpi_score, kpi_team
from kpixl.errors import RosterError, SchemeError, ValueParseError
from kpixl.rubric import parse_rule
from kpixl.units import MAX_MAGNITUDE, too_large

BIG = [1e15, -1e15, 1e308, -1e308, 999999999999999.5, "1000000000000000", "1000000000000000次"]


def test_the_bound_by_hand():
    assert MAX_MAGNITUDE == 10**15
    assert too_large([999999999999999, -999999999999999, 1e14, 0.0, np.nan]).tolist() == [False] * 5
    assert too_large([1e15, -1e15, 1e308, np.inf, -np.inf, 999999999999999.5]).tolist() == [True] * 6


@pytest.mark.parametrize(
    "text, max_points",
    [
        ("发现一次扣2分", 10),
        ("表扬信一次加1分;部门扣2分", None),
        ("第1名10分,依次递减1分", None),
        ("70以下不得分,95以上得10分,70-95之间按比例计分", 10),
    ],
)
@pytest.mark.parametrize("value", BIG)
def test_each_rule_refuses_a_value_too_large(text, max_points, value):
    rule = parse_rule(text, max_points=max_points)
    if isinstance(value, str) and value.endswith("次") and rule.kind == "rank":
        value = value[:-1]  # a rank has no 次
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way to the refusal
        with pytest.raises(ValueParseError, match="1E15"):
            rule.score({f: value for f in rule.fields} if len(rule.fields) > 1 else value)
        if len(rule.fields) == 1:
            with pytest.raises(ValueParseError, match="1E15"):
                rule.score_one(value)


def test_the_largest_values_still_score_and_never_overflow():
    """999999999999999 is below the bound: scored, by hand."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_rule("发现一次扣2分", max_points=10).score(999999999999999) == 0  # 扣完为止
        two = parse_rule("表扬信一次加1分;部门扣2分")
        assert two.score({"表扬信": 999999999999999, "部门": 1}) == 999999999999997  # 999999999999999 - 2
        assert two.score({"表扬信": 1, "部门": 999999999999999}) == 1 - 2 * 999999999999999
        assert parse_rule("第1名10分,依次递减1分").score(999999999999999) == 0  # 最低0
        assert parse_rule("70以下不得分,95以上得10分,70-95之间按比例计分", max_points=10).score(999999999999999) == 10


def test_a_roster_names_the_row_and_column_of_a_value_too_large():
    team = k.read_table("samples/team.csv")
    team["平均响应时长"] = team["平均响应时长"].astype(object)
    team.loc[2, "平均响应时长"] = "1000000000000000秒"
    team["跨部门协作响应速度"] = team["跨部门协作响应速度"].astype(object)
    team.loc[4, "跨部门协作响应速度"] = 1e308
    with pytest.raises(RosterError) as exc:
        k.score("support-center-quarterly", team)
    found = {(i.row, i.column): i.message for i in exc.value.issues}
    assert set(found) == {(4, "平均响应时长"), (6, "跨部门协作响应速度")}  # file rows: header is row 1
    assert all("1E15" in m for m in found.values())


def test_score_command_refuses_a_count_too_large(tmp_path):
    row = make_rows(k.load_scheme("supervisor-monthly"), 1, random.Random(1), blank=0, override=0)[0]
    rows = pd.DataFrame([{**row, "投诉处理·未按时响应或解决": 1e308, "投诉处理·处理不及时导致事态恶化": 1e308}])
    src = tmp_path / "t.csv"
    rows.to_csv(src, index=False)
    r = kpixl("score", src, "--scheme", "supervisor-monthly", "--out", tmp_path / "r.csv")
    assert r.returncode != 0 and not (tmp_path / "r.csv").exists()
    assert "投诉处理·未按时响应或解决" in r.stderr and "1E15" in r.stderr, r.stderr


def test_the_add_in_refuses_it_in_the_cell():
    got = kpi_score(1e308, "发现一次扣2分", 10)
    assert isinstance(got, str) and got.startswith("#KPI!") and "1E15" in got
    assert kpi_score(999999999999999, "发现一次扣2分", 10) == 0
    assert kpi_score([[1], [1e15]], "发现一次扣2分", 10)[0] == [8]  # 10 - 2×1; the other cell says why
    team = k.read_table("samples/team.csv").head(3).astype(object)
    team.loc[1, "平均响应时长"] = 1e300
    header = [list(team.columns)]
    body = [[None if v is None or v != v else v for v in row] for row in team.to_numpy().tolist()]
    got = kpi_team(header + body, "support-center-quarterly")
    assert got == "#KPI! 第3行「平均响应时长」过大：数值应小于 1E15（10 的 15 次方）/ too large: a value must be below 1E15"


def test_a_parameter_too_large_in_the_library_is_named(tmp_path):
    from kpixl.excel import build
    from kpixl.excel.names import LIBRARY
    from kpixl.sources import read_scheme

    built = build("supervisor-monthly", tmp_path / "wb")
    wb = openpyxl.load_workbook(built)
    lib = wb[LIBRARY]
    row = next(r for r in range(2, lib.max_row + 1) if str(lib.cell(r, 6).value or "").endswith(".c1"))
    lib.cell(row, 4, 1e300)  # 每次扣分 edited to 1e300: times a count of 1e14 it overflows
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(SchemeError, match=f"第{row}行.*1E15"):
        read_scheme(tmp_path / "edited.xlsx")
