"""The header row of an .xlsx sheet, read alone — what :func:`kpixl.roster.read_table` needs to
know before the one read of the sheet (calamine loads a whole sheet even for its first row, and
openpyxl reads every shared string first: seconds for a large roster). This streams the sheet's
XML to the end of its first row and the shared strings up to the last one that row uses, which
are the first ones in a workbook Excel saved. Anything unusual gives None (the caller then reads
the sheet as before), and the caller checks the header against the one it read."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .safe import sheet_parts

_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def header_row(path: str | Path, sheet: str) -> list[str] | None:
    """The text of row 1 of ``sheet``, cell A1 on, when every cell of it is text; else None."""
    try:
        with zipfile.ZipFile(path) as z:
            part = sheet_parts(z).get(sheet)
            cells = _first_row(z, part) if part is not None else None
            if not cells:
                return None
            wanted = [int(v) for kind, v in cells if kind == "s"]
            strings = _shared_strings(z, max(wanted) + 1) if wanted else []
            out = [strings[int(v)] if kind == "s" else v for kind, v in cells]
    except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile, ET.ParseError):
        return None
    return out


def _text(node: ET.Element) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>`` and its runs' ``<t>`` (not the phonetic ``<rPh>``)."""
    parts = [node.find(f"{_M}t"), *(r.find(f"{_M}t") for r in node.iterfind(f"{_M}r"))]
    return "".join(t.text or "" for t in parts if t is not None)


def _first_row(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]] | None:
    """(kind, value) of each cell of row 1, A1 on without a gap: ``s`` and the shared string's
    index, or ``t`` and the text; None when a cell is not text or row 1 is not the first row."""
    cells: list[tuple[str, str]] = []
    with z.open(part) as f:
        for _, node in ET.iterparse(f, events=("end",)):
            if node.tag == f"{_M}row":
                while cells and cells[-1][0] == "":
                    cells.pop()
                return cells if node.get("r", "1") == "1" and all(kind for kind, _ in cells) else None
            if node.tag != f"{_M}c":
                continue
            ref, kind = node.get("r", ""), node.get("t", "n")
            if ref != f"{_column(len(cells) + 1)}1":
                return None
            if node.find(f"{_M}v") is None and node.find(f"{_M}is") is None:
                cells.append(("", ""))  # an empty cell with a style: only at the end of the header
            elif kind == "s":
                cells.append(("s", node.findtext(f"{_M}v") or ""))
            elif kind == "inlineStr" and node.find(f"{_M}is") is not None:
                cells.append(("t", _text(node.find(f"{_M}is"))))
            elif kind == "str":
                cells.append(("t", node.findtext(f"{_M}v") or ""))
            else:  # a number, a truth value, an error: a header calamine does not read as this text
                return None
    return None


def _shared_strings(z: zipfile.ZipFile, n: int) -> list[str]:
    """The first ``n`` shared strings."""
    out: list[str] = []
    with z.open("xl/sharedStrings.xml") as f:
        for _, node in ET.iterparse(f, events=("end",)):
            if node.tag == f"{_M}si":
                out.append(_text(node))
                node.clear()
                if len(out) >= n:
                    break
    return out


def _column(k: int) -> str:
    """The letters of column ``k`` (1 → A, 27 → AA)."""
    letters = ""
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(65 + r) + letters
    return letters
