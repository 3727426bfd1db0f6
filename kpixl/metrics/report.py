"""What a metrics run writes: the roster (a scheme's input headers where a metric feeds one),
the 口径 sheet (the definitions used), 全队 (team figures) and 问题清单 (excluded rows)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .options import AHT_CALLS, AHT_SESSIONS, MetricsResult, Options

if TYPE_CHECKING:
    from ..scheme import Scheme

#: metric → the scheme indicator (or indicator·field) it feeds
FEEDS: dict[str, tuple[str, ...]] = {
    "frt": ("首次响应时间", "平均首次响应时间", "首响时间"),
    "art": ("平均响应时长", "平均回复时长"),
    "aht": ("平均处理时长",),
    "fcr": ("一次解决率", "首次解决率"),
    "csat": ("客户满意度", "满意率"),
    "complaint_rate": ("投诉率", "客户投诉率"),
    "reply_rate": ("客服回复率", "回复率"),
    "daily": ("日均接待量·实际接待量", "日均接待量"),
    "occupancy": ("占用率", "坐席占用率", "座席占用率"),
    "target": ("日均接待量·目标接待量",),
}

LABELS = {
    "handled": "接待量",
    "frt": "首次响应时间(秒)",
    "art": "平均响应时长(秒)",
    "aht": "平均处理时长(秒)",
    "fcr": "一次解决率",
    "csat": "客户满意度",
    "csat_rate": "评价率",
    "nps": "NPS",
    "complaint_rate": "投诉率",
    "reply_rate": "回复率",
    "daily": "日均接待量",
    "target": "目标接待量",
    "valid_share": "有效服务占比",
    "asa": "平均应答速度ASA(秒)",
    "hold_share": "保持占比",
    "acw_share": "话后处理占比",
    "occupancy": "占用率",
    "work_h": "处理时长(小时)",
    "staffed_h": "在线时长(小时)",
}
#: the AHT header of a chat log, whose AHT is the mean session length
AHT_SESSIONS_LABEL = "平均处理时长(秒·会话时长均值)"

#: how AHT was computed, for the 口径 sheet
AHT_TEXT = {
    AHT_CALLS: "（通话 + 保持 + 话后处理）÷ 接待量 / (talk + hold + after-call work) ÷ handled",
    AHT_SESSIONS: "会话时长均值（结束 − 开始）/ mean session length (ended − created)",
    None: "无来源（日志没有通话时长或结束时间）/ no source (no talk time or end time in the log)",
}


def to_roster(result: MetricsResult, scheme: Scheme | None, o: Options | None = None, roles: dict[str, str] | None = None) -> pd.DataFrame:
    """The per-agent metrics as a roster: headers are the scheme's inputs where a metric feeds one,
    and every figure keeps its 样本数 (how many sessions it rests on)."""
    o = o or Options()
    df = result.per_agent
    out = pd.DataFrame({"工号": df["工号"], "姓名": df["姓名"], "考核期间": df["考核期间"]})
    if roles:
        out["岗位"] = [roles.get(a, "") for a in df["工号"]]
    targets = []
    for a in df["工号"]:
        role = (roles or {}).get(a, "")
        targets.append(o.targets.get(role, o.default_target) if o.targets or o.default_target is not None else None)
    values = {k: df[k] for k in df.columns if k in LABELS}
    values["target"] = pd.Series(targets, dtype=float)
    inputs = set(scheme.input_columns()) if scheme else set()
    labels = {**LABELS, "aht": AHT_SESSIONS_LABEL} if result.aht_basis == AHT_SESSIONS else LABELS
    for metric, series in values.items():
        header = next((name for name in FEEDS.get(metric, ()) if name in inputs), labels[metric])
        out[header] = series.to_numpy()
    for k in ("frt_n", "csat_n"):
        if k in df.columns:
            out[f"样本数·{LABELS[k[:-2]].split('(')[0]}"] = df[k].to_numpy()
    if scheme:
        for h in scheme.input_columns():  # inputs no log holds (操作规范 …): columns left for supervisors
            if h not in out.columns:
                out[h] = None
    return out


def _clock(o: Options) -> str:
    bh = o.business_hours
    if bh is None:
        return "自然时间 / calendar"
    windows = ",".join(f"{int(a) // 3600:02d}:{int(a) % 3600 // 60:02d}-{int(b) // 3600:02d}:{int(b) % 3600 // 60:02d}" for a, b in bh.windows)
    days = "".join(map(str, sorted(bh.weekdays)))
    return f"工作时间 / business: {windows}；工作日 {days}；节假日 {len(bh.holidays)} 天；调休上班 {len(bh.workdays)} 天"


def settings_sheet(result: MetricsResult, o: Options, logs: Sequence[str | Path], presence: Sequence[str | Path]) -> pd.DataFrame:
    """The definitions a metrics run used (口径), so a roster says how its figures were made."""
    rows = [
        ("日志 / logs", "、".join(Path(p).name for p in logs)),
        ("考核期间 / period", o.period or "全部 / all"),
        ("日期写法 / date format", o.date_format or "年-月-日 / ISO"),
        ("首次响应时间计时 / FRT clock", _clock(o)),
        ("时钟误差容许 / clock skew", f"{o.skew_seconds:g} 秒（早于开始不超过此数的回复、结束按 0 秒计）" if o.skew_seconds else "无 / none"),
        ("平均处理时长 / AHT", AHT_TEXT[result.aht_basis]),
        ("一次解决率再来窗口 / FCR repeat window", f"{o.repeat_hours:g} 小时"),
        ("未知客户的客户ID / placeholder customer ids", "0、匿名、游客 等" + "".join(f"、{w}" for w in sorted(o.placeholder_customers))),
        ("客户满意度 / CSAT", "4–5 分占比 / top-2-box" if o.csat == "top2" else "平均分 / mean"),
        ("服务水平 / service level", f"{o.sl_seconds:g} 秒内接起；放弃 {o.abandon_mode}（短放弃 ≤{o.short_abandon_seconds:g} 秒）"),
        ("在线记录 / presence", "、".join(Path(p).name for p in presence) or "无 / none"),
        ("列映射 / columns read", "；".join(f"{k} ← {v}" for k, v in result.columns.items())),
        ("日均接待目标 / daily targets", _targets(o)),
    ]
    if result.no_source:
        names = "、".join(LABELS.get(m, m) for m in result.no_source)
        rows.append(("无来源的指标（留空）/ metrics with no source (blank)", names))
    return pd.DataFrame(rows, columns=["项目 / setting", "取值 / value"])


def _targets(o: Options) -> str:
    parts = [f"{role}={target:g}" for role, target in o.targets.items()]
    if o.default_target is not None:
        parts.append(f"其余 / others={o.default_target:g}")
    return "；".join(parts) or "无 / none"


def team_sheet(team: dict[str, float]) -> pd.DataFrame:
    """全队: service level, abandonment and calls offered."""
    names = ["服务水平 service level", "放弃率 abandonment", "呼入量 offered"]
    return pd.DataFrame({"指标 / metric": names, "值 / value": [team["service_level"], team["abandon_rate"], team["offered"]]})


def problems_sheet(problems: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"问题 / problem": problems})
