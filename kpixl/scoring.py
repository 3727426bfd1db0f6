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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import CellIssue, RosterError
from .numeric import excel_round
from .roster_rows import blank_rows, read_ids
from .rules import Rule
from .rules.base import TOO_LARGE
from .scheme import FLAG_SEP, NOT_HANDED_IN, Indicator, Scheme, blend, calibration_needed, normalize_header
from .sources import load_scheme
from .units import ColumnParse, distinct_values, fmt_quantity, parse_column, too_large

ID_COLUMNS = ("工号", "姓名", "部门", "岗位", "考核期间")
FILE_ROWS = "kpixl_file_rows"  # results.attrs key: the roster row of each result row


class FileRows:
    """The roster row of each result row, kept in ``results.attrs``. pandas deep-copies ``attrs``
    on every operation; this value is immutable and shares itself, so a 1M-row result is not copied
    element by element at each step (that cost a 1M-row CSV write over a minute)."""

    __slots__ = ("rows",)

    def __init__(self, rows: object) -> None:
        self.rows = np.array(rows, dtype=np.int64)
        self.rows.flags.writeable = False

    def __len__(self) -> int:
        return len(self.rows)

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return self.rows if dtype is None else self.rows.astype(dtype)

    def __deepcopy__(self, memo: dict) -> FileRows:
        return self


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
            values = np.asarray(values, dtype=object)
            prev = out[idx]
            later = prev != ""  # rows already flagged: the text is joined on, the rest just take it
            if later.any():
                values[later] = prev[later] + FLAG_SEP + values[later]
            out[idx] = values
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
        # rows where some input was typed (readable or not); the others are 未提交, and a blank
        # there is no error: known once every input is parsed, so required blanks wait for it
        self.typed = np.zeros(self.n, dtype=bool)
        self.required: list[tuple[np.ndarray, str]] = []

    def row(self, i: object) -> int:
        return int(self.rows[int(i)])

    def has(self, header: str) -> bool:
        return normalize_header(header) in self.by_header

    def series(self, header: str) -> pd.Series:
        return self.roster[self.by_header[normalize_header(header)]]

    def _typed(self, series: pd.Series, col: ColumnParse) -> None:
        """Mark the rows where this input cell is not empty — a number, an unreadable value, or a
        blank word such as N/A or "-" (something was written: the sheet's COUNTA counts it too, and
        the missing-value policy then scores and flags it) — each spelling judged once."""
        self.typed |= ~np.isnan(col.values)
        self.typed[col.bad_rows] = True
        if pd.api.types.is_numeric_dtype(series.dtype):
            return
        rows = np.flatnonzero(~self.typed)
        if rows.size:
            codes, uniques = distinct_values(series.iloc[rows])
            if len(uniques):
                written = np.array([not (isinstance(u, str) and u == "") for u in uniques] + [False], dtype=bool)
                self.typed[rows[written[codes]]] = True

    def parse(self, header: str, rule: Rule, field: str) -> np.ndarray:
        series = self.series(header)
        col = rule.parse_input(field, series)
        self._typed(series, col)
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        bad, big = rule.refused(field, values)
        if bad.any() or big.any():
            for i in np.flatnonzero(bad | big)[:200]:
                raw = series.iloc[int(i)]
                what = TOO_LARGE if big[i] else f"超出范围，应为{rule.expected(field)} / out of range"
                self.issues.append(CellIssue(self.row(i), header, raw, what))
            values = np.where(bad | big, np.nan, values)
        return values

    def parse_points(self, header: str, lo: float, hi: float) -> np.ndarray:
        series = self.series(header)
        col = parse_column(series, "分")
        self._typed(series, col)
        for i in col.bad_rows[:200]:
            self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], col.messages[int(i)]))
        values = col.values
        big = too_large(values)  # as every value read: an override of −1e308 (no floor) made the total −∞
        for i in np.flatnonzero(big)[:200]:
            self.issues.append(CellIssue(self.row(i), header, series.iloc[int(i)], TOO_LARGE))
        bad = (values < lo) | (values > hi)
        for i in np.flatnonzero(bad & ~big)[:200]:
            self.issues.append(
                CellIssue(
                    self.row(i),
                    header,
                    series.iloc[int(i)],
                    f"调整得分应在 {fmt_quantity(lo)}–{fmt_quantity(hi)} 分之间 / an override must be within the scale",
                )
            )
        return np.where(bad | big, np.nan, values)


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
    elif ind.missing == "error" and missing.any():  # an error unless the row is 未提交 (known later)
        reader.required.append((missing, ind.input_columns()[0]))
    if reader.has(ind.override_column):
        over = reader.parse_points(ind.override_column, *ind.override_range)
        given = ~np.isnan(over)
        rounded = excel_round(points, scheme.decimals)
        changed = given & (np.isnan(rounded) | (over != rounded))
        before = rounded.copy()
        flags.add(changed, lambda idx, b=before, o=over, ind=ind: _override_texts(ind, b[idx], o[idx]))
        if given.any():  # the rule's points rounded once; only the overrides are rounded again
            rounded[given] = excel_round(over[given], scheme.decimals)
        return rounded
    return excel_round(points, scheme.decimals)


def _override_texts(ind: Indicator, before: np.ndarray, over: np.ndarray) -> list[str]:
    """调整 flag texts, each distinct (rule points, override) pair written once."""
    memo: dict[tuple[float, float], str] = {}
    out = []
    for pair in zip(before.tolist(), over.tolist(), strict=True):
        text = memo.get(pair)
        if text is None:
            text = memo[pair] = f"{ind.flag_override(fmt_quantity(pair[0]))}{fmt_quantity(pair[1])}"
        out.append(text)
    return out


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


def _check_ids(reader: _Reader, flags: _Flags, team: TeamView | None = None) -> None:
    """A blank 工号 is an error (nobody to pay or to appraise); a repeated 工号 is flagged."""
    if not reader.has("工号"):
        return
    series = reader.series("工号")
    values, present, distinct = read_ids(series)
    ids = pd.Series(values, dtype=object)
    if len(present) < reader.n:
        for i in np.flatnonzero(ids.isna().to_numpy())[:200]:
            reader.issues.append(CellIssue(reader.row(i), "工号", series.iloc[int(i)], "工号为空 / the staff id is blank"))
    if team is not None:  # the whole file's repeated ids, when it is scored in parts
        where = team.repeated
        dup = ids.isin(list(where)).to_numpy() if where else np.zeros(reader.n, dtype=bool)
    else:
        if len(distinct) == len(present):  # the usual roster: no repeated id
            dup = np.zeros(reader.n, dtype=bool)
        else:
            dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
        where = {}
        for i in np.flatnonzero(dup):
            where.setdefault(ids.iloc[int(i)], []).append(reader.row(i))
    if dup.any():
        texts = np.full(reader.n, "", dtype=object)
        for i in np.flatnonzero(dup):
            pid = ids.iloc[int(i)]
            texts[i] = f"重复工号:{pid}（第{'、'.join(map(str, where[pid]))}行）"
        flags.add(dup, lambda idx, t=texts: t[idx])


def _not_handed_in(reader: _Reader) -> np.ndarray:
    """Rows in which no input of the scheme was typed (the ids may be): 未提交, never a score.
    Known once every input column is parsed; a required blank is an error only in the other rows."""
    absent = ~reader.typed
    for missing, column in reader.required:
        for i in np.flatnonzero(missing & ~absent)[:200]:
            reader.issues.append(CellIssue(reader.row(i), column, None, "必填项为空 / a required value is blank"))
    return absent


def columns_read(scheme: Scheme) -> set[str]:
    """The roster headers (normalised) the scheme reads: its inputs and each indicator's 调整得分;
    every other column is carried into the results as it is."""
    used = {normalize_header(h) for h in scheme.input_columns()}
    return used | {normalize_header(i.override_column) for i in scheme.indicators}


def carried(scheme: Scheme) -> Callable[[str], bool]:
    """Whether a roster header is carried, not read (for reading such a CSV column as typed)."""
    used = columns_read(scheme)
    return lambda header: normalize_header(header) not in used


def carried_as_typed(scheme: Scheme, headers: list[str]) -> list[str]:
    """The carried columns among a results table's ``headers`` that a CSV roster gives as typed
    (not the id columns, which are text anyway, nor a result)."""
    read, results = columns_read(scheme), set(scheme.result_headers())
    return [h for h in headers if h not in ID_COLUMNS and h not in results and normalize_header(h) not in read]


def _read_roster(scheme: Scheme, roster: pd.DataFrame, first_row: int = 2) -> tuple[_Reader, list]:
    """The roster's people (blank rows dropped, file rows kept) and the columns carried through."""
    _check_headers(roster)
    blank = blank_rows(roster)
    rows = np.flatnonzero(~blank) + first_row  # file rows of the people, as read before blank rows go
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
    used = columns_read(scheme)
    carried = [c for c in roster.columns if normalize_header(c) not in used]
    carried.sort(key=lambda c: ID_COLUMNS.index(normalize_header(c)) if normalize_header(c) in ID_COLUMNS else 99)
    return reader, carried


def _sections(reader: _Reader, scheme: Scheme, flags: _Flags, out: dict[str, object]) -> np.ndarray:
    """Each indicator's points and each section's 小计 into ``out``; the total before adjustments."""
    subtotals = []
    for section in scheme.sections:
        contrib = np.zeros(reader.n)
        for ind in section.indicators:
            pts = _indicator_points(reader, scheme, ind, flags)
            out[ind.result_column] = pts
            contrib = contrib + np.nan_to_num(pts) * ind.scale
        sub = excel_round(contrib, scheme.decimals)
        subtotals.append(sub)
        if len(scheme.sections) > 1:
            out[section.result_column] = sub
    if scheme.composite:
        return sum(sub * s.weight for sub, s in zip(subtotals, scheme.sections, strict=True))
    return sum(subtotals)


def _adjust_and_veto(reader: _Reader, scheme: Scheme, flags: _Flags, out: dict[str, object], raw: np.ndarray) -> np.ndarray:
    """调整分 added, vetoes applied, the total's limits kept: the total before its ROUND."""
    if scheme.adjustments:
        adj = np.zeros(reader.n)
        for a in scheme.adjustments:
            inputs = {}
            for field, header in zip(a.rule.fields, a.columns(), strict=True):
                # a blank cell or an absent column means nothing happened this period
                inputs[field] = np.nan_to_num(reader.parse(header, a.rule, field)) if reader.has(header) else np.zeros(reader.n)
            adj = adj + a.rule.points(inputs)
        adj = excel_round(adj, scheme.decimals)
        out["调整分"] = adj
        raw = raw + adj
    for v in scheme.vetoes:
        x = reader.parse(v.column, v.rule, "")
        vetoed = v.rule.points({"": x}) == 0
        flags.add(np.isnan(x), v.flag_missing)
        flags.add(vetoed, v.flag_vetoed)
        raw = np.where(vetoed, 0.0, raw)
    if scheme.total_floor is not None:
        raw = np.maximum(raw, scheme.total_floor)
    if scheme.total_cap is not None:
        raw = np.minimum(raw, scheme.total_cap)
    return raw


@dataclass(frozen=True)
class TeamView:
    """What scoring one part of a roster needs from the whole of it: every total (sorted, for the
    ranks) and the repeated 工号 with the file rows they are on."""

    totals: np.ndarray  # ascending, no NaN
    repeated: dict[str, list[int]]

    def ranks(self, total: np.ndarray) -> pd.Series:
        """RANK.EQ among all totals: 1 + how many are higher (ties share, NaN has none)."""
        return _ranks_among(total, self.totals)


def _ranks_among(total: np.ndarray, totals: np.ndarray) -> pd.Series:
    """RANK.EQ of each of ``total`` among the sorted ``totals``: 1 + how many are higher (ties
    share; NaN has no rank). One sort and a binary search, cheaper than pandas' rank."""
    higher = len(totals) - np.searchsorted(totals, total, side="right")
    nan = np.isnan(total)
    return pd.Series(pd.arrays.IntegerArray((higher + 1).astype(np.int64), nan))


def _ranks(total: np.ndarray, decimals: int) -> pd.Series:
    """RANK.EQ of each total among all (ties share; NaN has none). Totals are rounded to
    ``decimals``, so each is a whole number of steps: counted per step, no sort, when the
    steps between the lowest and the highest are few; else sorted."""
    valid = ~np.isnan(total)
    steps = np.rint(total[valid] * 10.0**decimals)
    if steps.size and steps.max() - steps.min() <= 4 * steps.size + 100_000:
        k = (steps - steps.min()).astype(np.int64)
        counts = np.bincount(k)
        above = counts[::-1].cumsum()[::-1] - counts  # how many totals are higher than each step
        rank = np.zeros(len(total), dtype=np.int64)
        rank[valid] = above[k] + 1
        return pd.Series(pd.arrays.IntegerArray(rank, ~valid))
    return _ranks_among(total, np.sort(total[valid]))


def _few_texts(texts: np.ndarray) -> pd.Categorical:
    """A text column with few distinct values (等级, 标记) as a categorical of exactly those texts
    ("" included: a blank grade is the empty text, as before), its categories in text order so that
    sorting by it sorts as the texts did."""
    codes, uniques = pd.factorize(texts, sort=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def score(scheme: Scheme | str, roster: pd.DataFrame, *, first_row: int = 2, team: TeamView | None = None) -> pd.DataFrame:
    """Score every person of ``roster`` under ``scheme``; return the results table.

    Results follow the contract: 工号, 姓名, the other roster columns carried through,
    ``<名称>得分`` per indicator, ``<部分>小计``, 调整分, 总分, 等级, 奖金系数, 排名, 标记.
    A person with no input filled is 未提交: no points, no total, grade, coefficient or rank.
    Raises :class:`~kpixl.errors.RosterError` listing every located problem.

    A roster too large for memory is scored in parts (:mod:`kpixl.stream`): ``first_row`` is the
    file row of the part's first line, and ``team`` gives the whole file's totals and repeated
    ids, so ranks and 重复工号 flags are the file's, not the part's.
    """
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    reader, carried = _read_roster(scheme, roster, first_row)
    flags = _Flags(reader.n)
    _check_ids(reader, flags, team)
    # the carried columns as they are (pandas copies them only if the results are written to)
    out: dict[str, object] = {normalize_header(c): reader.roster[c] for c in carried}
    raw = _adjust_and_veto(reader, scheme, flags, out, _sections(reader, scheme, flags, out))
    absent = _not_handed_in(reader)
    total = excel_round(raw, scheme.decimals)
    if reader.issues:
        raise RosterError(sorted(reader.issues, key=lambda i: i.row))
    if absent.any():
        for h in scheme.result_headers():
            if h in out and h not in ("工号", "姓名"):
                out[h] = np.where(absent, np.nan, out[h])
        total = np.where(absent, np.nan, total)
    out["总分"] = total
    out["等级"], out["奖金系数"] = scheme.grade(total)
    # 未提交: no rank (<NA>)
    out["排名"] = team.ranks(total) if team is not None else _ranks(total, scheme.decimals)
    marks = flags.column()
    marks[absent] = NOT_HANDED_IN
    # 等级 and 标记 hold a few texts each: categoricals, which pandas need not turn into Arrow cell by
    # cell when pyarrow is installed, and the writers format once per text (scoring and writing a
    # million rows: 2.0 s against 3.5 s with pyarrow installed, the same without it)
    out["等级"], out["标记"] = _few_texts(out["等级"]), _few_texts(marks)
    order = [normalize_header(c) for c in carried]
    order += [h for h in scheme.result_headers() if h not in order]
    results = pd.DataFrame({h: out[h] for h in order}, copy=False)  # fresh arrays, and Series (copy on write)
    # where each person is in the roster file, for errors found later (payout) after blank rows went
    results.attrs[FILE_ROWS] = FileRows(reader.rows)
    return results
