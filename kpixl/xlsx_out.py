"""Tables written to .xlsx for people to read: number formats by column, frozen header, filters,
column widths — through :mod:`kpixl.xlsx_write`, which turns whole columns into sheet XML (a
10,000-row result in about a tenth of what a cell-by-cell writer takes). Text is written as text,
never as a formula (and it is already neutralised by :func:`kpixl.safe.neutralise_frame`)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

#: number formats by header: money, shares, points and ranks
MONEY = "#,##0.00"
SHARE = "0%"
RATE = "0.0%"
POINTS = "0.00"


def column_format(header: str) -> str | None:
    """The display format of a column, from its header (the results and payout contracts)."""
    h = str(header)
    if h in ("奖金", "奖金金额") or "基数" in h or h.endswith(("(元)", "（元）")):
        return MONEY
    if h in ("绩效奖金占比",):
        return SHARE
    if h.endswith(("率", "占比")) and "(秒" not in h:
        return RATE
    if h.endswith(("得分", "小计")) or h in ("调整分", "总分", "奖金系数"):
        return POINTS
    if h == "排名":
        return "0"
    if "(秒" in h:
        return "0.0"
    return None


def _width(header: object, values: pd.Series) -> float:
    """A column's width from its header and its first 200 values (CJK counts about double)."""
    sample = [len(str(v)) for v in values.iloc[:200].tolist() if not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))]
    width = max([len(str(header)), *sample])
    return min(max(8, width * 1.6 + 2), 50)


def write_xlsx(path: str | Path, tables: dict[str, pd.DataFrame], *, freeze_columns: int = 2) -> None:
    """Each table on its own sheet (in order), with a formatted, frozen, filterable header row."""
    from .xlsx_write import Table, write_tables

    write_tables(
        path,
        [
            Table(
                str(name)[:31],
                df,
                [column_format(h) for h in df.columns],
                [_width(h, df[h]) for h in df.columns] if df.columns.is_unique else [_width(h, df.iloc[:, k]) for k, h in enumerate(df.columns)],
                freeze_columns,
            )
            for name, df in tables.items()
        ],
    )
