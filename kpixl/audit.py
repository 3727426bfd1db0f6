"""Audit filled forms and team sheets: what is wrong, and where (file, sheet, cell).

Every person is recomputed with the engine — stated totals are never trusted. Levels:
``错误`` (error: a number, an input or the file is wrong; ``kpixl check`` exits 1) and
``提示`` (warning: missing inputs, overrides, calibration, vetoes, missing signatures).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .errors import RosterError, SchemeError
from .numeric import fmt_number
from .scheme import SEP, Scheme, normalize_header
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


@dataclass
class Stated:
    """Where one person was read from, and what the file itself states."""

    file: str
    sheet: str
    cells: dict[str, str]  # roster header → cell
    values: dict[str, object] = field(default_factory=dict)  # 总分 / 等级 / 奖金系数 as stated
    result_cells: dict[str, str] = field(default_factory=dict)
    overwritten: list[str] = field(default_factory=list)  # result cells holding a typed value, not a formula
    signatures: dict[str, tuple[object, str]] | None = None  # 签字·… / 日期·… of a form: (value, cell)
    uncalculated: dict[str, str] = field(default_factory=dict)  # roster header → cell: a formula with no cached value


def _uncalculated(s: Stated, header: str) -> str | None:
    """The finding text for an input read blank because its formula was never calculated."""
    ref = s.uncalculated.get(header)
    if ref is None:
        return None
    return (
        f"「{header}」（{ref}）是公式，但文件保存时没有计算，读不到结果；请在 Excel 中打开、计算并保存后再交 / "
        f"{header} ({ref}) is a formula saved without calculation (no cached value): open, recalculate and save the file"
    )


def _show(v: object) -> str:
    return fmt_number(float(v)) if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) else str(v)


def _num(v: object) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def audit_people(scheme: Scheme, people: pd.DataFrame, stated: list[Stated], *, period: str | None = None) -> tuple[pd.DataFrame, list[Finding]]:
    """Recompute everyone and list the findings; results carry a 文件 column.

    People whose inputs cannot be read are reported (with their cells) and left out of the
    results; everyone else is scored.
    """
    findings: list[Finding] = []
    people = people.reset_index(drop=True)

    def at(k: int, header: str) -> str:
        return stated[k].cells.get(header, "")

    if "工号" in people.columns:
        ids = people["工号"].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
        for k in np.flatnonzero(ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()):
            s = stated[k]
            findings.append(Finding(ERROR, s.file, s.sheet, at(k, "工号"), f"工号 {ids[k]} 重复 / duplicate 工号"))
    keep = np.ones(len(people), dtype=bool)
    try:
        results = score(scheme, people)
    except RosterError as exc:
        for issue in exc.issues:
            k = issue.row - 2
            if 0 <= k < len(stated):
                s = stated[k]
                text = _uncalculated(s, issue.column) or f"{issue.column}: {issue.message}"
                findings.append(Finding(ERROR, s.file, s.sheet, at(k, issue.column), text))
                keep[k] = False
            else:
                findings.append(Finding(ERROR, "", "", issue.column, issue.message))
        if not keep.any() or keep.all():
            return pd.DataFrame(), findings
        results = score(scheme, people[keep].reset_index(drop=True))
    kept = np.flatnonzero(keep)
    if len(results) != len(kept):  # empty rows were dropped by the engine: nothing to compare
        raise SchemeError("内部错误：人数不一致 / internal error: row count mismatch")
    for j, k in enumerate(kept):
        findings += _person_findings(stated[k], results.iloc[j], at(k, "工号"))
    if "考核期间" in results.columns:
        findings += _period_findings(results["考核期间"], [stated[k] for k in kept], period)
    results.insert(2, "文件", [stated[k].file for k in kept])
    return results, findings


def _person_findings(s: Stated, got: pd.Series, id_cell: str) -> list[Finding]:
    """One returned person: stated results against the recomputed ones, overwritten formulas,
    signatures, and the engine's flags at their cells."""
    findings = []
    for header in ("总分", "等级", "奖金系数"):
        if header not in s.values:
            continue
        v = s.values[header]
        if header == "等级":
            differs = str(v).strip() != got[header]
        else:
            x = _num(v)
            differs = x is None or pd.isna(got[header]) or abs(x - float(got[header])) > 1e-9
        if differs:
            shown, want = _show(v), _show(got[header])
            text = f"{header}填写为 {shown}，按评分标准应为 {want} / stated {shown}, recomputed {want}"
            findings.append(Finding(ERROR, s.file, s.sheet, s.result_cells.get(header, ""), text))
    for header in s.overwritten:
        text = f"「{header}」的公式被改成了数值（只应填写黄色格子）/ a formula was overwritten by a typed value"
        findings.append(Finding(ERROR, s.file, s.sheet, s.result_cells.get(header, ""), text))
    if s.signatures is not None:
        for key, (v, ref) in s.signatures.items():
            if v is None or (isinstance(v, str) and not v.strip()):
                what, who = key.split("·", 1)
                findings.append(Finding(WARNING, s.file, s.sheet, ref, f"缺少{who}的{what} / missing {'signature' if what == '签字' else 'date'}"))
    for flag in filter(None, str(got["标记"]).split("；")):
        if flag.startswith("重复工号"):
            continue  # already an error, with its cell
        if flag.startswith("缺失:"):
            name = flag.removeprefix("缺失:").split("（")[0]
            uncalc = [h for h in s.uncalculated if h == name or h.startswith(name + SEP)]
            if uncalc:  # not missing: never calculated — say so, at the cell
                findings += [Finding(ERROR, s.file, s.sheet, s.uncalculated[h], _uncalculated(s, h) or "") for h in uncalc]
                continue
        findings.append(Finding(WARNING, s.file, s.sheet, id_cell or "", flag))
    return findings


def _period_findings(column: pd.Series, stated: list[Stated], period: str | None) -> list[Finding]:
    """Every period equal to the one expected; without one, a warning when several are mixed."""
    periods = column.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
    if period is not None:
        out = []
        for j, p in enumerate(periods):
            if p != period:
                s = stated[j]
                text = f"考核期间为「{p}」，应为「{period}」/ period does not match"
                out.append(Finding(ERROR, s.file, s.sheet, s.cells.get("考核期间", ""), text))
        return out
    if periods[periods != ""].nunique() > 1:
        counts = ", ".join(f"{p}×{n}" for p, n in periods[periods != ""].value_counts().items())
        return [Finding(WARNING, "", "", "", f"考核期间不一致：{counts} / several periods in one collection")]
    return []


#: the kinds a summary counts, by what their message says (first match wins)
KINDS = (
    ("份未提交", lambda m: m == "未提交"),
    ("处手填总分/等级与计算不符", lambda m: "填写为" in m and "按评分标准应为" in m),
    ("处公式被改成数值", lambda m: "公式被改成了数值" in m),
    ("处未重新计算", lambda m: "没有计算" in m or "未经计算" in m or "without calculation" in m),
    ("处缺签字或日期", lambda m: m.startswith("缺少") and ("签字" in m or "日期" in m)),
    ("处重复工号", lambda m: "重复" in m and "工号" in m),
    ("处考核期间不符", lambda m: "考核期间" in m),
    ("个文件无法读取", lambda m: "无法读取" in m or "不是 kpixl" in m or "链接" in m or "文件夹" in m or "zip" in m.lower()),
    ("处缺失", lambda m: m.startswith(("缺失:", "缺评:"))),
    ("处调整得分", lambda m: m.startswith("调整:")),
)


def summary_line(findings: list[Finding]) -> str:
    """Counts by kind, for the top of 问题清单: ``7 份未提交 · 1 处手填总分/等级与计算不符 · …``."""
    counts: dict[str, int] = {}
    for f in findings:
        kind = next((label for label, test in KINDS if test(f.message)), "处其他问题")
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return "没有问题 / no problems"
    order = [label for label, _ in KINDS] + ["处其他问题"]
    return " · ".join(f"{counts[k]} {k}" for k in order if k in counts)


def audit_frame(scheme: Scheme, df: pd.DataFrame, *, file: str = "", sheet: str = "团队汇总", period: str | None = None) -> list[Finding]:
    """Findings for a table whose first row is the header (row 1) and people from row 2."""
    cols = {normalize_header(c): k for k, c in enumerate(df.columns, 1)}
    wanted = set(scheme.roster_headers()) | {i.override_column for i in scheme.indicators}
    roster_cols = [c for c in df.columns if normalize_header(c) in wanted]
    people = df[roster_cols]
    inputs = people.drop(columns=[c for c in ("工号", "姓名") if c in people.columns])
    keep = ~inputs.isna().all(axis=1) | (people["工号"].notna() if "工号" in people.columns else False)
    stated = []
    for idx in np.flatnonzero(keep.to_numpy()):
        row = int(idx) + 2
        values = {h: df.iloc[int(idx)][h] for h in ("总分", "等级", "奖金系数") if h in df.columns}
        values = {h: v for h, v in values.items() if not (v is None or (isinstance(v, float) and math.isnan(v)) or v == "")}
        cells = {normalize_header(c): f"{get_column_letter(cols[normalize_header(c)])}{row}" for c in df.columns}
        stated.append(Stated(file, sheet, cells, values, {h: cells[h] for h in ("总分", "等级", "奖金系数") if h in cells}))
    _, findings = audit_people(scheme, people[keep.to_numpy()], stated, period=period)
    # a problem of the table, not of a person's row (a missing column): still of this file
    return [f if f.file else replace(f, file=file, sheet=f.sheet or sheet) for f in findings]


def audit_file(path: str, scheme: Scheme | str | None = None, *, period: str | None = None) -> list[Finding]:
    """Audit one CSV/xlsx roster or results table (a team sheet made elsewhere)."""
    from pathlib import Path

    from .roster import read_table
    from .sources import load_scheme

    if scheme is None:
        raise SchemeError(f"{Path(path).name}: 请用 --scheme 指定方案 / give --scheme for this file")
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    return audit_frame(scheme, read_table(path), file=Path(path).name, sheet=Path(path).name, period=period)
