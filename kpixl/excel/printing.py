"""Page setup shared by the sheets, and row heights tall enough for wrapped text.

Excel and LibreOffice do not grow a row for wrapped text when a file says how tall it is (and
openpyxl cannot ask them), so text that wraps to more lines than its row holds is drawn over
the neighbouring rows on paper. :func:`fit_rows` estimates each row's height from the text, the
column widths and the font: a CJK character is two units wide, any other one unit; a column of
width *w* (Excel's character units, about 5.25 pt each) holds about *w* units at 11 pt.
"""

from __future__ import annotations

import math
import unicodedata

from openpyxl.utils import get_column_letter

#: Excel's default column width, when a sheet does not set one
DEFAULT_WIDTH = 8.43
#: points per width unit of a column (Excel: a digit of Calibri 11 is 7 px = 5.25 pt)
PT_PER_WIDTH = 5.25
#: share of a line's width counted as usable (fonts differ: a digit is a little over half a CJK character)
FILL = 0.95
#: a line's height as a multiple of the font size (Noto Sans CJK, LibreOffice's stand-in for 宋体, takes 1.45)
LEADING = 1.5
PADDING = 3.0  # points above and below the text in a cell


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def text_units(text: str) -> int:
    """Display width: 2 for a wide (CJK, full-width or ambiguous, such as ≥) character, else 1."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def _tokens(line: str) -> list[str]:
    """Where a line may break: around each wide character and each space; a run of other
    characters (a word, a number with its unit) stays whole when it fits on a line."""
    out, word = [], ""
    for ch in line:
        if ch.isspace() or _wide(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    return [*out, word] if word else out


def wrapped_lines(text: str, width: float, font_pt: float = 10) -> int:
    """How many lines ``text`` takes in a cell ``width`` wide (Excel's units) at ``font_pt``,
    wrapped greedily as a spreadsheet wraps it."""
    per_line = max(1.0, (width * PT_PER_WIDTH - 2 * PADDING) / (font_pt / 2) * FILL)
    total = 0
    for line in text.split("\n"):
        lines, used = 1, 0.0
        for tok in _tokens(line):
            units = text_units(tok)
            if used + units <= per_line:
                used += units
            elif tok.isspace():  # a space at a break is not drawn
                lines, used = lines + 1, 0.0
            else:
                if used > 0:
                    lines += 1
                extra = max(0, math.ceil(units / per_line) - 1)  # longer than a line: broken anywhere
                lines += extra
                used = units - extra * per_line
        total += lines
    return total


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else DEFAULT_WIDTH


def fit_rows(ws, first: int, last: int, *, min_height: float = 15.0) -> None:
    """Raise the rows ``first``…``last`` so every wrapped text cell's lines fit (never lowered).

    A cell merged across columns wraps within their total width; one merged down several rows
    shares their heights, which grow evenly when it needs more. Formulas are not measured.
    """
    spans = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
    need: dict[int, float] = {}
    merged_needs: list[tuple[int, int, float]] = []
    for row in ws.iter_rows(min_row=first, max_row=last):
        for c in row:
            v = c.value
            if not isinstance(v, str) or not v or (v.startswith("=") and not c.quotePrefix):
                continue
            wrap = c.alignment is not None and c.alignment.wrap_text
            end_row, end_col = spans.get((c.row, c.column), (c.row, c.column))
            width = sum(_width(ws, k) for k in range(c.column, end_col + 1))
            size = float(c.font.sz) if c.font is not None and c.font.sz else 11.0
            lines = wrapped_lines(v, width, size) if wrap else v.count("\n") + 1
            height = lines * size * LEADING + PADDING
            if end_row > c.row:
                merged_needs.append((c.row, end_row, height))
            else:
                need[c.row] = max(need.get(c.row, 0.0), height)
    heights = {}
    for r in range(first, last + 1):
        current = ws.row_dimensions[r].height if r in ws.row_dimensions else None
        heights[r] = max(current or min_height, need.get(r, 0.0))
    for top, bottom, height in merged_needs:
        rows = [r for r in range(top, bottom + 1) if r in heights]
        short = height - sum(heights[r] for r in rows)
        if short > 0 and rows:
            for r in rows:
                heights[r] += short / len(rows)
    for r, h in heights.items():
        if h != (ws.row_dimensions[r].height if r in ws.row_dimensions else None):
            ws.row_dimensions[r].height = round(h, 1)


def page_setup(
    ws, scheme_name: str, *, landscape: bool = False, title_rows: str | None = None, area: str | None = None, header: str | None = None
) -> None:
    """A4, one page wide and as many pages tall as needed, page numbers in the footer; on top of
    each page ``header`` (default: the scheme's name and the sheet's), ``title_rows`` repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if area:
        ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = header if header is not None else f"{scheme_name.replace('&', '&&')} — &A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def show_only(wb, sheets) -> None:
    """Leave ``sheets`` visible (the first one active) and hide the rest, without their print
    areas and title rows: LibreOffice prints a hidden sheet that keeps a print area."""
    for ws in wb.worksheets:
        if ws.title in sheets:
            ws.sheet_state = "visible"
        else:
            ws.sheet_state = "hidden"
            ws.print_area = None
            ws._print_rows = None  # openpyxl has no public way to clear the repeated rows
    wb.active = wb.sheetnames.index(next(s for s in wb.sheetnames if s in sheets))
