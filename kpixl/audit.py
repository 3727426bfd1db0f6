"""Audit a filled 团队汇总 (or any roster with stated results): what is wrong, where.

Every person is recomputed with the engine — stated totals are never trusted — and each
finding names the sheet, the cell and what was expected. Levels: ``错误`` (error: the
numbers or the inputs are wrong) and ``提示`` (warning: missing inputs, overrides,
calibration, vetoes, as flagged by the engine).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd
from openpyxl.utils import get_column_letter

from .errors import RosterError, SchemeError
from .scheme import Scheme, normalize_header
from .scoring import score

ERROR = "错误"
WARNING = "提示"


@dataclass(frozen=True)
class Finding:
    level: str
    file: str
    sheet: str
    cell: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _num(v: object) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def audit_frame(scheme: Scheme, df: pd.DataFrame, *, file: str = "", sheet: str = "团队汇总") -> list[Finding]:
    """Findings for a table whose first row is the header (row 1) and people from row 2."""
    cols = {normalize_header(c): k for k, c in enumerate(df.columns, 1)}
    roster_cols = [c for c in df.columns if normalize_header(c) in set(scheme.roster_headers()) | {i.override_column for i in scheme.indicators}]
    people = df[roster_cols].copy()
    keep = ~people.drop(columns=[c for c in ("工号", "姓名") if c in people.columns]).isna().all(axis=1)
    if "工号" in people.columns:
        keep |= people["工号"].notna()
    people = people[keep]
    findings: list[Finding] = []

    def where(row: int, header: str) -> str:
        k = cols.get(header)
        return f"{get_column_letter(k)}{row}" if k else f"第{row}行"

    if "工号" in people.columns:
        ids = people["工号"].astype("string").str.strip()
        for i in ids[ids.duplicated(keep=False) & ids.notna()].index:
            findings.append(Finding(ERROR, file, sheet, where(int(i) + 2, "工号"), f"工号 {ids[i]} 重复 / duplicate 工号"))
    try:
        results = score(scheme, people.reset_index(drop=True))
    except RosterError as exc:
        for issue in exc.issues:
            row = int(people.index[issue.row - 2]) + 2 if issue.row >= 2 and issue.row - 2 < len(people) else issue.row
            findings.append(Finding(ERROR, file, sheet, where(row, issue.column), f"{issue.column}: {issue.message}"))
        return findings
    for k, idx in enumerate(people.index):
        row = int(idx) + 2
        got = results.iloc[k]
        for header in ("总分", "等级", "奖金系数"):
            if header not in df.columns:
                continue
            stated = df.iloc[int(idx)][header]
            if stated is None or (isinstance(stated, float) and math.isnan(stated)) or stated == "":
                continue
            if header == "等级":
                differs = str(stated).strip() != got[header]
            else:
                s = _num(stated)
                differs = s is None or abs(s - float(got[header])) > 1e-9
            if differs:
                text = f"{header}填写为 {stated}，按评分标准应为 {got[header]} / stated {stated}, recomputed {got[header]}"
                findings.append(Finding(ERROR, file, sheet, where(row, header), text))
        for flag in filter(None, str(got["标记"]).split("；")):
            findings.append(Finding(WARNING, file, sheet, f"第{row}行", flag))
    return findings


def audit_file(path: str, scheme: Scheme | str | None = None) -> list[Finding]:
    """Audit one file: a kpixl workbook (its scheme read from it) or a roster/results table."""
    from pathlib import Path

    from .roster import read_table
    from .scheme import load_scheme

    p = Path(path)
    if scheme is None:
        if p.suffix.lower() not in (".xlsx", ".xlsm"):
            raise SchemeError(f"{p.name}: 请用 --scheme 指定方案 / give --scheme for a {p.suffix} file")
        from .excel.reader import read_scheme

        scheme = read_scheme(p)
    elif isinstance(scheme, str):
        scheme = load_scheme(scheme)
    df = read_table(p)
    sheet = "团队汇总" if p.suffix.lower() in (".xlsx", ".xlsm") else p.name
    return audit_frame(scheme, df, file=p.name, sheet=sheet)
