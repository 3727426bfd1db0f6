"""Vectorised scoring of a whole team: ``score(scheme, roster) -> results``.

Each step works on whole columns (numpy / pandas); there is no per-row Python loop.
Rounding is Excel's ROUND (half away from zero) at three documented points, with the
scheme's 小数位 (2 by default):

1. each indicator's points (``<名称>得分``) after the rater blend or override;
2. each section subtotal (``<部分>小计``), the sum of its items' weighted points;
3. the total (``总分``) = Σ 小计 × 部分权重 (or Σ 小计) + 调整分, vetoes and limits applied.

The grade and the rank are taken on the rounded total, so what a person reads on the
form is exactly what was graded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import CellIssue, RosterError
from .numeric import excel_round
from .rules import Rule
from .scheme import FLAG_SEP, Indicator, Scheme, blend, calibration_needed, normalize_header
from .sources import load_scheme
from .units import fmt_quantity, parse_column

ID_COLUMNS = ("工号", "姓名", "部门", "岗位", "考核期间")


class _Flags:
    """Collects per-row flag texts as (mask, text) pairs and joins them once at the end."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: list[tuple[np.ndarray, object]] = []

    def add(self, mask: np.ndarray, text: str | Callable[[np.ndarray], pd.Series]) -> None:
        if mask.any():
            self.parts.append((mask, text))

    def column(self) -> np.ndarray:
        out = np.full(self.n, "", dtype=object)
        for mask, text in self.parts:
            idx = np.flatnonzero(mask)
            values = text(idx) if callable(text) else np.full(idx.size, text, dtype=object)
            prev = out[idx]
            out[idx] = np.where(prev == "", values, prev + FLAG_SEP + np.asarray(values, dtype=object))
        return out


class _Reader:
    """Finds roster columns by header and parses them, collecting located issues."""

    def __init__(self, roster: pd.DataFrame) -> None:
        self.roster = roster
        self.by_header = {}
        for col in roster.columns:
            self.by_header.setdefault(normalize_header(col), col)
        self.issues: list[CellIssue] = []
        self.n = len(roster)

    def has(self, header: str) -> bool:
        return normalize_header(header) in self.by_header

    def series(self, header: str) -> pd.Series:
        return self.roster[self.by_header[normalize_header(header)]]

    def parse(self, header: str, rule: Rule, field: str) -> np.ndarray:
        series = self.series(header)
        col = rule.parse_input(field, series)
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(int(i) + 2, header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        bad = rule.invalid(field, values)
        if bad.any():
            for i in np.flatnonzero(bad)[:200]:
                self.issues.append(CellIssue(int(i) + 2, header, series.iloc[int(i)], f"超出范围，应为{rule.expected(field)} / out of range"))
            values = np.where(bad, np.nan, values)
        return values

    def parse_points(self, header: str, lo: float, hi: float) -> np.ndarray:
        series = self.series(header)
        col = parse_column(series, "分")
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(int(i) + 2, header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        bad = (values < lo) | (values > hi)
        for i in np.flatnonzero(bad)[:200]:
            self.issues.append(
                CellIssue(
                    int(i) + 2,
                    header,
                    series.iloc[int(i)],
                    f"调整得分应在 {fmt_quantity(lo)}–{fmt_quantity(hi)} 分之间 / an override must be within the scale",
                )
            )
        return np.where(bad, np.nan, values)


def _rule_points(reader: _Reader, ind: Indicator, rater: str | None, flags: _Flags) -> np.ndarray:
    rule = ind.rule
    inputs = {}
    for field, header in zip(rule.fields, ind.columns(rater), strict=True):
        inputs[field] = reader.parse(header, rule, field)
    missing = np.zeros(reader.n, dtype=bool)
    for v in inputs.values():
        missing |= np.isnan(v)
    if ind.missing == "zero" and missing.any():
        flags.add(missing, ind.flag_missing(rater))
        inputs = {k: np.where(np.isnan(v), 0.0, v) for k, v in inputs.items()}
    return rule.points(inputs)


def _indicator_points(reader: _Reader, scheme: Scheme, ind: Indicator, flags: _Flags) -> np.ndarray:
    if ind.raters:
        stack = np.vstack([_rule_points(reader, ind, r, flags) for r in ind.raters])
        points = blend(stack, np.array([scheme.raters[r] for r in ind.raters]))
        present = ~np.isnan(stack)
        some = present.any(axis=0)
        for k, r in enumerate(ind.raters):
            flags.add(some & ~present[k], ind.flag_unrated(r))
        flags.add(calibration_needed(stack, scheme.calibration, ind.calibration_span), ind.flag_calibration(scheme.calibration))
    else:
        points = _rule_points(reader, ind, None, flags)
    missing = np.isnan(points)
    if ind.missing == "min" and missing.any():
        points = np.where(missing, ind.missing_points, points)
        flags.add(missing, ind.flag_missing())
    elif ind.missing == "error" and missing.any():
        for i in np.flatnonzero(missing)[:200]:
            reader.issues.append(CellIssue(int(i) + 2, ind.input_columns()[0], None, "必填项为空 / a required value is blank"))
    if reader.has(ind.override_column):
        over = reader.parse_points(ind.override_column, *ind.override_range)
        given = ~np.isnan(over)
        rounded = excel_round(points, scheme.decimals)
        changed = given & (np.isnan(rounded) | (over != rounded))
        before = rounded.copy()
        points = np.where(given, over, points)
        flags.add(
            changed,
            lambda idx, b=before, o=over, ind=ind: [
                f"{ind.flag_override(fmt_quantity(x))}{fmt_quantity(y)}" for x, y in zip(b[idx], o[idx], strict=True)
            ],
        )
    return excel_round(points, scheme.decimals)


def _blank_rows(roster: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in them at all (trailing rows of a sheet) are not people.

    Numeric columns go first (one isna each); text is then judged only on the rows
    that are still candidates, so a full roster costs a few vector operations.
    """
    blank = np.ones(len(roster), dtype=bool)
    cols = sorted(roster.columns, key=lambda c: not pd.api.types.is_numeric_dtype(roster[c].dtype))
    for col in cols:
        s = roster[col]
        if pd.api.types.is_numeric_dtype(s.dtype):
            blank &= s.isna().to_numpy()
        else:
            idx = np.flatnonzero(blank)
            sub = s.iloc[idx]
            empty = sub.isna().to_numpy() | (sub.astype("string").str.strip() == "").fillna(True).to_numpy(dtype=bool)
            blank[idx] = empty
        if not blank.any():
            break
    return blank


def score(scheme: Scheme | str, roster: pd.DataFrame) -> pd.DataFrame:
    """Score every person of ``roster`` under ``scheme``; return the results table.

    Results follow the contract: 工号, 姓名, the other roster columns carried through,
    ``<名称>得分`` per indicator, ``<部分>小计``, 调整分, 总分, 等级, 奖金系数, 排名, 标记.
    Raises :class:`~kpixl.errors.RosterError` listing every located problem.
    """
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    blank = _blank_rows(roster)
    if blank.any():
        roster = roster.loc[~blank]
    if not isinstance(roster.index, pd.RangeIndex) or roster.index.start != 0 or roster.index.step != 1:
        roster = roster.reset_index(drop=True)
    reader = _Reader(roster)
    optional = {c for a in scheme.adjustments for c in a.columns()}  # absent = nothing happened
    needed = ["工号", "姓名", *(c for c in scheme.input_columns() if c not in optional)]
    absent = [h for h in needed if not reader.has(h)]
    if absent:
        raise RosterError(
            [CellIssue(1, h, None, "缺少此列 / column missing") for h in absent],
            header=f"名单缺少 {len(absent)} 列（表头应为 kpixl roster 给出的表头）/ the roster lacks {len(absent)} column(s)",
        )
    n = len(roster)
    flags = _Flags(n)
    out: dict[str, object] = {}
    used = {normalize_header(h) for h in scheme.input_columns()}
    used |= {normalize_header(i.override_column) for i in scheme.indicators}
    carried = [c for c in roster.columns if normalize_header(c) not in used]
    carried.sort(key=lambda c: ID_COLUMNS.index(normalize_header(c)) if normalize_header(c) in ID_COLUMNS else 99)
    for c in carried:
        out[normalize_header(c)] = roster[c].to_numpy()

    subtotals = []
    for section in scheme.sections:
        contrib = np.zeros(n)
        for ind in section.indicators:
            pts = _indicator_points(reader, scheme, ind, flags)
            out[ind.result_column] = pts
            contrib = contrib + np.nan_to_num(pts) * ind.scale
        sub = excel_round(contrib, scheme.decimals)
        subtotals.append(sub)
        if len(scheme.sections) > 1:
            out[section.result_column] = sub
    if scheme.composite:
        raw = sum(sub * s.weight for sub, s in zip(subtotals, scheme.sections, strict=True))
    else:
        raw = sum(subtotals)
    if scheme.adjustments:
        adj = np.zeros(n)
        for a in scheme.adjustments:
            inputs = {}
            for field, header in zip(a.rule.fields, a.columns(), strict=True):
                # a blank cell or an absent column means nothing happened this period
                inputs[field] = np.nan_to_num(reader.parse(header, a.rule, field)) if reader.has(header) else np.zeros(n)
            adj = adj + a.rule.points(inputs)
        adj = excel_round(adj, scheme.decimals)
        out["调整分"] = adj
        raw = raw + adj
    for v in scheme.vetoes:
        x = reader.parse(v.column, v.rule, "")
        passed = v.rule.points({"": x})
        vetoed = passed == 0
        flags.add(np.isnan(x), v.flag_missing)
        flags.add(vetoed, v.flag_vetoed)
        raw = np.where(vetoed, 0.0, raw)
    if scheme.total_floor is not None:
        raw = np.maximum(raw, scheme.total_floor)
    if scheme.total_cap is not None:
        raw = np.minimum(raw, scheme.total_cap)
    total = excel_round(raw, scheme.decimals)

    if reader.issues:
        raise RosterError(sorted(reader.issues, key=lambda i: i.row))

    out["总分"] = total
    out["等级"], out["奖金系数"] = scheme.grade(total)
    out["排名"] = pd.Series(total).rank(method="min", ascending=False).to_numpy(dtype="int64") if n else np.zeros(0, int)
    out["标记"] = flags.column()
    order = [normalize_header(c) for c in carried]
    order += [h for h in scheme.result_headers() if h not in order]
    return pd.DataFrame({h: out[h] for h in order})
