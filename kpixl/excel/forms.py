"""One prefilled 考核表 per employee, fast enough for a thousand people.

The form workbook is generated once; each person's file is that package with the
person's values written into the form sheet's input cells (a string patch of one XML
part; every other part is copied as is). Values are written as the engine reads them:
numbers in the indicator's unit, option labels for levels and yes/no.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from ..errors import FileError, KpixlError
from ..roster import atomic_save
from ..safe import neutralise
from ..scheme import Scheme, normalize_header
from ..scoring import score
from ..sources import load_scheme
from ..units import parse_column
from .workbook import build_workbook

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, limit: int = 80) -> str:
    """A file name that Windows, macOS and Linux all accept."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", text).strip().rstrip(". ")
    name = name[:limit].rstrip(". ") or "_"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def _cell_xml(ref: str, style: str, value: object) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>'.replace(".0</v>", "</v>")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(str(neutralise(value)))}</t></is></c>'  # a roster text never becomes a formula


def _person_values(scheme: Scheme, roster: pd.DataFrame) -> dict[str, list[object]]:
    """Each form column's values as the form should show them (None = leave blank)."""
    cols = {normalize_header(c): c for c in roster.columns}
    out: dict[str, list[object]] = {}
    for h in ("工号", "姓名", "部门", "岗位", "考核期间", "考核人"):
        if h in cols:
            out[h] = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v) for v in roster[cols[h]]]

    def put(header: str, values: np.ndarray, label=None) -> None:
        out[header] = [None if np.isnan(v) else (label(v) if label else float(v)) for v in values]

    for ind in scheme.indicators:
        rule = ind.rule
        for rater in ind.raters or (None,):
            for f, h in zip(rule.fields, ind.columns(rater), strict=True):
                if h not in cols:
                    continue
                vals = rule.parse_input(f, roster[cols[h]]).values
                put(h, vals, lambda v, rule=rule, f=f: rule.typed(f, v))
        if ind.override_column in cols:
            put(ind.override_column, parse_column(roster[cols[ind.override_column]], "分").values)
    for a in scheme.adjustments:
        for f, h in zip(a.rule.fields, a.columns(), strict=True):
            if h in cols:
                put(h, a.rule.parse_input(f, roster[cols[h]]).values)
    for v in scheme.vetoes:
        if v.column in cols:
            put(v.column, v.rule.parse_input("", roster[cols[v.column]]).values)
    return out


def write_forms(scheme: Scheme | str, roster: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write ``<工号>_<姓名>.xlsx`` per person into ``out_dir``; return the paths.

    The roster may be a plain staff list (工号, 姓名, 部门, 岗位 …): the forms are then blank; an
    indicator column it does carry prefills that cell. The values present are checked first
    with the engine, so a bad one is reported with its row and column (RosterError) before any
    file is written.
    """
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    _col(roster, "工号")
    present = {normalize_header(c) for c in roster.columns}
    staff = roster.assign(**{h: None for h in scheme.input_columns() if h not in present})
    score(scheme, staff)  # located errors for unreadable values; absent columns are blank forms
    roster = roster.loc[[str(v).strip() not in ("", "nan", "None") for v in roster[_col(roster, "工号")]]].reset_index(drop=True)
    wb = build_workbook(scheme, team=False)
    layout: dict[str, str] = wb.kpixl_form_layout
    buf = io.BytesIO()
    wb.save(buf)
    template = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    sheet_part = "xl/worksheets/sheet1.xml"  # 考核表 is the first sheet
    xml = template.read(sheet_part).decode("utf-8")
    values = _person_values(scheme, roster)
    layout = {h: ref for h, ref in layout.items() if h in values}  # roster columns only
    styles = {}
    for ref in layout.values():
        m = re.search(rf'<c r="{ref}"( s="\d+")?(?: t="n")?\s*/>', xml)
        if not m:
            raise KpixlError(f"表格模板缺少单元格 {ref}（请用 kpixl build 重新生成）/ the form template has no empty cell {ref}")
        styles[ref] = (m.group(0), m.group(1) or "")
    parts = [(i, template.read(i.filename)) for i in template.infolist() if i.filename != sheet_part]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for k in range(len(roster)):
        person_xml = xml
        for header, ref in layout.items():
            v = values[header][k]
            if v is None:
                continue
            empty, style = styles[ref]
            person_xml = person_xml.replace(empty, _cell_xml(ref, style, v), 1)
        stem = safe_filename(f"{values['工号'][k]}_{values.get('姓名', [''] * len(roster))[k] or ''}")
        name, n = stem, 1
        while name.lower() in used:
            n += 1
            name = f"{stem}_{n}"
        used.add(name.lower())
        path = out / f"{name}.xlsx"
        if path.exists():
            raise FileError(f"{path} 已存在，不会覆盖 / already exists; not overwritten")

        def save(tmp: str, person_xml: str = person_xml) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                for info, data in parts:
                    z.writestr(info, data)
                z.writestr(sheet_part, person_xml)

        written.append(atomic_save(path, save))
    return written


def _col(roster: pd.DataFrame, header: str) -> str:
    for c in roster.columns:
        if normalize_header(c) == header:
            return c
    raise FileError(f"名单缺少「{header}」列 / the roster has no {header} column")
