"""How the workbook looks: fonts, fills, borders, and input cells' validation and formats."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..rules import Rule, Validation
from ..safe import FORMULA_STARTS

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


def data_validation(rule: Rule, field: str) -> DataValidation | None:
    """Excel's data validation for an input cell of ``field``, from the rule kind's own spec."""
    spec: Validation | None = rule.validation(field)
    if spec is None:
        return None
    if spec.type == "list":
        dv = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True)
    else:
        dv = DataValidation(type=spec.type, operator=spec.operator, formula1=spec.formula1, formula2=spec.formula2, allow_blank=True)
    dv.error = "请按说明填写 / please enter a valid value"
    dv.errorTitle = "无效输入 / invalid input"
    dv.promptTitle = "填写 / input"
    dv.prompt = spec.prompt[:250]
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def number_format(rule: Rule, field: str) -> str:
    return "0.00%" if rule.input_unit(field) == "%" else "General"
