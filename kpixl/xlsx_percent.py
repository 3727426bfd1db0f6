"""Which cells of an .xlsx sheet show a number as a percentage (format ``0%``, ``0.00%`` …).

A person who sees ``105%`` in a cell means 105%, whatever the percent convention says of the 1.05
stored behind it. The readers turn such a cell into the text the person sees (``"105%"``,
:func:`shown_percent`) before :func:`kpixl.units.parse_value` reads it, so it is read unambiguously.
This reads styles.xml (numFmts, cellXfs) and the sheet's XML ``s=`` attributes directly — fast, no
openpyxl — and only answers for numeric cells."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .safe import sheet_parts
from .units import fmt_quantity

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_BUILTIN_PERCENT = {9, 10}  # 0%, 0.00%
# a cell with a style: <c r="B2" s="3" ...> (t absent or "n" = a number)
_CELL = re.compile(rb'<c\b([^>]*?)\br="([A-Z]+)([0-9]+)"([^>]*)>')
_S = re.compile(rb'\bs="([0-9]+)"')
_T = re.compile(rb'\bt="([A-Za-z]+)"')


def is_percent_format(code: str) -> bool:
    """A number format code that shows a percentage: a ``%`` outside quotes and escapes."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in bare


def _percent_styles(z: zipfile.ZipFile) -> set[int]:
    try:
        root = ET.fromstring(z.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iterfind("m:numFmts/m:numFmt", _NS)}
    percent = _BUILTIN_PERCENT | {k for k, code in custom.items() if is_percent_format(code)}
    xfs = root.find("m:cellXfs", _NS)
    if xfs is None:
        return set()
    return {k for k, xf in enumerate(xfs.iterfind("m:xf", _NS)) if int(xf.get("numFmtId", 0)) in percent}


def _sheet_part(z: zipfile.ZipFile, sheet: str | None) -> str | None:
    parts = sheet_parts(z)
    return parts.get(sheet) if sheet is not None else next(iter(parts.values()), None)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def percent_cells(source: str | Path | zipfile.ZipFile, sheet: str | None = None) -> set[tuple[int, int]]:
    """(row, column), 1-based, of the numeric cells of ``sheet`` (default: the first) shown as a
    percentage; ``source`` is an .xlsx path or an open package."""
    if not isinstance(source, zipfile.ZipFile):
        with zipfile.ZipFile(source) as z:
            return percent_cells(z, sheet)
    styles = _percent_styles(source)
    part = _sheet_part(source, sheet) if styles else None
    if part is None:
        return set()
    xml = source.read(part)
    out = set()
    for m in _CELL.finditer(xml):
        attrs = m[1] + m[4]
        s = _S.search(attrs)
        if s is None or int(s[1]) not in styles:
            continue
        t = _T.search(attrs)
        if t is None or t[1] == b"n":
            out.add((int(m[3]), _col_index(m[2])))
    return out


_STYLES: dict[tuple, set[int]] = {}


def percent_styles(z: zipfile.ZipFile) -> set[int]:
    """The cell styles (``s=`` indexes) of a package that show a percentage, cached by the zip
    directory's record of styles.xml (a folder of forms from one template parses it once)."""
    try:
        info = z.getinfo("xl/styles.xml")
    except KeyError:
        return set()
    key = (info.CRC, info.file_size, info.compress_size)
    if key not in _STYLES:
        _STYLES[key] = _percent_styles(z)
    return _STYLES[key]


def percent_refs(xml: str, refs: dict[str, str], styles: set[int]) -> set[str]:
    """Which of ``refs`` (header → cell such as ``B7``) hold a number shown as a percentage, looked
    up one cell at a time in the sheet's XML (for a form: a few dozen cells of a small sheet)."""
    if not styles:
        return set()
    out = set()
    for header, ref in refs.items():
        m = re.search(rf'<c\b[^>]*?\br="{ref}"[^>]*>', xml)
        if m is None:
            continue
        s, t = _S.search(m[0].encode()), _T.search(m[0].encode())
        if s is not None and int(s[1]) in styles and (t is None or t[1] == b"n"):
            out.add(header)
    return out


def shown_percent(x: float) -> str:
    """A percent-formatted number as the text a person reads in the cell: 1.05 → ``105%``."""
    return fmt_quantity(float(x), "%")
