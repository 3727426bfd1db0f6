"""The switches of a metrics run and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .calendar import BusinessHours

#: how AHT was computed (the value of :attr:`MetricsResult.aht_basis`)
AHT_CALLS = "calls"  # (talk + hold + after-call work) ÷ handled
AHT_SESSIONS = "sessions"  # a chat log without talk/hold/ACW: mean session length, ended − created


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
    placeholder_customers: frozenset[str] = frozenset()  # more customer ids meaning "unknown"
    date_format: str | None = None  # the export's date order: "%m/%d/%Y", or MDY / DMY / YMD
    skew_seconds: float = 0.0  # a reply or end this much before the start is clock skew (counted as 0 s)


@dataclass
class MetricsResult:
    per_agent: pd.DataFrame  # 工号, 姓名, 考核期间, metric columns, their counts (sql.COUNTS: 样本数, denominators)
    team: dict[str, float]  # service level, abandonment, …
    problems: list[str]  # located, one per excluded row (at most MAX_LISTED of each kind)
    excluded: int = 0  # rows left out, all of them (in the period, or whose start is unknown)
    aht_basis: str | None = None  # AHT_CALLS, AHT_SESSIONS, or None when the log has no source for it
    no_source: tuple[str, ...] = ()  # metrics the log has no column for (left blank, never 0)
    rows: int = 0  # rows in the log
    usable: int = 0  # rows in the period and not excluded (test and repeated sessions included)
    repeated: int = 0  # usable rows whose session id an earlier row already had (not counted)
    excluded_by: dict[str, int] = field(default_factory=dict)  # kind of exclusion (Chinese) → rows
    left_out: dict[str, int] = field(default_factory=dict)  # rows left out of one figure only, by kind
    columns: dict[str, str] = field(default_factory=dict)  # field → the log's column it was read from
