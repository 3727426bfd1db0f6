"""The payout table for finance: 奖金 = 基数 × 绩效奖金占比 × 奖金系数, to the cent as Excel rounds.

Text cells that a spreadsheet would read as a formula (starting with ``= + - @``, tab or
CR) are neutralised with a leading apostrophe (:func:`kpixl.safe.neutralise`, the one function
every writer uses), so a name like ``=HYPERLINK(…)`` in a
roster cannot run when finance opens the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import CellIssue, RosterError
from .numeric import excel_round
from .roster_rows import blank_rows
from .rules.base import TOO_LARGE
from .safe import neutralise, neutralise_frame  # noqa: F401 - neutralise is re-exported
from .scheme import NOT_HANDED_IN, Scheme, normalize_header
from .scoring import FILE_ROWS
from .units import parse_column, too_large
from .vocab import is_blank

BASE_COLUMN = "绩效工资基数"


def payout(
    results: pd.DataFrame,
    scheme: Scheme,
    *,
    base_column: str = BASE_COLUMN,
    share: float | None = None,
    unpaid: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The payout table from ``kpixl.score`` results (which carry the roster's base column).

    Columns: 工号, 姓名, (部门), (考核期间), 状态, 总分, 等级, 奖金系数, <base_column>, 绩效奖金占比, 奖金,
    标记, 方案; the last row is the 合计 (totals). Nobody is paid from a doubtful row: a person
    未提交 (no total) or whose total, grade or coefficient cannot be read stops the payout with one
    message listing who — unless that person's 工号 is in ``unpaid``, which lists them with 状态
    未提交/有误 and no 奖金. A missing, unreadable or negative base is an error naming its row.
    """
    share = scheme.bonus_share if share is None else share
    if share is None:
        raise RosterError(
            [CellIssue(1, "绩效奖金占比", None, "方案没有「绩效奖金占比」，请用 --share 给出 / the scheme has no bonus share; give --share")]
        )
    cols = {normalize_header(c): c for c in results.columns}
    if base_column not in cols:
        raise RosterError(
            [
                CellIssue(
                    1,
                    base_column,
                    None,
                    f"缺少「{base_column}」列（每人的绩效工资基数）：用 --roster 名单.csv 按工号取基数，或用 --base-column 指定列"
                    f" / the base column is missing: give --roster with the base, or --base-column",
                )
            ]
        )
    _require_results(cols)
    empty = blank_rows(results)  # blank lines of a results file are not people
    rows = np.flatnonzero(~empty) + 2  # the file's row numbers (header = row 1)
    scored = results.attrs.get(FILE_ROWS)
    if scored is not None and len(scored) == len(results):  # results scored just now: the roster's rows
        rows = np.asarray(scored, dtype=int)[~empty]
    results = results.loc[~empty].reset_index(drop=True)
    status = _status(results, cols)
    _refuse_doubtful(results, cols, status, rows, unpaid)
    paid = status == PAID
    base = parse_column(results[cols[base_column]], "元")
    issues = [CellIssue(int(rows[i]), base_column, results[cols[base_column]].iloc[int(i)], base.messages[int(i)]) for i in base.bad_rows if paid[i]]
    blank = np.isnan(base.values) & ~np.isin(np.arange(len(results)), base.bad_rows) & paid
    issues += [CellIssue(int(rows[i]), base_column, None, "基数为空 / the base is blank") for i in np.flatnonzero(blank)]
    negative = (base.values < 0) & paid
    issues += [CellIssue(int(rows[i]), base_column, base.values[i], "基数不能为负 / the base must not be negative") for i in np.flatnonzero(negative)]
    big = too_large(base.values) & paid & ~negative  # as every value read: the sums stay finite
    issues += [CellIssue(int(rows[i]), base_column, results[cols[base_column]].iloc[int(i)], TOO_LARGE) for i in np.flatnonzero(big)]
    if issues:
        raise RosterError(sorted(issues, key=lambda i: i.row))
    coef = pd.to_numeric(results[cols["奖金系数"]], errors="coerce").to_numpy(dtype=float)
    bonus = np.where(paid, excel_round(np.where(paid, base.values, 0.0) * share * np.nan_to_num(coef), 2), np.nan)
    out = pd.DataFrame({"工号": results[cols["工号"]].to_numpy(), "姓名": results[cols["姓名"]].to_numpy()})
    for extra in ("部门", "考核期间"):
        if extra in cols:
            out[extra] = results[cols[extra]].to_numpy()
    out["状态"] = status
    out["总分"] = results[cols["总分"]].to_numpy()
    out["等级"] = results[cols["等级"]].to_numpy()
    out["奖金系数"] = coef
    out[base_column] = base.values
    out["绩效奖金占比"] = share
    out["奖金"] = bonus
    out["标记"] = results[cols["标记"]].fillna("").to_numpy() if "标记" in cols else ""
    out["方案"] = scheme.id
    total = {c: "" for c in out.columns}
    total.update(
        {
            "工号": "合计",
            "姓名": f"{int(paid.sum())} 人",
            base_column: float(np.sum(base.values[paid])),
            "奖金": float(excel_round(np.sum(bonus[paid]), 2)),
        }
    )
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    return neutralise_frame(out)


def _require_results(cols: dict[str, str]) -> None:
    """The result columns a payout reads: 工号, 姓名, 总分, 等级, 奖金系数."""
    for need in ("工号", "姓名", "总分", "等级", "奖金系数"):
        if need not in cols:
            raise RosterError([CellIssue(1, need, None, "结果表缺少此列 / the results lack this column")])


PAID, NOT_HANDED_IN_STATUS, DOUBTFUL = "已评分", "未提交", "有误"


def _status(results: pd.DataFrame, cols: dict[str, str]) -> np.ndarray:
    """已评分, 未提交 (no input, so no total) or 有误 (a total, grade or coefficient that cannot be read)."""
    total = pd.to_numeric(results[cols["总分"]], errors="coerce")
    coef = pd.to_numeric(results[cols["奖金系数"]], errors="coerce")
    flags = results[cols["标记"]].fillna("").astype(str) if "标记" in cols else pd.Series([""] * len(results))
    absent = flags.str.contains(NOT_HANDED_IN, regex=False).to_numpy() | (
        results[cols["总分"]].map(is_blank).to_numpy(dtype=bool) & results[cols["等级"]].map(is_blank).to_numpy(dtype=bool)
    )
    doubtful = ~absent & (total.isna().to_numpy() | coef.isna().to_numpy() | results[cols["等级"]].map(is_blank).to_numpy(dtype=bool))
    return np.where(absent, NOT_HANDED_IN_STATUS, np.where(doubtful, DOUBTFUL, PAID))


def _refuse_doubtful(results: pd.DataFrame, cols: dict[str, str], status: np.ndarray, rows: np.ndarray, unpaid: tuple[str, ...]) -> None:
    named = {str(u).strip() for u in unpaid}
    ids = results[cols["工号"]].astype(str).str.strip().to_numpy()
    who = [i for i in np.flatnonzero(status != PAID) if ids[i] not in named]
    if who:
        listed = "、".join(f"{ids[i]} {results[cols['姓名']].iloc[i]}（第{rows[i]}行，{status[i]}）" for i in who[:30])
        more = f" 等 {len(who)} 人" if len(who) > 30 else ""
        raise RosterError(
            [],
            header=f"有 {len(who)} 人未提交或结果有误，不能发放：{listed}{more}。请先补齐；确认不发放时用 --unpaid 工号 逐个列出"
            f" / {len(who)} people are not handed in or have unreadable results; fix them, or name each with --unpaid to list them unpaid",
        )


def coefficient_table(results: pd.DataFrame, *, unpaid: tuple[str, ...] = ()) -> pd.DataFrame:
    """工号, 姓名, 等级, 奖金系数 (and 状态) for finance to apply to its own bases; 未提交 or doubtful
    rows are refused unless listed in ``unpaid`` (then they carry no coefficient)."""
    cols = {normalize_header(c): c for c in results.columns}
    _require_results(cols)
    results = results.loc[~blank_rows(results)].reset_index(drop=True)
    status = _status(results, cols)
    _refuse_doubtful(results, cols, status, np.arange(len(results)) + 2, unpaid)
    coef = pd.to_numeric(results[cols["奖金系数"]], errors="coerce").to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "工号": results[cols["工号"]].to_numpy(),
            "姓名": results[cols["姓名"]].to_numpy(),
            "等级": results[cols["等级"]].to_numpy(),
            "奖金系数": np.where(status == PAID, coef, np.nan),
            "状态": status,
        }
    )
    return neutralise_frame(out)


def distribution_check(results: pd.DataFrame, limits: dict[str, float]) -> list[str]:
    """Forced-distribution limits (e.g. 优秀 ≤ 20%) checked and reported — never applied."""
    n = len(results)
    out = []
    for grade, limit in limits.items():
        count = int((results["等级"] == grade).sum())
        if n and count / n > limit + 1e-12:
            out.append(
                f"「{grade}」有 {count} 人，占 {count / n:.1%}，超过规定的 {limit:.0%}（未作调整，请人工处理）/ "
                f"{grade}: {count} of {n} exceed the {limit:.0%} limit (reported, not applied)"
            )
    return out


def join_base(results: pd.DataFrame, roster: pd.DataFrame, base_column: str = BASE_COLUMN) -> pd.DataFrame:
    """``results`` with ``base_column`` taken from ``roster`` by 工号 (people missing there stay blank
    and are then reported by :func:`payout`)."""
    cols = {normalize_header(c): c for c in roster.columns}
    for need in ("工号", base_column):
        if need not in cols:
            raise RosterError([CellIssue(1, need, None, "名单缺少此列 / the roster lacks this column")])
    base = roster.set_index(roster[cols["工号"]].astype(str).str.strip())[cols[base_column]]
    base = base[~base.index.duplicated(keep="first")]
    out = results.drop(columns=[c for c in results.columns if normalize_header(c) == base_column])
    out[base_column] = out["工号"].astype(str).str.strip().map(base).to_numpy()
    return out
