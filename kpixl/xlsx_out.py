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


#: metrics (``kpixl metrics``): the scheme input headers a metric in seconds is written under
#: (the scheme's own name, with no unit in it: the format shows the unit)
SECONDS_INPUTS = ("首次响应时间", "平均首次响应时间", "首响时间", "平均响应时长", "平均回复时长", "平均处理时长")
#: metrics: per-day counts written under a scheme's header
PER_DAY_INPUTS = ("日均接待量", "日均接待量·实际接待量", "日均接待量·目标接待量")
SECONDS = ONE_DECIMAL = "0.0"
SECONDS_SHOWN = '0.0"秒"'
COUNT = "0"


def column_format(header: str) -> str | None:
    """The display format of a column, from its header (the results and payout contracts, and
    the metrics roster: a unit in brackets at the end of a header picks the format — ``(秒…)``
    0.0, ``(小时)`` 0.00, ``(次…)``/``(人)`` and ``样本数·…`` 0, ``…占比)`` 0.0%, ``(平均分)``
    0.00; a scheme's bare input header holding seconds shows the unit in the format)."""
    h = str(header)
    if h in SECONDS_INPUTS:
        return SECONDS_SHOWN
    if h in PER_DAY_INPUTS or h.startswith("NPS") or h.endswith("(次/天)"):
        return ONE_DECIMAL
    if h.endswith("(小时)"):
        return POINTS
    if h.startswith("样本数") or h.endswith(("(次)", "(人)")):
        return COUNT
    if h.endswith("占比)"):
        return RATE
    if h.endswith("(平均分)"):
        return POINTS
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
        return SECONDS
    return None


def column_width(header: object, values: pd.Series) -> float:
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
                [column_width(h, df.iloc[:, k]) for k, h in enumerate(df.columns)],
                freeze_columns,
            )
            for name, df in tables.items()
        ],
    )
