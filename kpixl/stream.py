"""A roster too large to hold at once, scored in parts: memory stays bounded by the part.

Scoring is row by row except for two things that need the whole file: 排名 (among everyone's
totals) and 重复工号 (an id repeated anywhere in the file). So a large CSV is read twice, a
part at a time: the first pass scores each part to learn every total and id; the second scores
each part again with that :class:`~kpixl.scoring.TeamView` and appends its rows to the output.
The results are the same as scoring the whole file at once — a test scores a roster both ways
with tiny parts and compares every cell.

Problems are gathered from every part and reported together, with the rows of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import FileError, RosterError
from .roster_rows import id_text
from .scheme import Scheme, normalize_header
from .scoring import FILE_ROWS, TeamView, carried, carried_as_typed, score

#: rows per part: about 65 MB of roster, and a few times that while a part is scored
PART_ROWS = 250_000
#: a CSV larger than this is scored in parts (1,000,000 typed rows are about 60 MB)
LARGE_CSV_BYTES = 128 * 1024 * 1024
_MAX_ISSUES = 1000


@dataclass
class StreamReport:
    head: pd.DataFrame  # the first part's results (for a screen)
    rows: int
    flagged: int


def parts(
    path: str | Path, rows: int = PART_ROWS, dtypes: dict[str, object] | None = None, as_text: Callable[[str], bool] | None = None
) -> Iterator[tuple[int, pd.DataFrame]]:
    """The CSV's parts with the file row of each part's first line, read as
    :func:`kpixl.roster.read_table` reads a CSV (UTF-8 or GB18030, 工号 as text, blank lines kept).
    ``dtypes``: the type each column has in the whole file (:func:`file_types`), so that every
    part reads a column as the whole file would; ``as_text``: as in ``read_table`` (blank words
    kept as typed there too)."""
    from .roster import CSV_OPTIONS, _checked, id_types, na_options

    p = Path(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            first = 2
            header = pd.read_csv(p, nrows=0, encoding=encoding, **CSV_OPTIONS).columns
            types = {**(dtypes or {}), **id_types(header, as_text)}
            floats = [c for c, t in types.items() if t is float]
            text = {c: t for c, t in types.items() if t is str}
            for k, part in enumerate(_checked_parts(p, encoding, rows, text, na_options(header, as_text))):
                if k == 0:
                    _checked(part.head(0), p)  # a repeated header is refused before any scoring
                present = [c for c in floats if c in part.columns]
                if present:
                    part[present] = part[present].astype(float)
                yield first, part.reset_index(drop=True)
                first += len(part)
            return
        except pd.errors.ParserError as exc:  # an unclosed quote: as the whole-file reader says it
            raise FileError(f"{p}: 无法读取（{exc}）/ cannot read the file") from None
        except UnicodeDecodeError:
            if first != 2:  # a bad byte far into a file already half read: say so, do not mix encodings
                raise FileError(f"{p}: 第 {first} 行附近的编码无法识别（应为 UTF-8 或 GBK）/ unknown text encoding near row {first}") from None
            continue
    raise FileError(f"{p}: 无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding")


def _checked_parts(p: Path, encoding: str, rows: int, dtype: dict[str, object], blanks: dict[str, object]) -> Iterator[pd.DataFrame]:
    """The CSV's parts; a row with more cells than the header is refused as the whole-file reader
    refuses it, unless what it has more is empty: then the header's columns are read from the part
    where pandas stopped ("Expected 14 fields in line 9, saw 15"; it only warns, and drops the
    cells, when the first row is the longer one)."""
    import itertools
    import warnings

    from .roster import CSV_OPTIONS, refuse_longer_rows

    options = dict(dtype=dtype, encoding=encoding, chunksize=rows, **CSV_OPTIONS, **blanks)
    checked, done = False, 0
    with pd.read_csv(p, **options) as reader:
        while True:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    part = next(reader, None)
                except pd.errors.ParserError:
                    break  # refused or read again below
            if not checked and any(issubclass(w.category, pd.errors.ParserWarning) for w in seen):
                checked = True
                refuse_longer_rows(p, encoding)
            if part is None:
                return
            yield part
            done += 1
    if not checked:
        refuse_longer_rows(p, encoding)
    width = len(pd.read_csv(p, nrows=0, encoding=encoding, **CSV_OPTIONS).columns)
    with pd.read_csv(p, usecols=range(width), **options) as reader:
        for k in itertools.count():
            with warnings.catch_warnings():  # never held across a yield: the filters are the process's
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                part = next(reader, None)
            if part is None:
                return
            if k >= done:  # the parts before were given already, the same rows
                yield part


def score_in_parts(path: str | Path, scheme: Scheme, out: str | Path, *, rows: int | None = None) -> StreamReport:
    """Score the CSV roster at ``path`` a part at a time (``rows`` rows each, :data:`PART_ROWS` when
    not given) and write the results CSV to ``out``."""
    from .csv_out import write_csv
    from .roster import atomic_save
    from .safe import neutralise_frame, refuse_clobber

    out = Path(out)
    rows = PART_ROWS if rows is None else rows  # read now: the default of a parameter is fixed once
    refuse_clobber(out, [path])
    if out.suffix.lower() != ".csv":
        raise FileError(f"{out}: 名单超过 Excel 的行数上限时只能写出 .csv / a roster this large can only be written to .csv")
    totals, ids, file_rows, issues = [], [], [], []
    kinds: dict[str, set[str]] = {}
    as_text = carried(scheme)  # the columns the scheme does not read: carried as typed
    for first, part in parts(path, rows, as_text=as_text):
        for c, t in part.dtypes.items():
            kinds.setdefault(str(c), set()).add(t.kind)
        try:
            results = score(scheme, part, first_row=first)
        except RosterError as exc:
            if any(i.row == 1 for i in exc.issues):  # a missing column: the same in every part
                raise
            issues += exc.issues
            continue
        totals.append(results["总分"].to_numpy(dtype=float))
        ids.append(_hashes(id_text(results["工号"]).to_numpy(dtype=object)))  # 8 bytes a person
        file_rows.append(np.asarray(results.attrs[FILE_ROWS], dtype=np.int64))
    if issues:
        raise RosterError(sorted(issues, key=lambda i: i.row)[:_MAX_ISSUES])
    team = _team(path, rows, totals, ids, file_rows)
    del totals, ids, file_rows
    report = StreamReport(pd.DataFrame(), 0, 0)

    def save(tmp: str) -> None:
        for k, (first, part) in enumerate(parts(path, rows, file_types(kinds), as_text)):
            results = score(scheme, part, first_row=first, team=team)
            write_csv(neutralise_frame(results, carried_as_typed(scheme, list(results.columns))), tmp, append=k > 0)
            if k == 0:
                report.head = results.head(1000)
            report.rows += len(results)
            report.flagged += int((results["标记"] != "").sum())

    atomic_save(out, save)
    return report


def file_types(kinds: dict[str, set[str]]) -> dict[str, object]:
    """The type pandas gives each column when it reads the whole file, from the types it gave the
    parts: text if any part held text (or the parts disagree otherwise), a float if any part held a
    float (a blank makes one), else what every part had."""
    out: dict[str, object] = {}
    for c, seen in kinds.items():
        if "O" in seen or (len(seen - {"i", "f"}) > 0 and len(seen) > 1):
            out[c] = str
        elif "f" in seen:
            out[c] = float
    return out


def _hashes(ids: np.ndarray) -> np.ndarray:
    """A 64-bit hash per id (0 for a blank one): the first pass keeps these, not 5,000,000 strings."""
    out = pd.util.hash_array(np.where(pd.isna(ids), "", ids).astype(object), categorize=False)
    out[pd.isna(ids)] = 0
    return out


def _team(path: str | Path, rows: int, totals: list[np.ndarray], ids: list[np.ndarray], file_rows: list[np.ndarray]) -> TeamView:
    """Every total, sorted, and each repeated id with its file rows. Ids whose hashes repeat are
    read again from the file (a third pass, only when some do) and compared as text, so two ids
    that merely share a hash are never called repeated."""
    all_totals = np.concatenate(totals) if totals else np.empty(0)
    hashes = np.concatenate(ids) if ids else np.empty(0, dtype=np.uint64)
    where = np.concatenate(file_rows) if file_rows else np.empty(0, dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    again = np.zeros(len(hashes), dtype=bool)
    again[order[1:][same]] = True
    again[order[:-1][same]] = True
    again &= hashes != 0
    repeated: dict[str, list[int]] = {}
    if again.any():
        wanted = set(where[again].tolist())
        for first, part in parts(path, rows):
            column = next((c for c in part.columns if normalize_header(c) == "工号"), None)
            if column is None:
                break
            texts = id_text(part[column]).tolist()
            for k, text in enumerate(texts):
                if first + k in wanted and text is not None:
                    repeated.setdefault(text, []).append(first + k)
        repeated = {text: found for text, found in repeated.items() if len(found) > 1}
    return TeamView(np.sort(all_totals[~np.isnan(all_totals)]), repeated)


__all__ = ["LARGE_CSV_BYTES", "PART_ROWS", "StreamReport", "parts", "score_in_parts"]
