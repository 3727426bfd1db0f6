"""KPI metrics per agent from a session log (one row per chat session or call), into a roster.

Definitions (each documented in docs/metrics.md with its formula and switches):

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
    "occupancy": "占用率",
    "work_h": "处理时长(小时)",
    "staffed_h": "在线时长(小时)",
}

#: canonical field → headers of an agent presence (login) export, for occupancy
PRESENCE_ALIASES: dict[str, tuple[str, ...]] = {
    "agent": ALIASES["agent"],
    "login_at": ("登录时间", "上线时间", "签入时间", "login_at", "login_time"),
    "logout_at": ("登出时间", "下线时间", "签出时间", "logout_at", "logout_time"),
    "online_seconds": ("在线时长", "登录时长", "签入时长", "online_seconds", "staffed_seconds"),
    "aux_seconds": ("小休时长", "示忙时长", "离席时长", "aux_seconds", "break_seconds"),
    "date": ("日期", "date"),
}

#: timestamp formats both engines accept, tried in this order
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)

#: characters stripped from both ends of every text value (both engines): space, tab (exports
#: put one before long ids so that Excel keeps them as text) and the full-width space
WS = " \t\u3000"
#: yes/no words of flag columns (compared after stripping and lower-casing); blanks are "no"
TRUE = frozenset({"1", "1.0", "是", "y", "yes", "true", "t", "已解决", "解决", "√", "放弃", "投诉", "有"})
FALSE = frozenset({"0", "0.0", "否", "n", "no", "false", "f", "未解决", "×", "无", "没有"})
#: values that mean "no value" in a number column (a CSAT of 未评价 is not rated, not unreadable)
BLANK = frozenset({"", "-", "--", "—", "/", "n/a", "na", "nan", "none", "null", "未评价", "未评分", "无"})

#: the order problems are reported in: flag columns, then number columns (both engines)
FLAG_KEYS = ("abandoned", "test", "resolved", "complaint", "first_reply_by_bot")
NUMBER_KEYS = ("csat", "nps", "replies", "avg_reply_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "queue_seconds")
#: problems of one kind listed per run (the count of excluded rows is always complete)
MAX_LISTED = 200


@dataclass(frozen=True)
class BusinessHours:
    """Business hours for FRT: daily windows, working weekdays, holidays and make-up working days
    (调休上班). Time outside the windows does not count."""

    windows: tuple[tuple[float, float], ...] = ((9 * 3600.0, 18 * 3600.0),)
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: Monday = 1
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    @classmethod
    def parse(
        cls, hours: str = "09:00-18:00", weekdays: str = "1-5", holidays: tuple[str, ...] = (), workdays: tuple[str, ...] = ()
    ) -> BusinessHours:
        """``hours`` like ``09:00-12:00,13:30-18:00``; ``weekdays`` like ``1-5`` or ``1-6`` or
        ``1,2,3,4,5``; ``holidays``/``workdays`` dates or ranges ``2024-10-01..2024-10-07``."""
        windows = []
        for part in re.split(r"[,，;；]", hours):
            m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})\s*", part)
            if not m:
                raise KpixlError(f"无法识别的工作时间 {part!r}（应如 09:00-18:00）/ business hours like 09:00-18:00")
            a, b = int(m[1]) * 3600 + int(m[2]) * 60, int(m[3]) * 3600 + int(m[4]) * 60
            if not a < b <= 24 * 3600:
                raise KpixlError(f"工作时间 {part!r} 的结束应晚于开始 / the window must end after it starts")
            windows.append((float(a), float(b)))
        windows.sort()
        if any(windows[i][1] > windows[i + 1][0] for i in range(len(windows) - 1)):
            raise KpixlError(f"工作时间 {hours!r} 的时段重叠 / the windows overlap")
        days: set[int] = set()
        for part in re.split(r"[,，]", weekdays):
            m = re.fullmatch(r"\s*([1-7])\s*(?:-\s*([1-7]))?\s*", part)
            if not m:
                raise KpixlError(f"无法识别的工作日 {part!r}（1=周一 … 7=周日，如 1-5）/ weekdays like 1-5")
            days.update(range(int(m[1]), int(m[2] or m[1]) + 1))
        return cls(tuple(windows), frozenset(days), frozenset(_dates(holidays, "--holiday")), frozenset(_dates(workdays, "--workday")))

    @property
    def day_seconds(self) -> float:
        return sum(b - a for a, b in self.windows)

    def calendar(self, first: dt.date, last: dt.date) -> pd.DataFrame:
        """One row per day from ``first`` to ``last``: is it a working day, and the business
        seconds elapsed before it (counted from ``first``)."""
        if (last - first).days > 366 * 30:
            raise KpixlError(
                f"工作时间日历从 {first} 到 {last}，超过 30 年：日志里可能有写错年份的时间 / the log spans over 30 years: a mistyped year?"
            )
        days = pd.date_range(first, last, freq="D", unit="s")
        work = np.array([(d.isoweekday() in self.weekdays or d.date() in self.workdays) and d.date() not in self.holidays for d in days])
        cum = np.concatenate([[0.0], np.cumsum(work * self.day_seconds)[:-1]])
        return pd.DataFrame({"day": days.date, "work": work, "cum": cum})

    def within_day(self, seconds: np.ndarray) -> np.ndarray:
        """Business seconds from midnight to ``seconds`` after it."""
        return sum(np.clip(seconds - a, 0, b - a) for a, b in self.windows)

    def elapsed(self, start: pd.Series, end: pd.Series) -> np.ndarray:
        """Business seconds between two timestamp columns (NaN where either is missing)."""
        out = np.full(len(start), np.nan)
        ok = (start.notna() & end.notna()).to_numpy()
        if not ok.any():
            return out
        s, e = start[ok], end[ok]
        d0 = min(s.min(), e.min()).normalize()
        cal = self.calendar(d0.date(), max(s.max(), e.max()).date())
        work, cum = cal["work"].to_numpy(), cal["cum"].to_numpy()

        def clock(ts: pd.Series) -> np.ndarray:
            day = ts.dt.normalize()
            k = ((day - d0).dt.days).to_numpy()
            return cum[k] + np.where(work[k], self.within_day((ts - day).dt.total_seconds().to_numpy()), 0.0)

        out[ok] = clock(e) - clock(s)
        return out


def _dates(items: tuple[str, ...], option: str) -> set[dt.date]:
    out: set[dt.date] = set()
    for item in items:
        for part in re.split(r"[,，\s]+", item.strip()):
            if not part:
                continue
            try:
                a, _, b = part.partition("..")
                lo = dt.date.fromisoformat(a)
                hi = dt.date.fromisoformat(b) if b else lo
            except ValueError:
                raise KpixlError(f"{option}: 无法识别的日期 {part!r}（应如 2024-10-01 或 2024-10-01..2024-10-07）/ expected a date") from None
            out.update(lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1))
    return out


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
    business_hours: BusinessHours | None = None  # FRT in business hours instead of calendar time


@dataclass
class MetricsResult:
    per_agent: pd.DataFrame  # 工号, 姓名, 考核期间, metric columns, 样本数 columns
    team: dict[str, float]  # service level, abandonment, …
    problems: list[str]  # located, one per excluded row (at most MAX_LISTED of each kind)
    excluded: int = 0  # rows left out, all of them


def load_mapping(path: str | Path) -> dict[str, str]:
    """A column mapping file: YAML ``字段: 表头`` lines (``agent: 坐席编号``)."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KpixlError(f"{p.name}: 无法读取列映射（{exc}）/ cannot read the mapping file") from None
    if not isinstance(data, dict) or not all(isinstance(v, (str, int)) for v in data.values()):
        raise KpixlError(f"{p.name}: 列映射应为「字段: 表头」的 YAML，如 agent: 坐席编号 / expected FIELD: HEADER lines")
    return {str(k): str(v) for k, v in data.items()}


def _find(columns: list[str], mapping: dict[str, str], fields: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Canonical field → the column holding it: ``mapping`` first, then the first alias present."""
    fields = ALIASES if fields is None else fields
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise KpixlError(f"未知的字段 {'、'.join(unknown)}（可用：{', '.join(fields)}）/ unknown field in the column mapping")
    norm = {normalize_header(c).lower(): c for c in columns}
    found = {}
    for key, aliases in fields.items():
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


@dataclass(frozen=True)
class Origin:
    """Where rows came from, so a problem names its file and line: ``rows`` rows of ``name``,
    the first on line ``first`` (CSV/xlsx, header on line 1) or numbered as records (Parquet)."""

    name: str
    rows: int
    first: int = 2
    records: bool = False


def shown(value: object) -> str:
    """A cell value in a problem message: text quoted, numbers plain (numpy scalars unwrapped)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def locator(origins: list[Origin] | None, first_line: int = 2) -> Callable[[int], str]:
    """A function from a row's position in the concatenated log to 「file 第N行」."""
    if not origins:
        return lambda i: f"第{i + first_line}行"
    starts = np.cumsum([0] + [o.rows for o in origins])

    def where(i: int) -> str:
        k = int(np.searchsorted(starts, i, side="right")) - 1
        o = origins[k]
        local = i - int(starts[k])
        label = f"第{local + 1}条记录" if o.records else f"第{local + o.first}行"
        return f"{o.name} {label}" if len(origins) > 1 else label

    return where


def read_log(path: str | Path) -> tuple[pd.DataFrame, Origin]:
    """A log file as text columns (CSV: every value as written, so 工号 001 stays 001; xlsx:
    as the cells hold them; Parquet: as typed) and its :class:`Origin`."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding=encoding)
                break
            except UnicodeDecodeError:
                continue
            except Exception as exc:
                raise KpixlError(f"{p.name}: 无法读取（{exc}）/ cannot read the file") from None
        else:
            raise KpixlError(f"{p.name}: 无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding")
        return df.replace({"": None}), Origin(p.name, len(df))
    if suffix == ".parquet":
        import duckdb

        df = duckdb.sql(f"SELECT * FROM read_parquet('{str(p).replace(chr(39), chr(39) * 2)}')").df()
        return df, Origin(p.name, len(df), records=True)
    from .roster import read_table

    df = read_table(p)
    return df, Origin(p.name, len(df))


def _text(series: pd.Series) -> pd.Series:
    """Text with integral numbers written without ``.0`` (an xlsx 工号 1001 is read as 1001.0)."""
    if pd.api.types.is_float_dtype(series.dtype):
        v = series.to_numpy(dtype=float)
        whole = np.isfinite(v) & (v == np.round(v))
        text = series.astype("string")
        text[whole] = pd.Series(v[whole].astype(np.int64), index=series.index[whole]).astype("string")
        return text
    return series.astype("string").str.strip(WS)


def _flag(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no column: (set, unreadable). Blanks are "no"; a word neither yes nor no is unreadable."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.fillna(False).to_numpy(dtype=bool), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        v = series.to_numpy(dtype=float, na_value=np.nan)
        return v == 1, ~(np.isnan(v) | (v == 0) | (v == 1))
    text = series.astype("string").str.strip(WS).str.lower().fillna("")
    yes = text.isin(TRUE).to_numpy()
    no = text.isin(FALSE | BLANK).to_numpy()
    return yes, ~(yes | no)


def _number(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A number column: (values, unreadable). Blanks and 未评价 are missing (NaN), not unreadable."""
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        v = series.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(v)
        return np.where(bad, np.nan, v), bad
    text = series.astype("string").str.strip(WS)
    v = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    blank = (text.isna() | text.str.lower().isin(BLANK)).to_numpy()
    bad = (np.isnan(v) & ~blank) | np.isinf(v)
    return np.where(bad, np.nan, v), bad


_ZONE = r"^(.*\d:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$"


def parse_times(raw: pd.Series) -> pd.Series:
    """Timestamps in one of :data:`TIME_FORMATS` (datetimes pass through); anything else → NaT."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw
    text = raw.map(lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, dt.datetime) else v).astype("string").str.strip(WS)
    # a zone suffix (Z, UTC, +08, +08:00) is dropped and the time kept as written, as DuckDB reads it
    text = text.str.replace(_ZONE, r"\1", regex=True)
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


def compute(
    log: pd.DataFrame,
    options: Options | None = None,
    *,
    mapping: dict[str, str] | None = None,
    first_line: int = 2,
    origins: list[Origin] | None = None,
) -> MetricsResult:
    """Metrics per agent (and team service level) from a session log.

    ``origins`` says which rows came from which file (see :func:`read_log`), so that problems
    name the file and its line; without it rows are numbered from ``first_line``.
    """
    o = options or Options()
    cols = _find(list(log.columns), mapping or {})
    for need in ("agent", "created_at"):
        if need not in cols:
            raise KpixlError(f"日志缺少「{ALIASES[need][0]}」列（或 {ALIASES[need][-2]}）/ the log needs a {need} column")
    n = len(log)
    where = locator(origins, first_line)
    problems: list[str] = []
    bad = np.zeros(n, dtype=bool)

    def report(mask: np.ndarray, message: Callable[[int], str]) -> None:
        problems.extend(message(int(i)) for i in np.flatnonzero(mask)[:MAX_LISTED])

    def times(key: str) -> pd.Series:
        if key not in cols:
            return pd.Series(pd.NaT, index=log.index, dtype="datetime64[us]")
        raw = log[cols[key]]
        parsed = parse_times(raw)
        unreadable = (parsed.isna() & raw.notna() & (raw.astype("string").str.strip(WS) != "")).to_numpy()
        report(unreadable, lambda i: f"{where(i)}「{cols[key]}」: 无法识别的时间 {shown(raw.iloc[i])} / unreadable timestamp")
        bad[unreadable] = True
        return parsed

    created, first, ended = times("created_at"), times("first_reply_at"), times("ended_at")
    flags: dict[str, np.ndarray] = {}
    for key in FLAG_KEYS:
        flags[key] = np.zeros(n, dtype=bool)
        if key in cols:
            flags[key], unreadable = _flag(log[cols[key]])
            raw = log[cols[key]]
            report(unreadable, lambda i, k=key, r=raw: f"{where(i)}「{cols[k]}」: 无法识别的是/否 {shown(r.iloc[i])} / not a yes/no value")
            bad |= unreadable
    nums: dict[str, np.ndarray] = {}
    for key in NUMBER_KEYS:
        nums[key] = np.full(n, np.nan)
        if key in cols:
            nums[key], unreadable = _number(log[cols[key]])
            raw = log[cols[key]]
            report(unreadable, lambda i, k=key, r=raw: f"{where(i)}「{cols[k]}」: 无法识别的数值 {shown(r.iloc[i])} / not a number")
            bad |= unreadable
    abandoned, test, resolved = flags["abandoned"], flags["test"], flags["resolved"]

    missing_start = created.isna().to_numpy() & ~bad
    report(missing_start, lambda i: f"{where(i)}: 没有会话开始时间 / no start time")
    bad |= missing_start
    agent = _text(log[cols["agent"]])
    no_agent = (agent.isna() | (agent == "")).to_numpy() & ~abandoned & ~bad
    report(no_agent, lambda i: f"{where(i)}: 没有客服工号 / no agent")
    bad |= no_agent
    reply_early = (first < created).to_numpy() & ~bad
    report(reply_early, lambda i: f"{where(i)}: 首次回复早于会话开始 / reply before the session started")
    end_early = (ended < created).to_numpy() & ~bad
    report(end_early, lambda i: f"{where(i)}: 结束早于开始 / ended before it started")
    bad |= reply_early | end_early

    in_period = np.ones(n, dtype=bool)
    period_label = o.period or ""
    if o.period:
        start, end = period_bounds(o.period)
        in_period = ((created >= start) & (created < end)).to_numpy()
    use = in_period & ~bad
    dup = np.zeros(n, dtype=bool)
    if "session" in cols:
        sid = _text(log[cols["session"]])
        dup = (sid.duplicated(keep="first") & sid.notna()).to_numpy()
    valid = use & ~test & ~dup
    handled = valid & ~abandoned

    frame = pd.DataFrame({"agent": agent.to_numpy(), "handled": handled})
    if o.business_hours is not None:
        frt = o.business_hours.elapsed(created, first)
    else:
        frt = (first - created).dt.total_seconds().to_numpy()
    frt = np.where(flags["first_reply_by_bot"], np.nan, frt)
    frame["frt"] = np.where(handled, frt, np.nan)
    replies, avg_reply = nums["replies"], nums["avg_reply_seconds"]
    w = np.where(np.isnan(replies), 1.0, replies)
    frame["art_num"] = np.where(handled & ~np.isnan(avg_reply), avg_reply * w, 0.0)
    frame["art_den"] = np.where(handled & ~np.isnan(avg_reply), w, 0.0)
    has_aht = "talk_seconds" in cols
    if has_aht:
        work = np.nan_to_num(nums["talk_seconds"]) + np.nan_to_num(nums["hold_seconds"]) + np.nan_to_num(nums["acw_seconds"])
    else:  # a chat's handling time is its length
        work = (ended - created).dt.total_seconds().to_numpy()
    frame["work"] = np.where(handled & ~np.isnan(work), work, 0.0)
    frame["work_n"] = handled & ~np.isnan(work)
    repeat = np.zeros(n, dtype=bool)
    if "customer" in cols:
        # a later contact from the same customer within the window makes the earlier one not first-contact resolved
        cust = _text(log[cols["customer"]])
        mask = valid & cust.notna().to_numpy()
        # (contacts at the same instant are repeats of each other)
        order = pd.DataFrame({"c": cust, "t": created, "i": np.arange(n)})[mask].sort_values(["c", "t"])
        by = order.groupby("c")["t"]
        gap = (by.shift(-1) - order["t"]).dt.total_seconds() / 3600
        tie = (by.shift(1) == order["t"]).to_numpy()
        repeat[order["i"].to_numpy()[(gap <= o.repeat_hours).to_numpy() | tie]] = True
    frame["fcr"] = handled & resolved & ~repeat
    csat = nums["csat"]
    rated = handled & ~np.isnan(csat)
    frame["rated"] = rated
    frame["csat_top2"] = rated & (csat >= 4)
    frame["csat_sum"] = np.where(rated, csat, 0.0)
    nps = nums["nps"]
    nps_rated = handled & ~np.isnan(nps)
    frame["nps_n"] = nps_rated
    frame["nps_pro"] = nps_rated & (nps >= 9)
    frame["nps_det"] = nps_rated & (nps <= 6)
    frame["complaint"] = handled & flags["complaint"]
    frame["replied"] = handled & first.notna().to_numpy()
    frame["day"] = np.where(handled, created.dt.strftime("%Y-%m-%d").to_numpy(dtype=object), None)
    frame["name"] = _text(log[cols["agent_name"]]).to_numpy() if "agent_name" in cols else None

    part = frame[frame["handled"]]
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
        out["aht"] = ratio(g["work"].sum(), h)
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
    out["reply_rate"] = ratio(g["replied"].sum(), h)
    out["daily"] = ratio(h, g["day"].nunique())
    total_in_period = pd.Series(use).groupby(agent.to_numpy()).sum()
    out["valid_share"] = ratio(h, total_in_period.reindex(out.index))
    out["work_s"] = g["work"].sum().astype(float)
    names = part.dropna(subset=["name"]).groupby("agent")["name"].first() if "agent_name" in cols else None
    result = out.reset_index().rename(columns={"agent": "工号"})
    result.insert(1, "姓名", [names.get(a, "") if names is not None else "" for a in result["工号"]])
    result.insert(2, "考核期间", period_label)

    team = _service_level(nums["queue_seconds"] if "queue_seconds" in cols else None, valid, abandoned, o)
    return MetricsResult(result, team, problems, int(bad.sum()))


def _service_level(wait: np.ndarray | None, offered_rows: np.ndarray, abandoned: np.ndarray, o: Options) -> dict[str, float]:
    if wait is None:
        return {}
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


def staffed_seconds(presence: pd.DataFrame, period: str | None = None, *, name: str = "", first_line: int = 2) -> tuple[pd.Series, list[str]]:
    """Seconds each agent was available for work, from a presence export: logged-in time
    (登录/登出 times clipped to the period, or an 在线时长 column, with 日期 to select the period)
    less 小休/示忙 time. Returns (seconds by 工号, located problems; those rows left out)."""
    from .units import parse_column

    cols = _find(list(presence.columns), {}, PRESENCE_ALIASES)
    label = f"在线记录 {name} " if name else "在线记录 "
    if "agent" not in cols or not ({"login_at", "logout_at"} <= cols.keys() or "online_seconds" in cols):
        raise KpixlError(
            f"{label.strip()}: 需要「客服工号」以及「登录时间」「登出时间」或「在线时长」列 / "
            "the presence file needs an agent column and login/logout times or online seconds"
        )
    n = len(presence)
    problems: list[str] = []
    bad = np.zeros(n, dtype=bool)

    def report(mask: np.ndarray, message: Callable[[int], str]) -> None:
        problems.extend(f"{label}第{i + first_line}行{message(int(i))}" for i in np.flatnonzero(mask)[:MAX_LISTED])

    agent = _text(presence[cols["agent"]])
    no_agent = (agent.isna() | (agent == "")).to_numpy()
    report(no_agent, lambda i: ": 没有客服工号 / no agent")
    bad |= no_agent
    start, end = period_bounds(period) if period else (None, None)
    if "online_seconds" in cols:
        parsed = parse_column(presence[cols["online_seconds"]], "秒")
        seconds = parsed.values.copy()
        unreadable = np.zeros(n, dtype=bool)
        unreadable[parsed.bad_rows] = True
        report(unreadable & ~bad, lambda i: f"「{cols['online_seconds']}」: {parsed.messages[i]}")
        bad |= unreadable
        if "date" in cols and period:
            day = parse_times(presence[cols["date"]])
            undated = (day.isna() & presence[cols["date"]].notna()).to_numpy()
            report(undated & ~bad, lambda i: f"「{cols['date']}」: 无法识别的日期 {shown(presence[cols['date']].iloc[i])} / unreadable date")
            bad |= undated
            seconds = np.where(((day >= start) & (day < end)).to_numpy(), seconds, 0.0)
    else:
        login, logout = parse_times(presence[cols["login_at"]]), parse_times(presence[cols["logout_at"]])
        for key, ts in (("login_at", login), ("logout_at", logout)):
            raw = presence[cols[key]]
            unreadable = (ts.isna() & raw.notna() & (raw.astype("string").str.strip(WS) != "")).to_numpy()
            report(unreadable & ~bad, lambda i, k=key, r=raw: f"「{cols[k]}」: 无法识别的时间 {shown(r.iloc[i])} / unreadable timestamp")
            bad |= unreadable
        open_ended = (login.isna() | logout.isna()).to_numpy() & ~bad
        report(open_ended, lambda i: ": 缺少登录或登出时间 / no login or logout time")
        bad |= open_ended
        backwards = (logout < login).to_numpy() & ~bad
        report(backwards, lambda i: ": 登出早于登录 / logout before login")
        bad |= backwards
        if period:  # the part of each login inside the period
            login, logout = login.clip(lower=start), logout.clip(upper=end)
        seconds = np.clip((logout - login).dt.total_seconds().to_numpy(), 0, None)
    if "aux_seconds" in cols:
        aux = parse_column(presence[cols["aux_seconds"]], "秒")
        unreadable = np.zeros(n, dtype=bool)
        unreadable[aux.bad_rows] = True
        report(unreadable & ~bad, lambda i: f"「{cols['aux_seconds']}」: {aux.messages[i]}")
        bad |= unreadable
        seconds = seconds - np.nan_to_num(aux.values)
    seconds = np.where(bad, np.nan, seconds)
    by_agent = pd.Series(seconds[~bad], index=agent[~bad].to_numpy()).groupby(level=0).sum()
    return by_agent, problems


def add_occupancy(result: MetricsResult, staffed: pd.Series) -> MetricsResult:
    """占用率 = handling time ÷ available time, per agent (NaN where no presence is known).

    Handling time is what the engines sum in ``work_s``: talk + hold + after-call work for
    calls, the session's length (end − start) for chats — concurrent chats can take a chat
    agent's occupancy above 100%."""
    df = result.per_agent.copy()
    avail = df["工号"].map(staffed).astype(float)
    df["occupancy"] = df["work_s"] / avail.where(avail > 0)
    df["work_h"] = df["work_s"] / 3600
    df["staffed_h"] = avail / 3600
    return MetricsResult(df, result.team, result.problems, result.excluded)


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
