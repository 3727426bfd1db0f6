"""The 考核表 sheet: the printed individual form (A4, one page wide, signature block), every
result a native formula (:mod:`kpixl.excel.compiler`)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter

from ..scheme import SEP, Scheme
from .compiler import Cells, Compiler
from .names import FORM, SIGNERS
from .printing import fit_rows, page_setup
from .style import BORDER, FONT_NAME, INPUT_FILL, RESULT_FILL, THIN, UNLOCKED, data_validation, number_format, put_text, style_header
from .typed import Reads


def write_form(wb: Workbook, scheme: Scheme, comp: Compiler, ws=None) -> dict[str, str]:
    """Write the printed form (into ``ws`` if given); return where each roster column goes."""
    if ws is None:
        ws = wb.create_sheet(FORM, 0)
    ws.title = FORM
    form = _Form(ws, scheme, comp)
    form.title_and_person()
    for sec in scheme.sections:
        form.section(sec)
    extra = Cells(inputs={}, overrides={}, adjustments={}, vetoes={})
    adj_ref = form.adjustments(extra)
    form.vetoes(extra)
    table_end = form.totals(adj_ref, extra)
    form.signers()
    form.finish(table_end)
    return form.layout


class _Form:
    """The form written top to bottom: ``r`` is the next free row, ``layout`` maps each roster
    header to its input cell (and 总分/等级/奖金系数 to theirs, for audits of returned forms)."""

    HEADER_ROW = 5

    def __init__(self, ws, scheme: Scheme, comp: Compiler) -> None:
        self.ws, self.scheme, self.comp = ws, scheme, comp
        self.raters = list(scheme.raters) if any(i.raters for i in scheme.indicators) else []
        self.in_cols = self.raters or ["实际值"]
        self.heads = ["序号", "考核项目", "权重/分值", "目标值/评分标准", *self.in_cols, "调整得分", "得分", "备注"]
        self.first_in, last_in = 5, 4 + len(self.in_cols)
        self.ov_col, self.pts_col, self.note_col = last_in + 1, last_in + 2, last_in + 3
        self.layout: dict[str, str] = {}
        self.all_inputs: list[str] = []
        self.sub_cells: list[str] = []
        self.pending: list[tuple[str, str]] = []  # (cell, formula) of results written once the inputs are known
        self.seq = 0
        self.r = self.HEADER_ROW + 1
        self.reads = Reads(ws.parent, ws, scheme)

    def _input(self, ref: str, header: str) -> None:
        cell = self.ws[ref]
        cell.protection = UNLOCKED
        cell.fill = INPUT_FILL
        self.layout[header] = ref
        self.all_inputs.append(ref)

    def _validate(self, rule, field: str, ref: str) -> None:
        dv = data_validation(rule, field, ref)
        if dv:
            dv.add(ref)
            self.ws.add_data_validation(dv)

    def title_and_person(self) -> None:
        ws = self.ws
        last_col = get_column_letter(len(self.heads))
        ws.merge_cells(f"A1:{last_col}1")
        ws["A1"] = self.scheme.name
        ws["A1"].font = Font(name=FONT_NAME, size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        info = [("被考核人", "工号", "岗位"), ("部门", "考核期间", "考核人")]
        for r, labels in enumerate(info, 2):
            for k, label in enumerate(labels):
                c0 = 1 + k * 2 if k < 2 else 5
                ws.cell(r, c0, label).font = Font(name=FONT_NAME, bold=True, size=10)
                v = ws.cell(r, c0 + 1)
                self.layout["姓名" if label == "被考核人" else label] = v.coordinate
                v.protection = UNLOCKED
                v.fill = INPUT_FILL
                v.border = BORDER
        warning = self.comp.weight_warning()
        if warning:
            ws.merge_cells(f"A{self.HEADER_ROW - 1}:{last_col}{self.HEADER_ROW - 1}")
            cell = ws.cell(self.HEADER_ROW - 1, 1, warning)
            cell.font = Font(name=FONT_NAME, size=11, bold=True, color="C00000")
        for k, h in enumerate(self.heads, 1):
            style_header(ws.cell(self.HEADER_ROW, k, h))

    def section(self, sec) -> None:
        ws = self.ws
        ws.cell(self.r, 1, sec.name).font = Font(name=FONT_NAME, bold=True, size=10)
        ws.merge_cells(start_row=self.r, end_row=self.r, start_column=1, end_column=2)
        if sec.weight is not None:  # the weight in force: edited in 指标库, printed here
            cell = ws.cell(self.r, 3, f"={self.comp.lib.names[f's{len(self.sub_cells) + 1}.w']}")
            cell.number_format = "0%"
        sec_row = self.r
        self.r += 1
        terms = [self.indicator(ind) for ind in sec.indicators]
        sub = f"{get_column_letter(self.pts_col)}{sec_row}"
        self.pending.append((sub, self.comp.subtotal(terms)))
        ws[sub].font = Font(name=FONT_NAME, bold=True, size=10)
        ws.cell(sec_row, self.pts_col - 1, "小计")
        self.sub_cells.append(sub)

    def indicator(self, ind) -> str:
        """The rows of one indicator (one per input field); returns its weighted contribution."""
        ws, scheme = self.ws, self.scheme
        self.seq += 1
        ji = scheme.indicators.index(ind) + 1
        start = self.r
        cells: dict[str | None, dict[str, str]] = {rt: {} for rt in (ind.raters or (None,))}
        for f in ind.rule.fields:
            ws.cell(self.r, 1, self.seq if f == ind.rule.fields[0] else None)
            ws.cell(self.r, 2, ind.name + (f"·{f}" if f else ""))
            for k, label in enumerate(self.in_cols):
                rater = label if self.raters else None
                if rater is not None and rater not in ind.raters:
                    ws.cell(self.r, self.first_in + k).value = "—"
                    continue
                ref = f"{get_column_letter(self.first_in + k)}{self.r}"
                cells[rater][f] = self.reads.read(ind.rule, f, ref)
                self._input(ref, ind.columns(rater)[ind.rule.fields.index(f)])
                ws[ref].number_format = number_format(ind.rule, f)
                dv = data_validation(ind.rule, f, ref)
                if dv:
                    dv.add(ref)
                    ws.add_data_validation(dv)
            self.r += 1
        end = self.r - 1
        shown, fmt = self.comp.shown_weight(ji, ind)
        ws.cell(start, 3, shown).number_format = fmt
        rubric = ind.rubric or ind.rule.canonical()
        if ind.target:  # the 目标值 in force, printed above the rubric
            rubric = f"目标值：{ind.target}\n{rubric}"
        put_text(ws, start, 4, rubric)
        ovref = f"{get_column_letter(self.ov_col)}{start}"
        self._input(ovref, ind.override_column)
        pref = f"{get_column_letter(self.pts_col)}{start}"
        c = Cells(inputs={ind.name: cells}, overrides={ind.name: ovref}, adjustments={}, vetoes={})
        c.bases[ind.name] = self.reads.put(ovref, self.comp.base(ji, ind, c))
        self.pending.append((pref, self.comp.item(ji, ind, c)))
        ws[pref].fill = RESULT_FILL
        ws.cell(start, self.note_col, ind.source or None)
        if end > start:
            for col in (1, 3, 4, self.ov_col, self.pts_col, self.note_col):
                ws.merge_cells(start_row=start, end_row=end, start_column=col, end_column=col)
        return self.comp.contribution(ji, ind, pref)

    def adjustments(self, extra: Cells) -> str | None:
        if not self.scheme.adjustments:
            return None
        ws = self.ws
        ws.cell(self.r, 1, "调整项（奖励/处罚）").font = Font(name=FONT_NAME, bold=True, size=10)
        adj_row = self.r
        self.r += 1
        for a in self.scheme.adjustments:
            extra.adjustments[a.name] = {}
            for f, h in zip(a.rule.fields, a.columns(), strict=True):
                ws.cell(self.r, 2, h)
                put_text(ws, self.r, 4, a.rule.canonical() if f == a.rule.fields[0] else None)
                ref = f"{get_column_letter(self.first_in)}{self.r}"
                extra.adjustments[a.name][f] = self.reads.read(a.rule, f, ref)
                self._input(ref, h)
                self._validate(a.rule, f, ref)
                self.r += 1
        adj_ref = f"{get_column_letter(self.pts_col)}{adj_row}"
        self.pending.append((adj_ref, self.comp.adjustment(extra)))
        return adj_ref

    def vetoes(self, extra: Cells) -> None:
        if not self.scheme.vetoes:
            return
        ws = self.ws
        ws.cell(self.r, 1, "否定项").font = Font(name=FONT_NAME, bold=True, size=10)
        self.r += 1
        for v in self.scheme.vetoes:
            ws.cell(self.r, 2, v.name)
            put_text(ws, self.r, 4, v.rule.canonical())
            ref = f"{get_column_letter(self.first_in)}{self.r}"
            extra.vetoes[v.name] = self.reads.read(v.rule, "", ref)
            self._input(ref, v.column)
            self._validate(v.rule, "", ref)
            self.r += 1

    def totals(self, adj_ref: str | None, extra: Cells) -> int:
        """总分, 等级 and 奖金系数 — and every item's points and 小计 — blank until something is
        typed in an input cell (a blank form is blank, on screen and on paper); returns the
        table's last row."""
        ws = self.ws
        # COUNTA takes at most 255 arguments (Excel 2007+, LibreOffice): count the input cells in
        # chunks, never a block that would also count the "—" of cells a rater does not fill
        chunks = [self.all_inputs[k : k + 255] for k in range(0, len(self.all_inputs), 255)]
        any_input = "+".join(f"COUNTA({','.join(c)})" for c in chunks) + "=0"
        for ref, formula in self.pending:
            ws[ref] = f'=IF({any_input},"",{formula})'
        self.r += 1
        total_ref = f"{get_column_letter(self.pts_col)}{self.r}"
        for label, formula in (
            ("总分", self.comp.total(self.sub_cells, adj_ref, extra)),
            ("等级", self.comp.grade(total_ref, "kp_grade_name")),
            ("奖金系数", self.comp.grade(total_ref, "kp_grade_coef")),
        ):
            ws.cell(self.r, self.pts_col - 1, label).font = Font(name=FONT_NAME, bold=True, size=11)
            c = ws.cell(self.r, self.pts_col)
            self.layout[label] = c.coordinate  # stated results, for audits of returned forms
            c.value = f'=IF({any_input},"",{formula})'
            c.font = Font(name=FONT_NAME, bold=True, size=11)
            c.fill = RESULT_FILL
            c.border = BORDER
            self.r += 1
        return self.r - 1

    def signers(self) -> None:
        ws = self.ws
        self.r += 1
        for k, label in enumerate(SIGNERS):
            c0 = 1 + k * 3
            ws.cell(self.r, c0, f"{label}（签字）：").font = Font(name=FONT_NAME, size=10)
            ws.cell(self.r + 1, c0, "日期：").font = Font(name=FONT_NAME, size=10)
            for rr, key in ((self.r, "签字"), (self.r + 1, "日期")):  # typed or signed by hand on the print
                cell = ws.cell(rr, c0 + 1)
                cell.protection = UNLOCKED
                cell.border = Border(bottom=THIN)
                self.layout[f"{key}{SEP}{label}"] = cell.coordinate

    def finish(self, table_end: int) -> None:
        """Borders, fonts, widths, row heights and the print setup (A4 portrait, one page wide)."""
        ws, ncol = self.ws, len(self.heads)
        base = Font(name=FONT_NAME, size=10)
        for row in ws.iter_rows(min_row=self.HEADER_ROW + 1, max_row=table_end, max_col=ncol):
            for c in row:
                c.border = BORDER
                if c.font is None or not c.font.bold:
                    c.font = base
                c.alignment = Alignment(vertical="center", wrap_text=True)
        widths = {"A": 6, "B": 20, "C": 9, "D": 40}
        for k in range(1, ncol + 1):
            ws.column_dimensions[get_column_letter(k)].width = widths.get(get_column_letter(k), 10)
        ws.column_dimensions[get_column_letter(self.note_col)].width = 12
        fit_rows(ws, self.HEADER_ROW, table_end)  # wrapped names and rubrics never run into the next row
        name = self.scheme.name
        area = f"A1:{get_column_letter(ncol)}{self.r + 1}"
        page_setup(ws, name, title_rows=f"{self.HEADER_ROW}:{self.HEADER_ROW}", area=area, header=name.replace("&", "&&"))
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.print_options.horizontalCentered = True
        ws.protection.sheet = True
