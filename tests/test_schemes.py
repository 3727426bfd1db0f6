"""The nine built-in schemes: they load, their rules round-trip, and each scores a person
exactly as a hand calculation from the seed form (written out in each test) says."""

import math

import pandas as pd
import pytest

from kpixl import SchemeError, builtin_ids, load_scheme, parse_rule, scheme_from_dict, score

IDS = [
    "support-center-quarterly",
    "kpi-pay-tier",
    "agent-monthly",
    "phone-agent-monthly",
    "supervisor-monthly",
    "service-manager",
    "callcenter-manager",
    "service-staff",
    "online-agent",
]


def test_builtin_ids_are_the_stable_nine():
    assert builtin_ids() == IDS


@pytest.mark.parametrize("sid", IDS)
def test_builtin_loads_and_rules_round_trip(sid):
    s = load_scheme(sid)
    assert s.id == sid
    assert s.notes.strip(), "every built-in scheme says what the seed left unclear"
    for ind in s.indicators:
        assert parse_rule(ind.rule.canonical()) == ind.rule, ind.name
    headers = s.roster_headers()
    assert len(headers) == len(set(headers))
    assert s.result_headers()[-5:] == ["总分", "等级", "奖金系数", "排名", "标记"]


def one(sid, row):
    res = score(sid, pd.DataFrame([{"工号": "T1", "姓名": "测试", **row}]))
    return res.iloc[0]


def test_seed_000_sample_person_totals_85_not_88():
    # seed 000's form: item scores 4,5,5,4,3,5,3 with dimension weights 40/30/20/10 split equally:
    # 4/5*20 + 5/5*20 + 5/5*15 + 4/5*15 + 3/5*10 + 5/5*10 + 3/5*10 = 16+20+15+12+6+10+6 = 85
    # (the form states 88, which its own item scores do not give)
    row = {
        "服务规范度": 4,
        "问题解决能力": 5,
        "平均响应时长": "28秒",
        "一次解决率": "88%",
        "一次解决率·调整得分": 4,
        "客户满意度": "92%",
        "投诉率": "0%",
        "跨部门协作响应速度": "30小时",
    }
    r = one("support-center-quarterly", row)
    assert r["总分"] == 85 and r["等级"] == "良好" and r["奖金系数"] == 1.2
    assert r["一次解决率得分"] == 4 and "调整:一次解决率 3→4" in r["标记"]
    assert (r["服务质量小计"], r["工作效率小计"], r["客户反馈小计"], r["团队协作小计"]) == (90, 90, 80, 60)
    # without the rater's override the rubric gives 88% → 3 points: 85 - 3 = 82
    row.pop("一次解决率·调整得分")
    assert one("support-center-quarterly", row)["总分"] == 82


def test_kpi_pay_tier_hand_calculated():
    # 95000/100000 = 95% → 85 ×30% = 25.5 ; 42/100 = 42% → 80 ×20% = 16 ; 240元 → 80 ×20% = 16
    # 99% → 100 ×20% = 20 ; 40秒 → 80 ×5% = 4 ; 0次 → 100 ×5% = 5 ; total 86.5 → 银牌客服 (80≤/<90)
    r = one(
        "kpi-pay-tier",
        {
            "指标完成率·实际销售额": 95000,
            "指标完成率·计划销售额": 100000,
            "最终咨询付款转化率·最终下单付款人数": 42,
            "最终咨询付款转化率·咨询人数": 100,
            "客单价": "240元",
            "客服回复率": "99%",
            "客服响应时间": "40秒",
            "出勤": 0,
        },
    )
    assert r["指标完成率得分"] == 85 and r["最终咨询付款转化率得分"] == 80
    assert r["总分"] == 86.5 and r["等级"] == "银牌客服" and r["奖金系数"] == 1.0


def test_kpi_pay_tier_below_bronze():
    r = one(
        "kpi-pay-tier",
        {
            "指标完成率·实际销售额": 30,
            "指标完成率·计划销售额": 100,
            "最终咨询付款转化率·最终下单付款人数": 30,
            "最终咨询付款转化率·咨询人数": 100,
            "客单价": 200,
            "客服回复率": "90%",
            "客服响应时间": 60,
            "出勤": 5,
        },
    )
    # 0 + 0 + 0 + 0 + 0 + 60×5% = 3
    assert r["总分"] == 3 and r["等级"] == "未达标" and r["奖金系数"] == 0


def test_agent_monthly_hand_calculated():
    # 5-2=3, 2, 是→3, 5-2*3→0, 5, 5, 建议1次→5, 47家→10-3=7, 日志 5-2=3, 业绩汇总 5, 配合 5 → 43 → 合格(≥40)
    r = one(
        "agent-monthly",
        {
            "门市接单操作流程": 1,
            "个人卫生区域": 0,
            "考勤单据规范填写": "是",
            "产品知识": 3,
            "前台接待礼仪": 0,
            "销售录入系统": 0,
            "合理化建议": 1,
            "选片顾客数": 47,
            "工作日志·未提交": 1,
            "工作日志·未认真填写或数据错误": 0,
            "个人业绩汇总·未提交": 0,
            "个人业绩汇总·未认真填写或数据错误": 0,
            "配合投诉调查": 0,
        },
    )
    assert r["产品知识得分"] == 0 and r["选片顾客数得分"] == 7
    assert (r["岗位职责小计"], r["管理指标小计"], r["协调工作小计"]) == (30, 8, 5)
    assert r["总分"] == 43 and r["等级"] == "合格" and r["奖金系数"] == 0.8


def test_phone_agent_composite_80_20():
    # 业绩: 92%→20→25 ; 部分不完整→10→12.5 ; 回访95%→10→12.5 ; 投诉处理 一项未满足→15→18.75 ; 小计 68.75
    # 行为: 4级→40/50×50=40 ; 3级→30 ; 小计 70 ; 总分 = 68.75×80% + 70×20% = 55 + 14 = 69 → 合格(≥60)
    r = one(
        "phone-agent-monthly",
        {
            "客户信息管理": "92%",
            "客户档案管理": "有部分不完整但影响不大",
            "客户回访": "95%",
            "投诉处理·2小时内响应": "是",
            "投诉处理·3个工作日内解决": "是",
            "投诉处理·解决率100%": "否",
            "服务意识": "4级",
            "以客户为中心": 3,
        },
    )
    assert r["业绩考核小计"] == 68.75 and r["行为考核小计"] == 70
    assert r["总分"] == 69 and r["等级"] == "合格"


def test_supervisor_monthly_stepped_turnover():
    # 回访598→4-2=2 ; 投诉 7 ; 满意度 9 ; 培训 15-2=13 ; 信息 8 ; 服务提升 6-3=3 ; 5S 6 ; 收银 6 ; 团队 10
    # 流失率 2/((9+11)/2)=20% → 一档 → 6-2=4 ; 工作绩效 68 ; 态度 4+5+3+4 = 16 ; 总分 84 → 良好
    r = one(
        "supervisor-monthly",
        {
            "客户回访": 598,
            "投诉处理·未按时响应或解决": 1,
            "投诉处理·处理不及时导致事态恶化": 0,
            "客户满意度": 0,
            "培训管理": 1,
            "客户信息管理": 0,
            "服务提升": 1,
            "5S管理": 0,
            "收银管理": 0,
            "团队管理": 0,
            "员工流失率·离职人数": 2,
            "员工流失率·月初正式员工数": 9,
            "员工流失率·月末正式员工数": 11,
            "遵守制度": 4,
            "工作态度与责任心": 5,
            "沟通能力与服务态度": 3,
            "团队合作": 4,
        },
    )
    assert r["员工流失率得分"] == 4
    assert (r["工作绩效小计"], r["工作态度小计"], r["总分"], r["等级"]) == (68, 16, 84, "良好")


MANAGER_ROW = {
    "客服工作计划完成率·实际完成量": 95,
    "客服工作计划完成率·应完成量": 100,
    "客服费用预算节省率·节省额": 3,
    "客服费用预算节省率·预算总额": 100,
    "客户意见反馈及时率": "99%",
    "客户服务信息传递及时率": "96%",
    "客服流程改进目标达成率": "100%",
    "客服标准有效执行率": "90%",
    "客户满意度": 88,
    "部门协作满意度": 92,
    "大客户流失数": 1,
    "员工管理": 79,
    "客户投诉解决满意率": "95%",
}


def test_service_manager_hand_calculated():
    # 16 + 12 + 15 + 8 + 10 + 6 + 4 + 5 + 3 + 3 = 82 → 良好
    r = one("service-manager", MANAGER_ROW)
    assert r["总分"] == 82 and r["等级"] == "良好" and r["标记"] == ""


def test_service_manager_veto_sets_total_to_zero():
    r = one("service-manager", {**MANAGER_ROW, "客户投诉解决满意率": "85%"})
    assert r["总分"] == 0 and r["等级"] == "不合格" and "否决" in r["标记"]
    assert r["客服工作计划完成率得分"] == 80  # the items are still shown


def test_callcenter_manager_hand_calculated():
    # 100%→100×20%=20 ; 104%→80×15%=12 ; 85%→60×15%=9 ; 92%→80×15%=12 ; 96%→100×10%=10 ; 2600次→80×5%=4
    # 97%→80×5%=4 ; 84分 (80≤x<85)→60×5%=3 ; 86%→100×5%=5 ; 85分→100×5%=5 ; total 84 → 良好
    r = one(
        "callcenter-manager",
        {
            "呼叫中心业务计划完成率·实际完成量": 100,
            "呼叫中心业务计划完成率·计划完成量": 100,
            "服务费用预算控制率·服务费用开支额": 104,
            "服务费用预算控制率·服务费用预算额": 100,
            "客户调研计划完成率": "85%",
            "服务流程改进目标完成率": "92%",
            "客户满意率": "96%",
            "呼叫业务量": 2600,
            "客户意见反馈及时率": "97%",
            "部门协作满意度": 84,
            "一次性解决问题的呼叫率": "86%",
            "员工管理": 85,
        },
    )
    assert r["服务费用预算控制率得分"] == 80
    assert r["总分"] == 84 and r["等级"] == "良好"


STAFF_ROW = {
    "专业技能、接听质量·自评": 0,
    "专业技能、接听质量·上级": 1,
    "专业技能、接听质量·小组": 1,
    "客户投诉率·自评": "0.3%",
    "客户投诉率·上级": "0.3%",
    "客户投诉率·小组": "0.3%",
    "回访完成率·自评": "100%",
    "回访完成率·上级": "96%",
    "回访完成率·小组": "96%",
    "回访真实度·自评": 0,
    "回访真实度·上级": 0,
    "回访真实度·小组": 0,
    "客户满意度·自评": "97%",
    "客户满意度·上级": "80%",
    "客户满意度·小组": "90%",
    "报表上交真实性·自评": 0,
    "报表上交真实性·上级": 0,
    "报表上交真实性·小组": 0,
    "审计纠错及行政通报·上级": 4,
    "客户服务资料的完整性·自评": 0,
    "客户服务资料的完整性·上级": 0,
    "客户服务资料的完整性·小组": None,
    "奖励·收到顾客表扬信": 1,
    "处罚·被部门批评": 1,
}


def test_service_staff_rater_blend_and_calibration():
    # 专业技能: 30/28/28 → .15×30+.6×28+.25×28 = 28.3 ; 投诉率 20 ; 回访完成率 10/9/9 → 9.15 ; 真实度 5
    # 满意度 9/8/8 → 8.15 ; 报表 10 ; 审计 (上级 only) 10-4 = 6 ; 资料 5 (小组 blank → 0 次, flagged)
    # 91.6, 调整 +1 -2 = -1 → 90.6 → 优秀
    r = one("service-staff", STAFF_ROW)
    assert r["专业技能、接听质量得分"] == 28.3 and r["回访完成率得分"] == 9.15 and r["客户满意度得分"] == 8.15
    assert r["调整分"] == -1 and r["总分"] == 90.6 and r["等级"] == "优秀"
    # raters 1 point apart on a 5–10 scale = 20% of its range → calibration
    assert "需校准:回访完成率" in r["标记"] and "需校准:客户满意度" in r["标记"]
    assert "需校准:专业技能" not in r["标记"]  # 2 of 30 points is below 20%
    assert "缺失:客户服务资料的完整性·小组（按0计）" in r["标记"]


def test_service_staff_missing_rater_renormalises():
    row = {**STAFF_ROW, "客户满意度·上级": None}
    # 自评 97% → 9, 小组 90% → 8: (.15×9 + .25×8) / .40 = 8.375 → ROUND 8.38
    r = one("service-staff", row)
    assert r["客户满意度得分"] == 8.38 and "缺评:客户满意度·上级" in r["标记"]


def test_online_agent_hand_calculated():
    # FRT 25秒→5→15 ; ART 45→3→6 ; 76/80=95%→3→9 ; 操作规范 1次→4→4 ; 基础指标 34
    # FCR 88%→5→20 ; CSAT 85%→3→12 ; 投诉率 0→5→10 ; 二次跟进 96%→5→5 ; 质量指标 47 ; 总分 81 → 良好
    r = one(
        "online-agent",
        {
            "首次响应时间": "25秒",
            "平均响应时长": 45,
            "日均接待量·实际接待量": 76,
            "日均接待量·目标接待量": 80,
            "操作规范": 1,
            "一次解决率": "88%",
            "客户满意度": "85%",
            "投诉率": 0,
            "二次跟进完成率": "96%",
        },
    )
    assert (r["基础指标小计"], r["质量指标小计"], r["总分"], r["等级"]) == (34, 47, 81, "良好")


# ---------------------------------------------------------------- validation
BASE = {
    "id": "t",
    "名称": "测试",
    "部分": [
        {
            "名称": "A",
            "指标": [
                {"名称": "甲", "权重": "60%", "评分标准": "≥90%(5分);<90%(1分)"},
                {"名称": "乙", "权重": "40%", "评分标准": "≤30秒(5分);>30秒(1分)"},
            ],
        }
    ],
    "等级": [{"等级": "好", "下限": 60, "系数": 1}, {"等级": "差", "下限": 0, "系数": 0}],
}


def variant(**changes):
    import copy

    d = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = d
        keys = path.split("__")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return d


def test_valid_base_scheme():
    s = scheme_from_dict(BASE)
    assert s.max_total == 100


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"部分__0__指标__1__权重": "30%"}, "指标权重合计为 90%，应为 100%"),
        ({"评价人": {"上级": "60%", "自评": "40%"}, "部分__0__指标__0__评价人": ["小组"]}, "未知的评价人「小组」"),
        ({"评价人": {"上级": "60%", "自评": "30%"}}, "评价人权重合计为 90%"),
        ({"等级": [{"等级": "好", "下限": 60, "系数": 1}]}, "0–60 没有对应等级"),
        ({"等级": [{"等级": "好", "范围": "80≤/≤100", "系数": 1}, {"等级": "差", "范围": "0≤/<70", "系数": 0}]}, "70–80 没有对应等级"),
        ({"等级": [{"等级": "好", "范围": "70≤/≤100", "系数": 1}, {"等级": "差", "范围": "0≤/≤70", "系数": 0}]}, "重叠"),
        ({"部分__0__指标__0__分值": 5}, "权重与分值须且只须填一个"),
        ({"部分__0__指标__0__评分标准": "达到80%以上10分;低于75%,0分"}, "75%–80% 没有对应分值"),
        ({"部分__0__指标__1__名称": "甲"}, "指标名称重复"),
        ({"部分__0__指标__0__颜色": "红"}, "不认识的字段 颜色"),
        ({"否定项": [{"名称": "满意率", "规则": "否定项,满意率不低于[ ]%"}]}, "阈值未填写"),
        ({"部分__0__指标__0__缺失处理": "随便"}, "缺失处理应为"),
    ],
)
def test_validation_errors_name_the_place(changes, message):
    with pytest.raises(SchemeError, match=message.replace("(", r"\(")):
        scheme_from_dict(variant(**changes), "t.yaml")


def test_error_names_the_path():
    with pytest.raises(SchemeError, match=r"t.yaml.部分\[0\].指标\[1\].评分标准"):
        scheme_from_dict(variant(部分__0__指标__1__评分标准="随便写"), "t.yaml")


def test_scheme_file_round_trip(tmp_path):
    import yaml

    p = tmp_path / "my.yaml"
    p.write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    s = load_scheme(p)
    r = score(s, pd.DataFrame([{"工号": "1", "姓名": "a", "甲": "95%", "乙": "40秒"}])).iloc[0]
    assert r["总分"] == 60 + 8  # 5/5×60 + 1/5×40
    assert not math.isnan(r["总分"])


def test_unknown_builtin_and_bad_yaml(tmp_path):
    with pytest.raises(SchemeError, match="没有内置方案"):
        load_scheme("no-such-scheme")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(SchemeError, match="YAML"):
        load_scheme(bad)


def test_docs_example_scheme_loads_and_scores():
    """The YAML example in docs/schemes.md is a working scheme (hand-calculated below)."""
    import re
    from pathlib import Path

    import yaml

    text = (Path(__file__).parents[1] / "docs" / "schemes.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "部分:" in b)
    scheme = scheme_from_dict(yaml.safe_load(block), "README")
    row = {
        "工号": "1",
        "姓名": "甲",
        "平均响应时长·上级": "28秒",
        "一次解决率·自评": "95%",
        "一次解决率·上级": "85%",
        "一次解决率·小组": "85%",
        "服务规范·自评": 5,
        "服务规范·上级": 5,
        "服务规范·小组": 5,
        "重大投诉": 0,
        "奖励·表扬信": 1,
    }
    r = score(scheme, pd.DataFrame([row])).iloc[0]
    # 一次解决率: 5×15% + 3×60% + 3×25% = 3.3; 业绩 = 5/5×50 + 3.3/5×50 = 83; 行为 = 100
    assert r["一次解决率得分"] == 3.3
    assert r["业绩考核小计"] == 83 and r["行为考核小计"] == 100
    # 83×80% + 100×20% = 86.4, plus 表扬信 1 → 87.4 → 良好 1.2; self 5 vs 上级 3 is ≥20% of 1–5
    assert r["总分"] == 87.4 and r["等级"] == "良好" and r["奖金系数"] == 1.2
    assert "需校准:一次解决率" in r["标记"]
    vetoed = score(scheme, pd.DataFrame([{**row, "重大投诉": 1}])).iloc[0]
    assert vetoed["总分"] == 0 and "否决" in vetoed["标记"]
