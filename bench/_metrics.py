"""kpixl metrics on a month of session logs (run through bench/run.py metrics).

The log is generated first with DuckDB (not timed). The figure is the whole command,
``kpixl metrics log.parquet --period 2024-03 --out roster.csv``, as a child process (start-up,
read, exclusions and their report, FRT/ART/FCR with the 72 h repeat window, CSAT, complaints,
daily volume, service level, the roster written): target ≤ 10 s median for 10,000,000 rows.

The anchor is one hand-written DuckDB query over the same file, run alternately in this
process: the same per-agent figures (handled sessions, FRT, reply-weighted ART, FCR less the
resolved sessions followed by the same customer within 72 h, CSAT top-2 share, complaint
rate, sessions per working day) from the typed values (try_strptime, TRY_CAST), repeated
session ids dropped. It does not: find the columns by their many names, report each
unreadable row with its file and line, tell the kinds of exclusion apart, compute the team's
service level, or write a roster file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def make_log(path: Path, rows: int) -> None:
    """A month of chat sessions as an export would hold them: 300 agents; about a fifth of
    the customers come back (some within 72 h); one session id in a thousand exported twice;
    CSAT as text with blanks and 未评价; one timestamp in ten thousand unreadable."""
    fmt = "(strftime(TIMESTAMP '2024-03-01' + to_seconds(({x}) % 2678400), '%Y-%m-%d %H:%M:%S'))"
    created = fmt.format(x="i * 7")
    first = fmt.format(x="i * 7 + 5 + i % 90")
    duckdb.sql(
        f"""COPY (SELECT
            'A' || (i % 300)::VARCHAR AS 客服工号,
            's' || (CASE WHEN i % 1000 = 999 THEN i - 1 ELSE i END)::VARCHAR AS 会话ID,
            'c' || ((i * 2654435761) % {max(rows * 8 // 10, 1)})::VARCHAR AS 客户ID,
            CASE WHEN i % 10000 = 5 THEN '2024-03-xx' ELSE {created} END AS 会话开始,
            {first} AS 首次回复,
            CASE WHEN i % 5 = 0 THEN '否' ELSE '是' END AS 是否解决,
            CASE WHEN i % 3 = 0 THEN NULL WHEN i % 7 = 0 THEN '未评价' ELSE (1 + i % 5)::VARCHAR END AS 满意度评分,
            CASE WHEN i % 97 = 0 THEN '是' ELSE '否' END AS 是否投诉,
            1 + i % 6 AS 回复次数, 5 + i % 60 AS 平均回复时长
        FROM range({rows}) t(i)) TO '{path}' (FORMAT PARQUET)"""
    )


HAND_SQL = """
WITH typed AS (
    SELECT 客服工号 AS agent, 会话ID AS session, 客户ID AS customer,
        try_strptime(会话开始, '%Y-%m-%d %H:%M:%S') AS created,
        try_strptime(首次回复, '%Y-%m-%d %H:%M:%S') AS first_reply,
        是否解决 = '是' AS resolved, TRY_CAST(满意度评分 AS DOUBLE) AS csat, 是否投诉 = '是' AS complaint,
        回复次数 AS replies, 平均回复时长 AS art
    FROM read_parquet('{path}')
),
once AS (
    SELECT * FROM typed
    WHERE created >= TIMESTAMP '2024-03-01' AND created < TIMESTAMP '2024-04-01' AND agent IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY session ORDER BY created) = 1
),
nxt AS (SELECT *, lead(created) OVER (PARTITION BY customer ORDER BY created) AS next_contact FROM once)
SELECT agent,
    count(*) AS handled,
    avg(epoch(first_reply) - epoch(created)) AS frt,
    sum(art * replies) / sum(replies) AS art,
    (count(*) FILTER (WHERE resolved) - count(*) FILTER (WHERE resolved AND next_contact <= created + INTERVAL 72 HOUR))
        / count(*) AS fcr,
    count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) AS csat,
    count(*) FILTER (WHERE complaint) / count(*) AS complaint_rate,
    count(*) / count(DISTINCT CAST(created AS DATE)) AS daily
FROM nxt GROUP BY agent ORDER BY agent
"""


def hand_sql(path: Path):
    """The anchor: the per-agent figures in one query (see the module doc)."""
    con = duckdb.connect()
    try:
        return con.execute(HAND_SQL.format(path=path)).df()
    finally:
        con.close()
