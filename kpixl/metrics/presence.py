"""Occupancy: the time each agent was available for work, from presence (login) exports, and
占用率 = handling time ÷ that time."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import KpixlError
from .calendar import period_bounds
from .columns import MAX_LISTED, PRESENCE_ALIASES, find_columns, shown
from .fields import Fields
from .options import MetricsResult
from .sources import typed_frame


def _read(presence: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """agent text, and each time field parsed as log timestamps are (with ``u_<key>`` marking
    an unreadable one), by the same SQL expressions as the log."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("presence_df", typed_frame(presence))
        types = {r[0]: r[1] for r in con.execute("DESCRIBE presence_df").fetchall()}
        x = Fields(cols, types)
        keys = [k for k in ("login_at", "logout_at", "date") if k in cols]
        inner = [f"{x.text('agent')} AS agent", *(f"{x.time(k)[0]} AS __{k}" for k in keys), *(x.raw(k) for k in keys)]
        outer = ["agent", *(f"__{k} AS {k}, {x.time(k)[1]} AS u_{k}" for k in keys)]
        return con.execute(f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM presence_df)").df()
    finally:
        con.close()


def staffed_seconds(presence: pd.DataFrame, period: str | None = None, *, name: str = "", first_line: int = 2) -> tuple[pd.Series, list[str]]:
    """Seconds each agent was available for work, from a presence export: logged-in time
    (登录/登出 times clipped to the period, or an 在线时长 column, with 日期 to select the period)
    less 小休/示忙 time. Returns (seconds by 工号, located problems; those rows left out)."""
    from ..units import parse_column

    cols = find_columns([str(c) for c in presence.columns], {}, PRESENCE_ALIASES)
    label = f"在线记录 {name} " if name else "在线记录 "
    if "agent" not in cols or not ({"login_at", "logout_at"} <= cols.keys() or "online_seconds" in cols):
        raise KpixlError(
            f"{label.strip()}: 需要「客服工号」以及「登录时间」「登出时间」或「在线时长」列 / "
            "the presence file needs an agent column and login/logout times or online seconds"
        )
    presence = presence.reset_index(drop=True)
    values = _read(presence, cols)
    n = len(presence)
    problems: list[str] = []
    bad = np.zeros(n, dtype=bool)

    def report(mask: np.ndarray, message: Callable[[int], str]) -> None:
        problems.extend(f"{label}第{i + first_line}行{message(int(i))}" for i in np.flatnonzero(mask)[:MAX_LISTED])

    def unreadable_time(key: str, zh: str, en: str) -> np.ndarray:
        mask = values[f"u_{key}"].to_numpy(dtype=bool) & ~bad
        raw = presence[cols[key]]
        report(mask, lambda i: f"「{cols[key]}」: 无法识别的{zh} {shown(raw.iloc[i])} / {en}")
        return mask

    agent = values["agent"]
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
            bad |= unreadable_time("date", "日期", "unreadable date")
            day = values["date"]
            seconds = np.where(((day >= start) & (day < end)).to_numpy(), seconds, 0.0)
    else:
        for key in ("login_at", "logout_at"):
            bad |= unreadable_time(key, "时间", "unreadable timestamp")
        login, logout = values["login_at"], values["logout_at"]
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
    by_agent = pd.Series(seconds[~bad], index=agent[~bad].to_numpy()).groupby(level=0).sum()
    return by_agent, problems


def add_occupancy(result: MetricsResult, staffed: pd.Series) -> MetricsResult:
    """占用率 = handling time ÷ available time, per agent (NaN where no presence is known).

    Handling time is what the query sums in ``work_s``: talk + hold + after-call work for
    calls, the session's length (end − start) for chats — concurrent chats can take a chat
    agent's occupancy above 100%."""
    df = result.per_agent.copy()
    avail = df["工号"].map(staffed).astype(float)
    df["occupancy"] = df["work_s"] / avail.where(avail > 0)
    df["work_h"] = df["work_s"] / 3600
    df["staffed_h"] = avail / 3600
    return dataclasses.replace(result, per_agent=df)
