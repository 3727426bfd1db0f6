"""Any rubric text and any value give a result or a KpixlError — never a bare ValueError,
OverflowError, ZeroDivisionError or NaN points — and parsing stays fast whatever the text."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixl import parse_rule
from kpixl.errors import KpixlError, RubricSyntaxError, RuleError
from kpixl.rubric.parse import MAX_RUBRIC_CHARS

SEEDS = [
    "≤30秒(5分);30-60秒(3分);>60秒(1分)",
    "迟到每次扣1分，旷工每天扣3分",
    "8起不扣分，每超一起扣0.5分，每降一起加0.5分",
    "95分以上15分，90分以上10分，85分以上5分，85分以下不得分",
    "70以下不得分，95以上得10分，70-95之间按比例计分",
    "优5分良4分中3分差1分",
    "第一名10分，依次递减2分",
    "得分=实际完成量/目标量×100%,最高不超过120分",
    "准确率98%得满分，每降低1%扣2分",
    "1分:严重违反话术;3分:基本规范;5分:全程标准化",
]
VALUES = [None, 10**400, float("nan"), float("inf"), "9" * 20000, -1, 0, 1, 2.5, "abc", "95%", "", "优", "是", 1e308]


@pytest.mark.parametrize(
    "text",
    [
        "评分0-5(5分)",
        "1" * 330 + "级10分;2级20分",
        "目标5家(5分);每少0家扣1分",
        "≥" + "9" * 20000 + "(5分);<1(0分)",
        "第一名10分,依次递减0分",
        "比率=a/a;≥1(1分);<1(0分)",
    ],
)
def test_known_crashes_are_typed_errors(text):
    with pytest.raises(KpixlError):
        parse_rule(text)


@pytest.mark.parametrize("max_points", ["abc", float("nan"), float("inf"), 10**400, -5, 0])
def test_a_bad_max_points_is_a_rule_error(max_points):
    with pytest.raises(RuleError):
        parse_rule("发现一次扣2分", max_points=max_points)


@pytest.mark.parametrize("text", SEEDS)
def test_any_value_scores_or_is_a_typed_error(text):
    rule = parse_rule(text, max_points=200)
    for value in VALUES:
        inputs = value if rule.fields == ("",) else dict.fromkeys(rule.fields, value)
        try:
            got = rule.score(inputs)
            rule.explain(inputs)
        except KpixlError:
            continue
        assert value in (None, "") or (isinstance(value, float) and math.isnan(value)) or not math.isnan(got), (text, value)


def test_a_megabyte_cell_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(RubricSyntaxError, match="过长"):
        parse_rule("≥90%(5分);" * 100_000)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("unit", ["每少", "a", "1、", "目标", "扣", "1-", "优5分", "、", "最高扣", "5个及以上加4分,"])
def test_the_longest_allowed_cell_parses_fast(unit):
    text = (unit * MAX_RUBRIC_CHARS)[:MAX_RUBRIC_CHARS]
    start = time.perf_counter()
    try:
        parse_rule(text, max_points=5)
    except KpixlError:
        pass
    assert time.perf_counter() - start < 1.0, unit


ALPHABET = list("0123456789.%-~≥≤<>=()（）;；,，、。:/×") + list(
    "分秒次家个起每扣加满以上下内目标第一名依次递减按比例得不优良中差是否最高低超降为止完可负全责"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(alphabet=ALPHABET, max_size=60),
        st.builds(lambda s, k, t: s[:k] + t + s[k:], st.sampled_from(SEEDS), st.integers(0, 40), st.text(alphabet=ALPHABET, max_size=8)),
    ),
    st.one_of(st.none(), st.sampled_from([5.0, 10.0, 100.0])),
)
def test_any_text_parses_or_is_a_typed_error(text, max_points):
    try:
        rule = parse_rule(text, max_points=max_points)
    except KpixlError:
        return
    assert rule.canonical()
    for field in rule.fields:
        for value in rule.edge_values(field)[:3]:
            try:
                rule.score(value if rule.fields == ("",) else dict.fromkeys(rule.fields, value))
            except KpixlError:
                pass
