"""A log as DuckDB reads it: CSV and Parquet files in place, xlsx and in-memory tables through a
typed DataFrame, one table ``raw0`` with a ``__file`` column and rows in their input order (so a
row's place in the whole log is its rowid), and the raw cell values for problem messages."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import KpixlError
from .columns import Origin, locator

#: a log as the library accepts it: a table already read, or file paths
LogInput = pd.DataFrame | str | Path | list[str | Path] | tuple[str | Path, ...]


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def s(text: str) -> str:
    """A quoted SQL string literal."""
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


def _cell_text(v: Any) -> str | None:
    """One cell of a column holding mixed kinds (an xlsx column of numbers and text) as the text
    a CSV export would hold: integral numbers without ``.0``, date cells as ISO timestamps."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.timedelta):  # an Excel duration cell
        return f"{v.total_seconds():g}"
    return str(v)


def typed_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A table whose every column has one type DuckDB can scan: typed columns as they are,
    text columns as text, and mixed columns written as text (see :func:`_cell_text`)."""
    out = {}
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, pd.CategoricalDtype):  # DuckDB would make it an ENUM
            col = col.astype(object).where(col.notna(), None)
        if col.dtype == object and not col.map(lambda v: v is None or isinstance(v, str)).all():
            kinds = {type(v) for v in col if v is not None and not (isinstance(v, float) and v != v)}
            if kinds != {bool}:
                col = pd.Series([_cell_text(v) for v in col], index=col.index, dtype=object)
        if col.dtype == object:
            col = col.astype("string")
        out[str(name)] = col.reset_index(drop=True)
    return pd.DataFrame(out)


@dataclass
class Log:
    """A log loaded into a DuckDB connection as ``raw0`` (see the module's docstring)."""

    con: Any
    files: list[Path]
    origins: list[Origin] | None  # None until counted from the typed table (see :meth:`known_origins`)
    types: dict[str, str]
    stored: bool  # raw0 is a table (CSV text, DataFrames); else a view over Parquet files
    frame: pd.DataFrame | None = None  # the table as given, for raw values in messages
    first_line: int = 2
    table: str = "raw0"  # what the query reads: raw0, or a view over it with derived columns
    combined: dict[str, tuple[str, ...]] = field(default_factory=dict)  # derived column → the columns it reads
    _where: Any = field(default=None, repr=False)

    def known_origins(self) -> list[Origin]:
        """Rows per file: counted once, from the typed table ``t0`` (its ``file`` column), which
        exists by the time a problem is located; counting the files themselves costs a pass."""
        if self.origins is None:
            counts = dict(self.con.execute("SELECT file, count(*) FROM t0 GROUP BY file").fetchall())
            self.origins = [Origin(p.name, counts.get(i, 0), records=p.suffix.lower() == ".parquet") for i, p in enumerate(self.files)]
        return self.origins

    def where(self, row: int) -> str:
        """「file 第N行」 of a row of the whole log."""
        if self._where is None:
            self._where = locator(self.known_origins() or None, self.first_line)
        return self._where(row)

    def raw_values(self, column: str, lines: list[int]) -> dict[int, object]:
        """The values of ``column`` as the input holds them, on the given rows of the whole log."""
        if not lines:
            return {}
        if column in self.combined:
            parts = [self.raw_values(p, lines) for p in self.combined[column]]
            return {r: " ".join(str(_cell_text(v[r]) or "") for v in parts) for r in lines}
        if self.frame is not None:
            return {r: self.frame[column].iloc[r] for r in lines}
        if self.stored:
            listed = ", ".join(map(str, lines))
            return dict(self.con.execute(f"SELECT rowid, {q(column)} FROM raw0 WHERE rowid IN ({listed})").fetchall())
        out: dict[int, object] = {}
        start = 0
        for path, origin in zip(self.files, self.known_origins(), strict=True):
            local = [r - start for r in lines if start <= r < start + origin.rows]
            if local:
                rows = self.con.execute(
                    f"SELECT file_row_number, {q(column)} FROM read_parquet({s(str(path))}, file_row_number=true) "
                    f"WHERE file_row_number IN ({', '.join(map(str, local))})"
                ).fetchall()
                out.update({start + n: v for n, v in rows})
            start += origin.rows
        return out


def read_frame(path: str | Path) -> pd.DataFrame:
    """A small side file (a presence export) as a table: CSV values as written (工号 007 stays
    007), xlsx as its cells hold them, Parquet as typed."""
    from ..roster import read_csv_as_wide_as_its_header

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                # the first column never an index (a trailing comma on every row made pandas take
                # 工号 for one and read every column from its neighbour); longer rows refused
                options = dict(dtype=str, keep_default_na=False, encoding=encoding, index_col=False)
                return read_csv_as_wide_as_its_header(p, **options).replace({"": None})
            except UnicodeDecodeError:
                continue
            except KpixlError:
                raise
            except Exception as exc:
                raise KpixlError(f"{p.name}: 无法读取（{exc}）/ cannot read the file") from None
        raise KpixlError(f"{p.name}: 无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding")
    if suffix == ".parquet":
        import duckdb

        return duckdb.sql(f"SELECT * FROM read_parquet({s(str(p))})").df()
    from ..roster import read_table

    return read_table(p)


def delimiter(path: Path) -> str:
    """A text export's separator, read off its header line: whichever of ``,`` TAB ``;`` ``|``
    appears there most outside quotes (a comma when none does): a quoted header cell such as
    ``"金额, 元"`` holds text, not separators. Left to DuckDB's sniffer, one row longer than the
    rest made it settle on no separator at all, and every column was then "missing"."""
    with open(path, "rb") as f:
        line = re.sub(rb'"[^"]*"', b"", f.readline(1 << 16))  # "" inside quotes: two quoted runs, the same
    counts = {d: line.count(d.encode()) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class _TextFile:
    """A CSV of the log as DuckDB reads it: UTF-8 (a converted copy of a GBK export), its separator."""

    path: Path  # as the user named it
    readable: Path
    delimiter: str


def _file_select(path: Path, index: int, workdir: Path, texts: list[_TextFile]) -> str | None:
    """A SELECT over one CSV or Parquet file with a ``__file`` column; None for other files
    (a CSV is added to ``texts``)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"SELECT {index} AS __file, * FROM read_parquet({s(str(path))})"
    if suffix in (".csv", ".txt"):
        readable = _utf8(path, workdir)
        sep = delimiter(readable)
        texts.append(_TextFile(path, readable, sep))
        return f"SELECT {index} AS __file, * FROM read_csv({s(str(readable))}, header=true, all_varchar=true, delim={s(sep)})"
    return None


def open_log(con: Any, log: LogInput, workdir: Path, *, first_line: int = 2, origins: list[Origin] | None = None) -> Log:
    """Load ``log`` into ``con`` as ``raw0``. CSV text is stored once as read (fast, parallel),
    then parsed from the table; Parquet is read in place; other files (xlsx) and DataFrames go
    through :func:`typed_frame`."""
    import duckdb

    if isinstance(log, pd.DataFrame):
        return _open_frame(con, log, [], origins or [], first_line)
    files = [Path(p) for p in ([log] if isinstance(log, str | Path) else log)]
    texts: list[_TextFile] = []
    selects = [_file_select(p, i, workdir, texts) for i, p in enumerate(files)]
    if any(sel is None for sel in selects):
        from ..roster import read_table

        frames = [read_table(p) for p in files]
        found = [Origin(p.name, len(f)) for p, f in zip(files, frames, strict=True)]
        whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return _open_frame(con, whole, files, found, first_line)
    stored = any(p.suffix.lower() != ".parquet" for p in files)
    try:
        con.execute(f"CREATE TEMP {'TABLE' if stored else 'VIEW'} raw0 AS {' UNION ALL BY NAME '.join(selects)}")
        described = con.execute("DESCRIBE raw0").fetchall()
    except duckdb.Error as exc:
        from ..roster import refuse_longer_rows

        for text in texts:  # the usual cause: a row with more cells than the header, named here
            refuse_longer_rows(text.readable, "utf-8-sig", text.delimiter, name=text.path.name)
        raise KpixlError(f"{'、'.join(p.name for p in files)}: 无法读取（{exc}）/ cannot read the file") from None
    types = {r[0]: r[1] for r in described if r[0] != "__file"}
    return Log(con, files, None, types, stored)


def _open_frame(con: Any, df: pd.DataFrame, files: list[Path], origins: list[Origin], first_line: int) -> Log:
    frame = typed_frame(df)
    con.register("log_df", frame)
    con.execute("CREATE TEMP TABLE raw0 AS SELECT 0 AS __file, * FROM log_df")
    con.unregister("log_df")
    types = {r[0]: r[1] for r in con.execute("DESCRIBE raw0").fetchall() if r[0] != "__file"}
    original = df.reset_index(drop=True)
    original.columns = [str(c) for c in original.columns]
    return Log(con, files, origins, types, True, frame=original, first_line=first_line)
