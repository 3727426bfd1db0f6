"""Collect filled 考核表 / 团队汇总 files: read them safely and fast, recompute, audit, summarise.

Inputs are files, folders (searched recursively), globs or zip archives. Values are read
with python-calamine; the sheet XML is looked at directly only to see whether a result
cell still holds its formula. Every file is checked before it is opened: not a zip
package (a password-protected workbook is an OLE file, an old .xls too), corrupt, or a
zip bomb (uncompressed size or ratio too large) is reported in one line and the run goes
on with the rest. Input files are never written.
"""

from __future__ import annotations

import glob
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import coordinate_to_tuple, get_column_letter

from . import safe
from .audit import ERROR, WARNING, Finding, Stated, audit_people, summary_line
from .errors import FileError, KpixlError, SchemeError
from .safe import TEMP_PREFIX, open_package
from .scheme import Scheme, normalize_header
from .sources import load_scheme
from .vocab import is_blank

FORM, TEAM = "考核表", "团队汇总"
RESULTS = ("总分", "等级", "奖金系数")


@dataclass
class Source:
    name: str  # what a person reads: path, or archive!member
    data: bytes


@dataclass
class Gathered:
    scheme: Scheme | None = None
    people: list[dict] = field(default_factory=list)  # roster values per person
    stated: list[Stated] = field(default_factory=list)  # where each person came from, what it stated
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0


def _problem(name: str, message: str) -> Finding:
    return Finding(ERROR, name, "", "", message)


def _read(p: Path, problems: list[Finding]) -> Source | None:
    """One file's bytes, or one line in the problem list (a folder, a broken link, unreadable)."""
    if p.is_symlink() and not p.exists():
        problems.append(_problem(str(p), "链接指向不存在的文件，或链接成环 / a dangling or looping symlink"))
        return None
    if p.is_dir():
        problems.append(_problem(str(p), "是文件夹，不是 xlsx 文件 / a folder, not an xlsx file"))
        return None
    try:
        return Source(str(p), p.read_bytes())
    except OSError as exc:
        problems.append(_problem(str(p), f"无法读取（{exc.strerror or exc}）/ cannot read the file"))
        return None


def expand(paths: Iterable[str | Path], problems: list[Finding]) -> list[Source]:
    """Files from paths, folders, globs and zip archives (members read into memory, guarded).

    Anything that cannot be read (a broken link, a folder named like a workbook, a locked
    archive) is one line in ``problems`` and the rest is still read.
    """
    out: list[Source] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if any(ch in text for ch in "*?[") else [text]
        if not matches:
            problems.append(_problem(text, "没有匹配的文件 / nothing matches"))
        for m in matches:
            p = Path(m)
            if p.is_dir() and p.suffix.lower() not in (".xlsx", ".xlsm", ".zip"):
                for f in sorted(p.rglob("*")):
                    if f.suffix.lower() in (".xlsx", ".xlsm") and not f.name.startswith(("~$", TEMP_PREFIX)):
                        src = _read(f, problems)
                        if src is not None:
                            out.append(src)
            elif p.is_symlink() and not p.exists():
                problems.append(_problem(str(p), "链接指向不存在的文件，或链接成环 / a dangling or looping symlink"))
            elif not p.exists():
                problems.append(_problem(str(p), "找不到文件 / file not found"))
            elif p.suffix.lower() == ".zip" and not p.is_dir():
                out += _from_archive(p, problems)
            else:
                src = _read(p, problems)
                if src is not None:
                    out.append(src)
    return out


def _from_archive(path: Path, problems: list[Finding]) -> list[Source]:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        problems.append(_problem(str(path), "压缩包已损坏 / corrupt zip archive"))
        return []
    out = []
    total = 0
    for info in z.infolist():
        if info.is_dir() or not info.filename.lower().endswith((".xlsx", ".xlsm")):
            continue
        name = f"{path}!{info.filename}"
        total += info.file_size
        if info.file_size > safe.MAX_UNCOMPRESSED or total > 4 * safe.MAX_UNCOMPRESSED:
            problems.append(_problem(name, "文件过大（疑似压缩炸弹），已跳过 / too large (zip bomb?), skipped"))
            continue
        if info.flag_bits & 0x1:
            problems.append(_problem(name, "压缩包受密码保护，无法读取（请解压后再收集）/ a password-protected archive member"))
            continue
        try:
            out.append(Source(name, z.read(info)))
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError) as exc:
            problems.append(_problem(name, f"无法从压缩包中读取（{exc}）/ cannot be read from the archive"))
    return out


def _check_package(src: Source) -> tuple[zipfile.ZipFile | None, str]:
    """The shared guard (kpixl.safe): not a zip package, corrupt, a zip bomb, a huge sheet."""
    try:
        z = open_package(src.data, src.name)
    except FileError as exc:
        return None, str(exc).removeprefix(f"{src.name}: ")
    if "xl/workbook.xml" not in z.namelist():
        return None, "不是 Excel 工作簿 / not an Excel workbook"
    return z, ""


def _identifier(z: zipfile.ZipFile) -> str | None:
    try:
        core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except KeyError:
        return None
    m = re.search(r"<dc:identifier>([^<]*)</dc:identifier>", core)
    return m[1].strip() if m else None


def _sheet_xml(z: zipfile.ZipFile, sheet: str) -> str:
    """The XML of a sheet by name (workbook.xml → relationship → part)."""
    wb = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    m = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', wb) or re.search(
        rf'<sheet [^>]*r:id="([^"]+)"[^>]*name="{re.escape(sheet)}"', wb
    )
    if not m:
        return ""
    t = re.search(rf'<Relationship [^>]*Id="{m[1]}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{m[1]}"', rels
    )
    if not t:
        return ""
    target = t[1].lstrip("/")
    part = target if target.startswith("xl/") else f"xl/{target}"
    try:
        return z.read(part).decode("utf-8")
    except KeyError:
        return ""


_CELL_RE = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_VALUE_RE = re.compile(r"<v>[^<]+</v>")  # a cached value; openpyxl writes an empty <v /> for none


def _uncalculated(xml: str) -> set[str]:
    """Cells holding a formula but no cached value: the file was saved without calculation."""
    return {m[1] for m in _CELL_RE.finditer(xml) if m[2] and "<f" in m[2] and not _VALUE_RE.search(m[2])}


def _has_formula(xml: str, ref: str) -> bool:
    m = re.search(rf'<c r="{ref}"[^>]*?(/>|>(.*?)</c>)', xml, re.S)
    return bool(m and m[2] and "<f" in m[2])


_LAYOUTS: dict[tuple[str, str], dict[str, str]] = {}


def _form_layout(s: Scheme) -> dict[str, str]:
    """Where each roster column sits on the printed form of ``s`` (the layout follows the scheme's
    structure, so it is kept per scheme text, not rebuilt per file)."""
    from .excel import build_workbook

    key = (s.id, s.text)
    if key not in _LAYOUTS:
        _LAYOUTS[key] = build_workbook(s, team=False).kpixl_form_layout
    return _LAYOUTS[key]


_blank = is_blank  # the vocabulary's blank words: what a person leaves empty or writes as N/A, /, -


def gather(paths: Iterable[str | Path], scheme: Scheme | str | None = None, progress: Callable[[int, int], None] | None = None) -> Gathered:
    """Read every person from the files; the scheme is given or read from the workbooks."""
    from python_calamine import CalamineWorkbook

    g = Gathered()
    sources = expand(paths, g.findings)
    fixed = load_scheme(scheme) if isinstance(scheme, str) else scheme
    seen_ids: dict[str, str] = {}
    for k, src in enumerate(sources, 1):
        if progress:
            progress(k, len(sources))
        z, problem = _check_package(src)
        if z is None:
            g.findings.append(_problem(src.name, problem))
            continue
        sid = fixed.id if fixed else _identifier(z)
        if not sid:
            g.findings.append(_problem(src.name, "不是 kpixl 生成的考核表（请用 --scheme 指定方案）/ not a kpixl workbook; give --scheme"))
            continue
        seen_ids.setdefault(sid, src.name)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(src.data))
            s = fixed or _book_scheme(book, sid)
            if g.scheme is None:
                g.scheme = s
            elif s.id != g.scheme.id:
                g.findings.append(_problem(src.name, f"方案为 {s.id}，与其他文件（{g.scheme.id}）不同，已跳过 / a different scheme, skipped"))
                continue
            elif s != g.scheme:
                text = "「指标库」或「等级系数」与其他文件不同（有人改了权重、分档或系数），已跳过 / edited scheme differs, skipped"
                g.findings.append(Finding(ERROR, src.name, "指标库", "", text))
                continue
            if TEAM in book.sheet_names:
                _read_team(g, src, z, book, s)
            elif FORM in book.sheet_names:
                _read_form(g, src, z, book, s)
            else:
                g.findings.append(_problem(src.name, f"没有「{FORM}」或「{TEAM}」工作表 / no 考核表 or 团队汇总 sheet"))
                continue
            g.files_read += 1
        except KpixlError as exc:
            g.findings.append(_problem(src.name, str(exc)))
        except Exception as exc:  # corrupt inside: one line, and the run goes on
            g.findings.append(_problem(src.name, f"无法读取（{type(exc).__name__}: {exc}）/ cannot read the file"))
    return g


def _book_scheme(book, sid: str) -> Scheme:
    """The scheme as this workbook has it: its 指标库 and 等级系数 (validated: weights, tiers)."""
    from .excel import GRADES, LIBRARY
    from .excel.names import SCHEME
    from .excel.reader import carried_text, scheme_from_tables
    from .sources import scheme_of_carried

    carried = carried_text(book.get_sheet_by_name(SCHEME).to_python(skip_empty_area=False)) if SCHEME in book.sheet_names else None
    base = scheme_of_carried(carried, sid, sid)
    if LIBRARY not in book.sheet_names or GRADES not in book.sheet_names:
        return base
    library = book.get_sheet_by_name(LIBRARY).to_python(skip_empty_area=False)
    grades = book.get_sheet_by_name(GRADES).to_python(skip_empty_area=False)
    return scheme_from_tables(base, library, [r[:3] for r in grades], origin=sid)


def _read_team(g: Gathered, src: Source, z: zipfile.ZipFile, book, s: Scheme) -> None:
    rows = book.get_sheet_by_name(TEAM).to_python(skip_empty_area=False)
    if not rows:
        return
    header = [normalize_header(h) for h in rows[0]]
    col = {h: i for i, h in enumerate(header) if h}
    inputs = [h for h in s.roster_headers() + [i.override_column for i in s.indicators] if h in col]
    keep = inputs + [h for h in ("绩效工资基数",) if h in col]
    xml = _sheet_xml(z, TEAM)
    uncalc = _uncalculated(xml) if xml else set()
    for r, row in enumerate(rows[1:], 2):
        person = {h: row[col[h]] if col[h] < len(row) else None for h in keep}
        if all(_blank(person.get(h)) for h in inputs if h not in ("工号", "姓名")) and _blank(person.get("工号")):
            continue
        person = {h: (None if _blank(v) else v) for h, v in person.items()}
        cells = {h: f"{get_column_letter(col[h] + 1)}{r}" for h in keep}
        stated = {h: row[col[h]] for h in RESULTS if h in col and col[h] < len(row) and not _blank(row[col[h]])}
        result_cells = {h: f"{get_column_letter(col[h] + 1)}{r}" for h in (*RESULTS, *(i.result_column for i in s.indicators)) if h in col}
        overwritten = [h for h, ref in result_cells.items() if xml and not _has_formula(xml, ref)]
        g.people.append(person)
        blank_formulas = {h: ref for h, ref in cells.items() if ref in uncalc and person.get(h) is None}
        results_at = {h: result_cells[h] for h in RESULTS if h in result_cells}
        g.stated.append(Stated(src.name, TEAM, cells, stated, results_at, overwritten, uncalculated=blank_formulas))


def _read_form(g: Gathered, src: Source, z: zipfile.ZipFile, book, s: Scheme) -> None:
    rows = book.get_sheet_by_name(FORM).to_python(skip_empty_area=False)
    layout = _form_layout(s)

    def at(ref: str) -> object:
        r, c = coordinate_to_tuple(ref)
        return rows[r - 1][c - 1] if r - 1 < len(rows) and c - 1 < len(rows[r - 1]) else None

    wanted = set(s.roster_headers()) | {i.override_column for i in s.indicators}
    person = {h: (None if _blank(at(ref)) else at(ref)) for h, ref in layout.items() if h in wanted}
    stated = {h: at(layout[h]) for h in RESULTS if h in layout and not _blank(at(layout[h]))}
    xml = _sheet_xml(z, FORM)
    overwritten = [h for h in RESULTS if h in layout and xml and not _has_formula(xml, layout[h])]
    signatures = {h: (at(ref), ref) for h, ref in layout.items() if h.startswith(("签字", "日期"))}
    uncalc = _uncalculated(xml) if xml else set()
    cells = {h: ref for h, ref in layout.items() if h in wanted}
    blank_formulas = {h: ref for h, ref in cells.items() if ref in uncalc and person.get(h) is None}
    g.people.append(person)
    g.stated.append(Stated(src.name, FORM, cells, stated, {h: layout[h] for h in RESULTS}, overwritten, signatures, blank_formulas))


def check(paths: Iterable[str | Path], scheme: Scheme | str | None = None, *, period: str | None = None) -> tuple[Gathered, pd.DataFrame | None]:
    """Gather and audit; the recomputed results (or None when nothing could be read)."""
    g = gather(paths, scheme)
    if g.scheme is None or not g.people:
        if not g.findings:
            g.findings.append(_problem("", "没有读到任何人员 / no people found"))
        return g, None
    results, findings = audit_people(g.scheme, pd.DataFrame(g.people), g.stated, period=period)
    g.findings += findings
    return g, results


def _sheet_title(text: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]", "_", str(text)) or "未填部门")[:31]


def write_summary(g: Gathered, results: pd.DataFrame, out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The summary workbook: 汇总, one sheet per 部门, 等级分布 (with charts), 问题清单."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill

    from .roster import atomic_save
    from .safe import neutralise, neutralise_rows, refuse_clobber

    out = Path(out)
    refuse_clobber(out, inputs)
    assert g.scheme is not None
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    table = results
    head_fill = PatternFill("solid", fgColor="DDEBF7")

    def put(sheet, df: pd.DataFrame) -> None:
        sheet.append([neutralise(c) for c in df.columns])
        for c in sheet[1]:
            c.font = Font(bold=True)
            c.fill = head_fill
        for row in neutralise_rows(df.itertuples(index=False)):
            sheet.append([None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in row])
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = sheet.dimensions

    put(ws, table)
    if "部门" in table.columns:
        for dept, part in table.groupby(table["部门"].fillna("未填部门"), sort=True):
            put(wb.create_sheet(_sheet_title(dept)), part)
    dist = wb.create_sheet("等级分布")
    dist.append(["等级", "人数"])
    for t in g.scheme.grades:
        dist.append([neutralise(t.name), int((results["等级"] == t.name).sum())])
    n = len(g.scheme.grades)
    chart = BarChart()
    chart.title = "等级分布 / grades"
    chart.add_data(Reference(dist, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(dist, min_col=1, min_row=2, max_row=n + 1))
    dist.add_chart(chart, "D2")
    top = max(100.0, float(results["总分"].max()) if len(results) else 100.0)
    edges = list(range(0, int(top) + 10, 10))
    start = n + 4
    dist.cell(start, 1, "总分区间")
    dist.cell(start, 2, "人数")
    for k, lo in enumerate(edges[:-1]):
        hi = edges[k + 1]
        last = k == len(edges) - 2
        count = int(((results["总分"] >= lo) & ((results["总分"] <= hi) if last else (results["总分"] < hi))).sum())
        dist.cell(start + 1 + k, 1, f"{lo}–{hi}")
        dist.cell(start + 1 + k, 2, count)
    hist = BarChart()
    hist.title = "总分分布 / score histogram"
    hist.add_data(Reference(dist, min_col=2, min_row=start, max_row=start + len(edges) - 1), titles_from_data=True)
    hist.set_categories(Reference(dist, min_col=1, min_row=start + 1, max_row=start + len(edges) - 1))
    dist.add_chart(hist, "D20")
    issues = wb.create_sheet("问题清单")
    issues.append([neutralise(summary_line(g.findings))])  # counts by kind first, then the rows
    issues["A1"].font = Font(bold=True, color="C00000")
    issues.append([])
    issues.append(["级别", "文件", "工作表", "单元格", "问题"])
    for c in issues[3]:
        c.font = Font(bold=True)
    for row in neutralise_rows([f.level, f.file, f.sheet, f.cell, f.message] for f in g.findings):
        issues.append(row)
    issues.column_dimensions["B"].width = 40
    issues.column_dimensions["E"].width = 80
    atomic_save(out, wb.save)
    return out


__all__ = ["ERROR", "WARNING", "Gathered", "SchemeError", "check", "gather", "write_summary"]
