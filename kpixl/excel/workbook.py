"""A whole generated workbook: its sheets in order, document properties, and byte-reproducible
saving (the same scheme gives the same bytes, so CI can compare ``workbooks/``)."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook

from ..scheme import Scheme
from ..sources import load_scheme
from .compiler import Compiler
from .form import write_form
from .guide import write_conf, write_guide, write_scheme
from .library import library_of, write_grades, write_library
from .names import FIXED_TIME, TEAM, TEAM_ROWS
from .team import write_team


def xlwings_template() -> Path:
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

        wb = load_workbook(xlwings_template(), keep_vba=True)
        form_ws, conf_ws = wb.worksheets[0], wb.worksheets[-1]  # reused: their VBA modules stay attached
    else:
        wb = Workbook()
        wb.remove(wb.active)
    lib = library_of(scheme)
    comp = Compiler(scheme, lib)
    wb.kpixl_form_layout = write_form(wb, scheme, comp, form_ws)
    if team:
        write_team(wb, scheme, comp, rows)
    write_library(wb, scheme, lib)
    write_grades(wb, scheme)
    write_guide(wb, scheme, rows)
    write_scheme(wb, scheme)
    write_conf(wb, conf_ws)
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
    atomic_save(path, lambda tmp: save_reproducible(wb, tmp))
    return path


def fill_team(workbook: str | Path, rows: list[dict], out: str | Path) -> Path:
    """A copy of a generated workbook with people written into 团队汇总 (header → value per row);
    ``None`` leaves a cell blank. The source workbook is not changed."""
    from openpyxl import load_workbook

    from ..errors import FileError
    from ..roster import atomic_save

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


def save_reproducible(wb: Workbook, path: str) -> None:
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
