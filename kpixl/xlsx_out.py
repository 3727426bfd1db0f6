"""Tables written to .xlsx for people to read: number formats by column, frozen header, filters,
column widths — through XlsxWriter in constant-memory mode (rows stream to disk; a 10,000-row
result is written in a fraction of what openpyxl takes). Text is written as text, never as a
formula (and it is already neutralised by :func:`kpixl.safe.neutralise_frame`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
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


def _cells(series: pd.Series) -> list[object]:
    """A column as Python values for the writer: blanks (NaN, NA, None) as None."""
    values = series.to_numpy(dtype=object)
    out = values.tolist()
    for i in np.flatnonzero(pd.isna(values)):
        out[i] = None
    return out


def write_xlsx(path: str | Path, tables: dict[str, pd.DataFrame], *, freeze_columns: int = 2) -> None:
    """Each table on its own sheet (in order), with a formatted, frozen, filterable header row."""
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(str(path), options)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    formats: dict[str, object] = {}
    for name, df in tables.items():
        ws = wb.add_worksheet(str(name)[:31])
        columns = [_cells(df[c]) for c in df.columns]
        for k, header in enumerate(df.columns):
            ws.write_string(0, k, str(header), head)
            spec = column_format(header)
            if spec and spec not in formats:
                formats[spec] = wb.add_format({"num_format": spec})
            sample = [len(str(v)) for v in columns[k][:200] if v is not None]
            width = max([len(str(header)), *sample]) if sample else len(str(header))
            ws.set_column(k, k, min(max(8, width * 1.6 + 2), 50), formats.get(spec) if spec else None)
        for r, row in enumerate(zip(*columns, strict=True), 1):
            for k, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                if isinstance(v, str):
                    ws.write_string(r, k, v)
                elif isinstance(v, bool):
                    ws.write_boolean(r, k, v)
                elif isinstance(v, int | float | np.integer | np.floating) and math.isfinite(float(v)):
                    ws.write_number(r, k, float(v))
                else:
                    ws.write_string(r, k, str(v))
        ws.freeze_panes(1, min(freeze_columns, len(df.columns)))
        if len(df.columns):
            ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    wb.close()
