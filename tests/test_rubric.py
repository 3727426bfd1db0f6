"""Every notation of the README's rubric table parses, prints back canonically, and scores exactly as written,
with values on both sides of every edge. Expected values are read off the rubric by hand."""

import math

import numpy as np
import pytest

from kpixl import (
    AmbiguousEdgeError,
    RubricGapError,
    RubricOverlapError,
    RubricSyntaxError,
    RuleError,
    ValueParseError,
    parse_rule,
)
from kpixl.rules import BandRule, ChecklistRule, ChoiceRule, CounterRule, PerUnitRule, ScaleRule, SteppedRule, VetoRule


def scores(rule, values):
    return [float(v) for v in rule.score(values)]


# ---------------------------------------------------------------- threshold bands
def test_lower_is_better_seconds():
    r = parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    assert isinstance(r, BandRule)
    assert r.canonical() == "≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)"
    assert scores(r, [0, 29.99, 30, 30.01, 59.99, 60, 60.01, 600]) == [5, 5, 5, 3, 3, 3, 1, 1]
    assert r.direction == -1


def test_higher_is_better_percent():
    r = parse_rule("≥90%(5分);80%-90%(3分);<80%(1分)")
    assert r.canonical() == "≥90%(5分);≥80%且<90%(3分);<80%(1分)"
    assert scores(r, ["100%", "90%", "89.99%", "80%", "79.99%", "0%"]) == [5, 5, 3, 3, 1, 1]
    assert r.direction == 1


def test_exact_value_band_wins_over_range():
    r = parse_rule("0%(5分);<1%(3分);≥1%(1分)")
    assert r.canonical() == "=0%(5分);<1%(3分);≥1%(1分)"
    assert scores(r, [0, 0.0001, "0.99%", "1%", "1.01%", "3%"]) == [5, 3, 3, 1, 1, 1]


def test_hours_within():
    r = parse_rule("24小时内反馈(5分);24-48小时(3分);>48小时(1分)")
    assert r.canonical() == "≤24小时(5分);>24小时且≤48小时(3分);>48小时(1分)"
    assert scores(r, [0, 24, 24.01, 48, 48.01]) == [5, 5, 3, 3, 1]
    # other time units are converted: 1天 = 24小时, 30分钟 = 0.5小时
    assert scores(r, ["1天", "1.5天", "30分钟", "2880分钟", "3天"]) == [5, 3, 5, 3, 1]


def test_kpi_pay_table_notation():
    r = parse_rule("≥250(100分);250>/≥230(80分);230>/≥210(60分);<210(0分)")
    assert r.canonical() == "≥250(100分);≥230且<250(80分);≥210且<230(60分);<210(0分)"
    assert scores(r, [251, 250, 249.99, 230, 229.99, 210, 209.99]) == [100, 100, 80, 80, 60, 60, 0]


def test_kpi_lower_better_notation():
    r = parse_rule("≤35(100分);35</≤45(80分);45</≤55(60分);>55(0分)")
    assert scores(r, [35, 35.01, 45, 45.01, 55, 55.01]) == [100, 80, 80, 60, 60, 0]


def test_percent_kpi_notation():
    r = parse_rule("≥45%(100分);45%>/≥40%(80分);40%>/≥35%(60分);<35%(0分)")
    assert scores(r, ["45%", "44.9%", "40%", "39.9%", "35%", "34.9%"]) == [100, 80, 80, 60, 60, 0]


def test_full_width_and_ascii_forms_are_the_same_rule():
    a = parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    assert parse_rule("<=30秒（5分）；30-60秒（3分）；>60秒（1分）") == a
    assert parse_rule("≤３０秒(５分)、30~60秒(3分)、＞60秒(1分)") == a
    assert parse_rule("≤30秒:5分;30至60秒:3分;>60秒:1分") == a
    b = parse_rule("≥90％(5分);80％-90％(3分);＜80％(1分)")
    assert b == parse_rule(">=90%(5分);80%-90%(3分);<80%(1分)")


def test_words_for_comparisons():
    r = parse_rule("达到90%以上(5分);不低于80%且低于90%(3分);低于80%(1分)")
    assert r == parse_rule("≥90%(5分);≥80%且<90%(3分);<80%(1分)")
    r = parse_rule("不超过30秒(5分);超过30秒且不超过60秒(3分);超过60秒(1分)")
    assert r == parse_rule("≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)")


def test_seed_gap_is_named():
    with pytest.raises(RubricGapError, match="75%–80% 没有对应分值 / no score defined for 75%–80%"):
        parse_rule("达到80%以上10分;低于75%,0分")


def test_gap_above_and_single_point_gap():
    with pytest.raises(RubricGapError, match=">60秒"):
        parse_rule("≤30秒(5分);30-60秒(3分)")
    with pytest.raises(RubricGapError, match="90%"):
        parse_rule(">90%(5分);<90%(1分)")


def test_overlap_is_named():
    with pytest.raises(RubricOverlapError, match="90"):
        parse_rule("≥90(5分);≤90(3分)")
    with pytest.raises(RubricOverlapError):
        parse_rule("≥80(5分);≥70且<85(3分);<70(1分)")


def test_ambiguous_dash_edges():
    with pytest.raises(AmbiguousEdgeError, match="90"):
        parse_rule("90-100(5分);80-90(3分);<80(1分);>100(5分)")


def test_syntax_errors_are_typed():
    for bad in ("", "随便打分", "≥90%", "≤30秒(5分);看情况(3分);>60秒(1分)x"):
        with pytest.raises(RuleError):
            parse_rule(bad)
    with pytest.raises(RubricSyntaxError):
        parse_rule("≥90%")


def test_mixed_units_are_an_error():
    with pytest.raises(RubricSyntaxError):
        parse_rule("≤30秒(5分);>30%(1分)")


def test_negative_input_for_a_rate_is_out_of_range():
    r = parse_rule("≥90%(5分);80%-90%(3分);<80%(1分)")
    with pytest.raises(ValueParseError):
        r.score(-0.1)


# ---------------------------------------------------------------- counting rules
def test_deduction_with_floor():
    r = parse_rule("发现一次扣2分", max_points=5)
    assert isinstance(r, CounterRule)
    assert scores(r, [0, 1, 2, 3, 10]) == [5, 3, 1, 0, 0]
    assert r.explain(3) == "扣2分×3次=6分，得分 0（扣完为止）"
    assert r.explain(1) == "扣2分×1次=2分，得分 3"


def test_deduction_needs_its_full_points_or_is_an_adjustment():
    adj = parse_rule("被部门批评一次扣2分;被公司批评一次扣3分")
    assert adj.score({"被部门批评": 1, "被公司批评": 1}) == -5


def test_two_counters_each_with_its_penalty():
    r = parse_rule("一次未提交扣2分;未认真填写或数据错误一次扣4分", max_points=5)
    assert r.fields == ("未提交", "未认真填写或数据错误")
    assert r.score({"未提交": 1, "未认真填写或数据错误": 0}) == 3
    assert r.score({"未提交": 0, "未认真填写或数据错误": 1}) == 1
    assert r.score({"未提交": 1, "未认真填写或数据错误": 1}) == 0
    assert r.canonical() == "满分5分;未提交一次扣2分;未认真填写或数据错误一次扣4分;扣完为止"


def test_counts_must_be_whole_and_not_negative():
    r = parse_rule("发现一次扣2分", max_points=5)
    for bad in (-1, 1.5, "两次"):
        with pytest.raises(ValueParseError):
            r.score(bad)
    assert r.score("2次") == 1


def test_per_unit_around_target():
    r = parse_rule("低于50家,每少选一家,扣1分;高于50家,每多选一家,加1分", max_points=10)
    assert isinstance(r, PerUnitRule)
    assert scores(r, [50, 49, 45, 40, 39, 30, 51, 55]) == [10, 9, 5, 0, 0, 0, 11, 15]
    assert r.canonical() == "目标50家(10分);每少1家扣1分;每多1家加1分;扣完为止"


def test_per_unit_with_cap():
    r = parse_rule("目标50家(10分);每少1家扣1分;每多1家加1分;最高12分")
    assert scores(r, [48, 51, 52, 60]) == [8, 11, 12, 12]


def test_per_occurrence_bonus_capped_at_item_points():
    r = parse_rule("每提交一个好的建议被公司采纳,一次奖励5分", max_points=5)
    assert scores(r, [0, 1, 2]) == [0, 5, 5]
    open_bonus = parse_rule("每提交一个好的建议被公司采纳,一次奖励5分")
    assert scores(open_bonus, [0, 1, 2]) == [0, 5, 10]


def test_checklist():
    r = parse_rule("完成所有要求20分;任一项没有满足扣5分")
    assert isinstance(r, ChecklistRule)
    assert scores(r, [0, 1, 2, 3]) == [20, 15, 10, 5]
    named = parse_rule("完成所有要求20分;任一项没有满足扣5分;检查项:2小时内响应、3个工作日解决、解决率100%")
    assert named.fields == ("2小时内响应", "3个工作日解决", "解决率100%")
    assert named.score({"2小时内响应": "是", "3个工作日解决": "否", "解决率100%": "√"}) == 15
    assert named.score({"2小时内响应": "×", "3个工作日解决": "否", "解决率100%": 0}) == 5


def test_stepped_penalty_above_limit():
    r = parse_rule("≤15%,每增加5%扣2分", max_points=6)
    assert isinstance(r, SteppedRule)
    # 15% → 6; a part step counts as a whole step: 15.01%–20% → 4; 20.01%–25% → 2; beyond → 0
    assert scores(r, ["0%", "15%", "15.01%", "20%", "20.01%", "25%", "25.01%", "40%"]) == [6, 6, 4, 4, 2, 2, 0, 0]
    floor_steps = parse_rule("≤15%(6分);每超出5%扣2分(不足5%不计)")
    assert scores(floor_steps, ["19.99%", "20%", "24.99%", "25%"]) == [6, 4, 4, 2]


def test_turnover_ratio_with_averaged_denominator():
    r = parse_rule("比率=离职人数/平均(月初人数,月末人数);≤15%(6分);每增加5%扣2分")
    # 3 / ((18+22)/2) = 15% → 6 ; 4 / 20 = 20% → 4 ; 5 / 20 = 25% → 2
    assert r.score({"离职人数": [3, 4, 5], "月初人数": [18, 18, 18], "月末人数": [22, 22, 22]}).tolist() == [6, 4, 2]
    with pytest.raises(ValueParseError):
        parse_rule("比率=实际/计划;≥100%(5分);<100%(1分)").score({"实际": 5, "计划": 0})


def test_ratio_actual_over_plan():
    r = parse_rule("比率=实际销售额/计划销售额;≥100%(100分);100%>/≥90%(85分);<90%(0分)")
    assert r.score({"实际销售额": [100, 99, 90, 89.9], "计划销售额": [100, 100, 100, 100]}).tolist() == [100, 85, 85, 0]


# ---------------------------------------------------------------- rated scales and levels
def test_scale_with_anchors_allows_in_between():
    r = parse_rule("1分:严重违反话术;3分:基本规范;5分:全程标准化,用语专业")
    assert isinstance(r, ScaleRule)
    assert (r.lo, r.hi) == (1, 5)
    assert scores(r, [1, 2, 3, 4, 4.5, 5]) == [1, 2, 3, 4, 4.5, 5]
    assert r.explain(4) == "评分 4（介于 3分「基本规范」与 5分「全程标准化,用语专业」之间）→ 4分"
    for bad in (0, 6, 5.5):
        with pytest.raises(ValueParseError):
            r.score(bad)


def test_level_anchors():
    r = parse_rule("1级10分 2级20分 3级30分 4级40分 5级50分")
    assert isinstance(r, ChoiceRule)
    assert scores(r, [1, "2级", "三级", "４", 5]) == [10, 20, 30, 40, 50]
    with pytest.raises(ValueParseError):
        r.score(6)
    with pytest.raises(ValueParseError):
        r.score(2.5)


def test_level_descriptions_merge_with_points():
    r = parse_rule("1级10分;2级20分;1级:提供必要服务;2级:迅速解决客户需求")
    assert r.explain(1) == "1级「提供必要服务」→ 10分"


def test_yes_no_choice():
    r = parse_rule("是(3分);否(-6分)")
    assert scores(r, ["是", "否", "√", "×", 1, 0]) == [3, -6, 3, -6, 3, -6]


# ---------------------------------------------------------------- veto and adjustments
def test_veto_with_blank_threshold_must_be_filled():
    r = parse_rule("否定项,交房计划完成率不低于[ ]%")
    assert isinstance(r, VetoRule)
    assert r.threshold is None
    with pytest.raises(RuleError, match="阈值未填写"):
        r.score("90%")
    filled = parse_rule("否定项,交房计划完成率不低于95%")
    assert scores(filled, ["95%", "94.9%"]) == [1, 0]


def test_adjustments_several_counters():
    r = parse_rule("表扬信一次加1分;部门表扬加2分;公司表扬加3分;媒体表扬加5分")
    assert r.fields == ("表扬信", "部门表扬", "公司表扬", "媒体表扬")
    assert r.score({"表扬信": 2, "部门表扬": 1, "公司表扬": 0, "媒体表扬": 1}) == 2 + 2 + 5


# ---------------------------------------------------------------- explanations and shapes
def test_explain_sentences():
    r = parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    assert r.explain("28秒") == "28秒 ≤ 30秒 → 5分"
    assert r.explain(45) == "30秒 < 45秒 ≤ 60秒 → 3分"
    p = parse_rule("≥90%(5分);80%-90%(3分);<80%(1分)")
    assert p.explain("88%") == "80% ≤ 88% < 90% → 3分"


def test_score_keeps_shape_and_blank_is_missing():
    r = parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    out = r.score([[10, 40], [70, None]])
    assert out.shape == (2, 2)
    assert out[0].tolist() == [5, 3] and out[1, 0] == 1 and math.isnan(out[1, 1])
    assert math.isnan(r.score(""))
    assert isinstance(r.score(10), float)
    assert np.isnan(r.score("N/A")) and np.isnan(r.score("/"))


def test_max_points_is_checked():
    with pytest.raises(RuleError, match="超过该项满分"):
        parse_rule("≥90%(10分);<90%(0分)", max_points=5)


def test_parsed_rules_are_cached_and_immutable():
    a = parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    assert parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)") is a
    with pytest.raises(AttributeError):
        a.unit = "%"


def test_veto_with_filled_in_blank():
    r = parse_rule("否定项,交房计划完成率不低于[90]%")
    assert r.score([0.8999, 0.90, 0.95]).tolist() == [0, 1, 1]
    assert parse_rule("否定项,重大投诉次数不高于[0]次").score([0, 1]).tolist() == [1, 0]
