"""The scheme's editable numbers: the 指标库 sheet (every rule parameter, weight and limit
behind a defined name) and the 等级系数 sheet (grade tiers). Formulas read these cells, so
HR can change a threshold or a weight in Excel and every total follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName

from ..rules import Param
from ..scheme import Scheme
from .names import GRADES, LIBRARY, defined_name, quote
from .printing import fit_rows, page_setup
from .style import FONT_NAME, INPUT_FILL, UNLOCKED, put_text, style_header

WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass
class Library:
    """Rows of the 指标库 sheet, each a named parameter cell."""

    rows: list[tuple[str, str, str, str, object, str]] = field(default_factory=list)  # 部分, 项目, 参数, key, value, unit
    names: dict[str, str] = field(default_factory=dict)

    def add(self, section: str, item: str, label: str, key: str, value: object, unit: str = "") -> str:
        self.rows.append((section, item, label, key, value, unit))
        self.names[key] = defined_name(key)
        return self.names[key]

    def ref(self, prefix: str) -> Callable[[str], str]:
        return lambda k: self.names[f"{prefix}.{k}"]


def library_of(scheme: Scheme) -> Library:
    lib = Library()
    for si, sec in enumerate(scheme.sections, 1):
        if sec.weight is not None:
            lib.add(sec.name, "", "部分权重", f"s{si}.w", sec.weight, "%")
    for ji, ind in enumerate(scheme.indicators, 1):
        sec = next(s.name for s in scheme.sections if ind in s.indicators)
        pre = f"i{ji}"
        if ind.weight is not None:
            lib.add(sec, ind.name, "权重", f"{pre}.weight", ind.weight, "%")
        else:
            lib.add(sec, ind.name, "分值", f"{pre}.value", float(ind.points or 0))
        lib.add(sec, ind.name, "规则满分（由规则决定）", f"{pre}.full", ind.rule.full)
        lib.add(sec, ind.name, "缺失时得分（最低分）", f"{pre}.missing", ind.missing_points)
        for prm in ind.rule.params():
            lib.add(sec, ind.name, prm.label, f"{pre}.{prm.key}", prm.value, prm.unit)
    for ai, adj in enumerate(scheme.adjustments, 1):
        for prm in adj.rule.params():
            lib.add("调整项", adj.name, prm.label, f"a{ai}.{prm.key}", prm.value, prm.unit)
    for vi, veto in enumerate(scheme.vetoes, 1):
        for prm in veto.rule.params():
            lib.add("否定项", veto.name, prm.label, f"v{vi}.{prm.key}", prm.value, prm.unit)
    for ri, (rater, w) in enumerate(scheme.raters.items(), 1):
        lib.add("评价人", rater, "权重", f"r{ri}.weight", w, "%")
    if scheme.total_floor is not None:
        lib.add("总分", "", "下限", "total.floor", scheme.total_floor)
    if scheme.total_cap is not None:
        lib.add("总分", "", "上限", "total.cap", scheme.total_cap)
    return lib


def write_library(wb: Workbook, scheme: Scheme, lib: Library, warning: str | None = None) -> None:
    """The 指标库 sheet; ``warning`` (a formula) shows beside the table while weights are off."""
    ws = wb.create_sheet(LIBRARY)
    heads = ["部分", "项目", "参数", "数值", "显示", "键（勿改）"]
    ws.append(heads)
    for c in ws[1]:
        style_header(c)
    if warning:
        ws["H1"] = warning
        ws["H1"].font = Font(name=FONT_NAME, bold=True, color="C00000")
    for r, (sec, item, label, key, value, unit) in enumerate(lib.rows, 2):
        ws.cell(r, 1, sec)
        ws.cell(r, 2, item)
        ws.cell(r, 3, label)
        v = ws.cell(r, 4, value)
        v.fill = INPUT_FILL
        v.protection = UNLOCKED
        if unit == "%":
            v.number_format = "0.00%"
        put_text(ws, r, 5, Param("", "", value, unit).shown() if isinstance(value, float | int) else "")
        ws.cell(r, 6, key)
        wb.defined_names[lib.names[key]] = DefinedName(lib.names[key], attr_text=f"{quote(LIBRARY)}!$D${r}")
    r = len(lib.rows) + 3
    ws.cell(r, 1, "规则原文（规范写法）/ rules as kpixl reads them").font = Font(name=FONT_NAME, bold=True)
    for item in (*scheme.indicators, *scheme.adjustments, *scheme.vetoes):
        r += 1
        ws.cell(r, 2, item.name).alignment = WRAP
        put_text(ws, r, 3, item.rule.canonical()).alignment = WRAP  # a rubric may start with "=": text, never a formula
        ws.merge_cells(start_row=r, end_row=r, start_column=3, end_column=6)  # wrapped within the printed width
    for col, width in zip("ABCDEF", (14, 22, 36, 12, 12, 18), strict=True):
        ws.column_dimensions[col].width = width
    fit_rows(ws, len(lib.rows) + 4, r)
    ws.freeze_panes = "A2"
    page_setup(ws, scheme.name, title_rows="1:1", area=f"A1:F{r}")
    ws.protection.sheet = True


def write_grades(wb: Workbook, scheme: Scheme) -> None:
    ws = wb.create_sheet(GRADES)
    ws.append(["等级", "总分下限（含）", "奖金系数"])
    for c in ws[1]:
        style_header(c)
    tiers = list(reversed(scheme.grades))  # ascending by lower bound, as MATCH(…,1) needs
    for t in tiers:
        ws.append([t.name, t.lower, t.coefficient])
    n = len(tiers)
    for r in range(2, n + 2):
        for col in (1, 2, 3):
            ws.cell(r, col).protection = UNLOCKED
            ws.cell(r, col).fill = INPUT_FILL
    q = quote(GRADES)
    for name, col in (("kp_grade_name", "A"), ("kp_grade_lower", "B"), ("kp_grade_coef", "C")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"{q}!${col}$2:${col}${n + 1}")
    ws.cell(n + 3, 1, "从低到高排列；总分 ≥ 下限即属该等级。/ lowest first; a total at or above a lower bound gets that grade.").alignment = WRAP
    ws.merge_cells(start_row=n + 3, end_row=n + 3, start_column=1, end_column=3)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 12
    fit_rows(ws, n + 3, n + 3)
    page_setup(ws, scheme.name, title_rows="1:1", area=f"A1:C{n + 3}")
    ws.protection.sheet = True
