"""How the workbook looks: fonts, fills, borders, and input cells' validation and formats."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..rules import Rule, Validation
from ..safe import FORMULA_STARTS
from ..units import typed_units

FONT_NAME = "宋体"  # SimSun: on every Chinese Windows; LibreOffice substitutes a CJK font (Noto CJK)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RESULT_FILL = PatternFill("solid", fgColor="E2EFDA")
GRADE_FILLS = ["C6EFCE", "DDEBF7", "FFF2CC", "FCE4D6", "FFC7CE"]
UNLOCKED = Protection(locked=False)


def put_text(ws, row: int, col: int, text: str | None):
    """A text cell that stays text, shown exactly as written: one starting with ``= + - @``, tab or
    CR (a rubric ``=0%(5分)``, a YAML list item) is stored as a string with Excel's quote prefix,
    so neither opening nor editing the cell turns it into a formula."""
    cell = ws.cell(row, col, text)
    if isinstance(text, str) and text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def style_header(cell) -> None:
    cell.font = Font(name=FONT_NAME, bold=True)
    cell.fill = HEAD_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = BORDER


def data_validation(rule: Rule, field: str, cell: str) -> DataValidation | None:
    """Excel's data validation for input ``cell`` (the top-left cell of the range it covers) of
    ``field``: the kind's list of options, or a custom check that accepts exactly what the sheet's
    reader reads (:meth:`kpixl.rules.Rule.excel_readable`)."""
    spec: Validation | None = rule.validation(field)
    check = rule.excel_readable(field, cell)
    if spec is not None and spec.type == "list":
        dv = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True)
        dv.error = "请按说明填写 / please enter a valid value"
    elif check is not None:
        if len(check) > 255:  # pragma: no cover - excel_readable is built to fit
            raise ValueError(f"a validation formula of {len(check)} characters (Excel takes 255)")
        dv = DataValidation(type="custom", formula1=check, allow_blank=True)
        dv.error = typed_help(rule, field)[:250]
    elif spec is not None:
        dv = DataValidation(type=spec.type, operator=spec.operator, formula1=spec.formula1, formula2=spec.formula2, allow_blank=True)
        dv.error = "请按说明填写 / please enter a valid value"
    else:
        return None
    dv.errorTitle = "无法读取 / cannot be read"
    dv.promptTitle = "填写 / input"
    dv.prompt = (spec.prompt if spec is not None else f"应填: {rule.expected(field)}")[:250]
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def typed_help(rule: Rule, field: str) -> str:
    """What may be typed in a numeric input cell (the validation's error message)."""
    unit = rule.input_unit(field)
    words = [u for u, _, _ in typed_units(unit) if u]
    example = f"数字，可带单位 {'、'.join(words[:6])}" if words else "数字"
    return (
        f"请填{example}；空白、N/A 或 / 表示缺失。不能读：1,000、1e3、1:30、1分30秒、负号文本。"
        f" / Type a number{' with a unit' if words else ''} ({rule.expected(field)}); blank or N/A = missing."
    )


def number_format(rule: Rule, field: str) -> str:
    """Input cells are General: what is typed is what is read (88 → 88%, 0.88 → 88%; a typed
    ``88%`` makes Excel store 0.88 with a percent format, read as 88%)."""
    return "General"
