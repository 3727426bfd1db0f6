"""The same metrics as :mod:`kpixl.metrics`, computed by DuckDB straight from CSV or Parquet.

For logs beyond memory: DuckDB streams the file and aggregates in SQL. Every definition,
exclusion and problem message mirrors the pandas path; a parity test holds them equal.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import KpixlError
from .metrics import TIME_FORMATS, TRUE, MetricsResult, Options, _find, period_bounds


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(con, path: Path, offset: int) -> tuple[str, int]:
    """A SELECT over one file with a ``__line`` column (CSV: the line in the file, the header being
    line 1; Parquet: the record number), continuing after ``offset`` lines; and the row count."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        src = f"read_parquet({_s(str(path))}, file_row_number=true)"
        count = con.execute(f"SELECT count(*) FROM read_parquet({_s(str(path))})").fetchone()[0]
        return f"SELECT file_row_number + {offset + 1} AS __line, * EXCLUDE (file_row_number) FROM {src}", count
    if suffix in (".csv", ".txt"):
        src = f"read_csv({_s(str(path))}, header=true, all_varchar=true)"
        count = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
        return f"SELECT row_number() OVER () + {offset + 1} AS __line, * FROM {src}", count
    raise KpixlError(f"{path.name}: DuckDB 通道只读 .csv 和 .parquet / the DuckDB path reads .csv and .parquet")


def compute_duckdb(paths: list[str | Path], options: Options | None = None, *, mapping: dict[str, str] | None = None) -> MetricsResult:
    """Metrics per agent with DuckDB (files are read in place, never loaded whole)."""
    import duckdb

    o = options or Options()
    con = duckdb.connect()
    parquet_only = all(Path(p).suffix.lower() == ".parquet" for p in paths)
    if parquet_only:  # Parquet rows carry their record number: no need to keep scan order
        con.execute("SET preserve_insertion_order = false")
    files = [Path(p) for p in paths]
    selects, offset = [], 0
    for p in files:
        sql, count = _source(con, p, offset)
        selects.append(sql)
        offset += count
    con.execute("CREATE TEMP VIEW raw0 AS " + " UNION ALL BY NAME ".join(selects))
    columns = [r[0] for r in con.execute("DESCRIBE raw0").fetchall() if r[0] != "__line"]
    cols = _find(columns, mapping or {})
    for need in ("agent", "created_at"):
        if need not in cols:
            raise KpixlError(f"日志缺少「{need}」列 / the log needs a {need} column")
    fmts = "[" + ", ".join(_s(f) for f in TIME_FORMATS) + "]"
    true = ", ".join(_s(v) for v in sorted(TRUE))

    def text(key: str) -> str:
        return f"trim(CAST({_q(cols[key])} AS VARCHAR))" if key in cols else "CAST(NULL AS VARCHAR)"

    def time(key: str) -> str:
        if key not in cols:
            return "CAST(NULL AS TIMESTAMP)"
        # the common ISO form by a fast cast, the other accepted forms by the format list
        x = text(key)
        return f"CASE WHEN TRY_CAST({x} AS TIMESTAMP) IS NOT NULL THEN TRY_CAST({x} AS TIMESTAMP) ELSE try_strptime({x}, {fmts}) END"

    def flag(key: str) -> str:
        if key not in cols:
            return "FALSE"
        return f"(lower(coalesce({text(key)}, '')) IN ({true}))"

    def num(key: str) -> str:
        return f"TRY_CAST({_q(cols[key])} AS DOUBLE)" if key in cols else "CAST(NULL AS DOUBLE)"

    # as in the pandas path, a flag is set only by a TRUE word; blanks and "否" leave it unset
    con.execute(
        f"""CREATE TEMP TABLE t AS SELECT * EXCLUDE (created_raw, first_raw, ended_raw),
            (created IS NULL AND coalesce(created_raw, '') <> '') AS u_created,
            (first IS NULL AND coalesce(first_raw, '') <> '') AS u_first,
            (ended IS NULL AND coalesce(ended_raw, '') <> '') AS u_ended
        FROM (SELECT
            __line AS line, NULLIF({text("agent")}, '') AS agent, {text("agent_name")} AS name,
            {text("session")} AS session, {text("customer")} AS customer,
            {text("created_at")} AS created_raw, {time("created_at")} AS created,
            {text("first_reply_at")} AS first_raw, {time("first_reply_at")} AS first,
            {text("ended_at")} AS ended_raw, {time("ended_at")} AS ended,
            {flag("abandoned")} AS abandoned, {flag("test")} AS test, {flag("resolved")} AS resolved,
            {flag("complaint")} AS complaint, {flag("first_reply_by_bot")} AS bot,
            {num("csat")} AS csat, {num("nps")} AS nps, {num("replies")} AS replies, {num("avg_reply_seconds")} AS avg_reply,
            {num("talk_seconds")} AS talk, {num("hold_seconds")} AS hold, {num("acw_seconds")} AS acw, {num("queue_seconds")} AS queue
        FROM raw0)"""
    )
    con.execute("SET preserve_insertion_order = false")  # every row now carries its line number
    names = {"created": cols.get("created_at"), "first": cols.get("first_reply_at"), "ended": cols.get("ended_at")}
    con.execute("CREATE TEMP VIEW c AS SELECT *, (u_created OR u_first OR u_ended) AS bad0 FROM t")
    con.execute(
        """CREATE TEMP VIEW d AS SELECT *,
            (created IS NULL AND NOT bad0) AS p_start,
            (agent IS NULL AND NOT abandoned AND NOT bad0 AND created IS NOT NULL) AS p_agent
        FROM c"""
    )
    con.execute(
        """CREATE TEMP VIEW d2 AS SELECT *,
            coalesce(first < created, FALSE) AND NOT (bad0 OR p_start OR p_agent) AS p_reply,
            coalesce(ended < created, FALSE) AND NOT (bad0 OR p_start OR p_agent) AS p_end
        FROM d"""
    )
    period = "TRUE"
    if o.period:
        start, end = period_bounds(o.period)
        period = f"(created >= TIMESTAMP {_s(str(start))} AND created < TIMESTAMP {_s(str(end))})"
    # duplicates: every occurrence of a session id after its first line (a small table, joined back)
    con.execute(
        """CREATE TEMP TABLE dups AS SELECT session, min(line) AS keep FROM t
           WHERE session IS NOT NULL GROUP BY session HAVING count(*) > 1"""
    )
    has_dups = con.execute("SELECT count(*) FROM dups").fetchone()[0] > 0
    dup = "coalesce(d2.line > dups.keep, FALSE)" if has_dups else "FALSE"
    join = "LEFT JOIN dups USING (session)" if has_dups else ""
    con.execute(
        f"""CREATE TEMP VIEW g0 AS SELECT d2.*,
            coalesce({period}, FALSE) AND NOT (bad0 OR p_start OR p_agent OR p_reply OR p_end) AS use,
            {dup} AS dup
        FROM d2 {join}"""
    )
    # a later contact of the same customer within the window (among valid sessions): a narrow sort
    con.execute(
        f"""CREATE TEMP TABLE rep AS SELECT line,
            (lead(created) OVER (PARTITION BY customer ORDER BY created, line) - created) <= INTERVAL {o.repeat_hours * 3600} SECOND AS repeat
        FROM g0 WHERE use AND NOT test AND NOT dup AND customer IS NOT NULL"""
    )
    con.execute(
        """CREATE TEMP TABLE g AS SELECT g0.line, agent, name, created, first, abandoned, test, resolved, complaint, bot,
            csat, nps, replies, avg_reply, talk, hold, acw, queue, use, dup, (use AND NOT test AND NOT dup) AS valid,
            (use AND NOT test AND NOT dup AND NOT abandoned) AS handled, coalesce(rep.repeat, FALSE) AS repeat
        FROM g0 LEFT JOIN rep USING (line)"""
    )
    problems: list[str] = []
    for key, column, field in (("u_created", "created", "created_at"), ("u_first", "first", "first_reply_at"), ("u_ended", "ended", "ended_at")):
        lines = [r[0] for r in con.execute(f"SELECT line FROM d2 WHERE {key} ORDER BY line LIMIT 200").fetchall()]
        if lines:
            raw = dict(con.execute(f"SELECT __line, {text(field)} FROM raw0 WHERE __line IN ({', '.join(map(str, lines))})").fetchall())
            problems += [f"第{line}行「{names[column]}」: 无法识别的时间 {raw[line]!r} / unreadable timestamp" for line in lines]
    for key, message in (
        ("p_start", "没有会话开始时间 / no start time"),
        ("p_agent", "没有客服工号 / no agent"),
        ("p_reply", "首次回复早于会话开始 / reply before the session started"),
        ("p_end", "结束早于开始 / ended before it started"),
    ):
        for (line,) in con.execute(f"SELECT line FROM d2 WHERE {key} ORDER BY line LIMIT 200").fetchall():
            problems.append(f"第{line}行: {message}")
    csat = "sum(CASE WHEN handled AND csat IS NOT NULL THEN csat ELSE 0 END)" if o.csat == "mean" else (
        "count(*) FILTER (WHERE handled AND csat IS NOT NULL AND csat >= 4)"
    )  # fmt: skip
    aht = ", sum(CASE WHEN handled THEN coalesce(talk,0)+coalesce(hold,0)+coalesce(acw,0) END) / nullif(count(*) FILTER (WHERE handled), 0) AS aht"
    nps = (
        ", (count(*) FILTER (WHERE handled AND nps >= 9) - count(*) FILTER (WHERE handled AND nps <= 6)) * 100.0"
        " / nullif(count(*) FILTER (WHERE handled AND nps IS NOT NULL), 0) AS nps"
    )
    per_agent = con.execute(
        f"""SELECT agent AS "工号",
            coalesce(first(name ORDER BY line) FILTER (WHERE handled AND name IS NOT NULL), '') AS "姓名",
            {_s(o.period or "")} AS "考核期间",
            count(*) FILTER (WHERE handled) AS handled,
            avg(CASE WHEN handled AND NOT bot THEN epoch(first) - epoch(created) END) AS frt,
            count(CASE WHEN handled AND NOT bot THEN epoch(first) - epoch(created) END) AS frt_n,
            sum(CASE WHEN handled AND avg_reply IS NOT NULL THEN avg_reply * coalesce(replies, 1) END)
              / nullif(sum(CASE WHEN handled AND avg_reply IS NOT NULL THEN coalesce(replies, 1) END), 0) AS art
            {aht if "talk_seconds" in cols else ""},
            count(*) FILTER (WHERE handled AND resolved AND NOT repeat) / nullif(count(*) FILTER (WHERE handled), 0) AS fcr,
            {csat} / nullif(count(*) FILTER (WHERE handled AND csat IS NOT NULL), 0) AS csat,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) AS csat_n,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS csat_rate
            {nps if "nps" in cols else ""},
            count(*) FILTER (WHERE handled AND complaint) / nullif(count(*) FILTER (WHERE handled), 0) AS complaint_rate,
            count(*) FILTER (WHERE handled AND first IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS reply_rate,
            count(*) FILTER (WHERE handled) / nullif(count(DISTINCT CASE WHEN handled THEN strftime(created, '%Y-%m-%d') END), 0) AS daily,
            count(*) FILTER (WHERE handled) / nullif(count(*) FILTER (WHERE use), 0) AS valid_share
        FROM g GROUP BY agent HAVING count(*) FILTER (WHERE handled) > 0 ORDER BY agent"""
    ).df()
    for c in per_agent.columns[3:]:
        if c in ("handled", "frt_n", "csat_n"):
            per_agent[c] = per_agent[c].astype("int64")
        else:
            per_agent[c] = per_agent[c].astype(float)
    team: dict[str, float] = {}
    if "queue_seconds" in cols:
        row = con.execute(
            f"""SELECT
                count(*) FILTER (WHERE NOT abandoned) AS answered,
                count(*) FILTER (WHERE NOT abandoned AND queue <= {o.sl_seconds}) AS within,
                count(*) FILTER (WHERE abandoned) AS abandons,
                count(*) FILTER (WHERE abandoned AND queue <= {o.short_abandon_seconds}) AS short
            FROM g WHERE use AND NOT test AND NOT dup AND queue IS NOT NULL"""
        ).fetchone()
        answered, within, abandons, short = (float(x) for x in row)
        if o.abandon_mode == "ignore":
            offered = answered
        elif o.abandon_mode == "short":
            offered = answered + abandons - short
        else:
            offered = answered + abandons
        counted = abandons - short if o.abandon_mode == "short" else abandons
        den = answered + counted
        team = {
            "service_level": within / offered if offered else float("nan"),
            "abandon_rate": counted / den if den else float("nan"),
            "offered": offered,
        }
    con.close()
    return MetricsResult(pd.DataFrame(per_agent), team, problems)
