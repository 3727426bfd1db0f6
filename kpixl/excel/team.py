"""The 团队汇总 sheet: one row per person, headed by the roster and result contract, every
result a native formula (:mod:`kpixl.excel.compiler`)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..scheme import NOT_HANDED_IN, Scheme
from ..xl import literal, text_literal
from .compiler import Cells, Compiler
from .names import TEAM
from .printing import fit_rows, page_setup
from .style import GRADE_FILLS, UNLOCKED, data_validation, number_format, style_header
from .typed import Reads


def team_layout(scheme: Scheme) -> tuple[list[str], dict[str, int]]:
    roster = scheme.roster_headers()
    overrides = [i.override_column for i in scheme.indicators]
    results = [h for h in scheme.result_headers() if h not in roster]
    headers = [*roster, *overrides, *results]
    return headers, {h: k for k, h in enumerate(headers, 1)}


def team_headers(scheme: Scheme) -> list[str]:
    """The 团队汇总 header row: the roster contract, the override columns, the results."""
    return team_layout(scheme)[0]


def write_team(wb: Workbook, scheme: Scheme, comp: Compiler, rows: int) -> None:
    ws = wb.create_sheet(TEAM)
    headers, col = team_layout(scheme)
    letter = {h: get_column_letter(k) for h, k in col.items()}
    ids = len(scheme.roster_headers()) - len(scheme.input_columns())  # 工号 … 考核期间
    inputs_start, ids_end = get_column_letter(ids + 1), get_column_letter(ids)
    inputs_end = get_column_letter(len(scheme.roster_headers()) + len(scheme.indicators))  # inputs, then overrides
    for k, h in enumerate(headers, 1):
        c = ws.cell(1, k, h)
        style_header(c)
        ws.column_dimensions[get_column_letter(k)].width = max(8, min(12, len(h) + 2))  # narrow, the header wraps: one page wide
    first, last = 2, rows + 1

    _validations(ws, scheme, letter, first, last)
    reads = Reads(wb, ws, scheme)

    fmt = {}
    for ind in scheme.indicators:
        for rater in ind.raters or (None,):
            for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True):
                fmt[h] = number_format(ind.rule, f)
    for r in range(first, last + 1):
        cells = _row_cells(scheme, letter, r, reads)
        # nothing typed in the inputs: 未提交 (when the ids are there), never a score
        empty = f"COUNTA(${inputs_start}{r}:${inputs_end}{r})=0"
        nobody = f"COUNTA($A{r}:${ids_end}{r})=0"

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
                cells.bases[ind.name] = reads.put(f"{letter[ind.override_column]}{r}", comp.base(ji, ind, cells))
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
        put("排名", comp.rank(t, f"${tc}${first}:${tc}${last}"))
        ws[f"{letter['标记']}{r}"] = f'=IF({empty},IF({nobody},"",{text_literal(NOT_HANDED_IN)}),{comp.flags(cells)})'

    grade_col = letter["等级"]
    rng = f"{grade_col}{first}:{grade_col}{last}"
    for k, tier in enumerate(scheme.grades):
        fill = PatternFill("solid", fgColor=GRADE_FILLS[min(k, len(GRADE_FILLS) - 1)], bgColor=GRADE_FILLS[min(k, len(GRADE_FILLS) - 1)])
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"{grade_col}{first}={text_literal(tier.name)}"], fill=fill))
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    _print_setup(ws, scheme, len(headers), last)
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _row_cells(scheme: Scheme, letter: dict[str, str], r: int, reads: Reads) -> Cells:
    """Row ``r``'s cells: each input as read on the hidden reading sheet, the overrides as typed."""
    return Cells(
        inputs={
            ind.name: {
                rater: {f: reads.read(ind.rule, f, f"{letter[h]}{r}") for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True)}
                for rater in ind.raters or (None,)
            }
            for ind in scheme.indicators
        },
        overrides={i.name: f"{letter[i.override_column]}{r}" for i in scheme.indicators},
        adjustments={
            a.name: {f: reads.read(a.rule, f, f"{letter[h]}{r}") for f, h in zip(a.rule.fields, a.columns(), strict=True)} for a in scheme.adjustments
        },
        vetoes={v.name: reads.read(v.rule, "", f"{letter[v.column]}{r}") for v in scheme.vetoes},
        results={i.name: f"{letter[i.result_column]}{r}" for i in scheme.indicators},
    )


def _validations(ws, scheme: Scheme, letter: dict[str, str], first: int, last: int) -> None:
    """One data validation per input column over all rows, and one per override column."""
    for ind in scheme.indicators:
        for rater in ind.raters or (None,):
            for f, h in zip(ind.rule.fields, ind.columns(rater), strict=True):
                _validate(ws, ind.rule, f, h, letter, first, last)
        lo, hi = ind.override_range
        dv = DataValidation(type="decimal", operator="between", formula1=literal(max(lo, -1e9)), formula2=literal(hi), allow_blank=True)
        dv.prompt = "评价人调整后的得分（留空 = 按规则）/ a rater's override, blank = by the rule"
        dv.showInputMessage = True
        dv.add(f"{letter[ind.override_column]}{first}:{letter[ind.override_column]}{last}")
        ws.add_data_validation(dv)
    for a in scheme.adjustments:
        for f, h in zip(a.rule.fields, a.columns(), strict=True):
            _validate(ws, a.rule, f, h, letter, first, last)
    for v in scheme.vetoes:
        _validate(ws, v.rule, "", v.column, letter, first, last)


def _validate(ws, rule, field: str, header: str, letter: dict[str, str], first: int, last: int) -> None:
    dv = data_validation(rule, field, f"{letter[header]}{first}")
    if dv:
        dv.add(f"{letter[header]}{first}:{letter[header]}{last}")
        ws.add_data_validation(dv)


def _print_setup(ws, scheme: Scheme, ncols: int, last: int) -> None:
    """Landscape, one page wide, the header row on every page; the print area is every row (never a
    person left off the paper) — `kpixl pdf` prints the filled rows only."""
    fit_rows(ws, 1, 1)
    page_setup(ws, scheme.name, landscape=True, title_rows="1:1", area=f"A1:{get_column_letter(ncols)}{last}")
