"""The calendar of a metrics run: the period a session belongs to, and business hours (daily
windows, working weekdays, holidays and make-up working days) for FRT in business time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpixlError


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


def business_frt(con: Any, bh: BusinessHours) -> tuple[str, str]:
    """FRT in business seconds over the typed log ``t`` / ``g1`` of the metrics query: (SQL
    expression, join) with a small calendar (one row per day) joined on both dates."""
    lo, hi = con.execute("SELECT min(least(created_at, first_reply_at))::DATE, max(greatest(created_at, first_reply_at))::DATE FROM t").fetchall()[0]
    if lo is None:
        return "CAST(NULL AS DOUBLE)", ""
    cal = bh.calendar(lo, hi)
    con.register("cal_df", cal)
    con.execute("CREATE TEMP TABLE cal AS SELECT CAST(day AS DATE) AS day, work, cum FROM cal_df")

    def clock(ts: str, alias: str) -> str:
        tod = f"(epoch({ts}) - epoch(date_trunc('day', {ts})))"
        within = " + ".join(f"least(greatest({tod} - {a}, 0), {b - a})" for a, b in bh.windows)
        return f"({alias}.cum + CASE WHEN {alias}.work THEN {within} ELSE 0 END)"

    join = " LEFT JOIN cal c1 ON c1.day = CAST(g1.created_at AS DATE) LEFT JOIN cal c2 ON c2.day = CAST(g1.first_reply_at AS DATE)"
    return f"{clock('g1.first_reply_at', 'c2')} - {clock('g1.created_at', 'c1')}", join
