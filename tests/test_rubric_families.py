"""Real-world rubric families (issue 12): every number and clause of the text is used or the parse
fails naming it; the canonical text reads back as the same rule. Expected points are computed by
hand from the rubric text and written here."""

from __future__ import annotations

import pytest

from kpixl import RubricOverlapError, RubricSyntaxError, RuleError, ValueParseError, parse_rule
from kpixl.rules import ChoiceRule, CounterRule, LinearRule, PerUnitRule, RankRule, RatioRule, SteppedRule, VetoRule


def scores(rule, values):
    return [float(v) for v in rule.score(values)]


def roundtrip(rule, max_points=None):
    assert parse_rule(rule.canonical(), max_points=max_points) == rule, rule.canonical()


# ---------------------------------------------------------------- nothing left unread
@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("≥90%(5分);80%-90%(3分);<80%(1分);满分6分", "满分6分"),
        ("目标50家(5分);每少1家扣1分;超过60家另计", "超过60家另计"),
        ("完成所有要求20分;任一项没有满足扣5分;迟到加3分", "迟到加3分"),
    ],
)
def test_an_unread_number_names_its_clause(text, clause):
    with pytest.raises(RubricSyntaxError, match=f"未能理解：「{clause}」"):
        parse_rule(text)


def test_a_stated_cap_is_read_not_skipped():
    # 10 points, 2 per finding, at most 6 deducted: 0→10, 1→8, 3→4, 4→4 (not 2), 10→4
    r = parse_rule("发现一次扣2分,最高扣6分", max_points=10)
    assert scores(r, [0, 1, 3, 4, 10]) == [10, 8, 4, 4, 4]
    roundtrip(r, 10)


def test_canonical_veto_equal_reads_back():
    r = parse_rule("否定项:投诉等于0次")
    assert isinstance(r, VetoRule) and r.op == "=" and r.threshold == 0
    assert scores(r, [0, 1]) == [1, 0]
    roundtrip(r)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("一次未提交扣2分;未认真填写或数据错误一次扣4分", ("未提交", "未认真填写或数据错误")),
        ("每日迟到一次扣1分;每次旷工扣3分", ("迟到", "旷工")),
        ("迟到每次扣1分，旷工每天扣3分", ("迟到", "旷工")),
        ("工牌未佩戴一次扣1分；被有效投诉一次扣3分", ("工牌未佩戴", "被有效投诉")),
    ],
)
def test_counter_names_are_stable_through_canonical_text(text, names):
    r = parse_rule(text, max_points=10)
    assert r.fields == names
    roundtrip(r, 10)
    assert parse_rule(r.canonical(), max_points=10).fields == names


# ---------------------------------------------------------------- several counted items
def test_several_items_separated_by_commas():
    # 10 points; 迟到 1 per time, 旷工 3 per day; floor 0
    r = parse_rule("迟到每次扣1分，旷工每天扣3分", max_points=10)
    assert isinstance(r, CounterRule) and r.fields == ("迟到", "旷工")
    assert scores(r, {"迟到": [0, 2, 1, 5], "旷工": [0, 1, 3, 3]}) == [10, 5, 0, 0]


def test_several_items_numbered():
    # 1、…2、…: 5 points; 1 + 3 per time
    r = parse_rule("1、工牌未佩戴一次扣1分；2、被有效投诉一次扣3分", max_points=5)
    assert r.fields == ("工牌未佩戴", "被有效投诉")
    assert scores(r, {"工牌未佩戴": [0, 2, 1], "被有效投诉": [0, 1, 2]}) == [5, 0, 0]
    assert scores(r, {"工牌未佩戴": [1], "被有效投诉": [1]}) == [1]


# ---------------------------------------------------------------- caps and floors
@pytest.mark.parametrize(
    ("text", "max_points", "values", "expected"),
    [
        # no full score: deductions from 0, at most 20 deducted
        ("迟到每次扣1分，最高扣20分", None, [0, 5, 20, 21, 40], [0, -5, -20, -20, -20]),
        # bonuses from 0, at most 10 added
        ("每次加1分，最高加10分", None, [0, 3, 10, 11], [0, 3, 10, 10]),
        ("每次加1分，最高不超过5分", None, [0, 4, 5, 6], [0, 4, 5, 5]),
        # 5 points, 2 per time, down to 0 (直至扣完) or below (可扣为负分)
        ("违规一次扣2分,直至扣完", 5, [0, 2, 3, 9], [5, 1, 0, 0]),
        ("违规一次扣2分,扣完为止", 5, [0, 2, 3, 9], [5, 1, 0, 0]),
        ("违规一次扣2分,可扣为负分", 5, [0, 2, 3, 9], [5, 1, -1, -13]),
        ("满分10分;违规一次扣3分;最高扣6分", None, [0, 1, 2, 3], [10, 7, 4, 4]),
    ],
)
def test_caps_and_floors_in_the_text(text, max_points, values, expected):
    r = parse_rule(text, max_points=max_points)
    assert scores(r, values) == expected
    roundtrip(r, max_points)


def test_contradicting_floors_are_an_error():
    with pytest.raises(RubricSyntaxError, match="最低分有几种说法"):
        parse_rule("违规一次扣2分,扣完为止,可扣为负分", max_points=5)


# ---------------------------------------------------------------- per unit around a target
def test_target_that_costs_nothing():
    # 8 incidents cost nothing; each one more −0.5, each one fewer +0.5; may go below 0
    r = parse_rule("8起不扣分，每超一起扣0.5分，每降一起加0.5分")
    assert isinstance(r, PerUnitRule)
    assert scores(r, [0, 7, 8, 9, 12, 30]) == [4, 0.5, 0, -0.5, -2, -11]
    roundtrip(r)
    assert r.explain(12) == "12起 比目标 8起 多 4起：0分 − 0.5分×4 → -2分"


def test_percent_target_is_read_as_a_percent():
    # target 90% worth 5, 1 point per percentage point short, floor 0
    r = parse_rule("目标90%(5分);每少1%扣1分")
    assert (r.target, r.step) == (0.9, 0.01)
    assert scores(r, ["95%", "90%", "89%", "85.5%", "85%", "80%"]) == [5, 5, 4, 0.5, 0, 0]
    roundtrip(r)


def test_full_marks_at_a_rate_then_per_step_below():
    # 10 points at ≥98%; each 1% (or part of it) below costs 2
    r = parse_rule("准确率98%得满分，每降低1%扣2分", max_points=10)
    assert isinstance(r, SteppedRule) and not r.above
    assert scores(r, ["100%", "98%", "97.5%", "97%", "96.9%", "80%"]) == [10, 10, 8, 8, 6, 0]
    roundtrip(r, 10)


def test_full_marks_within_a_rate_then_per_step_above():
    # 5 points at ≤1%; each 3% (or part of it) above costs 1, down to 0
    r = parse_rule("投诉率1%以内得满分，每高出3%扣1分，直至扣完", max_points=5)
    assert isinstance(r, SteppedRule) and r.above
    assert scores(r, ["0%", "1%", "1.5%", "4%", "4.01%", "30%"]) == [5, 5, 4, 4, 3, 0]
    roundtrip(r, 5)


# ---------------------------------------------------------------- ladders written as thresholds
def test_ladder_of_thresholds_scores_the_highest_step_reached():
    # ≥95 → 15, 90 ≤ x < 95 → 10, 85 ≤ x < 90 → 5, below 85 → 0
    r = parse_rule("95分以上15分，90分以上10分，85分以上5分，85分以下不得分")
    assert scores(r, [100, 95, 94.9, 90, 89.9, 85, 84.9, 0]) == [15, 15, 10, 10, 5, 5, 0, 0]
    roundtrip(r)


def test_ladder_of_bonus_counts():
    # whole counts: 0–2 → no bonus, 3–4 → 2, 5 and more → 4
    r = parse_rule("5个及以上加4分，3-4个加2分")
    assert scores(r, [0, 2, 3, 4, 5, 9]) == [0, 0, 2, 2, 4, 4]
    roundtrip(r)


def test_ladder_downwards_and_of_deductions():
    # ≤30 s → 5, 30 < x ≤ 60 → 3, > 60 → 0
    r = parse_rule("30秒以内5分,60秒以内3分,60秒以上0分")
    assert scores(r, [0, 30, 30.5, 60, 61]) == [5, 5, 3, 3, 0]
    # 10 points; 3–4 times −5, 5 or more −10
    r = parse_rule("3次以上扣5分,5次以上扣10分", max_points=10)
    assert scores(r, [0, 2, 3, 4, 5, 9]) == [10, 10, 5, 5, 0, 0]


def test_a_ladder_with_points_out_of_order_stays_an_overlap():
    with pytest.raises(RubricOverlapError):
        parse_rule("95分以上5分,90分以上10分,90分以下0分")


# ---------------------------------------------------------------- linear between two anchors
def test_linear_between_anchors():
    # 0 at ≤70, 10 at ≥95, in proportion between: 75 → 2, 82.5 → 5
    r = parse_rule("70以下不得分，95以上得10分，70-95之间按比例计分")
    assert isinstance(r, LinearRule)
    assert scores(r, [0, 70, 75, 82.5, 95, 100]) == [0, 0, 2, 5, 10, 10]
    roundtrip(r)
    assert r.explain(80) == "80：70得0分、95得10分之间按比例 → 4分"


def test_linear_lower_is_better_and_full_marks():
    # 10 at ≤30 s, 0 at ≥60 s: 45 s → 5
    r = parse_rule("30秒以下得10分,60秒以上不得分,30-60秒之间按比例计分")
    assert scores(r, [0, 30, 45, 60, 61]) == [10, 10, 5, 0, 0]
    # 20 points: below 60% nothing, 100% full, 80% → 10
    r = parse_rule("低于60%不得分,达到100%得满分,60%-100%之间按比例计分", max_points=20)
    assert scores(r, ["50%", "60%", "80%", "100%", "120%"]) == [0, 0, 10, 20, 20]
    roundtrip(r, 20)


def test_linear_range_must_match_the_anchors():
    with pytest.raises(RubricSyntaxError):
        parse_rule("70以下不得分,95以上得10分,60-95之间按比例计分")


# ---------------------------------------------------------------- a formula as points
def test_ratio_formula_as_points():
    # points = 实际完成量 / 目标量 × 100, at most 120
    r = parse_rule("得分=实际完成量/目标量×100%,最高不超过120分")
    assert isinstance(r, RatioRule) and r.fields == ("实际完成量", "目标量")
    assert scores(r, {"实际完成量": [0, 95, 100, 130], "目标量": [100, 100, 100, 100]}) == [0, 95, 100, 120]
    roundtrip(r)
    # uncapped where no cap is written
    r = parse_rule("实际完成量/目标量×100%")
    assert scores(r, {"实际完成量": [130], "目标量": [100]}) == [130]


# ---------------------------------------------------------------- word scales, yes/no prose, rank
def test_letter_scale_without_separators():
    r = parse_rule("优5分良4分中3分差1分")
    assert isinstance(r, ChoiceRule) and r.style == "label"
    assert scores(r, ["优", "良", "中", "差"]) == [5, 4, 3, 1]
    roundtrip(r)


def test_a_bare_number_is_never_an_options_position():
    r = parse_rule("优5分良4分中3分差1分")
    for value in (1, "1", 4):
        with pytest.raises(ValueParseError):
            r.score(value)


def test_word_scale_of_deductions_carries_the_verb():
    # 10 points; 全责 −10, 主责 −6, 同责 −3, 次责 −1, and 无 (no incident) keeps 10
    r = parse_rule("全责扣10分、主责6分、同责3分、次责1分", max_points=10)
    assert scores(r, ["全责", "主责", "同责", "次责", "无"]) == [0, 4, 7, 9, 10]
    roundtrip(r, 10)
    with pytest.raises(RubricSyntaxError, match="部分选项是扣分"):
        parse_rule("全责扣10分、主责得6分")


def test_yes_no_prose():
    # the option's own words or 是/否
    r = parse_rule("按时提交得5分，未按时提交得0分")
    assert r.style == "yesno"
    assert scores(r, ["按时提交", "未按时提交", "是", "否"]) == [5, 0, 5, 0]
    roundtrip(r)


def test_one_occurrence_costs_everything():
    r = parse_rule("发生一起全扣", max_points=5)
    assert scores(r, [0, 1, 2]) == [5, 0, 0]
    roundtrip(r, 5)
    with pytest.raises(RuleError):  # no full points to take away
        parse_rule("发生一起全扣")


def test_rank_points_fall_per_place_and_stop_at_zero():
    # 10, 8, 6, 4, 2, 0, 0 …
    r = parse_rule("第一名10分，依次递减2分")
    assert isinstance(r, RankRule)
    assert scores(r, [1, 2, 3, 5, 6, 7, 20]) == [10, 8, 6, 2, 0, 0, 0]
    assert r.explain(3) == "第3名：10分 − 2分×2 → 6分"
    roundtrip(r)
    for bad in (0, 1.5, -1):
        with pytest.raises(ValueParseError):
            r.score(bad)
    r = parse_rule("第1名5分,每低一名减1分,最低1分")
    assert scores(r, [1, 4, 5, 9]) == [5, 2, 1, 1]
    roundtrip(r)


def test_every_rubric_of_the_docs_notation_table_reads():
    import re
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "rubric.md").read_text(encoding="utf-8")
    table = doc.split("| 评分标准 / rubric text |")[1].split("\n\n")[0]
    rows = re.findall(r"^\| `([^`]+)`(?:（该项 (\d+) 分）)? \|", table, re.M)
    assert len(rows) >= 25
    for text, points in rows:
        if "…" in text or "[ ]" in text or text.endswith("45</≤55(60分)"):
            continue  # rows shown in part
        assert parse_rule(text, max_points=float(points) if points else None).canonical(), text


def test_anchors_on_separate_lines_under_a_heading():
    # a rated scale 1–5 (a rater gives the points; anchors only describe them)
    r = parse_rule("服务态度评分标准：\n5分：热情主动，用语规范\n4分：态度良好\n3分：基本礼貌\n2分：语气生硬\n1分：与客户争执")
    assert scores(r, [1, 2, 4, 5]) == [1, 2, 4, 5]
    roundtrip(r)
    # the heading's range is read: 1–5 although only 1 and 3 are described
    r = parse_rule("评分标准（1-5分）\n1分：差\n3分：一般")
    assert scores(r, [1, 5]) == [1, 5]
    with pytest.raises(RubricSyntaxError, match="未能理解"):
        parse_rule("第3项标准：\n1分：差\n5分：好")
