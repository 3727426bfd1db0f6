"""The same metrics as :mod:`kpixl.metrics`, computed by DuckDB straight from CSV or Parquet.

For logs beyond memory: DuckDB streams the file and aggregates in SQL. Every definition,
exclusion and problem message mirrors the pandas path; a parity test holds them equal.

The plan, for speed on a 2-core machine: one typed pass over the log into a table holding
each value and each exclusion (values are trimmed only where they need it; already-typed
Parquet columns are used as they are; fields the log lacks are constants, never stored),
one sort by session id that marks repeated ids in place, one sort by (customer, time) whose
lead()/lag() count each agent's resolved sessions followed by a repeat contact, and one
GROUP BY for every per-agent figure — no join of the big table with anything.
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import pandas as pd

from .errors import KpixlError
from .metrics import (
    BLANK,
    FALSE,
    FLAG_KEYS,
    MAX_LISTED,
    NUMBER_KEYS,
    TIME_FORMATS,
    TRUE,
    WS,
    MetricsResult,
    Options,
    Origin,
    _find,
    locator,
    period_bounds,
    shown,
)

# the cheap edge test in _Columns.trimmed knows these three characters only
assert set(WS) <= {" ", "\t", "\u3000"}, "update _Columns.trimmed for the new whitespace"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _utf8(path: Path, workdir: Path) -> Path:
    """``path`` itself when it is UTF-8; otherwise a UTF-8 copy of a GBK/GB18030 export
    (DuckDB reads only UTF-8), streamed in blocks."""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    try:
        head.decode("utf-8")
        return path
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the 1 MiB boundary
            return path
    try:
        head.decode("gb18030")
    except UnicodeDecodeError:
        raise KpixlError(f"{path.name}: 无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding") from None
    out = workdir / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder("gb18030")()
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while block := src.read(1 << 22):
            dst.write(decoder.decode(block))
        dst.write(decoder.decode(b"", final=True))
    return out


def _source(path: Path, index: int, workdir: Path) -> str:
    """A SELECT over one file with a ``__file`` column (its place in the list). Rows keep the
    file's order (DuckDB preserves insertion order), so a row's place is the table's rowid."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"SELECT {index} AS __file, * FROM read_parquet({_s(str(path))})"
    if suffix in (".csv", ".txt"):
        readable = _utf8(path, workdir)
        return f"SELECT {index} AS __file, * FROM read_csv({_s(str(readable))}, header=true, all_varchar=true)"
    raise KpixlError(f"{path.name}: DuckDB 通道只读 .csv 和 .parquet / the DuckDB path reads .csv and .parquet")


class _Columns:
    """SQL expressions reading each canonical field, chosen by the column's type."""

    def __init__(self, cols: dict[str, str], types: dict[str, str]):
        self.cols, self.types = cols, types
        self.ws = _s(WS)

    def _type(self, key: str) -> str:
        return self.types[self.cols[key]].upper()

    def _is_text(self, key: str) -> bool:
        return self._type(key) == "VARCHAR"

    def raw(self, key: str) -> str:
        return _q(self.cols[key])

    def trimmed(self, key: str) -> str:
        """Text stripped of :data:`WS`; the trim (which copies the string) runs only where needed."""
        c = self.raw(key)
        if not self._is_text(key):
            numeric = any(t in self._type(key) for t in ("DOUBLE", "FLOAT", "DECIMAL"))
            if numeric:  # 1001.0 → 1001, as the pandas path writes integral numbers
                return f"CASE WHEN {c} = round({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
            return f"CAST({c} AS VARCHAR)"
        # cheap tests first: a first byte below "!" (space, tab) or a padded end; the trim
        # (which copies the string) runs only for the values that need it
        edges = f"{c} < '!' OR " + " OR ".join(f"suffix({c}, {_s(ch)})" for ch in WS) + f" OR prefix({c}, {_s(chr(0x3000))})"
        return f"CASE WHEN {edges} THEN trim({c}, {self.ws}) ELSE {c} END"

    def text(self, key: str) -> str:
        return self.trimmed(key) if key in self.cols else "CAST(NULL AS VARCHAR)"

    def blank(self, key: str) -> str:
        """The raw value is missing or only whitespace."""
        c = self.raw(key)
        if self._is_text(key):
            return f"({c} IS NULL OR {c} = '' OR trim({c}, {self.ws}) = '')"
        return f"({c} IS NULL)"

    def time(self, key: str) -> tuple[str, str]:
        """(timestamp expression, unreadable expression over the timestamp's alias ``key``)."""
        if key not in self.cols:
            return "CAST(NULL AS TIMESTAMP)", "FALSE"
        c, t = self.raw(key), self._type(key)
        if t.startswith("TIMESTAMP") or t == "DATE":
            return f"CAST({c} AS TIMESTAMP)", "FALSE"
        if t != "VARCHAR":
            return "CAST(NULL AS TIMESTAMP)", f"({c} IS NOT NULL)"
        fmts = "[" + ", ".join(_s(f) for f in TIME_FORMATS) + "]"
        # the common ISO form by a fast cast; the other accepted forms (and padded text) by the list
        expr = f"coalesce(TRY_CAST({c} AS TIMESTAMP), try_strptime(trim({c}, {self.ws}), {fmts}))"
        return expr, f"CASE WHEN __{key} IS NULL THEN NOT {self.blank(key)} ELSE FALSE END"

    def flag(self, key: str) -> str:
        """TRUE / FALSE, NULL when the value is neither a yes nor a no word."""
        if key not in self.cols:
            return "FALSE"
        c, t = self.raw(key), self._type(key)
        if t == "BOOLEAN":
            return f"coalesce({c}, FALSE)"
        if t != "VARCHAR":
            return f"CASE WHEN {c} = 1 THEN TRUE WHEN {c} IS NULL OR {c} = 0 THEN FALSE END"
        yes = ", ".join(_s(v) for v in sorted(TRUE))
        no = ", ".join(_s(v) for v in sorted(FALSE | BLANK))
        words = ", ".join(f"{_s(v)}: {'true' if v in TRUE else 'false'}" for v in sorted(TRUE | FALSE | BLANK))
        # the words exports use most, one comparison each; then the full lists; the padded or
        # upper-case rest through one map lookup (a repeated lower(trim()) would be hoisted
        # by DuckDB and computed for every row)
        return (
            f"CASE WHEN {c} IS NULL THEN FALSE WHEN {c} = '是' THEN TRUE WHEN {c} = '否' THEN FALSE "
            f"WHEN {c} IN ({yes}) THEN TRUE WHEN {c} IN ({no}) THEN FALSE "
            f"ELSE (MAP {{{words}}})[lower(trim({c}, {self.ws}))] END"
        )

    def number(self, key: str) -> tuple[str, str, str]:
        """(inner DOUBLE expression, outer value over the alias ``__key``, outer unreadable test)."""
        if key not in self.cols:
            return "CAST(NULL AS DOUBLE)", f"__{key}", "FALSE"
        c, t, v = self.raw(key), self._type(key), f"__{key}"
        finite = f"CASE WHEN isinf({v}) THEN NULL ELSE {v} END"
        if t == "VARCHAR":
            blank = ", ".join(_s(b) for b in sorted(BLANK))
            expr = f"coalesce(TRY_CAST({c} AS DOUBLE), TRY_CAST(trim({c}, {self.ws}) AS DOUBLE))"
            # exact blanks first: the trimming fallback runs only for the odd padded value
            bad = (
                f"CASE WHEN {v} IS NOT NULL THEN isinf({v}) WHEN {c} IS NULL OR {c} IN ({blank}) THEN FALSE "
                f"ELSE NOT lower(trim({c}, {self.ws})) IN ({blank}) END"
            )
            return expr, finite, bad
        if t == "BOOLEAN" or "INT" in t or "DECIMAL" in t:
            return f"CAST({c} AS DOUBLE)", v, "FALSE"
        if any(x in t for x in ("DOUBLE", "FLOAT", "REAL")):
            return f"CAST({c} AS DOUBLE)", finite, f"coalesce(isinf({v}), FALSE)"
        return "CAST(NULL AS DOUBLE)", v, f"({c} IS NOT NULL)"


def compute_duckdb(paths: list[str | Path], options: Options | None = None, *, mapping: dict[str, str] | None = None) -> MetricsResult:
    """Metrics per agent with DuckDB (files are read in place, never loaded whole)."""
    with tempfile.TemporaryDirectory(prefix="kpixl-metrics-") as tmp:
        return _compute(paths, options or Options(), mapping or {}, Path(tmp))


def _compute(paths: list[str | Path], o: Options, mapping: dict[str, str], workdir: Path) -> MetricsResult:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET temp_directory = {_s(str(workdir))}")
    files = [Path(p) for p in paths]
    union = " UNION ALL BY NAME ".join(_source(p, i, workdir) for i, p in enumerate(files))
    # CSV text is stored once as read (fast, parallel), then parsed from the table: parsing
    # while scanning the CSV in file order is several times slower. Parquet is read in place.
    csv = any(p.suffix.lower() != ".parquet" for p in files)
    try:
        con.execute(f"CREATE TEMP {'TABLE' if csv else 'VIEW'} raw0 AS {union}")
        described = con.execute("DESCRIBE raw0").fetchall()
    except duckdb.Error as exc:
        raise KpixlError(f"{'、'.join(p.name for p in files)}: 无法读取（{exc}）/ cannot read the file") from None
    types = {r[0]: r[1] for r in described if r[0] != "__file"}
    cols = _find(list(types), mapping)
    for need in ("agent", "created_at"):
        if need not in cols:
            raise KpixlError(f"日志缺少「{need}」列 / the log needs a {need} column")
    x = _Columns(cols, types)

    # 1. one typed pass: every field the log has, parsed once, each unreadable value marked;
    # fields it lacks are constants in the view ``t`` (never written out 10 million times)
    text_keys = ("agent", "agent_name", "session", "customer")
    out_name = {"agent_name": "name"}
    times = {key: x.time(key) for key in ("created_at", "first_reply_at", "ended_at")}
    fields = {**{k: (e, f"__{k}", bad) for k, (e, bad) in times.items()}, **{k: x.number(k) for k in NUMBER_KEYS}}
    fields.update({k: (x.flag(k), f"coalesce(__{k}, FALSE)", f"(__{k} IS NULL)") for k in FLAG_KEYS})
    # inner names carry "__" so that a log whose own header is "agent" or "csat" cannot clash
    inner, outer, checks = ["__file"], ["__file AS file"], []
    constant: dict[str, str] = {}  # output column → SQL constant
    for key in (*text_keys, *times, *FLAG_KEYS, *NUMBER_KEYS):
        name = out_name.get(key, key)
        if key not in cols:
            kind = "VARCHAR" if key in text_keys else "TIMESTAMP" if key in times else "DOUBLE"
            constant[name] = "FALSE" if key in FLAG_KEYS else f"CAST(NULL AS {kind})"
            constant[f"u_{key}"] = "FALSE"
        elif key in text_keys:
            expr = x.text(key)
            inner.append(f"{f'NULLIF({expr}, {chr(39) * 2})' if key == 'agent' else expr} AS __{key}")
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
    inner += [_q(c) for c in sorted({cols[k] for k in checks if k not in FLAG_KEYS})]
    # 2. exclusions, in the pandas path's order (unreadable values, no start, no agent, time
    # order), decided in the same pass and stored beside the values
    period = "TRUE"
    if o.period:
        start, end = period_bounds(o.period)
        period = f"(created_at >= TIMESTAMP {_s(str(start))} AND created_at < TIMESTAMP {_s(str(end))})"

    def col(name: str) -> str:  # a field the log lacks is its constant, so the expressions below simplify
        return constant.get(name, name)

    bad0 = " OR ".join(f"u_{k}" for k in checks) or "FALSE"
    # one level per step, so that no expression is written (and evaluated) twice
    level1 = f"""SELECT {", ".join(outer)} FROM (SELECT {", ".join(inner)} FROM raw0)"""
    level2 = f"SELECT *, ({bad0}) AS bad0 FROM ({level1})"
    level3 = f"""SELECT *, (created_at IS NULL AND NOT bad0) AS p_start,
        (agent IS NULL AND NOT {col("abandoned")} AND NOT bad0 AND created_at IS NOT NULL) AS p_agent FROM ({level2})"""
    level4 = f"""SELECT *, (coalesce({col("first_reply_at")} < created_at, FALSE) AND NOT (bad0 OR p_start OR p_agent)) AS p_reply,
        (coalesce({col("ended_at")} < created_at, FALSE) AND NOT (bad0 OR p_start OR p_agent)) AS p_end FROM ({level3})"""
    con.execute(
        f"""CREATE TEMP TABLE t0 AS SELECT *, FALSE AS dup,
            coalesce({period}, FALSE) AND NOT (bad0 OR p_start OR p_agent OR p_reply OR p_end) AS use FROM ({level4})"""
    )
    # rows were stored in file order: a row's place in the whole log is its rowid
    con.execute(f"CREATE TEMP VIEW t AS SELECT rowid AS line, *{''.join(f', {v} AS {k}' for k, v in constant.items())} FROM t0")
    con.execute("SET preserve_insertion_order = false")
    counts = dict(con.execute("SELECT file, count(*) FROM t0 GROUP BY file").fetchall())
    origins = [Origin(p.name, counts.get(i, 0), records=p.suffix.lower() == ".parquet") for i, p in enumerate(files)]
    where = locator(origins)

    problems: list[str] = []
    messages = {
        **{k: ("时间", "unreadable timestamp") for k in times},
        **{k: ("是/否", "not a yes/no value") for k in FLAG_KEYS},
        **{k: ("数值", "not a number") for k in NUMBER_KEYS},
    }
    for key in (*times, *FLAG_KEYS, *NUMBER_KEYS):
        if key not in checks:
            continue
        zh, en = messages[key]
        lines = [r for (r,) in con.execute(f"SELECT line FROM t WHERE u_{key} ORDER BY line LIMIT {MAX_LISTED}").fetchall()]
        raw = _raw_values(con, files, origins, cols[key], lines, csv)
        problems += [f"{where(r)}「{cols[key]}」: 无法识别的{zh} {shown(raw[r])} / {en}" for r in lines]
    for key, message in (
        ("p_start", "没有会话开始时间 / no start time"),
        ("p_agent", "没有客服工号 / no agent"),
        ("p_reply", "首次回复早于会话开始 / reply before the session started"),
        ("p_end", "结束早于开始 / ended before it started"),
    ):
        for (r,) in con.execute(f"SELECT line FROM t WHERE {key} ORDER BY line LIMIT {MAX_LISTED}").fetchall():
            problems.append(f"{where(r)}: {message}")
    excluded = con.execute("SELECT count(*) FROM t0 WHERE bad0 OR p_start OR p_agent OR p_reply OR p_end").fetchone()[0]

    # 3. repeated session ids: every occurrence after the first line
    join = ""
    if "session" in cols:
        # one sort by (id, line): each row whose id equals the previous row's is a later
        # occurrence (faster than hashing ten million distinct strings); those few rows are
        # then marked in place rather than joined into every later query
        con.execute(
            """UPDATE t0 SET dup = TRUE WHERE rowid IN (SELECT line FROM (
                SELECT rowid AS line, lag(session) OVER (ORDER BY session, rowid) = session AS again FROM t0 WHERE session IS NOT NULL)
            WHERE again)"""
        )
    con.execute(
        """CREATE TEMP VIEW g1 AS SELECT *, (use AND NOT test AND NOT dup) AS valid,
            (use AND NOT test AND NOT dup AND NOT abandoned) AS handled FROM t"""
    )
    frt, join = "epoch(g1.first_reply_at) - epoch(g1.created_at)", ""
    if o.business_hours is not None:
        frt, join = _business_frt(con, o)

    # 4. FCR's repeat window over a narrow projection: per agent, the resolved sessions whose
    # customer came back (a later valid contact) within the window
    repeats = "SELECT NULL AS agent, 0 AS repeats WHERE FALSE"
    if "customer" in cols:
        # one sort by (customer, time) and lead()/lag() over it: cheaper than a partitioned window.
        # Contacts at the same instant are repeats of each other, so the order among them
        # does not matter (and needs no sort key).
        repeats = f"""SELECT agent, count(*) AS repeats FROM (
                SELECT agent, handled AND resolved AS hr,
                    lead(customer) OVER w = customer AND lead(created_at) OVER w - created_at <= INTERVAL {o.repeat_hours * 3600} SECOND AS again,
                    lag(customer) OVER w = customer AND lag(created_at) OVER w = created_at AS tie
                FROM g1 WHERE valid AND customer IS NOT NULL WINDOW w AS (ORDER BY customer, created_at))
            WHERE hr AND (coalesce(again, FALSE) OR coalesce(tie, FALSE)) GROUP BY agent"""
    con.execute(f"CREATE TEMP TABLE rep AS {repeats}")

    # 5. every per-agent figure in one GROUP BY
    has_aht = "talk_seconds" in cols
    work = "coalesce(talk_seconds,0)+coalesce(hold_seconds,0)+coalesce(acw_seconds,0)" if has_aht else "epoch(ended_at) - epoch(created_at)"
    csat = "sum(CASE WHEN handled AND csat IS NOT NULL THEN csat ELSE 0 END)" if o.csat == "mean" else (
        "count(*) FILTER (WHERE handled AND csat IS NOT NULL AND csat >= 4)"
    )  # fmt: skip
    aht = ", sum(CASE WHEN handled THEN work END) / nullif(count(*) FILTER (WHERE handled), 0) AS aht"
    nps = (
        ", (count(*) FILTER (WHERE handled AND nps >= 9) - count(*) FILTER (WHERE handled AND nps <= 6)) * 100.0"
        " / nullif(count(*) FILTER (WHERE handled AND nps IS NOT NULL), 0) AS nps"
    )
    per_agent = con.execute(
        f"""SELECT agent AS "工号",
            coalesce(arg_min(name, line) FILTER (WHERE handled AND name IS NOT NULL), '') AS "姓名",
            {_s(o.period or "")} AS "考核期间",
            count(*) FILTER (WHERE handled) AS handled,
            avg(CASE WHEN handled AND NOT first_reply_by_bot THEN frt_s END) AS frt,
            count(CASE WHEN handled AND NOT first_reply_by_bot THEN frt_s END) AS frt_n,
            sum(CASE WHEN handled AND avg_reply_seconds IS NOT NULL THEN avg_reply_seconds * coalesce(replies, 1) END)
              / nullif(sum(CASE WHEN handled AND avg_reply_seconds IS NOT NULL THEN coalesce(replies, 1) END), 0) AS art
            {aht if has_aht else ""},
            count(*) FILTER (WHERE handled AND resolved) AS fcr,
            {csat} / nullif(count(*) FILTER (WHERE handled AND csat IS NOT NULL), 0) AS csat,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) AS csat_n,
            count(*) FILTER (WHERE handled AND csat IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS csat_rate
            {nps if "nps" in cols else ""},
            count(*) FILTER (WHERE handled AND complaint) / nullif(count(*) FILTER (WHERE handled), 0) AS complaint_rate,
            count(*) FILTER (WHERE handled AND first_reply_at IS NOT NULL) / nullif(count(*) FILTER (WHERE handled), 0) AS reply_rate,
            count(*) FILTER (WHERE handled) / nullif(count(DISTINCT CASE WHEN handled THEN CAST(created_at AS DATE) END), 0) AS daily,
            count(*) FILTER (WHERE handled) / nullif(count(*) FILTER (WHERE use), 0) AS valid_share,
            coalesce(sum(CASE WHEN handled THEN work END), 0) AS work_s
        FROM (SELECT g1.*, {work} AS work, {frt} AS frt_s FROM g1 {join})
        GROUP BY agent HAVING count(*) FILTER (WHERE handled) > 0 ORDER BY agent"""
    ).df()
    rep = dict(con.execute("SELECT agent, repeats FROM rep").fetchall())
    resolved_first = per_agent["fcr"] - per_agent["工号"].map(rep).fillna(0)
    per_agent["fcr"] = resolved_first / per_agent["handled"]  # every listed agent handled ≥ 1
    for c in per_agent.columns[3:]:
        per_agent[c] = per_agent[c].astype("int64" if c in ("handled", "frt_n", "csat_n") else float)
    team: dict[str, float] = {}
    if "queue_seconds" in cols:
        row = con.execute(
            f"""SELECT
                count(*) FILTER (WHERE NOT abandoned) AS answered,
                count(*) FILTER (WHERE NOT abandoned AND queue_seconds <= {o.sl_seconds}) AS within,
                count(*) FILTER (WHERE abandoned) AS abandons,
                count(*) FILTER (WHERE abandoned AND queue_seconds <= {o.short_abandon_seconds}) AS short
            FROM g1 WHERE valid AND queue_seconds IS NOT NULL"""
        ).fetchone()
        answered, within, abandons, short = (float(v) for v in row)
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
    return MetricsResult(pd.DataFrame(per_agent), team, problems, int(excluded))


def _raw_values(con, files: list[Path], origins: list[Origin], column: str, lines: list[int], stored: bool) -> dict[int, object]:
    """The values of ``column`` as the file holds them, on the given rows of the whole log: from
    the stored CSV text by rowid, or from each Parquet file by its record number."""
    if not lines:
        return {}
    if stored:
        listed = ", ".join(map(str, lines))
        return dict(con.execute(f"SELECT rowid, {_q(column)} FROM raw0 WHERE rowid IN ({listed})").fetchall())
    out: dict[int, object] = {}
    start = 0
    for path, origin in zip(files, origins, strict=True):
        local = [r - start for r in lines if start <= r < start + origin.rows]
        if local:
            rows = con.execute(
                f"SELECT file_row_number, {_q(column)} FROM read_parquet({_s(str(path))}, file_row_number=true) "
                f"WHERE file_row_number IN ({', '.join(map(str, local))})"
            ).fetchall()
            out.update({start + n: v for n, v in rows})
        start += origin.rows
    return out


def _business_frt(con, o: Options) -> tuple[str, str]:
    """FRT in business seconds: a small calendar (one row per day) joined on both dates."""
    bh = o.business_hours
    assert bh is not None
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
