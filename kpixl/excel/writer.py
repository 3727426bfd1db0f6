"""Generated 考核表 workbooks: native formulas over the scheme, no Python needed to use them.

Sheets: ``考核表`` (the printed individual form), ``团队汇总`` (one row per person, the
roster + result contract as headers), ``指标库`` and ``等级系数`` (the scheme's editable
numbers, read by the formulas through defined names), ``填写说明`` and ``xlwings.conf``.

Everything is written in a fixed order with fixed document properties, so the same
scheme gives the same workbook content every time (CI compares ``workbooks/``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ..rules import ChecklistRule, ChoiceRule, CounterRule, Rule, ScaleRule
from ..scheme import SEP, Indicator, Scheme, load_scheme
from ..units import COUNT_UNITS, fmt_quantity
from .formulas import field_value, indicator_formula, literal, missing_points, points, present, text_literal
from .params import rule_params, show

TEAM = "团队汇总"
FORM = "考核表"
LIBRARY = "指标库"
GRADES = "等级系数"
GUIDE = "填写说明"
CONF = "xlwings.conf"
TEAM_ROWS = 300
SIGNERS = ("被考核人确认", "考核人", "复核人")
FONT_NAME = "宋体"  # SimSun: on every Chinese Windows; LibreOffice substitutes a CJK font (Noto CJK)
UDF_MODULE = "kpixl_udfs"
FIXED_TIME = _dt.datetime(2026, 1, 1)

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RESULT_FILL = PatternFill("solid", fgColor="E2EFDA")
GRADE_FILLS = ["C6EFCE", "DDEBF7", "FFF2CC", "FCE4D6", "FFC7CE"]
UNLOCKED = Protection(locked=False)


def _name(key: str) -> str:
    """A defined name for a parameter key: kp_i3_b2_lo (never looks like a cell reference)."""
    return "kp_" + re.sub(r"[^A-Za-z0-9_]", "_", key)


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass
class _Library:
    """Rows of the 指标库 sheet, each a named parameter cell."""

    rows: list[tuple[str, str, str, str, object, str]] = field(default_factory=list)  # 部分, 项目, 参数, key, value, unit
    names: dict[str, str] = field(default_factory=dict)

    def add(self, section: str, item: str, label: str, key: str, value: object, unit: str = "") -> str:
        self.rows.append((section, item, label, key, value, unit))
        self.names[key] = _name(key)
        return self.names[key]

    def ref(self, prefix: str) -> Callable[[str], str]:
        return lambda k: self.names[f"{prefix}.{k}"]


def _library(scheme: Scheme) -> _Library:
    lib = _Library()
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
        lib.add(sec, ind.name, "缺失时得分（最低分）", f"{pre}.missing", missing_points(ind))
        for prm in rule_params(ind.rule):
            lib.add(sec, ind.name, prm.label, f"{pre}.{prm.key}", prm.value, prm.unit)
    for ai, adj in enumerate(scheme.adjustments, 1):
        for prm in rule_params(adj.rule):
            lib.add("调整项", adj.name, prm.label, f"a{ai}.{prm.key}", prm.value, prm.unit)
    for vi, veto in enumerate(scheme.vetoes, 1):
        for prm in rule_params(veto.rule):
            lib.add("否定项", veto.name, prm.label, f"v{vi}.{prm.key}", prm.value, prm.unit)
    for ri, (rater, w) in enumerate(scheme.raters.items(), 1):
        lib.add("评价人", rater, "权重", f"r{ri}.weight", w, "%")
    if scheme.total_floor is not None:
        lib.add("总分", "", "下限", "total.floor", scheme.total_floor)
    if scheme.total_cap is not None:
        lib.add("总分", "", "上限", "total.cap", scheme.total_cap)
    return lib


# ----------------------------------------------------------------------------- formulas
@dataclass
class _Cells:
    """Where one person's inputs live: indicator → rater → field → cell, and the rest."""

    inputs: dict[str, dict[str | None, dict[str, str]]]
    overrides: dict[str, str]
    adjustments: dict[str, dict[str, str]]
    vetoes: dict[str, str]


class _Compiler:
    """Compiles a person's results for one layout of cells (a team row or the form)."""

    def __init__(self, scheme: Scheme, lib: _Library) -> None:
        self.scheme = scheme
        self.lib = lib
        self.rater_index = {r: i for i, r in enumerate(scheme.raters, 1)}

    def item(self, ji: int, ind: Indicator, cells: _Cells) -> str:
        return indicator_formula(
            self.scheme,
            ind,
            cells.inputs[ind.name],
            cells.overrides.get(ind.name),
            self.lib.ref(f"i{ji}"),
            lambda r: self.lib.names[f"r{self.rater_index[r]}.weight"],
        )

    def contribution(self, ji: int, ind: Indicator, item_cell: str) -> str:
        n = self.lib.names
        full = f"{n[f'i{ji}.weight']}*100" if ind.weight is not None else n[f"i{ji}.value"]
        return f"{item_cell}*({full}/{n[f'i{ji}.full']})"

    def subtotal(self, terms: list[str]) -> str:
        return f"ROUND({'+'.join(terms) or '0'},{self.scheme.decimals})"

    def adjustment(self, cells: _Cells) -> str:
        terms = []
        for ai, adj in enumerate(self.scheme.adjustments, 1):
            c = cells.adjustments[adj.name]
            x = {f: f'IF({c[f]}="",0,{field_value(adj.rule, f, c[f])})' for f in adj.rule.fields}
            terms.append(points(adj.rule, x, self.lib.ref(f"a{ai}")))
        return f"ROUND({'+'.join(terms)},{self.scheme.decimals})"

    def total(self, subtotals: list[str], adjustment: str | None, cells: _Cells) -> str:
        s = self.scheme
        n = self.lib.names
        if s.composite:
            raw = "+".join(f"{sub}*{n[f's{si}.w']}" for si, sub in enumerate(subtotals, 1))
        else:
            raw = "+".join(subtotals)
        if adjustment:
            raw = f"{raw}+{adjustment}"
        vetoed = []
        for vi, veto in enumerate(s.vetoes, 1):
            c = cells.vetoes[veto.name]
            x = {"": field_value(veto.rule, "", c)}
            vetoed.append(f'IF({c}="",FALSE,{points(veto.rule, x, self.lib.ref(f"v{vi}"))}=0)')
        if vetoed:
            raw = f"IF(OR({','.join(vetoed)}),0,{raw})"
        if s.total_floor is not None:
            raw = f"MAX({raw},{n['total.floor']})"
        if s.total_cap is not None:
            raw = f"MIN({raw},{n['total.cap']})"
        return f"ROUND({raw},{s.decimals})"

    @staticmethod
    def grade(total: str, column: str) -> str:
        return f"INDEX({column},IF({total}<INDEX(kp_grade_lower,1),1,MATCH({total},kp_grade_lower,1)))"

    def flags(self, cells: _Cells) -> str:
        """The 标记 text, in the engine's words and order (scoring.py), except two flags that
        need every rater's points side by side and stay engine-only: 需校准 and the before→after
        of an override (here: 调整:名→分)."""
        parts = []
        for ind in self.scheme.indicators:
            rule = ind.rule
            raters = ind.raters or (None,)
            pres = {r: present(rule, cells.inputs[ind.name][r]) for r in raters}
            if ind.missing == "zero":
                for r in raters:
                    who = f"{SEP}{r}" if r else ""
                    parts.append(f'IF({pres[r]},"","；缺失:{ind.name}{who}（按0计）")')
            elif ind.raters:
                anyp = "OR(" + ",".join(pres.values()) + ")"
                for r in raters:
                    parts.append(f'IF(AND({anyp},NOT({pres[r]})),"；缺评:{ind.name}{SEP}{r}","")')
            if ind.missing == "min":
                cond = pres[None] if not ind.raters else "OR(" + ",".join(pres.values()) + ")"
                low = fmt_quantity(missing_points(ind))
                parts.append(f'IF({cond},"","；缺失:{ind.name}（按最低分{low}计）")')
            ov = cells.overrides.get(ind.name)
            if ov:
                parts.append(f'IF({ov}="","","；调整:{ind.name}→"&{ov})')
        for vi, veto in enumerate(self.scheme.vetoes, 1):
            c = cells.vetoes[veto.name]
            x = {"": field_value(veto.rule, "", c)}
            text = veto.rule.canonical().removeprefix("否定项:")
            parts.append(f'IF({c}="","；缺失:否定项「{veto.name}」","")')
            parts.append(f'IF({c}="","",IF({points(veto.rule, x, self.lib.ref(f"v{vi}"))}=0,"；否决:{text}未达到",""))')
        joined = "&".join(parts) if parts else '""'
        return f"MID({joined},2,1000)"


# ----------------------------------------------------------------------------- helpers
def _validation(rule: Rule, field_name: str) -> DataValidation | None:
    """Data validation for an input cell: lists for levels and yes/no, numbers with ranges."""
    prompt_title = "填写 / input"
    if isinstance(rule, ChoiceRule):
        labels = [o.label for o in rule.options]
        if rule.style == "yesno":
            labels = ["是", "否"]
        dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    elif isinstance(rule, ChecklistRule) and rule.items:
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    elif isinstance(rule, ScaleRule):
        dv = DataValidation(type="decimal", operator="between", formula1=literal(rule.lo), formula2=literal(rule.hi), allow_blank=True)
    else:
        unit = rule.input_unit(field_name)
        if isinstance(rule, CounterRule | ChecklistRule) or unit in COUNT_UNITS:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        elif unit == "%":
            dv = DataValidation(type="decimal", operator="between", formula1="-100", formula2="100", allow_blank=True)
        else:
            return None
    dv.error = "请按说明填写 / please enter a valid value"
    dv.errorTitle = "无效输入 / invalid input"
    dv.promptTitle = prompt_title
    dv.prompt = ("应填: " + (rule.expected(field_name) if not isinstance(rule, ChecklistRule) or not rule.items else "是 / 否"))[:250]
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def _number_format(rule: Rule, field_name: str) -> str:
    return "0.00%" if rule.input_unit(field_name) == "%" else "General"


def _style_header(cell) -> None:
    cell.font = Font(name=FONT_NAME, bold=True)
    cell.fill = HEAD_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = BORDER


# ----------------------------------------------------------------------------- sheets
def _write_library(wb: Workbook, scheme: Scheme, lib: _Library) -> None:
    ws = wb.create_sheet(LIBRARY)
    heads = ["部分", "项目", "参数", "数值", "显示", "键（勿改）"]
    ws.append(heads)
    for c in ws[1]:
        _style_header(c)
    for r, (sec, item, label, key, value, unit) in enumerate(lib.rows, 2):
        ws.cell(r, 1, sec)
        ws.cell(r, 2, item)
        ws.cell(r, 3, label)
        v = ws.cell(r, 4, value)
        v.fill = INPUT_FILL
        v.protection = UNLOCKED
        if unit == "%":
            v.number_format = "0.00%"
        ws.cell(r, 5, show(_P(value, unit)) if isinstance(value, float | int) else "")
        ws.cell(r, 6, key)
        wb.defined_names[lib.names[key]] = DefinedName(lib.names[key], attr_text=f"{_quote(LIBRARY)}!$D${r}")
    r = len(lib.rows) + 3
    ws.cell(r, 1, "规则原文（规范写法）/ rules as kpixl reads them").font = Font(name=FONT_NAME, bold=True)
    for ind in scheme.indicators:
        r += 1
        ws.cell(r, 2, ind.name)
        ws.cell(r, 3, ind.rule.canonical())
    for a in scheme.adjustments:
        r += 1
        ws.cell(r, 2, a.name)
        ws.cell(r, 3, a.rule.canonical())
    for v in scheme.vetoes:
        r += 1
        ws.cell(r, 2, v.name)
        ws.cell(r, 3, v.rule.canonical())
    for col, width in zip("ABCDEF", (14, 22, 36, 12, 12, 18), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


@dataclass(frozen=True)
class _P:
    value: float
    unit: str


def _write_grades(wb: Workbook, scheme: Scheme) -> None:
    ws = wb.create_sheet(GRADES)
    ws.append(["等级", "总分下限（含）", "奖金系数"])
    for c in ws[1]:
        _style_header(c)
    tiers = list(reversed(scheme.grades))  # ascending by lower bound, as MATCH(…,1) needs
    for t in tiers:
        ws.append([t.name, t.lower, t.coefficient])
    n = len(tiers)
    for r in range(2, n + 2):
        for col in (1, 2, 3):
            ws.cell(r, col).protection = UNLOCKED
            ws.cell(r, col).fill = INPUT_FILL
    q = _quote(GRADES)
    for name, col in (("kp_grade_name", "A"), ("kp_grade_lower", "B"), ("kp_grade_coef", "C")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"{q}!${col}$2:${col}${n + 1}")
    ws.cell(n + 3, 1, "从低到高排列；总分 ≥ 下限即属该等级。/ lowest first; a total at or above a lower bound gets that grade.")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 12
    ws.protection.sheet = True


def _team_layout(scheme: Scheme) -> tuple[list[str], dict[str, int]]:
    roster = scheme.roster_headers()
    overrides = [i.override_column for i in scheme.indicators]
    results = [h for h in scheme.result_headers() if h not in roster]
    headers = [*roster, *overrides, *results]
    return headers, {h: k for k, h in enumerate(headers, 1)}


def team_headers(scheme: Scheme) -> list[str]:
    """The 团队汇总 header row: the roster contract, the override columns, the results."""
    return _team_layout(scheme)[0]


def _write_team(wb: Workbook, scheme: Scheme, comp: _Compiler, rows: int) -> None:
    ws = wb.create_sheet(TEAM)
    headers, col = _team_layout(scheme)
    letter = {h: get_column_letter(k) for h, k in col.items()}
    inputs_end = get_column_letter(len(scheme.roster_headers()) + len(scheme.indicators))
    for k, h in enumerate(headers, 1):
        c = ws.cell(1, k, h)
        _style_header(c)
        ws.column_dimensions[get_column_letter(k)].width = max(9, min(24, 2 * len(h) + 2))
    first, last = 2, rows + 1

    # validations: one per input column over all rows
    for ind in scheme.indicators:
        for rater in ind.raters or (None,):
            for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True):
                dv = _validation(ind.rule, f)
                if dv:
                    dv.add(f"{letter[h]}{first}:{letter[h]}{last}")
                    ws.add_data_validation(dv)
        lo = missing_points(ind) if math.isfinite(ind.rule.lowest) else None
        dv = DataValidation(
            type="decimal", operator="between", formula1=literal(lo if lo is not None else -1e9), formula2=literal(ind.rule.full), allow_blank=True
        )
        dv.prompt = "评价人调整后的得分（留空 = 按规则）/ a rater's override, blank = by the rule"
        dv.showInputMessage = True
        dv.add(f"{letter[ind.override_column]}{first}:{letter[ind.override_column]}{last}")
        ws.add_data_validation(dv)

    fmt = {}
    for ind in scheme.indicators:
        for rater in ind.raters or (None,):
            for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True):
                fmt[h] = _number_format(ind.rule, f)
    for r in range(first, last + 1):
        cells = _Cells(
            inputs={
                ind.name: {
                    rater: {f: f"{letter[h]}{r}" for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True)} for rater in ind.raters or (None,)
                }
                for ind in scheme.indicators
            },
            overrides={i.name: f"{letter[i.override_column]}{r}" for i in scheme.indicators},
            adjustments={a.name: {f: f"{letter[h]}{r}" for f, h in zip(a.rule.fields, a.columns(), strict=True)} for a in scheme.adjustments},
            vetoes={v.name: f"{letter[v.column]}{r}" for v in scheme.vetoes},
        )
        empty = f"COUNTA($A{r}:${inputs_end}{r})=0"

        def put(header: str, formula: str, r: int = r, empty: str = empty) -> None:
            ws[f"{letter[header]}{r}"] = f'=IF({empty},"",{formula})'

        for h in scheme.roster_headers() + [i.override_column for i in scheme.indicators]:
            c = ws[f"{letter[h]}{r}"]
            c.protection = UNLOCKED
            if h in fmt and fmt[h] != "General":
                c.number_format = fmt[h]
        subtotals = []
        for sec in scheme.sections:
            terms = []
            for ind in sec.indicators:
                ji = scheme.indicators.index(ind) + 1
                put(ind.result_column, comp.item(ji, ind, cells))
                terms.append(comp.contribution(ji, ind, f"{letter[ind.result_column]}{r}"))
            if len(scheme.sections) > 1:
                put(sec.result_column, comp.subtotal(terms))
                subtotals.append(f"{letter[sec.result_column]}{r}")
            else:
                subtotals.append(comp.subtotal(terms))
        adj = None
        if scheme.adjustments:
            put("调整分", comp.adjustment(cells))
            adj = f"{letter['调整分']}{r}"
        put("总分", comp.total(subtotals, adj, cells))
        t = f"{letter['总分']}{r}"
        put("等级", comp.grade(t, "kp_grade_name"))
        put("奖金系数", comp.grade(t, "kp_grade_coef"))
        tc = letter["总分"]
        put("排名", f"RANK({t},${tc}${first}:${tc}${last},0)")
        put("标记", comp.flags(cells))

    grade_col = letter["等级"]
    rng = f"{grade_col}{first}:{grade_col}{last}"
    for k, tier in enumerate(scheme.grades):
        fill = PatternFill("solid", fgColor=GRADE_FILLS[min(k, len(GRADE_FILLS) - 1)], bgColor=GRADE_FILLS[min(k, len(GRADE_FILLS) - 1)])
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"{grade_col}{first}={text_literal(tier.name)}"], fill=fill))
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _form_rows(scheme: Scheme) -> int:
    n = 0
    for sec in scheme.sections:
        n += 1 + sum(len(i.rule.fields) for i in sec.indicators)
    return n


def _write_form(wb: Workbook, scheme: Scheme, comp: _Compiler, ws=None) -> dict[str, str]:
    """Write the printed form (into ``ws`` if given); return where each roster column goes."""
    if ws is None:
        ws = wb.create_sheet(FORM, 0)
    ws.title = FORM
    raters = list(scheme.raters) if any(i.raters for i in scheme.indicators) else []
    in_cols = raters or ["实际值"]
    heads = ["序号", "考核项目", "权重/分值", "目标值/评分标准", *in_cols, "调整得分", "得分", "备注"]
    ncol = len(heads)
    last_col = get_column_letter(ncol)
    base = Font(name=FONT_NAME, size=10)
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"] = scheme.name
    ws["A1"].font = Font(name=FONT_NAME, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    layout: dict[str, str] = {}
    info = [("被考核人", "工号", "岗位"), ("部门", "考核期间", "考核人")]
    for r, labels in enumerate(info, 2):
        for k, label in enumerate(labels):
            c0 = 1 + k * 2 if k < 2 else 5
            ws.cell(r, c0, label).font = Font(name=FONT_NAME, bold=True, size=10)
            v = ws.cell(r, c0 + 1)
            layout["姓名" if label == "被考核人" else label] = v.coordinate
            v.protection = UNLOCKED
            v.fill = INPUT_FILL
            v.border = BORDER
    hr = 5
    for k, h in enumerate(heads, 1):
        _style_header(ws.cell(hr, k, h))
    first_in, last_in = 5, 4 + len(in_cols)
    ov_col, pts_col, note_col = last_in + 1, last_in + 2, last_in + 3
    r = hr + 1
    seq = 0
    sub_cells = []
    all_inputs: list[str] = []
    for sec in scheme.sections:
        ws.cell(r, 1, sec.name).font = Font(name=FONT_NAME, bold=True, size=10)
        ws.merge_cells(start_row=r, end_row=r, start_column=1, end_column=2)
        w = f"{sec.weight:.0%}" if sec.weight is not None else ""
        ws.cell(r, 3, w)
        sec_row = r
        r += 1
        terms = []
        for ind in sec.indicators:
            seq += 1
            ji = scheme.indicators.index(ind) + 1
            start = r
            cells: dict[str | None, dict[str, str]] = {rt: {} for rt in (ind.raters or (None,))}
            for f in ind.rule.fields:
                ws.cell(r, 1, seq if f == ind.rule.fields[0] else None)
                ws.cell(r, 2, ind.name + (f"·{f}" if f else ""))
                for k, label in enumerate(in_cols):
                    rater = label if raters else None
                    cell = ws.cell(r, first_in + k)
                    if rater is None or rater in ind.raters:
                        ref = f"{get_column_letter(first_in + k)}{r}"
                        cells[rater][f] = ref
                        layout[ind.columns(rater)[ind.rule.fields.index(f)]] = ref
                        all_inputs.append(ref)
                        cell.protection = UNLOCKED
                        cell.fill = INPUT_FILL
                        cell.number_format = _number_format(ind.rule, f)
                        dv = _validation(ind.rule, f)
                        if dv:
                            dv.add(ref)
                            ws.add_data_validation(dv)
                    else:
                        cell.value = "—"
                r += 1
            end = r - 1
            ws.cell(start, 3, f"{ind.weight:.0%}" if ind.weight is not None else f"{ind.points:g}分")
            rubric = ind.rubric or ind.rule.canonical()
            ws.cell(start, 4, rubric)
            lines = max(1, -(-len(rubric) // 24), -(-len(ind.name) // 10))
            per_row = max(15.0, 13.5 * lines / (r - start))
            for rr in range(start, r):
                ws.row_dimensions[rr].height = per_row
            ov = ws.cell(start, ov_col)
            ov.protection = UNLOCKED
            ov.fill = INPUT_FILL
            ovref = f"{get_column_letter(ov_col)}{start}"
            all_inputs.append(ovref)
            layout[ind.override_column] = ovref
            pref = f"{get_column_letter(pts_col)}{start}"
            c = _Cells(inputs={ind.name: cells}, overrides={ind.name: ovref}, adjustments={}, vetoes={})
            ws[pref] = f"={comp.item(ji, ind, c)}"
            ws[pref].fill = RESULT_FILL
            ws.cell(start, note_col, ind.source or None)
            if end > start:
                for col in (1, 3, 4, ov_col, pts_col, note_col):
                    ws.merge_cells(start_row=start, end_row=end, start_column=col, end_column=col)
            terms.append(comp.contribution(ji, ind, pref))
        sub = f"{get_column_letter(pts_col)}{sec_row}"
        ws[sub] = f"={comp.subtotal(terms)}"
        ws[sub].font = Font(name=FONT_NAME, bold=True, size=10)
        ws.cell(sec_row, pts_col - 1, "小计")
        sub_cells.append(sub)
    extra = _Cells(inputs={}, overrides={}, adjustments={}, vetoes={})
    adj_ref = None
    if scheme.adjustments:
        ws.cell(r, 1, "调整项（奖励/处罚）").font = Font(name=FONT_NAME, bold=True, size=10)
        adj_row = r
        r += 1
        for a in scheme.adjustments:
            extra.adjustments[a.name] = {}
            for f, h in zip(a.rule.fields, a.columns(), strict=True):
                ws.cell(r, 2, h)
                ws.cell(r, 4, a.rule.canonical() if f == a.rule.fields[0] else None)
                ref = f"{get_column_letter(first_in)}{r}"
                extra.adjustments[a.name][f] = ref
                all_inputs.append(ref)
                layout[h] = ref
                ws[ref].protection = UNLOCKED
                ws[ref].fill = INPUT_FILL
                r += 1
        adj_ref = f"{get_column_letter(pts_col)}{adj_row}"
        ws[adj_ref] = f"={comp.adjustment(extra)}"
    if scheme.vetoes:
        ws.cell(r, 1, "否定项").font = Font(name=FONT_NAME, bold=True, size=10)
        r += 1
        for v in scheme.vetoes:
            ws.cell(r, 2, v.name)
            ws.cell(r, 4, v.rule.canonical())
            ref = f"{get_column_letter(first_in)}{r}"
            extra.vetoes[v.name] = ref
            all_inputs.append(ref)
            layout[v.column] = ref
            ws[ref].protection = UNLOCKED
            ws[ref].fill = INPUT_FILL
            ws[ref].number_format = "0.00%" if v.rule.unit == "%" else "General"
            r += 1
    any_input = f"COUNTA({','.join(all_inputs)})=0" if len(all_inputs) <= 30 else None
    if any_input is None:  # COUNTA takes at most 30 arguments in old Excel: count the input block instead
        col0, col1 = get_column_letter(first_in), get_column_letter(ov_col)
        any_input = f"COUNTA({col0}{hr + 1}:{col1}{r - 1})=0"
    r += 1
    total_ref = f"{get_column_letter(pts_col)}{r}"
    for label, formula in (
        ("总分", comp.total(sub_cells, adj_ref, extra)),
        ("等级", comp.grade(total_ref, "kp_grade_name")),
        ("奖金系数", comp.grade(total_ref, "kp_grade_coef")),
    ):
        ws.cell(r, pts_col - 1, label).font = Font(name=FONT_NAME, bold=True, size=11)
        c = ws.cell(r, pts_col)
        layout[label] = c.coordinate  # stated results, for audits of returned forms
        c.value = f'=IF({any_input},"",{formula})'
        c.font = Font(name=FONT_NAME, bold=True, size=11)
        c.fill = RESULT_FILL
        c.border = BORDER
        r += 1
    table_end = r - 1
    r += 1
    for k, label in enumerate(SIGNERS):
        c0 = 1 + k * 3
        ws.cell(r, c0, f"{label}（签字）：").font = Font(name=FONT_NAME, size=10)
        ws.cell(r + 1, c0, "日期：").font = Font(name=FONT_NAME, size=10)
        for rr, key in ((r, "签字"), (r + 1, "日期")):  # typed or signed by hand on the print
            cell = ws.cell(rr, c0 + 1)
            cell.protection = UNLOCKED
            cell.border = Border(bottom=_THIN)
            layout[f"{key}{SEP}{label}"] = cell.coordinate
    last_row = r + 1
    for row in ws.iter_rows(min_row=hr + 1, max_row=table_end, max_col=ncol):
        for c in row:
            c.border = BORDER
            if c.font is None or not c.font.bold:
                c.font = base
            c.alignment = Alignment(vertical="center", wrap_text=True)
    widths = {"A": 6, "B": 20, "C": 9, "D": 40}
    for k in range(1, ncol + 1):
        ws.column_dimensions[get_column_letter(k)].width = widths.get(get_column_letter(k), 10)
    ws.column_dimensions[get_column_letter(note_col)].width = 12
    ws.print_area = f"A1:{last_col}{last_row}"
    ws.print_title_rows = f"{hr}:{hr}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = scheme.name
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.protection.sheet = True
    return layout


GUIDE_TEXT = """填写说明 / how to fill in

1. 「考核表」是个人考核表：填写黄色格子（基本信息、实际值或各评价人的评分），得分、小计、总分、等级和奖金系数自动计算。
   打印：A4 纵向，已设为一页宽；签字栏在表尾。
2. 「团队汇总」每行一个人（{rows} 行）：从「工号」起按表头填写，空行不计算。结果列（得分、总分、等级、奖金系数、排名、标记）自动计算，
   排名同分同名次（与 RANK 相同）。表头与 kpixl 的名单/结果格式完全一致，可直接用 kpixl score 读取。
3. 百分比可填 88% 或 0.88（也可填 88，视为 88%）；时长按表头单位填写数字；等级/是否从下拉列表选择。
   留空 = 缺失：按方案的缺失规则计分，并在「标记」列注明。填了无法识别的内容时结果显示 #N/A，不会按 0 分计。
4. 「<指标>·调整得分」列：评价人可以在规则范围内调整得分，调整值优先，并在「标记」列注明。
5. 「指标库」「等级系数」：权重、分档界限、分值、等级下限和奖金系数都可以直接修改，所有公式随之更新。
   分档的个数和开闭（含/不含）由方案文件决定，需用 kpixl build 重新生成。
6. 舍入与 Excel 的 ROUND 相同（四舍五入）：各项得分、小计、总分保留 {decimals} 位小数。
7. 工作表已保护（无密码），只有黄色格子可编辑；如需修改结构：审阅 → 撤销工作表保护。

方案 / scheme: {id} — {name}
"""


def _write_guide(wb: Workbook, scheme: Scheme, rows: int) -> None:
    ws = wb.create_sheet(GUIDE)
    text = GUIDE_TEXT.format(rows=rows, decimals=scheme.decimals, id=scheme.id, name=scheme.name)
    for r, line in enumerate(text.splitlines(), 1):
        ws.cell(r, 1, line).font = Font(name=FONT_NAME, size=11, bold=(r == 1))
    notes = [n for n in scheme.notes.splitlines() if n.strip()] if scheme.notes else []
    r = len(text.splitlines()) + 2
    if notes:
        ws.cell(r, 1, "方案说明（种子表格未写清之处及选择）/ notes").font = Font(name=FONT_NAME, bold=True)
        for k, line in enumerate(notes, r + 1):
            ws.cell(k, 1, line)
    ws.column_dimensions["A"].width = 120
    ws["B1"], ws["C1"] = "方案 id", scheme.id  # the add-in's scripts read the scheme id here
    wb.defined_names["kp_scheme"] = DefinedName("kp_scheme", attr_text=f"{_quote(GUIDE)}!$C$1")


#: xlwings' settings sheet, in the order of its own quickstart template; the add-in module set.
CONF_ROWS = (
    ("Interpreter_Win", None),
    ("Interpreter_Mac", None),
    ("PYTHONPATH", None),
    ("Conda Path", None),
    ("Conda Env", None),
    ("UDF Modules", UDF_MODULE),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def _write_conf(wb: Workbook, ws=None) -> None:
    if ws is None:
        ws = wb.create_sheet(CONF)
    ws.title = CONF
    for r in range(1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    for r, (key, value) in enumerate(CONF_ROWS, 1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value)
    ws.sheet_state = "hidden"


def _xlwings_template() -> Path:
    """xlwings' own standalone quickstart workbook (its VBA: RunPython, ImportPythonUDFs)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    if not path.exists():
        from ..errors import KpixlError

        raise KpixlError(f"找不到 xlwings 的模板 {path.name}（请安装 xlwings）/ xlwings quickstart template not found")
    return path


def build_workbook(scheme: Scheme | str, *, rows: int = TEAM_ROWS, team: bool = True, addin: bool = False) -> Workbook:
    """The workbook for ``scheme`` (not saved). ``team=False`` leaves out 团队汇总 (personal forms);
    ``addin=True`` builds on xlwings' quickstart template with its VBA kept (save as .xlsm).
    The form's layout (roster header → cell) is kept in ``wb.kpixl_form_layout``."""
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    form_ws = conf_ws = None
    if addin:
        from openpyxl import load_workbook

        wb = load_workbook(_xlwings_template(), keep_vba=True)
        form_ws, conf_ws = wb.worksheets[0], wb.worksheets[-1]  # reused: their VBA modules stay attached
    else:
        wb = Workbook()
        wb.remove(wb.active)
    lib = _library(scheme)
    comp = _Compiler(scheme, lib)
    wb.kpixl_form_layout = _write_form(wb, scheme, comp, form_ws)
    if team:
        _write_team(wb, scheme, comp, rows)
    _write_library(wb, scheme, lib)
    _write_grades(wb, scheme)
    _write_guide(wb, scheme, rows)
    _write_conf(wb, conf_ws)
    if conf_ws is not None:  # keep the template's order: the settings sheet last
        wb.move_sheet(conf_ws, len(wb.worksheets) - 1 - wb.worksheets.index(conf_ws))
    wb.calculation.fullCalcOnLoad = True  # Excel and WPS recalculate on open: no stale values
    wb.properties.creator = "kpixl"
    wb.properties.title = scheme.name
    wb.properties.identifier = scheme.id  # read_scheme finds the scheme it was built from
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def build(scheme: Scheme | str, out: str | Path, *, rows: int = TEAM_ROWS, edition: str = "standard") -> Path:
    """Write ``<out>`` (a file path, or a directory to write ``<scheme-id>.xlsx`` into).

    ``edition="addin"`` writes ``<scheme-id>.xlsm`` on xlwings' quickstart template instead."""
    from ..roster import atomic_save

    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    suffix = ".xlsm" if edition == "addin" else ".xlsx"
    path = Path(out)
    if path.suffix.lower() != suffix:
        path = path / f"{scheme.id}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build_workbook(scheme, rows=rows, addin=edition == "addin")
    atomic_save(path, lambda tmp: _save_reproducible(wb, tmp))
    return path


def fill_team(workbook: str | Path, rows: list[dict], out: str | Path) -> Path:
    """A copy of a generated workbook with people written into 团队汇总 (header → value per row);
    ``None`` leaves a cell blank. The source workbook is not changed."""
    from openpyxl import load_workbook

    from ..roster import FileError, atomic_save

    src, dst = Path(workbook), Path(out)
    if dst.exists() and dst.resolve() == src.resolve():
        raise FileError(f"不会覆盖 {src}，请换一个输出文件名 / refusing to overwrite the source workbook")
    wb = load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    unknown = sorted({h for row in rows for h in row} - set(col))
    if unknown:
        raise FileError(f"「{TEAM}」没有这些列：{', '.join(unknown)} / unknown columns")
    for r, row in enumerate(rows, 2):
        for h, v in row.items():
            if v is not None:
                ws.cell(r, col[h], v)
    return atomic_save(dst, wb.save)


def _save_reproducible(wb: Workbook, path: str) -> None:
    """Save with fixed zip timestamps, so the same scheme gives the same bytes (clean git diffs)."""
    import io
    import zipfile

    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            out.writestr(fixed, data)
