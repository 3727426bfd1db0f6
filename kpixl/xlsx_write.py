"""A small xlsx package writer for tables: whole columns turned into sheet XML at once.

Results, summaries and problem lists are plain tables — a header row and columns of numbers or
text — so they need a few parts of the format only: inline strings, numbers, one style per
column format, a frozen header, a filter and column widths. Writing them cell by cell through a
general library (XlsxWriter, openpyxl) cost most of a ``kpixl score`` run (1.7 s of a 10,000-row
result); here each column becomes its XML cells in one pass and rows are streamed into the zip
in blocks, so memory stays bounded and the file is reproducible (fixed zip timestamps).

The package holds what Excel, WPS, LibreOffice, openpyxl and calamine need, and nothing else:
``[Content_Types].xml``, the package and workbook relationships, ``xl/workbook.xml`` (with the
hidden filter range Excel itself writes), ``xl/styles.xml`` and one ``xl/worksheets/sheetN.xml``
per table. The tests open every output with openpyxl, calamine and LibreOffice.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import FileError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Excel's built-in number formats (no numFmt element needed)
_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
_ROWS_PER_BLOCK = 5000
MAX_ROWS = 1_048_576  # an Excel sheet's rows, the header included
#: characters XML 1.0 cannot hold; Excel reads them back from ``_xHHHH_``
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")


@dataclass(frozen=True)
class Table:
    """One sheet: a frame, a number format per column (None: General) and its view."""

    name: str
    frame: pd.DataFrame
    formats: Sequence[str | None]
    widths: Sequence[float]
    freeze_columns: int = 0


def xml_text(text: str) -> str:
    """Text as sheet XML holds it: markup escaped, control characters as Excel's ``_xHHHH_``."""
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: "_x005F" + m.group(), text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("\r", "&#13;") if "\r" in text else text  # a bare CR would be read back as LF


def column_letter(k: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(65 + r) + out
    return out


def _text_cell(value: object, style: str) -> str:
    return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}</t></is></c>'


def _column_cells(series: pd.Series, style: int) -> list[str]:
    """The XML of every cell of one column (a blank is an empty cell, keeping positions)."""
    s = f' s="{style}"' if style else ""
    empty = f"<c{s}/>"
    if pd.api.types.is_bool_dtype(series.dtype):
        return [f'<c{s} t="b"><v>{int(v)}</v></c>' for v in series.to_numpy(dtype=bool)]
    if pd.api.types.is_float_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        texts = values.astype(str)  # the shortest repr that reads back to the same double
        finite = np.isfinite(values)
        cells = [f"<c{s}><v>{t}</v></c>" if ok else empty for t, ok in zip(texts.tolist(), finite.tolist(), strict=True)]
        for i in np.flatnonzero(np.isinf(values)):
            cells[i] = _text_cell(texts[i], s)
        return cells
    out = []
    for v in series.to_numpy(dtype=object):
        if v is None or v is pd.NA or v is pd.NaT or v == "" or (isinstance(v, float) and math.isnan(v)):
            out.append(empty)
        elif isinstance(v, bool | np.bool_):
            out.append(f'<c{s} t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, int | np.integer):
            out.append(f"<c{s}><v>{int(v)}</v></c>")
        elif isinstance(v, float | np.floating) and math.isfinite(v):
            out.append(f"<c{s}><v>{float(v)!r}</v></c>")
        else:
            out.append(_text_cell(v, s))
    return out


class _Styles:
    """cellXfs: 0 = default, 1 = header, then one per number format."""

    def __init__(self) -> None:
        self.formats: list[str] = []

    def index(self, fmt: str | None) -> int:
        if not fmt:
            return 0
        if fmt not in self.formats:
            self.formats.append(fmt)
        return 2 + self.formats.index(fmt)

    def xml(self) -> str:
        custom = {f: 164 + i for i, f in enumerate(f for f in self.formats if f not in _BUILTIN_FORMATS)}
        num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{xml_text(f)}"/>' for f, i in custom.items())
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        xfs.append(
            '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
            'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
        )
        for f in self.formats:
            fid = _BUILTIN_FORMATS.get(f, custom.get(f))
            xfs.append(f'<xf numFmtId="{fid}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>')
        thin = '<{0} style="thin"><color auto="1"/></{0}>'
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(custom)}">{num_fmts}</numFmts>' if custom else "")
            + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
            '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
            + "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
            + '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        )


def _sheet_parts(table: Table, styles: _Styles) -> Iterable[str]:
    """The sheet XML in pieces: the head, blocks of rows, the tail."""
    df = table.frame
    ncol, nrow = len(df.columns), len(df)
    last = f"{column_letter(max(ncol, 1) - 1)}{nrow + 1}"
    freeze = min(table.freeze_columns, ncol)
    top_left = f"{column_letter(freeze)}2"
    pane = f' xSplit="{freeze}"' if freeze else ""
    active = "bottomRight" if freeze else "bottomLeft"
    cols = "".join(
        f'<col min="{k + 1}" max="{k + 1}" width="{w:.2f}" customWidth="1"' + (f' style="{styles.index(f)}"' if f else "") + "/>"
        for k, (w, f) in enumerate(zip(table.widths, table.formats, strict=True))
    )
    yield (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/><sheetViews>'
        f'<sheetView workbookViewId="0"><pane{pane} ySplit="1" topLeftCell="{top_left}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{top_left}" sqref="{top_left}"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'
    )
    yield '<row r="1">' + "".join(_text_cell(h, ' s="1"') for h in df.columns) + "</row>"
    for start in range(0, nrow, _ROWS_PER_BLOCK):
        block = df.iloc[start : start + _ROWS_PER_BLOCK]
        columns = [_column_cells(block.iloc[:, k], styles.index(f)) for k, f in enumerate(table.formats)]
        rows = zip(*columns, strict=True) if columns else ([] for _ in range(len(block)))
        yield "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in enumerate(rows, start + 2))
    yield "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if ncol else "") + "</worksheet>"


def _write(zf: zipfile.ZipFile, name: str, text: str | Iterable[str]) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as f:
        for part in [text] if isinstance(text, str) else text:
            f.write(part.encode("utf-8"))


def write_tables(path: str | Path, tables: Sequence[Table]) -> None:
    """Write ``tables`` as the sheets of one xlsx file at ``path``."""
    for t in tables:
        if len(t.frame) + 1 > MAX_ROWS:
            raise FileError(
                f"「{t.name}」有 {len(t.frame):,} 行，超过 Excel 一个工作表的上限 {MAX_ROWS - 1:,} 行；请写出 .csv / "
                f"{len(t.frame):,} rows do not fit in an Excel sheet ({MAX_ROWS - 1:,} at most): write a .csv"
            )
    styles = _Styles()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for n, table in enumerate(tables, 1):
            _write(zf, f"xl/worksheets/sheet{n}.xml", _sheet_parts(table, styles))
        _write(zf, "xl/styles.xml", styles.xml())
        _write(zf, "xl/workbook.xml", _workbook(tables))
        _write(zf, "xl/_rels/workbook.xml.rels", _workbook_rels(len(tables)))
        office = f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        _write(zf, "_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{office}</Relationships>')
        _write(zf, "[Content_Types].xml", _content_types(len(tables)))


def _workbook(tables: Sequence[Table]) -> str:
    sheets = "".join(f'<sheet name="{xml_text(t.name)}" sheetId="{n}" r:id="rId{n}"/>' for n, t in enumerate(tables, 1))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{xml_text(_quoted(t.name))}!$A$1:${column_letter(len(t.frame.columns) - 1)}${len(t.frame) + 1}</definedName>"
        for n, t in enumerate(tables)
        if len(t.frame.columns)
    )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>"
    )


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _workbook_rels(n: int) -> str:
    rels = [f'<Relationship Id="rId{k}" Type="{_REL}/worksheet" Target="worksheets/sheet{k}.xml"/>' for k in range(1, n + 1)]
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    return f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'


def _content_types(n: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{ct}.worksheet+xml"/>' for k in range(1, n + 1))
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>{sheets}</Types>'
    )
