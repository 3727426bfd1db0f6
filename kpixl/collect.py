"""Collect filled 考核表 / 团队汇总 files: read them safely and fast, recompute, audit, summarise.

Inputs are files, folders (searched recursively), globs or zip archives. Values are read
with python-calamine; the sheet XML is looked at directly only to see whether a result
cell still holds its formula. Every file is checked before it is opened: not a zip
package (a password-protected workbook is an OLE file, an old .xls too), corrupt, or a
zip bomb (uncompressed size or ratio too large) is reported in one line and the run goes
on with the rest. Input files are never written.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import coordinate_to_tuple, get_column_letter

from .audit import ERROR, WARNING, Finding, Stated, audit_people
from .collect_sources import Source, expand, problem
from .errors import FileError, KpixlError, SchemeError
from .safe import check_sheet, open_package, sheet_parts
from .scheme import Scheme, normalize_header
from .sources import load_scheme
from .vocab import is_blank
from .xlsx_percent import percent_cells, percent_refs, percent_styles, shown_percent

FORM, TEAM = "考核表", "团队汇总"
RESULTS = ("总分", "等级", "奖金系数")


@dataclass
class Group:
    """The people of one scheme: forms of different schemes in one folder are kept apart."""

    scheme: Scheme
    people: list[dict] = field(default_factory=list)  # roster values per person
    stated: list[Stated] = field(default_factory=list)  # where each person came from, what it stated
    findings: list[Finding] = field(default_factory=list)  # this group's own (edited 指标库, audit)
    files_read: int = 0
    files: list[str] = field(default_factory=list)  # the files read into it


@dataclass
class Gathered:
    groups: list[Group] = field(default_factory=list)  # in the order their schemes were first met
    findings: list[Finding] = field(default_factory=list)  # the run's: files that could not be read
    files_read: int = 0

    def group(self, scheme: Scheme) -> Group:
        """The group of this scheme — one per version while files are read (see :meth:`settle`)."""
        for g in self.groups:
            if g.scheme.id == scheme.id and (g.scheme is scheme or g.scheme == scheme):
                return g
        self.groups.append(Group(scheme))
        return self.groups[-1]

    def settle(self) -> None:
        """One version of each scheme, or none: files of one scheme id whose 指标库 or 等级系数
        differ (someone edited a weight, a tier or a coefficient) leave open which version is right
        — the built-in one, or the company's own edit carried by most files — so none of them is
        counted and each file is an error naming its version; the person collecting makes them one,
        or gives --scheme (a built-in id or one of the files). Versions whose only files could not
        be read say nothing and are dropped."""
        for sid in dict.fromkeys(g.scheme.id for g in self.groups):
            versions = [g for g in self.groups if g.scheme.id == sid]
            read = [g for g in versions if g.files] or versions[:1]
            gone = [g for g in versions if not any(g is r for r in read)]
            if len(read) > 1:
                gone += read
                sizes = "、".join(f"第 {k} 种 {len(g.files)} 个" for k, g in enumerate(read, 1))
                sheet = _differing_sheets([g.scheme for g in read])
                for k, g in enumerate(read, 1):
                    self.files_read -= g.files_read
                    text = (
                        f"方案 {sid} 的文件有 {len(read)} 种不同的「指标库」或「等级系数」（有人改了权重、分档或系数；{sizes}文件），"
                        f"本文件是第 {k} 种。无法判断哪一种是对的，都未计入：请改成一致后重新收集，或用 --scheme 指定方案"
                        f"（内置方案 id 或其中一个文件）/ the files of scheme {sid} carry {len(read)} different 指标库 or "
                        f"等级系数; this file has version {k}. None is counted: make them one, or give --scheme"
                    )
                    self.findings += [Finding(ERROR, name, sheet, "", text) for name in g.files]
            self.groups = [g for g in self.groups if not any(g is x for x in gone)]

    @property
    def people(self) -> int:
        return sum(len(g.people) for g in self.groups)


def _other_scheme(name: str, z: zipfile.ZipFile, parts: dict[str, str], book, fixed: Scheme) -> Finding | None:
    """When --scheme is given: a form made from another version of that scheme (an edited weight,
    tier or coefficient, or a copy under another id with the same inputs) is counted, as asked, with
    a warning naming what differs; a form made for other inputs is not read at all (its cells are
    laid out for them: read by this scheme's layout it would come out as 未提交 or worse) — an
    error. A form that carries no readable scheme of its own says nothing here."""
    own_id = _identifier(z)
    if not own_id:
        return None
    try:
        own = _book_scheme(z, parts, book, own_id)
    except KpixlError:
        return None
    if own.input_columns() != fixed.input_columns():
        made = f"方案 {own.id}" if own.id != fixed.id else "另一版本的方案（指标或输入项不同）"
        text = (
            f"本文件是{made}的考核表，与 --scheme 给出的 {fixed.id} 的输入项不同，未计入 / this form was made for "
            f"{'scheme ' + own.id if own.id != fixed.id else 'other inputs'}, not those of {fixed.id} as --scheme says: not counted"
        )
        return Finding(ERROR, name, "方案", "", text)
    if own.id == fixed.id and own.sections == fixed.sections and own.grades == fixed.grades:
        return None
    what = _differing_sheets([own, fixed]) if own.id == fixed.id else f"方案 {own.id}"
    text = (
        f"本文件自带的「{what}」与 --scheme 给出的不同，已按 --scheme 计分 / this file's {what} differs from --scheme {fixed.id}; scored by --scheme"
    )
    return Finding(WARNING, name, what, "", text)


def _differing_sheets(versions: list[Scheme]) -> str:
    """The sheets in which versions of one scheme differ: 指标库 (sections, indicators, weights,
    rules), 等级系数 (tiers and coefficients), else 方案 (decimals, adjustments, the rest)."""
    first = versions[0]
    sheets = []
    if any(v.sections != first.sections for v in versions):
        sheets.append("指标库")
    if any(v.grades != first.grades for v in versions):
        sheets.append("等级系数")
    return "、".join(sheets) or "方案"


def _check_package(src: Source, data: bytes) -> tuple[zipfile.ZipFile | None, str]:
    """The shared guard (kpixl.safe): not a zip package, corrupt, a zip bomb, a huge sheet."""
    try:
        z = open_package(data, src.name, sheets=False)  # each sheet read is checked before it is read
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


# a cell with a formula (``<f>`` is a cell's first child) and its cached value, if any: openpyxl
# writes an empty ``<v />`` for none, a file saved without calculation has none
_FORMULA_CELL_RE = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*><f\b[^>]*?(?:/>|>[^<]*</f>)(?:<v>([^<]*)</v>)?')


def _formulas(xml: str) -> tuple[set[str], set[str]]:
    """Cells holding a formula, and those of them with no cached value (saved without calculation)."""
    with_formula, uncalculated = set(), set()
    for ref, value in _FORMULA_CELL_RE.findall(xml):
        with_formula.add(ref)
        if not value:
            uncalculated.add(ref)
    return with_formula, uncalculated


_LAYOUTS: dict[tuple[str, str], dict[str, str]] = {}


def _form_layout(s: Scheme) -> dict[str, str]:
    """Where each roster column sits on the printed form of ``s`` (the layout follows the scheme's
    structure, so it is kept per scheme text, not rebuilt per file)."""
    key = (s.id, s.text)
    if key not in _LAYOUTS:
        from .excel import build_workbook

        _LAYOUTS[key] = build_workbook(s, team=False).kpixl_form_layout
    return _LAYOUTS[key]


_blank = is_blank  # the vocabulary's blank words: what a person leaves empty or writes as N/A, /, -


def gather(paths: Iterable[str | Path], scheme: Scheme | str | None = None, progress: Callable[[int, int], None] | None = None) -> Gathered:
    """Read every person from the files, one file at a time, grouped by scheme; the scheme is
    given or read from each workbook (cached by the content of its 指标库, 等级系数 and 方案)."""
    from python_calamine import CalamineWorkbook

    g = Gathered()
    sources = expand(paths, g.findings)
    fixed = load_scheme(scheme) if isinstance(scheme, str | Path) else scheme
    for k, src in enumerate(sources, 1):
        if progress:
            progress(k, len(sources))
        data = src.read(g.findings)
        if data is None:
            continue
        z, trouble = _check_package(src, data)
        if z is None:
            g.findings.append(problem(src.name, trouble))
            continue
        sid = fixed.id if fixed else _identifier(z)
        if not sid:
            g.findings.append(problem(src.name, "不是 kpixl 生成的考核表（请用 --scheme 指定方案）/ not a kpixl workbook; give --scheme"))
            continue
        try:
            parts = sheet_parts(z)
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            s = fixed or _book_scheme(z, parts, book, sid)
            other = _other_scheme(src.name, z, parts, book, fixed) if fixed is not None else None
            if other is not None:
                g.findings.append(other)
                if other.level == ERROR:
                    continue
            group = g.group(s)
            sheet = TEAM if TEAM in parts else FORM if FORM in parts else None
            if sheet:
                xml = z.read(parts[sheet])
                check_sheet(z, parts[sheet], src.name, sheet, xml)  # before calamine reads it
                (_read_team if sheet == TEAM else _read_form)(group, src, z, xml.decode("utf-8"), book, s)
            else:
                g.findings.append(problem(src.name, f"没有「{FORM}」或「{TEAM}」工作表 / no 考核表 or 团队汇总 sheet"))
                continue
            group.files_read += 1
            group.files.append(src.name)
            g.files_read += 1
        except KpixlError as exc:
            g.findings.append(problem(src.name, str(exc)))
        except Exception as exc:  # corrupt inside: one line, and the run goes on
            g.findings.append(problem(src.name, f"无法读取（{type(exc).__name__}: {exc}）/ cannot read the file"))
    g.settle()
    return g


#: schemes as workbooks carry them: by the zip directory's record of their 方案/指标库/等级系数
#: sheets (CRC-32 and sizes of the stored parts: nothing to decompress), then by what those sheets
#: hold — 1,000 forms of one scheme are parsed and validated once, not 1,000 times
_BY_STORED: dict[tuple, Scheme] = {}
_BY_CONTENT: dict[tuple, Scheme] = {}


def _book_scheme(z: zipfile.ZipFile, parts: dict[str, str], book, sid: str) -> Scheme:
    """The scheme as this workbook has it: its 方案, 指标库 and 等级系数 (validated: weights, tiers)."""
    from .excel import GRADES, LIBRARY
    from .excel.names import SCHEME

    sheets = (SCHEME, LIBRARY, GRADES)
    stored = []
    for name in sheets:
        info = z.getinfo(parts[name]) if name in parts and parts[name] in z.NameToInfo else None
        stored.append((name, info.CRC, info.file_size, info.compress_size) if info else (name, None))
    key = (sid, tuple(stored))
    if key not in _BY_STORED:
        for name in sheets:
            if name in parts:
                check_sheet(z, parts[name], str(z.filename or ""), name)
        tables = tuple(_rows(book, name) if name in parts else None for name in sheets)
        content = (sid, tables)
        if content not in _BY_CONTENT:
            _BY_CONTENT[content] = _scheme_of(sid, *tables)
        _BY_STORED[key] = _BY_CONTENT[content]
    return _BY_STORED[key]


def _rows(book, name: str) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False))


def _scheme_of(sid: str, carried_rows, library, grades) -> Scheme:
    from .excel.reader import carried_text, scheme_from_tables
    from .sources import scheme_of_carried

    carried = carried_text([list(r) for r in carried_rows]) if carried_rows is not None else None
    base = scheme_of_carried(carried, sid, sid)
    if library is None or grades is None:
        return base
    return scheme_from_tables(base, [list(r) for r in library], [list(r[:3]) for r in grades], origin=sid)


def _read_team(g: Group, src: Source, z: zipfile.ZipFile, xml: str, book, s: Scheme) -> None:
    rows = book.get_sheet_by_name(TEAM).to_python(skip_empty_area=False)
    if not rows:
        return
    header = [normalize_header(h) for h in rows[0]]
    col = {h: i for i, h in enumerate(header) if h}
    inputs = [h for h in s.roster_headers() + [i.override_column for i in s.indicators] if h in col]
    keep = inputs + [h for h in ("绩效工资基数",) if h in col]
    formulas, uncalc = _formulas(xml) if xml else (set(), set())
    shown = percent_cells(z, TEAM) if percent_styles(z) else set()  # 105% read as the person sees it
    for r, row in enumerate(rows[1:], 2):
        person = {h: row[col[h]] if col[h] < len(row) else None for h in keep}
        if shown:
            person = {h: _as_shown(v, (r, col[h] + 1) in shown) for h, v in person.items()}
        if all(_blank(person.get(h)) for h in inputs if h not in ("工号", "姓名")) and _blank(person.get("工号")):
            continue
        person = {h: (None if _blank(v) else v) for h, v in person.items()}
        cells = {h: f"{get_column_letter(col[h] + 1)}{r}" for h in keep}
        stated = {h: row[col[h]] for h in RESULTS if h in col and col[h] < len(row) and not _blank(row[col[h]])}
        result_cells = {h: f"{get_column_letter(col[h] + 1)}{r}" for h in (*RESULTS, *(i.result_column for i in s.indicators)) if h in col}
        overwritten = [h for h, ref in result_cells.items() if xml and ref not in formulas]
        g.people.append(person)
        blank_formulas = {h: ref for h, ref in cells.items() if ref in uncalc and person.get(h) is None}
        results_at = {h: result_cells[h] for h in RESULTS if h in result_cells}
        g.stated.append(Stated(src.name, TEAM, cells, stated, results_at, overwritten, uncalculated=blank_formulas))


def _read_form(g: Group, src: Source, z: zipfile.ZipFile, xml: str, book, s: Scheme) -> None:
    rows = book.get_sheet_by_name(FORM).to_python(skip_empty_area=False)
    layout, places, wanted = _form_places(s)

    def at(h: str) -> object:
        r, c = places[h]
        return rows[r][c] if r < len(rows) and c < len(rows[r]) else None

    person = {h: (None if _blank(v := at(h)) else v) for h in layout if h in wanted}
    numbers = {h: layout[h] for h, v in person.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    for h in percent_refs(xml, numbers, percent_styles(z)) if numbers else ():
        person[h] = shown_percent(person[h])  # a cell showing 105% means 105%
    stated = {h: v for h in RESULTS if h in layout and not _blank(v := at(h))}
    formulas, uncalc = _formulas(xml) if xml else (set(), set())
    overwritten = [h for h in RESULTS if h in layout and xml and layout[h] not in formulas]
    signatures = {h: (at(h), ref) for h, ref in layout.items() if h.startswith(("签字", "日期"))}
    cells = {h: ref for h, ref in layout.items() if h in wanted}
    blank_formulas = {h: ref for h, ref in cells.items() if ref in uncalc and person.get(h) is None}
    g.people.append(person)
    g.stated.append(Stated(src.name, FORM, cells, stated, {h: layout[h] for h in RESULTS}, overwritten, signatures, blank_formulas))


_PLACES: dict[int, tuple[Scheme, dict[str, str], dict[str, tuple[int, int]], set[str]]] = {}


def _form_places(s: Scheme) -> tuple[dict[str, str], dict[str, tuple[int, int]], set[str]]:
    """A scheme's form layout, each cell as (row, column) from 0, and the roster columns read."""
    if id(s) not in _PLACES or _PLACES[id(s)][0] is not s:
        layout = _form_layout(s)
        places = {h: (r - 1, c - 1) for h, (r, c) in ((h, coordinate_to_tuple(ref)) for h, ref in layout.items())}
        _PLACES[id(s)] = (s, layout, places, set(s.roster_headers()) | {i.override_column for i in s.indicators})
    return _PLACES[id(s)][1:]


def _as_shown(v: object, percent: bool) -> object:
    """A number in a cell formatted as a percentage, as the text the person sees (1.05 → 105%)."""
    return shown_percent(v) if percent and isinstance(v, int | float) and not isinstance(v, bool) else v


@dataclass
class Audited:
    """One scheme's people recomputed and audited: results and every finding (the run's too)."""

    scheme: Scheme
    results: pd.DataFrame
    findings: list[Finding]
    files_read: int


def audit(g: Gathered, *, period: str | None = None) -> list[Audited]:
    """Recompute and audit each group. Each group's findings start with the run's own (files that
    could not be read), so every summary lists them."""
    out = []
    for group in g.groups:
        if not group.people:
            continue
        results, findings = audit_people(group.scheme, pd.DataFrame(group.people), group.stated, period=period)
        out.append(Audited(group.scheme, results, [*g.findings, *group.findings, *findings], group.files_read))
    return out


def run_findings(g: Gathered, audited: list[Audited]) -> list[Finding]:
    """Every finding of a run once: the files that could not be read, then each scheme's."""
    findings = list(g.findings) + [f for a in audited for f in a.findings[len(g.findings) :]]
    return findings + [f for group in g.groups if not group.people for f in group.findings]


@dataclass
class Checked:
    """What ``check`` found: every finding, and each scheme's recomputed people."""

    findings: list[Finding]
    audited: list[Audited]
    files_read: int

    @property
    def results(self) -> pd.DataFrame | None:
        """The recomputed results when the files held one scheme (None: nobody, or several)."""
        return self.audited[0].results if len(self.audited) == 1 else None


def check(paths: Iterable[str | Path], scheme: Scheme | str | None = None, *, period: str | None = None) -> Checked:
    """Gather and audit: every finding (file, sheet, cell), and each scheme's recomputed results."""
    g = gather(paths, scheme)
    audited = audit(g, period=period)
    findings = run_findings(g, audited)
    if not audited and not findings:
        findings.append(problem("", "没有读到任何人员 / no people found"))
    return Checked(findings, audited, g.files_read)


__all__ = ["ERROR", "WARNING", "Audited", "Checked", "Gathered", "Group", "SchemeError", "audit", "check", "gather", "run_findings"]
