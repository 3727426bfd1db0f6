"""Review of the 1E15 bound on values read (kpixl.units.too_large): where the evaluators still parted.

Expected values are by hand: a value at or beyond 1E15 is refused by every evaluator, naming it.
"""

from __future__ import annotations

import pytest

from kpixl.addin import kpi_explain, kpi_score
from kpixl.errors import ValueParseError
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
