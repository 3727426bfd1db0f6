"""The 考核表 sheet: the printed individual form (A4, one page wide, signature block), every
result a native formula (:mod:`kpixl.excel.compiler`)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter

from ..scheme import SEP, Scheme
from .compiler import Cells, Compiler
from .names import FORM, SIGNERS
from .style import BORDER, FONT_NAME, INPUT_FILL, RESULT_FILL, THIN, UNLOCKED, data_validation, number_format, style_header


def write_form(wb: Workbook, scheme: Scheme, comp: Compiler, ws=None) -> dict[str, str]:
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
        style_header(ws.cell(hr, k, h))
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
                        cell.number_format = number_format(ind.rule, f)
                        dv = data_validation(ind.rule, f)
                        if dv:
                            dv.add(ref)
                            ws.add_data_validation(dv)
                    else:
                        cell.value = "—"
                r += 1
            end = r - 1
            ws.cell(start, 3, f"{ind.weight:.0%}" if ind.weight is not None else f"{ind.points:g}分")
            rubric = ind.rubric or ind.rule.canonical()
            if ind.target:  # the 目标值 in force, printed above the rubric
                rubric = f"目标值：{ind.target}\n{rubric}"
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
            c = Cells(inputs={ind.name: cells}, overrides={ind.name: ovref}, adjustments={}, vetoes={})
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
    extra = Cells(inputs={}, overrides={}, adjustments={}, vetoes={})
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
            cell.border = Border(bottom=THIN)
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
