"""The metrics query: every per-agent figure and the team's service level, computed by DuckDB.

The plan, for speed on a 2-core machine: one typed pass over the log into a table holding
each value and each exclusion (values are trimmed only where they need it; already-typed
columns are used as they are; fields the log lacks are constants, never stored), one sort by
session id that marks repeated ids in place, one sort by (customer, time) whose lead()/lag()
count each agent's resolved sessions followed by a repeat contact, and one GROUP BY for every
per-agent figure — no join of the big table with anything.

A row that cannot be used — an unreadable value, no start time, no agent, a reply before the
start, an end before the start — is reported with its file and line and left out; it never
stops the run. The reports are the same whatever the input format.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import KpixlError
from .calendar import business_frt, period_bounds
from .columns import (
    AMBIGUOUS_DATE,
    FLAG_KEYS,
    MAX_LISTED,
    NUMBER_KEYS,
    PLACEHOLDER_CUSTOMERS,
    TEXT_KEYS,
    TIME_KEYS,
    Origin,
    date_formats,
    find_columns,
    require,
    shown,
)
from .derived import derive
from .fields import Fields
from .names import log_conflicts
from .options import AHT_CALLS, AHT_SESSIONS, MetricsResult, Options
from .sources import Log, LogInput, open_log, q, s
from .team import team_figures

#: problem text of each kind of unreadable value (Chinese, English)
UNREADABLE = {
    **{k: ("时间", "unreadable timestamp") for k in TIME_KEYS},
    **{k: ("是/否", "not a yes/no value") for k in FLAG_KEYS},
    **{k: ("数值", "not a number") for k in NUMBER_KEYS},
}
#: row problems after the unreadable values, in the order they are decided: the first two
#: leave the row out; the time-order ones only the figure the bad time feeds
ROW_PROBLEMS = (
    ("p_start", "没有会话开始时间 / no start time"),
    ("p_agent", "没有客服工号 / no agent"),
    ("p_reply", "首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only"),
    ("p_end", "结束早于开始，不计入会话时长 / ended before it started: left out of the session length only"),
)
EXCLUDING = ("p_start", "p_agent")


def compute(
    log: LogInput,
    options: Options | None = None,
    *,
    mapping: dict[str, str] | None = None,
    first_line: int = 2,
    origins: list[Origin] | None = None,
) -> MetricsResult:
    """Metrics per agent (and team service level) from a session log: a DataFrame, or CSV,
    Parquet or xlsx files (CSV and Parquet are read in place, never loaded whole).

    For a DataFrame, ``origins`` says which rows came from which file so that problems name
    the file and its line; without it rows are numbered from ``first_line``.
    """
    import duckdb

    with tempfile.TemporaryDirectory(prefix="kpixl-metrics-") as tmp:
        con = duckdb.connect()
        try:
            con.execute(f"SET temp_directory = {s(tmp)}")
            src = open_log(con, log, Path(tmp), first_line=first_line, origins=origins)
            return _compute(src, options or Options(), mapping or {})
        finally:
            con.close()


def _compute(src: Log, o: Options, mapping: dict[str, str]) -> MetricsResult:
    con = src.con
    derive(src, mapping)
    cols = find_columns(list(src.types), mapping)
    require(cols)
    formats = date_formats(o.date_format) if o.date_format else ()
    checks = _typed_table(con, Fields(cols, src.types, formats), cols, o, src.table)
    problems = _problems(src, cols, checks, refuse_ambiguous_dates=not o.date_format)
    rows, excluded, usable = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE inp AND (bad0 OR p_start OR p_agent)), count(*) FILTER (WHERE use) FROM t"
    ).fetchone()
    kinds, left_out = _excluded_by(con, cols, checks)
    if "session" in cols:
        # one sort by (id, line): each row whose id equals the previous row's is a later
        # occurrence (faster than hashing ten million distinct strings); those few rows are
        # then marked in place rather than joined into every later query
        con.execute(
            """UPDATE t0 SET dup = TRUE WHERE rowid IN (SELECT line FROM (
                SELECT rowid AS line, lag(session) OVER (ORDER BY session, rowid) = session AS again FROM t0 WHERE session IS NOT NULL)
            WHERE again)"""
        )
    repeated = con.execute("SELECT count(*) FROM t0 WHERE dup AND use").fetchone()[0]
    con.execute(
        """CREATE TEMP VIEW g1 AS SELECT *, (use AND NOT test AND NOT dup) AS valid,
            (use AND NOT test AND NOT dup AND NOT abandoned) AS handled FROM t"""
    )
    con.execute(f"CREATE TEMP TABLE rep AS {_repeats(cols, o)}")
    per_agent, aht_basis = _per_agent(con, cols, o)
    problems += log_conflicts(con, per_agent["工号"])
    team = team_figures(con, cols, o)
    return MetricsResult(
        per_agent,
        team,
        problems,
        int(excluded),
        aht_basis=aht_basis,
        no_source=no_source(cols),
        rows=int(rows),
        usable=int(usable),
        excluded_by=kinds,
        left_out=left_out,
        columns=cols,
        repeated=int(repeated),
    )


def _typed_table(con: Any, x: Fields, cols: dict[str, str], o: Options, table: str = "raw0") -> list[str]:
    """Table ``t0`` (and view ``t`` with a ``line`` and the constants of missing fields): one
    typed pass over ``table`` (``raw0`` or a view over it) with every value parsed once, each unreadable value marked
    (``u_<field>``) and each exclusion decided in the same pass. Returns the fields checked
    for unreadable values."""
    out_name = {"agent_name": "name"}
    times = {key: x.time(key) for key in TIME_KEYS}
    fields = {**{k: (e, f"__{k}", bad) for k, (e, bad) in times.items()}, **{k: x.number(k) for k in NUMBER_KEYS}}
    fields.update({k: (x.flag(k), f"coalesce(__{k}, FALSE)", f"(__{k} IS NULL)") for k in FLAG_KEYS})
    # inner names carry "__" so that a log whose own header is "agent" or "csat" cannot clash
    inner, outer, checks = ["__file"], ["__file AS file"], []
    constant: dict[str, str] = {}  # output column → SQL constant (a field the log lacks)
    for key in (*TEXT_KEYS, *TIME_KEYS, *FLAG_KEYS, *NUMBER_KEYS):
        name = out_name.get(key, key)
        if key not in cols:
            kind = "VARCHAR" if key in TEXT_KEYS else "TIMESTAMP" if key in TIME_KEYS else "DOUBLE"
            constant[name] = "FALSE" if key in FLAG_KEYS else f"CAST(NULL AS {kind})"
            constant[f"u_{key}"] = "FALSE"
        elif key in TEXT_KEYS:
            expr = x.text(key)
            if key == "agent":
                expr = f"NULLIF({expr}, '')"
            inner.append(f"{expr} AS __{key}")
            outer.append(f"__{key} AS {name}")
        else:
            expr, value, bad = fields[key]
            inner.append(f"{expr} AS __{key}")
            outer.append(f"{value} AS {name}")
            if bad == "FALSE":
                constant[f"u_{key}"] = "FALSE"
            else:
                outer.append(f"{bad} AS u_{key}")
                checks.append(key)
    # the raw text of times and numbers travels one level up, for their unreadable tests
    inner += [q(c) for c in sorted({cols[k] for k in checks if k not in FLAG_KEYS})]
    period = "TRUE"
    if o.period:
        start, end = period_bounds(o.period)
        period = f"(created_at >= TIMESTAMP {s(str(start))} AND created_at < TIMESTAMP {s(str(end))})"

    def col(name: str) -> str:  # a field the log lacks is its constant, so the expressions below simplify
        return constant.get(name, name)

    bad0 = " OR ".join(f"u_{k}" for k in checks) or "FALSE"
    # exclusions in order (unreadable values, no start, no agent, time order), one level per
    # step so that no expression is written (and evaluated) twice
    level1 = f"""SELECT {", ".join(outer)} FROM (SELECT {", ".join(inner)} FROM {table})"""
    level2 = f"SELECT *, ({bad0}) AS bad0 FROM ({level1})"
    level3 = f"""SELECT *, (created_at IS NULL AND NOT bad0) AS p_start,
        (agent IS NULL AND NOT {col("abandoned")} AND NOT bad0 AND created_at IS NOT NULL) AS p_agent FROM ({level2})"""
    # a reply or end at most o.skew_seconds before the start is clock skew, not an error
    earliest = f"created_at - to_microseconds({round(o.skew_seconds * 1e6)})" if o.skew_seconds else "created_at"
    level4 = f"""SELECT *, (coalesce({col("first_reply_at")} < {earliest}, FALSE) AND NOT (bad0 OR p_start OR p_agent)) AS p_reply,
        (coalesce({col("ended_at")} < {earliest}, FALSE) AND NOT (bad0 OR p_start OR p_agent)) AS p_end FROM ({level3})"""
    con.execute(
        f"""CREATE TEMP TABLE t0 AS SELECT *, FALSE AS dup,
            coalesce({period}, FALSE) AND NOT (bad0 OR p_start OR p_agent) AS use FROM ({level4})"""
    )
    # rows were stored in input order: a row's place in the whole log is its rowid
    # ``inp``: in the period, or with a start that cannot be placed (problems are counted for these)
    view = f"rowid AS line, *, coalesce({period}, TRUE) AS inp{''.join(f', {v} AS {k}' for k, v in constant.items())}"
    con.execute(f"CREATE TEMP VIEW t AS SELECT {view} FROM t0")
    con.execute("SET preserve_insertion_order = false")
    return checks


def _problems(src: Log, cols: dict[str, str], checks: list[str], *, refuse_ambiguous_dates: bool = True) -> list[str]:
    """Located problems: unreadable values by field, then the row problems (each kind at most
    :data:`MAX_LISTED` times), of the rows in the period or whose start is unknown (``inp``).
    Unreadable timestamps written day/month/year or month/day/year stop the run unless a date
    format was given: guessing the order would misdate them."""
    con, problems = src.con, []
    for key in (*TIME_KEYS, *FLAG_KEYS, *NUMBER_KEYS):
        if key not in checks:
            continue
        zh, en = UNREADABLE[key]
        lines = [r for (r,) in con.execute(f"SELECT line FROM t WHERE u_{key} AND inp ORDER BY line LIMIT {MAX_LISTED}").fetchall()]
        raw = src.raw_values(cols[key], lines)
        if key in TIME_KEYS and refuse_ambiguous_dates:
            _refuse_ambiguous(cols[key], [raw[r] for r in lines])
        problems += [f"{src.where(r)}「{cols[key]}」: 无法识别的{zh} {shown(raw[r])} / {en}" for r in lines]
    for key, message in ROW_PROBLEMS:
        for (r,) in con.execute(f"SELECT line FROM t WHERE {key} AND inp ORDER BY line LIMIT {MAX_LISTED}").fetchall():
            problems.append(f"{src.where(r)}: {message}")
    return problems


def _refuse_ambiguous(column: str, values: list[object]) -> None:
    """Stop when a timestamp column holds dates such as 1/2/2021 and no date format was given,
    naming the order the values show when a day above 12 tells it."""
    found = [m for v in values if isinstance(v, str) and (m := re.match(AMBIGUOUS_DATE, v))]
    if not found:
        return
    if any(int(m[1]) > 12 for m in found):
        hint = "--date-format DMY（日/月/年）"
    elif any(int(m[2]) > 12 for m in found):
        hint = "--date-format MDY（月/日/年）"
    else:
        hint = "--date-format MDY（月/日/年）或 --date-format DMY（日/月/年）"
    raise KpixlError(
        f"「{column}」的日期写法如 {found[0].string.strip()!r}，无法判断月、日的顺序：请给 {hint} / "
        f"dates like {found[0].string.strip()!r} need --date-format (MDY or DMY)"
    )


def _excluded_by(con: Any, cols: dict[str, str], checks: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(Rows left out by kind — a row with two unreadable values counts under both —, rows
    left out of one figure only by kind), the kinds that occur only."""
    kinds = {f"「{cols[k]}」无法识别的{UNREADABLE[k][0]}": f"u_{k}" for k in checks}
    kinds.update({message.split(" / ")[0]: key for key, message in ROW_PROBLEMS})
    counts = con.execute(f"SELECT {', '.join(f'count(*) FILTER (WHERE inp AND {c})' for c in kinds.values())} FROM t").fetchone()
    found = {kind: (key, int(n)) for (kind, key), n in zip(kinds.items(), counts, strict=True) if n}
    whole = {kind: n for kind, (key, n) in found.items() if key.startswith("u_") or key in EXCLUDING}
    return whole, {kind: n for kind, (_, n) in found.items() if kind not in whole}


def _repeats(cols: dict[str, str], o: Options) -> str:
    """FCR's repeat window over a narrow projection: per agent, the resolved sessions whose
    customer came back (a later valid contact) within the window."""
    if "customer" not in cols:
        return "SELECT NULL AS agent, 0 AS repeats WHERE FALSE"
    # a placeholder id (0, 匿名 …) is an unknown customer, never a repeat; compared exactly
    # in the usual cases (no lower() per row)
    words = PLACEHOLDER_CUSTOMERS | {w.strip().lower() for w in o.placeholder_customers}
    unknown = ", ".join(s(v) for v in sorted({v for w in words for v in (w, w.upper(), w.title())}))
    # one sort by (customer, time) and lead()/lag() over it: cheaper than a partitioned window.
    # Contacts at the same instant are repeats of each other, so the order among them
    # does not matter (and needs no sort key). A placeholder's rows sit together in that
    # order, so it is enough to drop the few repeat candidates that hold one. The window's
    # input is cut to the four columns it needs first (handled AND resolved as one flag):
    # its sort then carries less, about 5% less CPU on 10 M rows.
    return f"""SELECT agent, count(*) AS repeats FROM (
            SELECT agent, customer, hr,
                lead(customer) OVER w = customer AND lead(created_at) OVER w - created_at <= INTERVAL {o.repeat_hours * 3600} SECOND AS again,
                lag(customer) OVER w = customer AND lag(created_at) OVER w = created_at AS tie
            FROM (SELECT agent, customer, created_at, handled AND resolved AS hr FROM g1 WHERE valid AND customer IS NOT NULL)
            WINDOW w AS (ORDER BY customer, created_at))
        WHERE hr AND (coalesce(again, FALSE) OR coalesce(tie, FALSE)) AND customer NOT IN ({unknown}) GROUP BY agent"""


def _aht(cols: dict[str, str]) -> tuple[str, str, str | None]:
    """(handling seconds of a row, the AHT column, its basis). Calls: talk + hold + after-call
    work, ÷ handled. Chats (no talk column): the session's length, ended − created, averaged
    over handled sessions with an end time. Neither: blank."""
    if "talk_seconds" in cols:
        work = "coalesce(talk_seconds,0)+coalesce(hold_seconds,0)+coalesce(acw_seconds,0)"
        return work, "sum(CASE WHEN handled THEN work END) / nullif(count(*) FILTER (WHERE handled), 0)", AHT_CALLS
    work = "CASE WHEN p_end THEN NULL ELSE epoch(ended_at) - epoch(created_at) END"  # an end before the start: no length
    if "ended_at" in cols:
        return work, "avg(CASE WHEN handled THEN work END)", AHT_SESSIONS
    return work, "CAST(NULL AS DOUBLE)", None


#: metric → the fields any one of which it is computed from; without them it is blank, never 0
SOURCES: dict[str, tuple[str, ...]] = {
    "frt": ("first_reply_at",),
    "art": ("avg_reply_seconds",),
    "aht": ("talk_seconds", "ended_at"),
    "fcr": ("resolved",),
    "csat": ("csat",),
    "csat_rate": ("csat",),
    "nps": ("nps",),
    "complaint_rate": ("complaint",),
    "reply_rate": ("first_reply_at",),
}


#: per-agent figures of call logs only (a log with talk or queue times): ASA (mean queue time
#: of answered calls) and the shares of hold and after-call work in handling time
CALL_SOURCES: dict[str, tuple[str, ...]] = {
    "asa": ("queue_seconds",),
    "hold_share": ("hold_seconds",),
    "acw_share": ("acw_seconds",),
}


#: per-agent counts (the figures' sample sizes and denominators, for 样本数 and the team's
#: weighted figures, :func:`kpixl.metrics.team.team_row`)
COUNTS = ("handled", "frt_n", "aht_n", "csat_n", "nps_n", "days", "use_n", "asa_n")


def is_call_log(cols: dict[str, str]) -> bool:
    return "talk_seconds" in cols or "queue_seconds" in cols


def no_source(cols: dict[str, str]) -> tuple[str, ...]:
    """The metrics the log has no column for (call-only figures only for a call log)."""
    sources = {**SOURCES, **(CALL_SOURCES if is_call_log(cols) else {})}
    return tuple(m for m, need in sources.items() if not any(k in cols for k in need))


def _call_figures(cols: dict[str, str]) -> str:
    """The call-only per-agent columns of the GROUP BY (none for a chat log)."""
    if not is_call_log(cols):
        return ""
    handling = "sum(CASE WHEN handled THEN work END)"
    return f""",
            avg(CASE WHEN handled THEN queue_seconds END) AS asa,
            count(CASE WHEN handled THEN queue_seconds END) AS asa_n,
            sum(CASE WHEN handled THEN hold_seconds END) / nullif({handling}, 0) AS hold_share,
            sum(CASE WHEN handled THEN acw_seconds END) / nullif({handling}, 0) AS acw_share"""


def _clipped(seconds: str, o: Options) -> str:
    """A duration from two timestamps, where a small negative one (clock skew within
    ``o.skew_seconds``, the only negative ones left) counts as 0."""
    return f"greatest({seconds}, 0)" if o.skew_seconds else seconds


def _per_agent(con: Any, cols: dict[str, str], o: Options) -> tuple[pd.DataFrame, str | None]:
    """Every per-agent figure in one GROUP BY over the handled sessions."""
    frt, join = "epoch(g1.first_reply_at) - epoch(g1.created_at)", ""
    if o.business_hours is not None:
        frt, join = business_frt(con, o.business_hours)
    work, aht, aht_basis = _aht(cols)
    csat = "sum(CASE WHEN handled AND csat IS NOT NULL THEN csat ELSE 0 END)" if o.csat == "mean" else (
        "count(*) FILTER (WHERE handled AND csat IS NOT NULL AND csat >= 4)"
    )  # fmt: skip
    nps = (
        "(count(*) FILTER (WHERE handled AND nps >= 9) - count(*) FILTER (WHERE handled AND nps <= 6)) * 100.0"
        " / nullif(count(*) FILTER (WHERE handled AND nps IS NOT NULL), 0)"
    )
    per_agent = con.execute(
        f"""SELECT agent AS "工号",
            coalesce(arg_min(name, line) FILTER (WHERE use AND name <> ''), '') AS "姓名",
            {s(o.period or "")} AS "考核期间",
            count(*) FILTER (WHERE handled) AS handled,
            avg(CASE WHEN handled AND NOT first_reply_by_bot AND NOT p_reply THEN frt_s END) AS frt,
            count(CASE WHEN handled AND NOT first_reply_by_bot AND NOT p_reply THEN frt_s END) AS frt_n,
            sum(CASE WHEN handled AND avg_reply_seconds IS NOT NULL THEN avg_reply_seconds * coalesce(replies, 1) END)
              / nullif(sum(CASE WHEN handled AND avg_reply_seconds IS NOT NULL THEN coalesce(replies, 1) END), 0) AS art,
            sum(CASE WHEN handled AND avg_reply_seconds IS NOT NULL THEN coalesce(replies, 1) END) AS art_w,
            {aht} AS aht,
            count(CASE WHEN handled THEN work END) AS aht_n,
            count(*) FILTER (WHERE handled AND resolved) AS fcr,
            {csat} / nullif(count(*) FILTER (WHERE handled AND csat IS NOT NULL), 0) AS csat,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) AS csat_n,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS csat_rate,
            {nps} AS nps,
            count(*) FILTER (WHERE handled AND nps IS NOT NULL) AS nps_n,
            count(*) FILTER (WHERE handled AND complaint) / nullif(count(*) FILTER (WHERE handled), 0) AS complaint_rate,
            count(*) FILTER (WHERE handled AND first_reply_at IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS reply_rate,
            count(DISTINCT CASE WHEN handled THEN CAST(created_at AS DATE) END) AS days,
            count(*) FILTER (WHERE use) AS use_n,
            coalesce(sum(CASE WHEN handled THEN work END), 0) AS work_s{_call_figures(cols)}
        FROM (SELECT g1.*, {_clipped(work, o)} AS work, {_clipped(frt, o)} AS frt_s FROM g1 {join})
        GROUP BY agent HAVING count(*) FILTER (WHERE handled) > 0 ORDER BY agent"""
    ).df()
    rep = dict(con.execute("SELECT agent, repeats FROM rep").fetchall())
    resolved_first = per_agent["fcr"] - per_agent["工号"].map(rep).fillna(0)
    per_agent["fcr"] = resolved_first / per_agent["handled"]  # every listed agent handled ≥ 1
    # handled ≥ 1 on ≥ 1 day among ≥ handled usable rows: both denominators are ≥ 1
    per_agent["daily"] = per_agent["handled"] / per_agent["days"]
    per_agent["valid_share"] = per_agent["handled"] / per_agent["use_n"]
    for c in per_agent.columns[3:]:
        per_agent[c] = per_agent[c].astype("int64" if c in COUNTS else float)
    for m in no_source(cols):  # a figure with no source is blank (scored as missing), never 0
        per_agent[m] = float("nan")
    per_agent["工号"] = per_agent["工号"].astype(object)
    per_agent["姓名"] = per_agent["姓名"].astype(object)
    return pd.DataFrame(per_agent), aht_basis
