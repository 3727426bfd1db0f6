"""Each metric's formula in words (Chinese first, English beside), as the SQL of
:mod:`kpixl.metrics.sql` computes it under a run's options — the rows of the 口径 sheet."""

from __future__ import annotations

from .options import AHT_CALLS, AHT_SESSIONS, MetricsResult, Options

#: 接待 (handled) in every formula below
HANDLED = (
    "接待量 = 期间内有效会话数（读得出开始时间和客服工号，非测试、会话ID不重复、未放弃）/ "
    "handled = valid sessions in the period (start and agent readable; not test, not a repeated session id, not abandoned)"
)
FIXED = {
    "art": (
        "平均响应时长 = Σ(平均回复时长 × 回复次数) ÷ Σ回复次数（接待会话中有平均回复时长的；没有回复次数按 1 次）/ "
        "ART = Σ(avg reply time × replies) ÷ Σ replies (handled sessions with an avg reply time; no reply count = 1)"
    ),
    "csat_rate": "评价率 = 有满意度评分的接待会话数 ÷ 接待量 / rated share = rated handled sessions ÷ handled",
    "nps": (
        "NPS = (推荐评分 9–10 的会话数 − 0–6 的会话数) ÷ 有推荐评分的接待会话数 × 100 / "
        "NPS = (promoters 9–10 − detractors 0–6) ÷ handled sessions with a score × 100"
    ),
    "complaint_rate": "投诉率 = 投诉的接待会话数 ÷ 接待量 / complaint rate = handled sessions with a complaint ÷ handled",
    "reply_rate": "回复率 = 有首次回复的接待会话数 ÷ 接待量 / reply rate = handled sessions with a first reply ÷ handled",
    "daily": ("日均接待量 = 接待量 ÷ 有接待的天数（按会话开始的日期）/ daily handled = handled ÷ days with a handled session (by start date)"),
    "target": "目标接待量 = 按岗位的日均接待目标（--target、--default-target）/ daily target by 岗位 (--target, --default-target)",
    "valid_share": (
        "有效服务占比 = 接待量 ÷ 期间内可用会话数（含测试、重复、放弃）/ "
        "valid share = handled ÷ usable sessions (test, repeated and abandoned included)"
    ),
    "asa": "平均应答速度 = Σ排队时长 ÷ 有排队时长的接待电话数 / ASA = Σ queue time ÷ handled calls with a queue time",
    "hold_share": "保持占比 = Σ保持时长 ÷ Σ处理时长（接待的电话）/ hold share = Σ hold ÷ Σ handling time (handled calls)",
    "acw_share": "话后处理占比 = Σ话后处理时长 ÷ Σ处理时长（接待的电话）/ ACW share = Σ after-call work ÷ Σ handling time (handled calls)",
    "occupancy": (
        "占用率 = 处理时长 ÷ 可用时长（登录时长按期间截取 − 小休/示忙）/ "
        "occupancy = handling time ÷ available time (logged in within the period − breaks)"
    ),
    "work_h": "处理时长 = Σ处理时长 ÷ 3600（接待的会话）/ handling hours = Σ handling time ÷ 3600 (handled sessions)",
    "staffed_h": "在线时长 = 可用时长 ÷ 3600 / available hours = available time ÷ 3600",
}


def _frt(o: Options) -> str:
    clock = "只计工作时间内的秒数 / business seconds only" if o.business_hours is not None else "自然时间 / calendar time"
    skew = f"；早于开始不超过 {o.skew_seconds:g} 秒的回复按 0 秒计 / replies up to {o.skew_seconds:g} s early count as 0 s" if o.skew_seconds else ""
    return (
        "首次响应时间 = Σ(首次回复 − 会话开始) ÷ 计入的会话数（接待会话中有首次回复、不是机器人回复、不早于开始的），秒 / "
        f"FRT = Σ(first reply − start) ÷ sessions counted (handled, with a first reply not by a bot and not before the start), seconds；{clock}{skew}"
    )


def _aht(basis: str | None) -> str:
    if basis == AHT_CALLS:
        return (
            "平均处理时长 = Σ(通话 + 保持 + 话后处理) ÷ 接待量（空白按 0 秒），秒 / "
            "AHT = Σ(talk + hold + after-call work) ÷ handled (blank = 0 s), seconds"
        )
    if basis == AHT_SESSIONS:
        return (
            "平均处理时长 = 会话时长均值 = Σ(结束 − 开始) ÷ 有结束时间的接待会话数（结束早于开始的不计），秒 / "
            "AHT = mean session length = Σ(end − start) ÷ handled sessions with an end (an end before the start left out), seconds"
        )
    return "平均处理时长：无来源（日志没有通话时长或结束时间），留空 / AHT: no source in the log, blank"


def _fcr(o: Options) -> str:
    return (
        f"一次解决率 = (已解决的接待会话数 − 其中同一客户 {o.repeat_hours:g} 小时内再来的) ÷ 接待量（再来：同一客户ID 之后的有效会话，"
        "同一时刻的互为再来；占位客户ID 不算）/ "
        f"FCR = (resolved handled sessions − those whose customer came back within {o.repeat_hours:g} h) ÷ handled "
        "(coming back: a later valid session of the same customer id, or one at the same instant; placeholder ids never)"
    )


def _csat(o: Options) -> str:
    if o.csat == "mean":
        return "客户满意度 = Σ满意度评分 ÷ 有评分的接待会话数（平均分）/ CSAT = Σ score ÷ rated handled sessions (mean score)"
    return (
        "客户满意度 = 评分 ≥ 4（5 分制的 4–5 分）的接待会话数 ÷ 有评分的接待会话数 / "
        "CSAT = handled sessions rated ≥ 4 (4–5 on a 5-point scale) ÷ rated handled sessions"
    )


def formula(metric: str, result: MetricsResult, o: Options) -> str:
    """The formula of ``metric`` in words, as this run computed it."""
    if metric == "handled":
        return HANDLED
    if metric == "frt":
        return _frt(o)
    if metric == "aht":
        return _aht(result.aht_basis)
    if metric == "fcr":
        return _fcr(o)
    if metric == "csat":
        return _csat(o)
    return FIXED[metric]


#: the sample-size columns of the roster
SAMPLES = {
    "frt_n": "计入首次响应时间的会话数 / sessions in FRT",
    "csat_n": "有满意度评分的接待会话数 / rated handled sessions",
}
TEAM = (
    "全队：计数与时长为合计；其余为各客服的值按其分母加权的平均 = Σ分子 ÷ Σ分母（不是各人数值的简单平均）/ "
    "team: counts and hours are totals; the rest are the agents' figures weighted by their denominators = Σ numerators ÷ Σ denominators "
    "(not a plain mean of the agents' figures)"
)
