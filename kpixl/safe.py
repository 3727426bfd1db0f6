"""Guards every reader and writer shares: hostile packages in, formulas and clobbering out.

* :func:`open_package` — every ``.xlsx``/``.xlsm`` kpixl reads is checked here first: a zip
  bomb (too large once unpacked, or packed too tightly) and a sheet whose declared or actual
  extent is absurd (one cell at XFD1048576 makes a reader allocate the whole grid) are
  refused with one clear error before any spreadsheet library opens the file.
* :func:`neutralise` — a text cell that a spreadsheet would read as a formula (``= + - @``,
  TAB or CR first) gets a leading apostrophe; every writer passes its cells through it.
* :func:`refuse_clobber` — no command writes over one of its inputs or inside an input folder.
* :func:`finish_output` — outputs follow the umask (not the 0600 of a temp file), and temp
  files a killed run left behind are removed.
"""

from __future__ import annotations

import html
import io
import os
import re
import socket
import time
import zipfile
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import FileError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a 考核表 is kilobytes; a team sheet a few MB
MAX_RATIO = 200  # deflate rarely beats 100:1 on real sheets
MAX_CELLS = 20_000_000  # rows × columns from A1 to the last cell; 300,000 people × 60 columns fit
TEMP_PREFIX = ".kpixl-"
STALE_SECONDS = 3600  # a temp file this old belongs to no running kpixl

_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
# a cell with content (``<c r="B2"><v>…``); a self-closing ``<c r="B2" s="1"/>`` is only a format and
# readers skip it, so a formatted far corner alone does not count
_CELL_REF_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"[^>]*(?<!/)>')
_REF_RE = re.compile(r"\$?([A-Z]{1,4})\$?([0-9]{1,8})")
# a cell with content past row 9999 or column ZZ, written plainly (``<c r="AAA1">``, ``<c r="B10000">``)
_FAR_CELL_REF_RE = re.compile(rb'<c r="([A-Z]{3,4}|[A-Z]{1,2}(?=[0-9]{5}))([0-9]{1,8})"[^>]*(?<!/)>')
_NEAR_ROWS, _NEAR_COLS = 9999, 702


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _extent(ref: str) -> tuple[int, int]:
    """(rows, columns) from A1 to the far corner of a range such as ``A1:XFD1048576``."""
    rows = cols = 0
    for m in _REF_RE.finditer(ref.upper()):
        cols = max(cols, _col_number(m[1]))
        rows = max(rows, int(m[2]))
    return rows, cols


def _too_big(rows: int, cols: int) -> bool:
    return rows * cols > MAX_CELLS


def _sheet_extent(z: zipfile.ZipFile, part: str, data: bytes | None = None) -> tuple[tuple[int, int], tuple[int, int]]:
    """The declared (``<dimension>``) and actual (last row, last column with content) extent of a
    sheet part: exact, or a bound already small enough to read."""
    declared = (0, 0)
    far: list[tuple[bytes, bytes]] = []
    plain = True
    for text in _chunks(z, part, data):
        if declared == (0, 0):
            m = _DIMENSION_RE.search(text)
            if m:
                declared = _extent(m[1].decode("ascii", "replace"))
        # cells as every common writer writes them (``<c r="B2" …>``): only those past row 9999 or
        # column ZZ are looked at one by one; the rest lie within 9999 × 702 cells
        head = text[: text.rfind(b"<")]  # a tag cut at the piece's edge is whole in the next piece
        plain = plain and head.count(b"<c ") == head.count(b'<c r="') and b":c " not in head
        if not plain:
            break
        far += _FAR_CELL_REF_RE.findall(text)
    if plain:
        bound = _max_extent(far, (_NEAR_ROWS, _NEAR_COLS))
        if not _too_big(*bound):
            return declared, bound
    refs: list[tuple[bytes, bytes]] = []
    for text in _chunks(z, part, data):
        refs += set(_CELL_REF_RE.findall(text))
    return declared, _max_extent(refs, (0, 0))


def _max_extent(refs: list[tuple[bytes, bytes]], start: tuple[int, int]) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest of ``refs`` (column letters, row digits)."""
    rows, cols = start
    if refs:
        letters, digits = zip(*refs, strict=True)
        cols = max(cols, *(_col_number(c.decode()) for c in set(letters)))
        rows = max(rows, *map(int, set(digits)))
    return rows, cols


def _chunks(z: zipfile.ZipFile, part: str, data: bytes | None = None) -> Iterator[bytes]:
    """A part's bytes in 1 MB pieces, each starting with the last 256 bytes of the one before (a
    tag cut at the edge is seen whole in the next piece; a match may be seen twice, which a
    maximum does not mind). ``data``: the part already read."""
    if data is not None:
        yield data
        return
    tail = b""
    with z.open(part) as f:
        while chunk := f.read(1 << 20):
            text = tail + chunk
            yield text
            tail = text[-256:]


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name as Excel shows it → its part in the package, in the workbook's order
    (workbook.xml → relationship → part; {} when unreadable)."""
    try:
        wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _ID.search(tag), _TARGET.search(tag)
        if rid and target:
            t = target[1].lstrip("/")
            targets[rid[1]] = t if t.startswith("xl/") else f"xl/{t}"
    out = {}
    for tag in _SHEET_TAG.findall(wb):
        name, rid = _NAME.search(tag), _RID.search(tag)
        if name and rid and rid[1] in targets:
            out[html.unescape(name[1])] = targets[rid[1]]
    return out


_REL_TAG, _SHEET_TAG = re.compile(r"<Relationship\b[^>]*>"), re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_ID, _TARGET = re.compile(r'\bId="([^"]+)"'), re.compile(r'\bTarget="([^"]+)"')
_NAME, _RID = re.compile(r'\bname="([^"]*)"'), re.compile(r'\br:id="([^"]+)"')


def check_package(z: zipfile.ZipFile, name: str, *, sheets: bool = True) -> None:
    """Raise FileError for a zip bomb or a sheet too large to read; ``name`` is what a person reads.
    ``sheets=False`` leaves the sheets to :func:`check_sheet`, called for each sheet that is read."""
    infos = z.infolist()
    size = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if size > MAX_UNCOMPRESSED or (size / packed > MAX_RATIO and size > 10 * 1024 * 1024):
        raise FileError(f"{name}: 解压后过大（{size / 2**20:.0f} MB，疑似压缩炸弹），已跳过 / expands to {size / 2**20:.0f} MB (zip bomb?), skipped")
    if sheets:
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                check_sheet(z, info.filename, name)


def check_sheet(z: zipfile.ZipFile, part: str, name: str, sheet: str | None = None, data: bytes | None = None) -> None:
    """Raise FileError when the sheet in ``part`` (its bytes in ``data``, if already read) spans
    more cells than can be read."""
    declared, actual = _sheet_extent(z, part, data)
    for what, (rows, cols) in (("声明的", declared), ("实际的", actual)):
        if _too_big(rows, cols):
            if sheet is None:
                names = {p: name for name, p in sheet_parts(z).items()}
                sheet = names.get(part, Path(part).stem)
            raise FileError(
                f"{name}: 工作表 「{sheet}」 {what}范围过大（{rows:,} 行 × {cols:,} 列），无法读取；请删除远处的空单元格后另存 / "
                f"sheet {sheet} spans {rows:,} rows × {cols:,} columns ({'declared' if what == '声明的' else 'actual'}), too large to read"
            )


def open_package(source: str | Path | bytes, name: str | None = None, *, sheets: bool = True) -> zipfile.ZipFile:
    """The checked zip package of an ``.xlsx``/``.xlsm`` (a path or its bytes). ``sheets=False``:
    the caller checks each sheet it reads with :func:`check_sheet`."""
    label = name or str(source)
    data = source if isinstance(source, bytes) else None
    if data is not None:
        head = data[:8]
    else:
        with Path(source).open("rb") as f:
            head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(f"{label}: 受密码保护或为旧版 .xls，无法读取（请另存为 .xlsx）/ password-protected or legacy .xls")
    if not head.startswith(b"PK"):
        raise FileError(f"{label}: 不是 xlsx 文件 / not an xlsx file")
    try:
        z = zipfile.ZipFile(io.BytesIO(data) if data is not None else source)
    except (zipfile.BadZipFile, OSError):
        raise FileError(f"{label}: 文件已损坏 / corrupt file") from None
    check_package(z, label, sheets=sheets)
    return z


# ----------------------------------------------------------------------------- outputs
#: what a text cell may not start with unneutralised (a spreadsheet reads it as a formula)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: a number as typed (-200, -1.50, a TAB before it): in a column of numbers carried as text, no formula
_TYPED_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def neutralise_frame(df: pd.DataFrame, numbers_as_text: Collection[str] = ()) -> pd.DataFrame:
    """``df`` with every text cell (and header) neutralised; numeric columns are left as they are.
    ``numbers_as_text``: columns of numbers read as the text typed (``kpixl score``'s carried
    columns) — a cell there that is a plain number (``-200``, ``\t6000``) is a number, left as typed."""
    out = df.copy(deep=False)  # columns are replaced, never written into (pandas copies on write)
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
            continue
        if c in numbers_as_text:
            out[c] = _neutralise_text_not_numbers(s)
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):  # 部门 read as a categorical: its values once each
            values = s.cat.categories.to_numpy(dtype=object)
            if not _may_start_formula(values):
                continue
            renamed = [neutralise(v) for v in values]
            if len(set(renamed)) == len(renamed):  # "=x" and "'=x" would both become "'=x"
                out[c] = s.cat.rename_categories(renamed)
                continue
        values = s.to_numpy(dtype=object)
        if _may_start_formula(values):
            out[c] = pd.Series([neutralise(v) for v in values], index=s.index, dtype=object)
    if any(isinstance(c, str) and c.startswith(FORMULA_STARTS) for c in out.columns):
        out.columns = [neutralise(c) for c in out.columns]
    return out


def _neutralise_text_not_numbers(s: pd.Series) -> pd.Series:
    """``s`` with each text cell that starts a formula and is not a plain number neutralised."""
    categorical = isinstance(s.dtype, pd.CategoricalDtype)
    values = s.cat.categories.to_numpy(dtype=object) if categorical else s.to_numpy(dtype=object)
    if not _may_start_formula(values):
        return s
    cells = [v if isinstance(v, str) and _TYPED_NUMBER.fullmatch(v.strip()) else neutralise(v) for v in values]
    if categorical and len(set(cells)) == len(cells):  # its texts once each
        return s.cat.rename_categories(cells)
    if categorical:
        return _neutralise_text_not_numbers(s.astype(object))
    return pd.Series(cells, index=s.index, dtype=object)


def _may_start_formula(values: np.ndarray) -> bool:
    """True when some text value starts a formula. The column's text is joined into one string and
    searched in C: a character first, the start of a cell only where it occurs."""
    cells = values.tolist()
    try:
        joined = "\x00" + "\x00".join(cells)  # the usual column: text only
    except TypeError:  # blanks or numbers among the text: only the text counts
        joined = "\x00" + "\x00".join([v for v in cells if isinstance(v, str)])
    return any(c in joined and "\x00" + c in joined for c in FORMULA_STARTS)


def neutralise_rows(rows: Iterable[Iterable[object]]) -> list[list[object]]:
    """Rows of cells (for openpyxl ``append``) with every text cell neutralised."""
    return [[neutralise(v) for v in row] for row in rows]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def refuse_clobber(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Raise FileError when ``out`` is one of ``inputs`` or lies inside an input folder.

    Globs among the inputs are expanded, so ``collect 'forms/*.xlsx' --out forms/E001.xlsx``
    is refused too, as is an output the pattern would match (``--out forms/summary.xlsx``).
    """
    import fnmatch
    import glob

    target = Path(out).resolve()
    for raw in inputs:
        text = str(raw)
        pattern = any(ch in text for ch in "*?[")
        if pattern and fnmatch.fnmatch(os.path.abspath(out), os.path.abspath(text)):
            # the next run over the same pattern would read the output as an input
            raise FileError(
                f"输出文件 {out} 与输入的通配符 {text} 匹配，不会写入；请写到别处 / refusing to write {out}: it matches the input pattern {text}"
            )
        matches = glob.glob(text, recursive=True) if pattern else [text]
        for m in matches:
            p = Path(m)
            try:
                src = p.resolve()
            except (OSError, RuntimeError):  # a symlink loop: not a place we could write into
                continue
            if src == target:
                raise FileError(f"不会覆盖输入文件 {out}，请换一个输出文件名 / refusing to write over the input file {out}")
            if p.is_dir() and _inside(target, src):
                raise FileError(f"输出文件 {out} 在输入文件夹 {m} 之内，不会写入；请写到别处 / refusing to write inside the input folder {m}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def finish_output(path: str | Path) -> None:
    """Give a finished output the permissions the umask asks for (a temp file is created 0600)."""
    os.chmod(path, 0o666 & ~_umask())


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40] or "host"


def temp_prefix() -> str:
    """The prefix of this run's temp files: ``.kpixl-<pid>@<host>-`` (so a later run can tell
    whether the run that made one is still alive)."""
    return f"{TEMP_PREFIX}{os.getpid()}@{_host()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale_temps(folder: str | Path) -> None:
    """Remove the temp files (``.kpixl-*``) a killed run left in ``folder``: those of a process of
    this host that no longer runs, and any older than an hour (another host, an older kpixl)."""
    now = time.time()
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for e in entries:
        if not e.name.startswith(TEMP_PREFIX):
            continue
        try:
            if not e.is_file(follow_symlinks=False):
                continue
            m = re.match(rf"{re.escape(TEMP_PREFIX)}(\d+)@([^-]+)-", e.name)
            dead = bool(m) and m[2] == host and int(m[1]) != os.getpid() and not _alive(int(m[1]))
            if dead or now - e.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                os.unlink(e.path)
        except OSError:
            continue


__all__ = [
    "MAX_CELLS",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "check_package",
    "clean_stale_temps",
    "finish_output",
    "neutralise",
    "neutralise_frame",
    "neutralise_rows",
    "open_package",
    "refuse_clobber",
    "temp_prefix",
]
