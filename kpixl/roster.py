"""Reading and writing roster and result tables (CSV or Excel).

* CSV is read as UTF-8 (with or without BOM) and, failing that, as GB18030 — what
  Excel on Chinese Windows saves. 工号 is always text (``001`` keeps its zeros).
* Excel files are read with python-calamine (fast) from the sheet ``团队汇总`` if the
  workbook has one, else the first sheet. A number in a percent-formatted cell is read as the
  text the person sees there (1.05 shown as ``105%`` → ``"105%"``, :mod:`kpixl.xlsx_percent`).
* Outputs are written atomically (a temp file, then a rename), never onto an input or into an
  input folder, with every text cell neutralised against formula injection (:mod:`kpixl.safe`).
  CSV is written as UTF-8 with BOM so that Excel in China opens it correctly.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd

from .csv_out import write_csv
from .errors import CellIssue, FileError, KpixlError, RosterError
from .safe import clean_stale_temps, finish_output, neutralise_frame, open_package, refuse_clobber, temp_prefix
from .vocab import PANDAS_NA_WORDS
from .xlsx_out import write_xlsx
from .xlsx_percent import percent_cells, shown_percent

TEXT_COLUMNS = {"工号": str, "姓名": str, "部门": str, "岗位": str, "考核期间": str}


def read_table(
    path: str | Path, sheet: str | None = None, *, text_as_categories: bool = False, as_text: Callable[[str], bool] | None = None
) -> pd.DataFrame:
    """Read a roster or results table from ``.csv``, ``.xlsx``, ``.xlsm`` or ``.xls``.

    ``as_text``: the CSV columns (by header) to read as the text typed there, as the id columns
    are — ``kpixl score`` carries the columns its scheme does not read so (``007`` and a 19-digit
    card number come out as typed, not as 7 and 6.2e+18). In a CSV or a workbook, those columns
    (but the id columns) also keep pandas' blank words as typed (:func:`na_options`).

    ``text_as_categories`` (a CSV for scoring): the columns that hold text in the first 10,000 rows
    and repeat their values there are read as categoricals, the other text columns as plain Python
    strings — the same values (a column with any text is read as text throughout either way), but
    the parser makes one string per distinct spelling instead of one per cell, the engine reads each
    spelling once without factorising, and the writer converts each once."""
    p = Path(path)
    if not p.exists():
        raise FileError(f"找不到文件 {p} / file not found")
    if p.is_dir():
        raise FileError(f"{p} 是文件夹，不是文件 / a folder, not a file")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xlsb", ".ods"):
        # the same guard as collect/check: no zip bomb, no sheet spanning the whole grid
        open_package(p, str(p)).close()
    try:
        if suffix in (".csv", ".txt"):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    df = _read_csv(p, encoding, text_as_categories, as_text)
                except UnicodeDecodeError:
                    continue
                return _checked(df, p)
            raise FileError(f"{p}: 无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding")
        if suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
            if sheet is None:
                from python_calamine import CalamineWorkbook

                names = CalamineWorkbook.from_path(str(p)).sheet_names
                sheet = "团队汇总" if "团队汇总" in names else names[0]
            head = first_row(p, sheet) if as_text is not None else None
            first = na_options(head, as_text) if head else {}
            df = pd.read_excel(p, sheet_name=sheet, engine="calamine", dtype=TEXT_COLUMNS, **first)
            blanks = na_options(df.columns, as_text)
            kept = [c for c, words in blanks.get("na_values", {}).items() if words == [""]]
            right = list(df.columns) == head  # read with the blank words of its columns already
            # 工号 written "工号 " or "工 号"; options from a header that is not the one read; or (no
            # header known before) a blank in a column carried as typed that may have been NA or null:
            # read again (calamine loads the whole sheet even for its header row)
            if set(id_types(df.columns)) - set(TEXT_COLUMNS) or (not right and (first or (kept and df[kept].isna().any().any()))):
                df = pd.read_excel(p, sheet_name=sheet, engine="calamine", dtype=id_types(df.columns), **blanks)
            if suffix in (".xlsx", ".xlsm"):
                df = as_shown_percent(df, percent_cells(p, sheet))
            return _checked(df, p)
    except KpixlError:
        raise
    except Exception as exc:  # corrupt file, wrong format, missing sheet
        raise FileError(f"{p}: 无法读取（{exc}）/ cannot read the file") from None
    raise FileError(f"{p}: 不支持的文件类型 {suffix}（支持 .csv .xlsx）/ unsupported file type")


#: how every CSV is read: blank lines are kept (as empty rows) so that row k of the table is line
#: k + 2 of the file; spaces after a comma go; the first column is never taken for an index (pandas
#: does that when every row has one cell more than the header, as a trailing comma makes)
CSV_OPTIONS: dict[str, object] = dict(skipinitialspace=True, skip_blank_lines=False, index_col=False)


def id_types(columns: object, as_text: Callable[[str], bool] | None = None) -> dict[str, type]:
    """The id columns (工号, 姓名, 部门, 岗位, 考核期间) under the headers the file gives them — a header is
    matched as the engine matches it (``工号 ``, full-width letters) — and those ``as_text`` names:
    each is read as text, so 001 keeps its zeros."""
    from .scheme import normalize_header

    return {c: str for c in columns if normalize_header(c) in TEXT_COLUMNS or (as_text is not None and as_text(str(c)))}


def first_row(p: Path, sheet: str) -> list[str] | None:
    """The header row of an ``.xlsx``/``.xlsm`` sheet when every cell of it is text, else None:
    what :func:`na_options` needs before the sheet is read, so that it is read once
    (:mod:`kpixl.xlsx_header`)."""
    from .xlsx_header import header_row

    return header_row(p, sheet) if p.suffix.lower() in (".xlsx", ".xlsm") else None


def na_options(columns: object, as_text: Callable[[str], bool] | None) -> dict[str, object]:
    """The ``read_csv``/``read_excel`` options under which the ``as_text`` columns (not the id
    columns) keep every text as typed — ``NA``, ``null``, ``N/A``, ``nan``, ``None``, ``#N/A`` … —
    and only an empty cell is blank; every other column gets pandas' blank words, as by default
    (a column missing from the mapping would get none). Nothing to set (``{}``) when no column is
    carried so."""
    from .scheme import normalize_header

    if as_text is None:
        return {}
    kept = [c for c in columns if normalize_header(c) not in TEXT_COLUMNS and as_text(str(c))]
    if not kept:
        return {}
    words = sorted(PANDAS_NA_WORDS)
    return dict(keep_default_na=False, na_values={c: [""] if c in kept else words for c in columns})


def _read_csv(p: Path, encoding: str, text_as_categories: bool, as_text: Callable[[str], bool] | None = None) -> pd.DataFrame:
    """The CSV as :func:`read_table` reads it (one encoding); a row with more cells than the header
    is refused, unless what it has more is empty (a trailing comma)."""
    options = dict(encoding=encoding, **CSV_OPTIONS)
    header = pd.read_csv(p, nrows=0, **options).columns
    options |= na_options(header, as_text)
    ids = id_types(header, as_text)
    dtype: dict[str, object] = dict(ids)
    if text_as_categories:
        # the id columns as categoricals here too: pandas turns a categorical's categories into
        # numbers when every one reads as a number ("001" → 1)
        with warnings.catch_warnings():  # a longer row: found by the whole read below
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            sample = pd.read_csv(p, dtype=dict.fromkeys(ids, "category"), nrows=10_000, usecols=range(len(header)), **options)
        dtype |= {c: _text_type(sample[c]) for c in sample.columns if c in ids or _text(sample[c])}
    return read_csv_as_wide_as_its_header(p, dtype=dtype, **options)


def read_csv_as_wide_as_its_header(p: Path, **options) -> pd.DataFrame:
    """``pd.read_csv(p, **options)`` (``index_col=False`` and an ``encoding`` among them), the
    header's columns only: a row with more cells than the header is refused naming it, unless
    what it has more is empty (a trailing comma)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(p, **options)
        except (pd.errors.ParserWarning, pd.errors.ParserError):
            # some row has more cells than the header: pandas warns when the first row has,
            # and stops at a later one ("Expected 3 fields in line 9, saw 4")
            pass
    refuse_longer_rows(p, str(options["encoding"]))
    # what the rows have more is empty: read the header's columns only (another parser error,
    # an unclosed quote, is raised again here)
    width = len(pd.read_csv(p, nrows=0, **options).columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(p, usecols=range(width), **options)


def refuse_longer_rows(p: Path, encoding: str, delimiter: str = ",", name: str | None = None) -> None:
    """A :class:`RosterError` naming each row of the CSV with something past the header's columns
    (``name``: the file as the user named it, when ``p`` is a converted copy)."""
    extra = extra_cells(p, encoding, delimiter=delimiter)
    if extra:
        raise RosterError(extra, header=f"{name or p.name}: {len(extra)} 行比表头多出内容 / rows with more cells than the header")


def extra_cells(p: Path, encoding: str, limit: int = 200, *, delimiter: str = ",") -> list[CellIssue]:
    """Rows of the CSV with something in the cells past the header's last column (read with the
    csv module: only when pandas said some row is longer than the header)."""
    import csv

    out: list[CellIssue] = []
    what = "这一行比表头多出内容：请删去多余的格或补上表头 / more cells than the header"
    before = csv.field_size_limit(2**31 - 1)  # a cell as long as pandas reads it (the csv module stops at 128 KB)
    try:
        with p.open(encoding=encoding, newline="") as f:
            rows = csv.reader(f, skipinitialspace=True, delimiter=delimiter)
            width = len(next(rows, []))
            for number, row in enumerate(rows, 2):  # the table's row (a cell with a line break in it is one row)
                more = [v for v in row[width:] if v.strip()]
                if more:
                    out.append(CellIssue(number, f"第{width + 1}列起（表头之外）", more[0], what))
                    if len(out) >= limit:
                        break
    finally:
        csv.field_size_limit(before)
    return out


def _text_type(sample: pd.Series) -> object:
    """How a text column is read for scoring, from its first rows: a categorical when its values
    repeat (部门, 考核期间, the typed inputs), else plain Python strings (工号, 姓名: one per cell
    either way, and pandas' string dtype checks each one again).

    pandas reads a categorical's categories as numbers (or True/False) when every one of them
    reads as one — ``001`` would become 1, ``1`` and ``1.0`` one category, ``-5`` a number, a
    22-digit ``0…`` id a Python int — so a column whose sample does (an id column of numbers, read
    here as a categorical) stays plain strings. A sample with one word in it keeps the whole
    column's categories text."""
    values = sample.dropna()
    if isinstance(sample.dtype, pd.CategoricalDtype) and pd.api.types.infer_dtype(sample.cat.categories) not in ("string", "empty"):
        return object
    return "category" if len(values) and values.nunique() * 4 <= len(values) else object


def _text(column: pd.Series) -> bool:
    """A column pandas read as text (not numbers, not all blank)."""
    return not pd.api.types.is_numeric_dtype(column.dtype) and bool(column.notna().any())


#: a number as typed that reads back whole: no zero in front (007), no sign, exponent or spaces
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DOUBLE_DIGITS = 15  # a double holds every number of up to 15 significant digits exactly


def _whole_number(text: object) -> bool:
    """A cell typed as a plain number that a double keeps whole (at most 15 significant digits);
    spaces around it do not count (``7000 ``: pandas read such a cell as a number too)."""
    if not isinstance(text, str):
        return False
    text = text.strip()
    return bool(_PLAIN_NUMBER.fullmatch(text)) and sum(ch.isdigit() for ch in text.lstrip("-0.")) <= _DOUBLE_DIGITS


def numbers_where_faithful(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``df`` with each of ``columns`` (text, as typed) turned into numbers when every cell of it is
    a plain number that a double keeps whole — so an xlsx result has number cells where numbers
    were typed, and the text where a number would lose something (``007``, a 19-digit card
    number, ``1e3``). Integers with no blank become int64, others float64, as pandas reads them.
    pandas' blank words (``N/A``, ``NA``, ``null`` …) among the numbers stay text beside number
    cells: a 绩效工资基数 of N/A for one person leaves the others' numbers summable."""
    from .units import distinct_values

    out = df
    for c in columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        codes, uniques = distinct_values(s)
        texts = list(uniques)
        whole = [_whole_number(t) for t in texts]
        if not any(whole) or not all(w or t in PANDAS_NA_WORDS for t, w in zip(texts, whole, strict=True)):
            continue
        if all(whole):
            numbers = np.array([float(t) for t in texts] + [np.nan])[codes]
            if (codes >= 0).all() and not any("." in t for t in texts):  # float() reads "7000 " as 7000
                numbers = numbers.astype(np.int64)
        else:  # numbers and blank words: an object column, each cell as it is
            cells = [(int(t) if "." not in t else float(t)) if w else t for t, w in zip(texts, whole, strict=True)]
            numbers = np.array([*cells, None], dtype=object)[codes]
        if out is df:
            out = df.copy(deep=False)
        out[c] = numbers
    return out


def as_shown_percent(df: pd.DataFrame, cells: set[tuple[int, int]]) -> pd.DataFrame:
    """``df`` (read from a sheet with its header in row 1) with each number in a percent-formatted
    cell replaced by the text the person sees there (1.05 shown as 105% → ``"105%"``)."""
    hits: dict[int, list[tuple[int, str]]] = {}
    for row, col in cells:
        i, j = row - 2, col - 1
        if 0 <= i < len(df) and 0 <= j < df.shape[1]:
            v = df.iat[i, j]
            if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_) and v == v:
                hits.setdefault(j, []).append((i, shown_percent(float(v))))
    if not hits:
        return df
    df = df.copy()
    for j, changes in hits.items():
        col = df.iloc[:, j].astype(object)
        for i, text in changes:
            col.iat[i] = text
        df.isetitem(j, col)
    return df


_MANGLED = re.compile(r"(.+)\.(\d+)")


def _checked(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A table as read, minus trailing empty rows; a repeated header is an error.

    pandas renames the second ``服务规范度`` to ``服务规范度.1``: such a column would be
    carried along unread, so a header that appears twice is refused here.
    """
    names = {str(c) for c in df.columns}
    issues = []
    for k, col in enumerate(df.columns, 1):
        m = _MANGLED.fullmatch(str(col))
        if m and m[1] in names:
            issues.append(CellIssue(1, m[1], None, f"表头重复（第{k}列）/ duplicate header (column {k})"))
    if issues:
        raise RosterError(issues, header=f"{path.name}: 表头有 {len(issues)} 处重复 / duplicate header(s) in {path.name}")
    if len(df) and df.iloc[-1].notna().any():  # the usual table: its last row is filled
        return df
    filled = np.flatnonzero(df.notna().to_numpy().any(axis=1)) if len(df) else np.empty(0, dtype=np.intp)
    last = int(filled[-1]) + 1 if filled.size else 0
    return df.iloc[:last] if last < len(df) else df


def atomic_save(path: str | Path, save: Callable[[str], object]) -> Path:
    """Call ``save(tmp)`` on a temp file beside ``path``, then rename it into place.

    The output gets the permissions the umask asks for (a temp file is created 0600), and
    temp files that a killed run left in the folder are removed first.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(p.parent)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(), suffix=p.suffix, dir=p.parent)
    os.close(fd)
    try:
        save(tmp)
        finish_output(tmp)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def write_table(
    df: pd.DataFrame,
    path: str | Path,
    *,
    inputs: tuple[str | Path | None, ...] = (),
    sheet: str = "评分结果",
    more: dict[str, pd.DataFrame] | None = None,
    numbers_as_text: Collection[str] = (),
) -> Path:
    """Write ``df`` to ``.csv`` or ``.xlsx`` atomically; refuse to write over an input file
    or inside an input folder. An ``.xlsx`` also gets the ``more`` sheets after the first (a
    CSV holds one table only). Every text cell is neutralised (:func:`kpixl.safe.neutralise`), but a
    plain number typed in one of ``df``'s ``numbers_as_text`` columns (:func:`kpixl.safe.neutralise_frame`)."""
    p = Path(path)
    refuse_clobber(p, [src for src in inputs if src is not None])
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise FileError(f"{p}: 输出只支持 .csv 或 .xlsx / output must be .csv or .xlsx")
    tables = {name: neutralise_frame(table) for name, table in (more or {}).items()}
    tables = {sheet: neutralise_frame(df, numbers_as_text), **tables}

    def save(tmp: str) -> None:
        if suffix == ".csv":
            write_csv(tables[sheet], tmp)  # UTF-8 with BOM, CRLF rows, through DuckDB's writer
            return
        write_xlsx(tmp, tables)  # number formats, frozen header, filters, widths; streamed

    atomic_save(p, save)
    return p
