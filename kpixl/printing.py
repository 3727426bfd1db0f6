"""``kpixl pdf``: print workbooks and personal forms to PDF with LibreOffice, and say first what
would be wrong on paper.

Inputs are files, folders and globs (expanded here, so a quoted glob works on Windows too), read
as :mod:`kpixl.collect` reads returned forms. Each file is printed from a temporary copy — the
sheets asked for left visible, 团队汇总 cut to the rows that hold a person, rows raised for
wrapped text — so no input is ever changed. Before printing, every file is checked: error
values in the printed area (after LibreOffice recalculated it) and typed numbers where the
generated sheet has a formula (a hand-typed 小计, 得分, 总分 or 等级) are one warning each,
naming the cell. A file that is not a kpixl workbook is one error line and the run goes on.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import coordinate_to_tuple, get_column_letter, range_boundaries

from .audit import ERROR, WARNING, Finding
from .errors import KpixlError
from .excel import FORM, TEAM
from .excel.compiler import UNREADABLE
from .excel.names import SCHEME

#: what each ``--sheets`` choice prints
SHEETS = {"form": (FORM,), "team": (TEAM,), "all": None}
ERROR_VALUES = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "Err:")


@dataclass
class PrintRun:
    """What ``print_pdfs`` did: the PDFs (input order), the merged PDF, and one finding per problem."""

    pdfs: list[Path] = field(default_factory=list)
    merged: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.level == ERROR for f in self.findings)


@dataclass
class _Copy:
    name: str  # the input as the user named it
    path: Path  # the temporary copy that is printed
    areas: dict[str, tuple[int, int, int, int]]  # sheet → printed cells (min col, min row, max col, max row)


def find_pdfunite() -> str:
    """poppler's ``pdfunite`` (for ``--merge``), or a clear error saying how to install it."""
    path = shutil.which("pdfunite")
    if path is None:
        raise KpixlError(
            "--merge 需要 poppler 的 pdfunite，但没有找到。请安装：apt-get install poppler-utils"
            "（Windows：conda install poppler 或下载 poppler 并加入 PATH）/ --merge needs poppler's pdfunite, "
            "not found: install poppler-utils (Windows: conda install poppler, or put poppler's bin folder on PATH)"
        )
    return path


def print_pdfs(paths: Iterable[str | Path], out_dir: str | Path, *, sheets: str = "form", merge: str | Path | None = None) -> PrintRun:
    """Print each input's ``sheets`` (``form``: 考核表, ``team``: 团队汇总, ``all``: every visible
    sheet) to ``<out_dir>/<name>.pdf``; with ``merge``, also one PDF of all of them in input order."""
    from .collect_sources import expand
    from .excel.recalc import recalculate, to_pdf
    from .safe import refuse_clobber

    paths = [str(p) for p in paths]
    run = PrintRun()
    if merge is not None:
        if Path(merge).suffix.lower() != ".pdf":
            raise KpixlError(f"--merge 的文件名应以 .pdf 结尾：{merge} / --merge must name a .pdf file")
        refuse_clobber(merge, paths)
        pdfunite = find_pdfunite()
    sources = expand(paths, run.findings)
    with tempfile.TemporaryDirectory(prefix="kpixl-print-") as tmp:
        copies: list[_Copy] = []
        used: set[str] = set()
        for src in sources:
            data = src.read(run.findings)  # one file at a time: a folder of forms is never all in memory
            if data is None:
                continue
            stem = Path(src.name.split("!")[-1]).stem
            name, n = stem, 1
            while name.lower() in used:  # E001.xlsx in two folders: E001.pdf and E001_2.pdf
                n += 1
                name = f"{stem}_{n}"
            try:
                copy, found = _prepare(src.name, data, Path(tmp) / "copies" / f"{name}.xlsx", sheets)
            except KpixlError as exc:
                text = _plain(str(exc), src.name)
                if "not printed" not in text:
                    text += "；未打印（kpixl pdf 只打印 kpixl 生成的 .xlsx）/ not printed (only kpixl's .xlsx workbooks and forms)"
                run.findings.append(Finding(ERROR, src.name, "", "", text))
                continue
            except Exception as exc:  # corrupt inside: one line, and the run goes on
                run.findings.append(
                    Finding(ERROR, src.name, "", "", f"无法读取（{type(exc).__name__}: {exc}），未打印 / cannot read the file; not printed")
                )
                continue
            used.add(name.lower())
            copies.append(copy)
            run.findings += found
        if not copies:
            return run
        planned = {(Path(out_dir) / f"{c.path.stem}.pdf").resolve() for c in copies}
        if merge is not None and Path(merge).resolve() in planned:
            raise KpixlError(f"--merge {merge} 与某个单独的 PDF 同名，请换一个文件名 / --merge would overwrite one of the PDFs")
        clash = sorted(str(p) for p in planned & {Path(s.name).resolve() for s in sources if "!" not in s.name})
        if clash:
            raise KpixlError(f"不会覆盖输入文件 {', '.join(clash)}，请换一个 --out 目录 / refusing to write over an input; choose another --out")
        # two LibreOffice processes side by side (each with its own profile): the values to check, the PDFs
        with ThreadPoolExecutor(2) as pool:
            values = pool.submit(recalculate, [c.path for c in copies], Path(tmp) / "values")
            pdfs = pool.submit(to_pdf, [c.path for c in copies], out_dir)
            for copy, recalculated in zip(copies, values.result(), strict=True):
                run.findings += _error_cells(copy, recalculated)
            run.pdfs = pdfs.result()
    if merge is not None:
        target = Path(merge)
        target.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([pdfunite, *map(str, run.pdfs), str(target)], capture_output=True, text=True)
        if proc.returncode != 0 or not target.exists():
            raise KpixlError(f"pdfunite 没能合并 PDF / pdfunite failed: {proc.stderr.strip()[-300:]}")
        run.merged = target
    run.findings.sort(key=lambda f: f.level != ERROR)  # what was skipped first, then the warnings
    return run


def _plain(message: str, name: str) -> str:
    """An error message without the file name in front (the finding carries it)."""
    return message.removeprefix(f"{name}: ")


def _prepare(name: str, data: bytes, copy: Path, sheets: str) -> tuple[_Copy, list[Finding]]:
    """The copy to print: the sheets asked for, visible; 团队汇总's print area the filled rows;
    rows raised for wrapped text. Returns it with the typed-formula warnings."""
    from .excel.printing import fit_rows, show_only
    from .safe import open_package

    open_package(data, name).close()  # not a zip, an old .xls, a zip bomb: one clear line
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wanted = SHEETS[sheets] or tuple(ws.title for ws in wb.worksheets if ws.sheet_state == "visible")
    if not wb.properties.identifier or (FORM not in wb.sheetnames and TEAM not in wb.sheetnames):
        raise KpixlError("不是 kpixl 生成的考核表工作簿或个人考核表，未打印 / not a kpixl workbook or personal form; not printed")
    missing = [s for s in wanted if s not in wb.sheetnames]
    if missing:
        raise KpixlError(f"没有「{'」「'.join(missing)}」工作表，未打印 / no {', '.join(missing)} sheet; not printed")
    show_only(wb, wanted)
    if TEAM in wanted:
        _trim_team(wb[TEAM])
    if FORM in wanted:
        fit_rows(wb[FORM], 1, wb[FORM].max_row)  # forms from before the row heights were estimated
    found = _typed_formulas(name, wb, wanted)
    copy.parent.mkdir(parents=True, exist_ok=True)
    wb.save(copy)
    return _Copy(name, copy, {s: _bounds(wb[s]) for s in wanted}), found


def _bounds(ws) -> tuple[int, int, int, int]:
    area = ws.print_area
    if not area:
        return 1, 1, ws.max_column, ws.max_row
    return range_boundaries(area.split(",")[0].split("!")[-1].replace("$", ""))


def _trim_team(ws) -> None:
    """Print 团队汇总 down to the last row that holds a person (a typed value; results are formulas)."""
    last = 1
    for row in ws.iter_rows(min_row=2):
        if any(c.value is not None and not (isinstance(c.value, str) and c.value.startswith("=")) for c in row):
            last = row[0].row
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{last}"


@functools.lru_cache(maxsize=16)
def _formula_cells(text: str | None, sid: str, rows: int, team: bool) -> dict[str, frozenset[str]] | None:
    """Where ``kpixl build`` puts a formula on 考核表 (and 团队汇总) for the scheme a file carries
    (or the built-in ``sid``); None when that scheme cannot be read. One build per scheme."""
    from .excel.workbook import build_workbook
    from .sources import scheme_of_carried

    try:
        scheme = scheme_of_carried(text, sid, sid)
    except KpixlError:
        return None
    wb = build_workbook(scheme, rows=rows, team=team)
    sheets = (FORM, TEAM) if team else (FORM,)
    return {
        s: frozenset(c.coordinate for row in wb[s].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")) for s in sheets
    }


def _typed_formulas(name: str, wb, sheets: Iterable[str]) -> list[Finding]:
    """A typed value where the generated sheet has a formula (a hand-typed 小计/得分/总分/等级)."""
    from .excel.reader import carried_text

    sheets = [s for s in sheets if s in (FORM, TEAM)]
    if not sheets:
        return []
    carried = carried_text([[c.value for c in row] for row in wb[SCHEME].iter_rows(max_col=1)]) if SCHEME in wb.sheetnames else None
    rows = max(1, wb[TEAM].max_row - 1) if TEAM in wb.sheetnames else 1
    formulas = _formula_cells(carried, str(wb.properties.identifier), rows, TEAM in wb.sheetnames)
    if formulas is None:
        text = "读不出文件所用的方案，无法检查手填的总分 / the scheme this file carries cannot be read: typed totals not checked"
        return [Finding(WARNING, name, "", "", text)]
    out = []
    for sheet in sheets:
        ws = wb[sheet]
        for ref in sorted(formulas[sheet], key=lambda r: coordinate_to_tuple(r)):
            v = ws[ref].value
            if v is None or (isinstance(v, str) and (v.startswith("=") or not v.strip())):
                continue
            r, c = coordinate_to_tuple(ref)
            what = _label(ws, sheet, r, c)
            text = f"「{what}」是手填的 {v}，不是公式（打印出来的不是计算结果）/ {what} is a typed value, not the sheet's formula"
            out.append(Finding(WARNING, name, sheet, ref, text))
    return out


def _label(ws, sheet: str, row: int, col: int) -> str:
    """What a result cell is: 小计/总分/等级/奖金系数 beside it, else its column header (and item)."""
    if sheet == TEAM:
        return str(ws.cell(1, col).value or get_column_letter(col))
    left = ws.cell(row, col - 1).value if col > 1 else None
    if left in ("小计", "总分", "等级", "奖金系数"):
        return str(left)
    header_row = next((r for r in range(1, row) if ws.cell(r, 2).value == "考核项目"), None)
    head, item = (ws.cell(header_row, col).value if header_row else None), ws.cell(row, 2).value
    return "·".join(str(x) for x in (item, head) if x)


def _error_cells(copy: _Copy, values: Path) -> list[Finding]:
    """Error values (#N/A, #VALUE!, Err:…) LibreOffice computed inside the printed areas, and the
    无法读取 an item shows when the sheet cannot read one of its inputs."""
    wb = openpyxl.load_workbook(values, data_only=True, read_only=True)
    out = []
    try:
        for sheet, (c0, r0, c1, r1) in copy.areas.items():
            for row in wb[sheet].iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith(ERROR_VALUES):
                        text = f"打印区域内有错误值 {c.value}（输入无法识别或公式出错）/ an error value in the printed area"
                        out.append(Finding(WARNING, copy.name, sheet, c.coordinate, text))
                    elif c.value == UNREADABLE:
                        text = f"打印区域内有「{UNREADABLE}」：这一行的输入表格读不懂 / an input on this row cannot be read"
                        out.append(Finding(WARNING, copy.name, sheet, c.coordinate, text))
    finally:
        wb.close()
    return out
