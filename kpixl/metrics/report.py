"""What a metrics run writes: the roster (a scheme's input headers where a metric feeds one,
else headers with units), the 口径 sheet (the settings and each formula in words), 全队 (team
figures) and 问题清单 (excluded rows, conflicting names)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .formulas import SAMPLES, TEAM, formula
from .options import AHT_CALLS, AHT_SESSIONS, MetricsResult, Options
from .team import team_row

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

#: the header of each metric when no scheme input takes it: its unit in brackets (seconds,
#: hours, 次, 次/天) or a rate's 率/占比, from which :func:`kpixl.xlsx_out.column_format`
#: picks the display format (0.0, 0.00, 0, 0.0%); the cell keeps the full value
LABELS = {
    "handled": "接待量(次)",
    "frt": "首次响应时间(秒)",
    "art": "平均响应时长(秒)",
    "aht": "平均处理时长(秒)",
    "fcr": "一次解决率",
    "csat": "客户满意度(4–5分占比)",
    "csat_rate": "评价率",
    "nps": "NPS(−100~100)",
    "complaint_rate": "投诉率",
    "reply_rate": "回复率",
    "daily": "日均接待量(次/天)",
    "target": "目标接待量(次/天)",
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
#: the CSAT header under ``--csat mean``
CSAT_MEAN_LABEL = "客户满意度(平均分)"
#: metric → the per-agent sample size written beside it
SAMPLE_COLUMNS = {"frt": "frt_n", "csat": "csat_n"}

#: how AHT was computed, for the 口径 sheet
AHT_TEXT = {
    AHT_CALLS: "（通话 + 保持 + 话后处理）÷ 接待量 / (talk + hold + after-call work) ÷ handled",
    AHT_SESSIONS: "会话时长均值（结束 − 开始）/ mean session length (ended − created)",
    None: "无来源（日志没有通话时长或结束时间）/ no source (no talk time or end time in the log)",
}


def labels(result: MetricsResult, o: Options | None = None) -> dict[str, str]:
    """:data:`LABELS` as this run computed the figures (chat AHT, mean CSAT)."""
    out = dict(LABELS)
    if result.aht_basis == AHT_SESSIONS:
        out["aht"] = AHT_SESSIONS_LABEL
    if o is not None and o.csat == "mean":
        out["csat"] = CSAT_MEAN_LABEL
    return out


def metric_name(metric: str) -> str:
    """A metric's name without its unit (接待量, 首次响应时间)."""
    return LABELS[metric].split("(")[0] if metric in LABELS else metric


def sample_header(metric: str) -> str:
    return f"样本数·{metric_name(metric)}"


#: the unit a metric is computed in, where a scheme's input must read the same unit to take
#: it (a share fed to a rule in 分, or seconds to one in 分钟, would score silently wrong)
UNITS = {
    **dict.fromkeys(("frt", "art", "aht", "asa"), "秒"),
    **dict.fromkeys(("fcr", "csat", "csat_rate", "complaint_rate", "reply_rate", "valid_share", "occupancy"), "%"),
}


def _unit(metric: str, o: Options | None) -> str | None:
    if metric == "csat" and o is not None and o.csat == "mean":
        return "分"  # a mean score: any scheme input not read in %
    return UNITS.get(metric)


def _input_unit(scheme: Scheme, header: str) -> str:
    """The unit the scheme reads its input column ``header`` in."""
    for i in scheme.indicators:
        if header in i.input_columns():
            field = header[len(i.name) + 1 :] if header.startswith(f"{i.name}·") else ""
            return i.rule.input_unit(field)
    return ""


def _fits(metric: str, header: str, scheme: Scheme, o: Options | None) -> bool:
    unit = _unit(metric, o)
    if unit is None:
        return True
    read = _input_unit(scheme, header)
    return read != "%" if unit == "分" else read == unit


def _fed(metric: str, scheme: Scheme | None, o: Options | None) -> tuple[str | None, str | None]:
    """(The scheme input ``metric`` is written under, the scheme input it would feed but whose
    unit differs) — at most one of them."""
    if scheme is None:
        return None, None
    inputs = set(scheme.input_columns())
    header = next((h for h in FEEDS.get(metric, ()) if h in inputs), None)
    if header is None or _fits(metric, header, scheme, o):
        return header, None
    return None, header


def headers(result: MetricsResult, scheme: Scheme | None, o: Options | None = None) -> dict[str, str]:
    """Metric → the roster header it is written under: the scheme's input where the metric
    feeds one read in the metric's unit (the roster contract ``kpixl score`` reads: no unit
    added), else its label."""
    names = labels(result, o)
    metrics = [k for k in LABELS if k in result.per_agent.columns or k == "target"]
    return {m: _fed(m, scheme, o)[0] or names[m] for m in metrics}


def unit_mismatches(result: MetricsResult, scheme: Scheme | None, o: Options | None = None) -> list[str]:
    """The scheme inputs a metric would feed but reads in another unit: left blank (scored as
    missing and flagged), the figure written under its own header beside them."""
    out, names = [], labels(result, o)
    for m in (k for k in LABELS if k in result.per_agent.columns):
        header = _fed(m, scheme, o)[1]
        if header is not None and scheme is not None:
            read = _input_unit(scheme, header) or "无单位"
            out.append(
                f"方案的「{header}」按 {read} 读，日志算出的「{names[m]}」单位不同：没有填入（评分时按缺失处理），写在「{names[m]}」列 / "
                f"the scheme reads {header} in {read}, the log's figure is in another unit: not filled in (scored as missing)"
            )
    return out


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
    for metric, header in headers(result, scheme, o).items():
        out[header] = values[metric].to_numpy()
    for metric, k in SAMPLE_COLUMNS.items():
        if k in df.columns:
            out[sample_header(metric)] = df[k].to_numpy()
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


def settings_sheet(
    result: MetricsResult,
    o: Options,
    logs: Sequence[str | Path],
    presence: Sequence[str | Path],
    written: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The definitions a metrics run used (口径), so a roster says how its figures were made:
    the settings, then one row per metric ``written`` (metric → its header) stating its
    formula in words, its sample sizes, and how the 全队 figures are made."""
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
        names = "、".join(metric_name(m) for m in result.no_source)
        rows.append(("无来源的指标（留空）/ metrics with no source (blank)", names))
    for metric, header in (written or {}).items():
        rows.append((header, formula(metric, result, o)))
        if metric in SAMPLE_COLUMNS and SAMPLE_COLUMNS[metric] in result.per_agent.columns:
            rows.append((sample_header(metric), SAMPLES[SAMPLE_COLUMNS[metric]]))
    if written:
        rows.append(("全队 / team", TEAM))
    return pd.DataFrame(rows, columns=["项目 / setting", "取值 / value"])


def _targets(o: Options) -> str:
    parts = [f"{role}={target:g}" for role, target in o.targets.items()]
    if o.default_target is not None:
        parts.append(f"其余 / others={o.default_target:g}")
    return "；".join(parts) or "无 / none"


def team_sheet(result: MetricsResult, o: Options | None = None) -> pd.DataFrame:
    """全队: one row, the team's value of every per-agent figure under the same headers (with
    units) as the roster without a scheme — totals, and means weighted by each figure's
    denominator (:func:`kpixl.metrics.team.team_row`) — and, for a call log, service level,
    abandonment and calls offered."""
    o = o or Options()
    row = team_row(result.per_agent)
    names = labels(result, o)
    out: dict[str, object] = {"范围 / scope": "全队 / team", "客服人数(人)": row["agents"]}
    out.update({names[m]: row[m] for m in LABELS if m in row})
    if result.team:
        out[f"服务水平({o.sl_seconds:g}秒内接起占比)"] = result.team["service_level"]
        out["放弃率"] = result.team["abandon_rate"]
        out["呼入量(次)"] = result.team["offered"]
    return pd.DataFrame([out])


def problems_sheet(problems: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"问题 / problem": problems})
