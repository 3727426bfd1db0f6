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

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import CellIssue, RosterError
from .numeric import excel_round
from .rules import Rule
from .scheme import SEP, Indicator, Scheme, load_scheme, normalize_header
from .units import fmt_quantity, parse_column
from .vocab import is_blank

ID_COLUMNS = ("工号", "姓名", "部门", "岗位", "考核期间")
FLAG_SEP = "；"
FILE_ROWS = "kpixl_file_rows"  # results.attrs key: the roster row of each result row


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

    def __init__(self, roster: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        self.roster = roster
        self.by_header = {}
        for col in roster.columns:
            self.by_header.setdefault(normalize_header(col), col)
        self.issues: list[CellIssue] = []
        self.n = len(roster)
        # the row number a person reads in the file (header = row 1), kept across dropped blank rows
        self.rows = np.arange(2, self.n + 2) if rows is None else rows

    def row(self, i: object) -> int:
        return int(self.rows[int(i)])

    def has(self, header: str) -> bool:
        return normalize_header(header) in self.by_header

    def series(self, header: str) -> pd.Series:
        return self.roster[self.by_header[normalize_header(header)]]

    def parse(self, header: str, rule: Rule, field: str) -> np.ndarray:
        series = self.series(header)
        col = rule.parse_input(field, series)
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        bad = rule.invalid(field, values)
        if bad.any():
            for i in np.flatnonzero(bad)[:200]:
                self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], f"超出范围，应为{rule.expected(field)} / out of range"))
            values = np.where(bad, np.nan, values)
        return values

    def parse_points(self, header: str, lo: float, hi: float) -> np.ndarray:
        series = self.series(header)
        col = parse_column(series, "分")
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        bad = (values < lo) | (values > hi)
        for i in np.flatnonzero(bad)[:200]:
            self.issues.append(
                CellIssue(
                    self.row(i),
                    header,
                    series.iloc[int(i)],
                    f"调整得分应在 {fmt_quantity(lo)}–{fmt_quantity(hi)} 分之间 / an override must be within the scale",
                )
            )
        return np.where(bad, np.nan, values)


def _fmt_col(values: np.ndarray, idx: np.ndarray) -> list[str]:
    return [fmt_quantity(float(v)) for v in values[idx]]


def _rule_points(reader: _Reader, ind: Indicator, rater: str | None, flags: _Flags) -> np.ndarray:
    rule = ind.rule
    inputs = {}
    for field, header in zip(rule.fields, ind.columns(rater), strict=True):
        inputs[field] = reader.parse(header, rule, field)
    missing = np.zeros(reader.n, dtype=bool)
    for v in inputs.values():
        missing |= np.isnan(v)
    if ind.missing == "zero" and missing.any():
        who = f"{SEP}{rater}" if rater else ""
        flags.add(missing, f"缺失:{ind.name}{who}（按0计）")
        inputs = {k: np.where(np.isnan(v), 0.0, v) for k, v in inputs.items()}
    return rule.points(inputs)


def _indicator_points(reader: _Reader, scheme: Scheme, ind: Indicator, flags: _Flags) -> np.ndarray:
    rule = ind.rule
    if ind.raters:
        per = [_rule_points(reader, ind, r, flags) for r in ind.raters]
        stack = np.vstack(per)
        weights = np.array([scheme.raters[r] for r in ind.raters])[:, None]
        present = ~np.isnan(stack)
        wsum = (weights * present).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            points = np.where(wsum > 0, (weights * np.nan_to_num(stack)).sum(axis=0) / wsum, np.nan)
        some = present.any(axis=0)
        for k, r in enumerate(ind.raters):
            flags.add(some & ~present[k], f"缺评:{ind.name}{SEP}{r}")
        span = rule.full - rule.lowest if math.isfinite(rule.lowest) else rule.full
        with np.errstate(invalid="ignore"):
            spread = np.nanmax(np.where(present, stack, -np.inf), axis=0) - np.nanmin(np.where(present, stack, np.inf), axis=0)
        need = (present.sum(axis=0) >= 2) & (spread >= scheme.calibration * span - 1e-9)
        flags.add(need, f"需校准:{ind.name}（评价人相差≥{fmt_quantity(scheme.calibration, '%')}）")
    else:
        points = _rule_points(reader, ind, None, flags)
    missing = np.isnan(points)
    if ind.missing == "min" and missing.any():
        low = rule.lowest if math.isfinite(rule.lowest) else 0.0
        points = np.where(missing, low, points)
        flags.add(missing, f"缺失:{ind.name}（按最低分{fmt_quantity(low)}计）")
    elif ind.missing == "error" and missing.any():
        for i in np.flatnonzero(missing)[:200]:
            reader.issues.append(CellIssue(reader.row(i), ind.input_columns()[0], None, "必填项为空 / a required value is blank"))
    if reader.has(ind.override_column):
        lo = rule.lowest if math.isfinite(rule.lowest) else -np.inf
        over = reader.parse_points(ind.override_column, lo, rule.full)
        given = ~np.isnan(over)
        rounded = excel_round(points, scheme.decimals)
        changed = given & (np.isnan(rounded) | (over != rounded))
        before = rounded.copy()
        points = np.where(given, over, points)
        flags.add(
            changed,
            lambda idx, b=before, o=over, n=ind.name: [
                f"调整:{n} {fmt_quantity(x) if x == x else '空'}→{fmt_quantity(y)}" for x, y in zip(b[idx], o[idx], strict=True)
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


def _check_headers(roster: pd.DataFrame) -> None:
    """Two columns with one header (after normalising) would leave one of them unread."""
    seen: dict[str, int] = {}
    issues = []
    for k, col in enumerate(roster.columns, 1):
        h = normalize_header(col)
        if h and h in seen:
            issues.append(CellIssue(1, h, None, f"表头重复（第{seen[h]}列与第{k}列）/ duplicate header (columns {seen[h]} and {k})"))
        seen.setdefault(h, k)
    if issues:
        raise RosterError(issues, header=f"名单表头有 {len(issues)} 处重复 / {len(issues)} duplicate header(s)")


def _id_text(series: pd.Series) -> pd.Series:
    """工号 as text for comparison: blank cells and blank words are None."""
    return series.map(lambda v: None if is_blank(v) else str(v).strip())


def _check_ids(reader: _Reader, flags: _Flags) -> None:
    """A blank 工号 is an error (nobody to pay or to appraise); a repeated 工号 is flagged."""
    if not reader.has("工号"):
        return
    series = reader.series("工号")
    ids = _id_text(series)
    for i in np.flatnonzero(ids.isna().to_numpy())[:200]:
        reader.issues.append(CellIssue(reader.row(i), "工号", series.iloc[int(i)], "工号为空 / the staff id is blank"))
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if dup.any():
        where: dict[str, list[int]] = {}
        for i in np.flatnonzero(dup):
            where.setdefault(ids.iloc[int(i)], []).append(reader.row(i))
        texts = np.full(reader.n, "", dtype=object)
        for i in np.flatnonzero(dup):
            pid = ids.iloc[int(i)]
            texts[i] = f"重复工号:{pid}（第{'、'.join(map(str, where[pid]))}行）"
        flags.add(dup, lambda idx, t=texts: t[idx])


def score(scheme: Scheme | str, roster: pd.DataFrame) -> pd.DataFrame:
    """Score every person of ``roster`` under ``scheme``; return the results table.

    Results follow the contract: 工号, 姓名, the other roster columns carried through,
    ``<名称>得分`` per indicator, ``<部分>小计``, 调整分, 总分, 等级, 奖金系数, 排名, 标记.
    Raises :class:`~kpixl.errors.RosterError` listing every located problem.
    """
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    _check_headers(roster)
    blank = _blank_rows(roster)
    rows = np.flatnonzero(~blank) + 2  # file rows of the people, as read before blank rows go
    if blank.any():
        roster = roster.loc[~blank]
    if not isinstance(roster.index, pd.RangeIndex) or roster.index.start != 0 or roster.index.step != 1:
        roster = roster.reset_index(drop=True)
    reader = _Reader(roster, rows)
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
    _check_ids(reader, flags)
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
        flags.add(np.isnan(x), f"缺失:否定项「{v.name}」")
        flags.add(vetoed, f"否决:{v.rule.canonical().removeprefix('否定项:')}未达到")
        raw = np.where(vetoed, 0.0, raw)
    if scheme.total_floor is not None:
        raw = np.maximum(raw, scheme.total_floor)
    if scheme.total_cap is not None:
        raw = np.minimum(raw, scheme.total_cap)
    total = excel_round(raw, scheme.decimals)

    if reader.issues:
        raise RosterError(sorted(reader.issues, key=lambda i: i.row))

    asc = scheme.grades[::-1]
    lowers = np.array([t.lower for t in asc])
    idx = np.clip(np.searchsorted(lowers, total, side="right") - 1, 0, len(asc) - 1)
    out["总分"] = total
    out["等级"] = np.array([t.name for t in asc], dtype=object)[idx]
    out["奖金系数"] = np.array([t.coefficient for t in asc])[idx]
    out["排名"] = pd.Series(total).rank(method="min", ascending=False).to_numpy(dtype="int64") if n else np.zeros(0, int)
    out["标记"] = flags.column()
    order = [normalize_header(c) for c in carried]
    order += [h for h in scheme.result_headers() if h not in order]
    results = pd.DataFrame({h: out[h] for h in order})
    # where each person is in the roster file, for errors found later (payout) after blank rows went
    results.attrs[FILE_ROWS] = tuple(int(r) for r in reader.rows)
    return results
