"""KPI metrics per agent from a session log (one row per chat session or call), into a roster.

Definitions (each documented in the README with its formula and switches):

* 接待量 handled — valid sessions an agent served: not test, not a repeated session id,
  not abandoned. 有效服务占比 = valid sessions ÷ all sessions in the period.
* FRT 首次响应时间 — mean of (first_reply_at − created_at) in seconds over handled sessions;
  replies marked as a bot's are excluded (``first_reply_by_bot``).
* ART 平均响应时长 — Σ(avg_reply_seconds × replies) ÷ Σ replies (per-exchange average).
* AHT — (talk + hold + after-call work) ÷ handled.
* FCR 一次解决率 — resolved sessions with no contact from the same customer within the repeat
  window (72 h by default) ÷ handled.
* CSAT 客户满意度 — top-2-box (4 or 5 on a 5-point scale) ÷ rated, or the mean score
  (``csat="mean"``); 评价率 = rated ÷ handled is reported beside it.
* NPS — (promoters 9–10 − detractors 0–6) ÷ respondents × 100.
* 投诉率 — complaints ÷ handled.  回复率 — sessions with an agent reply ÷ sessions received.
* 服务水平 X/Y and 放弃率 (team level) — answered within X seconds ÷ offered, with the ICMI
  variants for abandons: ``ignore`` (offered = answered), ``against`` (every abandon counts
  against), ``short`` (abandons within N seconds are not offered calls); 放弃率 = abandons ÷ offered.
* 日均接待量 — handled ÷ days the agent worked (days with at least one session).

A session belongs to the period in which it was created (a chat spanning midnight or the
period's end counts where it began). A row that cannot be used — an unreadable timestamp,
a reply before creation, an end before the start, no agent — is reported with its line
number and left out; it never stops the run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import KpixlError
from .scheme import Scheme, normalize_header

#: canonical field → headers seen in Chinese and English exports
ALIASES: dict[str, tuple[str, ...]] = {
    "agent": ("客服工号", "工号", "坐席工号", "agent_id", "agent"),
    "agent_name": ("客服姓名", "姓名", "坐席", "agent_name"),
    "session": ("会话ID", "会话编号", "工单号", "通话ID", "session_id", "ticket_id", "call_id"),
    "customer": ("客户ID", "客户编号", "客户", "customer_id", "customer"),
    "created_at": ("会话开始", "开始时间", "创建时间", "来电时间", "created_at", "start_time"),
    "first_reply_at": ("首次回复", "首次回复时间", "first_reply_at"),
    "ended_at": ("结束", "结束时间", "ended_at", "end_time"),
    "resolved": ("是否解决", "已解决", "resolved"),
    "csat": ("满意度评分", "满意度", "csat"),
    "nps": ("推荐评分", "nps_score", "nps"),
    "complaint": ("是否投诉", "投诉", "complaint"),
    "queue_seconds": ("排队时长", "等待时长", "queue_seconds"),
    "abandoned": ("是否放弃", "放弃", "abandoned"),
    "talk_seconds": ("通话时长", "talk_seconds"),
    "hold_seconds": ("保持时长", "hold_seconds"),
    "acw_seconds": ("话后处理时长", "acw_seconds"),
    "replies": ("回复次数", "reply_count", "replies"),
    "avg_reply_seconds": ("平均回复时长", "avg_reply_seconds"),
    "first_reply_by_bot": ("首次回复为机器人", "first_reply_by_bot", "bot_first_reply"),
    "test": ("是否测试", "测试", "is_test", "test"),
}

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
}

#: timestamp formats both engines accept, tried in this order
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)

TRUE = {"1", "是", "y", "yes", "true", "t", "已解决", "解决", "√", "放弃", "投诉"}
FALSE = {"0", "否", "n", "no", "false", "f", "未解决", "", "×", "nan", "none"}


@dataclass
class Options:
    period: str | None = None
    repeat_hours: float = 72.0
    csat: str = "top2"  # or "mean"
    sl_seconds: float = 20.0
    abandon_mode: str = "against"  # "ignore" | "against" | "short"
    short_abandon_seconds: float = 5.0
    targets: dict[str, float] = field(default_factory=dict)  # 岗位 → daily target
    default_target: float | None = None


@dataclass
class MetricsResult:
    per_agent: pd.DataFrame  # 工号, 姓名, 考核期间, metric columns, 样本数 columns
    team: dict[str, float]  # service level, abandonment, …
    problems: list[str]  # located, one per excluded row


def _find(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    norm = {normalize_header(c).lower(): c for c in columns}
    found = {}
    for key, aliases in ALIASES.items():
        if key in mapping:
            if mapping[key] not in columns:
                raise KpixlError(f"日志中没有「{mapping[key]}」列（映射给 {key}）/ the log has no column {mapping[key]!r}")
            found[key] = mapping[key]
            continue
        for a in aliases:
            if a.lower() in norm:
                found[key] = norm[a.lower()]
                break
    return found


def _flag(series: pd.Series) -> np.ndarray:
    text = series.astype("string").str.strip().str.lower().fillna("")
    yes = text.isin(TRUE).to_numpy()
    no = text.isin(FALSE).to_numpy()
    out = np.where(yes, 1.0, np.where(no, 0.0, np.nan))
    return out


def parse_times(raw: pd.Series) -> pd.Series:
    """Timestamps in one of :data:`TIME_FORMATS` (datetimes pass through); anything else → NaT."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw
    text = raw.map(lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, dt.datetime) else v).astype("string").str.strip()
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    for fmt in TIME_FORMATS:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) of ``2024-03``, ``2024Q1``, ``2024`` or ``2024-03-01..2024-03-15``."""
    p = period.strip()
    if ".." in p:
        a, b = p.split("..", 1)
        return pd.Timestamp(a), pd.Timestamp(b) + pd.Timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})-?(\d{2})", p):
        start = pd.Timestamp(int(m[1]), int(m[2]), 1)
        return start, start + pd.offsets.MonthBegin(1)
    if m := re.fullmatch(r"(\d{4})\s*Q([1-4])", p, re.I):
        start = pd.Timestamp(int(m[1]), 3 * int(m[2]) - 2, 1)
        return start, start + pd.offsets.MonthBegin(3)
    if re.fullmatch(r"\d{4}", p):
        return pd.Timestamp(int(p), 1, 1), pd.Timestamp(int(p) + 1, 1, 1)
    raise KpixlError(f"无法识别的考核期间 {period!r}（如 2024-03、2024Q1）/ unreadable period")


def compute(log: pd.DataFrame, options: Options | None = None, *, mapping: dict[str, str] | None = None, first_line: int = 2) -> MetricsResult:
    """Metrics per agent (and team service level) from a session log."""
    o = options or Options()
    cols = _find(list(log.columns), mapping or {})
    for need in ("agent", "created_at"):
        if need not in cols:
            raise KpixlError(f"日志缺少「{ALIASES[need][0]}」列（或 {ALIASES[need][-2]}）/ the log needs a {need} column")
    n = len(log)
    line = np.arange(n) + first_line
    problems: list[str] = []
    bad = np.zeros(n, dtype=bool)

    def times(key: str) -> pd.Series:
        if key not in cols:
            return pd.Series(pd.NaT, index=log.index)
        raw = log[cols[key]]
        parsed = parse_times(raw)
        unreadable = parsed.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
        for i in np.flatnonzero(unreadable.to_numpy())[:200]:
            problems.append(f"第{line[i]}行「{cols[key]}」: 无法识别的时间 {raw.iloc[i]!r} / unreadable timestamp")
        bad[unreadable.to_numpy()] = True
        return parsed

    def numbers(key: str) -> np.ndarray:
        if key not in cols:
            return np.full(n, np.nan)
        return pd.to_numeric(log[cols[key]], errors="coerce").to_numpy(dtype=float)

    created, first, ended = times("created_at"), times("first_reply_at"), times("ended_at")
    missing_start = created.isna().to_numpy() & ~bad
    for i in np.flatnonzero(missing_start)[:200]:
        problems.append(f"第{line[i]}行: 没有会话开始时间 / no start time")
    bad |= missing_start
    agent = log[cols["agent"]].astype("string").str.strip()
    abandoned = _flag(log[cols["abandoned"]]) == 1 if "abandoned" in cols else np.zeros(n, dtype=bool)
    no_agent = (agent.isna() | (agent == "")).to_numpy() & ~abandoned & ~bad
    for i in np.flatnonzero(no_agent)[:200]:
        problems.append(f"第{line[i]}行: 没有客服工号 / no agent")
    bad |= no_agent
    reply_early = (first < created).to_numpy() & ~bad
    for i in np.flatnonzero(reply_early)[:200]:
        problems.append(f"第{line[i]}行: 首次回复早于会话开始 / reply before the session started")
    end_early = (ended < created).to_numpy() & ~bad
    for i in np.flatnonzero(end_early)[:200]:
        problems.append(f"第{line[i]}行: 结束早于开始 / ended before it started")
    bad |= reply_early | end_early

    in_period = np.ones(n, dtype=bool)
    period_label = o.period or ""
    if o.period:
        start, end = period_bounds(o.period)
        in_period = ((created >= start) & (created < end)).to_numpy()
    use = in_period & ~bad
    test = _flag(log[cols["test"]]) == 1 if "test" in cols else np.zeros(n, dtype=bool)
    dup = np.zeros(n, dtype=bool)
    if "session" in cols:
        sid = log[cols["session"]].astype("string")
        dup = (sid.duplicated(keep="first") & sid.notna()).to_numpy()
    valid = use & ~test & ~dup
    handled = valid & ~abandoned
    received = valid.copy()

    frame = pd.DataFrame({"agent": agent.to_numpy(), "handled": handled, "received": received & ~abandoned})
    frt = (first - created).dt.total_seconds().to_numpy()
    if "first_reply_by_bot" in cols:
        frt = np.where(_flag(log[cols["first_reply_by_bot"]]) == 1, np.nan, frt)
    frame["frt"] = np.where(handled, frt, np.nan)
    replies = numbers("replies")
    avg_reply = numbers("avg_reply_seconds")
    w = np.where(np.isnan(replies), 1.0, replies)
    frame["art_num"] = np.where(handled & ~np.isnan(avg_reply), avg_reply * w, 0.0)
    frame["art_den"] = np.where(handled & ~np.isnan(avg_reply), w, 0.0)
    talk, hold, acw = numbers("talk_seconds"), numbers("hold_seconds"), numbers("acw_seconds")
    has_aht = "talk_seconds" in cols
    frame["aht_sum"] = np.where(handled, np.nan_to_num(talk) + np.nan_to_num(hold) + np.nan_to_num(acw), 0.0)
    resolved = _flag(log[cols["resolved"]]) == 1 if "resolved" in cols else np.zeros(n, dtype=bool)
    repeat = np.zeros(n, dtype=bool)
    if "customer" in cols:
        # a later contact from the same customer within the window makes the earlier one not first-contact resolved
        cust = log[cols["customer"]].astype("string")
        order = pd.DataFrame({"c": cust, "t": created, "i": np.arange(n)})[valid].sort_values(["c", "t"])
        nxt = order.groupby("c")["t"].shift(-1)
        gap = (nxt - order["t"]).dt.total_seconds() / 3600
        repeat[order["i"].to_numpy()[(gap <= o.repeat_hours).to_numpy()]] = True
    frame["fcr"] = handled & resolved & ~repeat
    csat = numbers("csat")
    rated = handled & ~np.isnan(csat)
    frame["rated"] = rated
    frame["csat_top2"] = rated & (csat >= 4)
    frame["csat_sum"] = np.where(rated, csat, 0.0)
    nps = numbers("nps")
    nps_rated = handled & ~np.isnan(nps)
    frame["nps_n"] = nps_rated
    frame["nps_pro"] = nps_rated & (nps >= 9)
    frame["nps_det"] = nps_rated & (nps <= 6)
    frame["complaint"] = handled & ((_flag(log[cols["complaint"]]) == 1) if "complaint" in cols else False)
    frame["replied"] = (received & ~abandoned) & first.notna().to_numpy()
    frame["day"] = np.where(handled, created.dt.strftime("%Y-%m-%d").to_numpy(dtype=object), None)
    frame["name"] = log[cols["agent_name"]].astype("string").to_numpy() if "agent_name" in cols else None

    part = frame[frame["handled"] | frame["received"]]
    g = part.groupby("agent", sort=True)
    out = pd.DataFrame(index=g.size().index)
    h = g["handled"].sum()
    out["handled"] = h

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        return (num / den.where(den > 0)).astype(float)

    out["frt"] = g["frt"].mean()
    out["frt_n"] = g["frt"].count()
    out["art"] = ratio(g["art_num"].sum(), g["art_den"].sum())
    if has_aht:
        out["aht"] = ratio(g["aht_sum"].sum(), h)
    out["fcr"] = ratio(g["fcr"].sum(), h)
    if o.csat == "mean":
        out["csat"] = ratio(g["csat_sum"].sum(), g["rated"].sum())
    else:
        out["csat"] = ratio(g["csat_top2"].sum(), g["rated"].sum())
    out["csat_n"] = g["rated"].sum()
    out["csat_rate"] = ratio(g["rated"].sum(), h)
    if "nps" in cols:
        out["nps"] = ratio((g["nps_pro"].sum() - g["nps_det"].sum()) * 100, g["nps_n"].sum())
    out["complaint_rate"] = ratio(g["complaint"].sum(), h)
    out["reply_rate"] = ratio(g["replied"].sum(), g["received"].sum())
    days = g["day"].nunique()
    out["daily"] = ratio(h, days)
    out["valid_share"] = np.nan
    total_in_period = pd.Series(use).groupby(agent.to_numpy()).sum()
    valid_by_agent = pd.Series(valid & ~abandoned).groupby(agent.to_numpy()).sum()
    out["valid_share"] = ratio(valid_by_agent.reindex(out.index), total_in_period.reindex(out.index))
    names = part.dropna(subset=["name"]).groupby("agent")["name"].first() if "agent_name" in cols else None
    result = out.reset_index().rename(columns={"agent": "工号"})
    result.insert(1, "姓名", [names.get(a, "") if names is not None else "" for a in result["工号"]])
    result.insert(2, "考核期间", period_label)

    team = _service_level(log, cols, use & ~test & ~dup, abandoned, o)
    return MetricsResult(result, team, problems)


def _service_level(log: pd.DataFrame, cols: dict[str, str], offered_rows: np.ndarray, abandoned: np.ndarray, o: Options) -> dict[str, float]:
    if "queue_seconds" not in cols:
        return {}
    wait = pd.to_numeric(log[cols["queue_seconds"]], errors="coerce").to_numpy(dtype=float)
    rows = offered_rows & ~np.isnan(wait)
    answered = rows & ~abandoned
    abandons = rows & abandoned
    short = abandons & (wait <= o.short_abandon_seconds)
    within = answered & (wait <= o.sl_seconds)
    if o.abandon_mode == "ignore":
        offered = answered.sum()
    elif o.abandon_mode == "short":
        offered = answered.sum() + (abandons & ~short).sum()
    else:
        offered = answered.sum() + abandons.sum()
    aband_den = answered.sum() + (abandons & ~short).sum() if o.abandon_mode == "short" else answered.sum() + abandons.sum()
    aband_num = (abandons & ~short).sum() if o.abandon_mode == "short" else abandons.sum()
    return {
        "service_level": float(within.sum() / offered) if offered else float("nan"),
        "abandon_rate": float(aband_num / aband_den) if aband_den else float("nan"),
        "offered": float(offered),
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
    used = set()
    for metric, series in values.items():
        header = next((name for name in FEEDS.get(metric, ()) if name in inputs), None)
        if header is None:
            header = LABELS[metric]
        else:
            used.add(header)
        out[header] = series.to_numpy()
    for k in ("frt_n", "csat_n"):
        if k in df.columns:
            out[f"样本数·{LABELS[k[:-2]].split('(')[0]}"] = df[k].to_numpy()
    if scheme:
        for h in scheme.input_columns():  # inputs no log holds (操作规范 …): columns left for supervisors
            if h not in out.columns:
                out[h] = None
    return out
