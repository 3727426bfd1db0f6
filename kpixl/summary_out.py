"""The summary workbook ``collect`` writes: 汇总 (everyone), one sheet per 部门, 等级分布 (grade
counts and a score histogram, each with a native bar chart) and 问题清单 (counts by kind on its
first line, then one row per finding).

Written with XlsxWriter in constant-memory mode (rows stream to disk): the tables carry the
results' number formats, a frozen header and a filter, as every kpixl table does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .audit import Finding, summary_line
from .roster import atomic_save
from .safe import neutralise, neutralise_frame, refuse_clobber
from .scheme import Scheme
from .xlsx_out import column_format, column_width


def _sheet_title(text: object) -> str:
    """A 部门 as a sheet name: no characters Excel refuses, no apostrophe at either end, ≤ 31."""
    return re.sub(r"[\[\]:*?/\\]", "_", str(text)).strip("'")[:31].strip("'") or "未填部门"


def _value(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


class _Writer:
    def __init__(self, path: str) -> None:
        import xlsxwriter

        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        self.wb = xlsxwriter.Workbook(path, options)
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
        self.formats: dict[str, object] = {}

    def fmt(self, spec: str | None) -> object:
        if spec is None:
            return None
        if spec not in self.formats:
            self.formats[spec] = self.wb.add_format({"num_format": spec})
        return self.formats[spec]

    def table(self, name: str, df: pd.DataFrame, *, first_row: int = 0, freeze_columns: int = 2):
        ws = self.wb.add_worksheet(name)
        self.put(ws, df, first_row)
        ws.freeze_panes(first_row + 1, min(freeze_columns, len(df.columns)))
        if len(df.columns):
            ws.autofilter(first_row, 0, first_row + max(len(df), 1), len(df.columns) - 1)
        return ws

    def put(self, ws, df: pd.DataFrame, first_row: int) -> None:
        df = neutralise_frame(df)
        for k, header in enumerate(df.columns):
            ws.write_string(first_row, k, str(header), self.head)
            ws.set_column(k, k, column_width(header, df.iloc[:, k]), self.fmt(column_format(header)))
        for r, row in enumerate(df.itertuples(index=False), first_row + 1):
            for k, v in enumerate(row):
                v = _value(v)
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, k, v)
                elif isinstance(v, int | float) and math.isfinite(v):
                    ws.write_number(r, k, v)
                else:
                    ws.write_string(r, k, str(v))


def write_summary(scheme: Scheme, results: pd.DataFrame, findings: list[Finding], out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Write the summary workbook of one scheme's people to ``out`` (never over an input)."""
    out = Path(out)
    refuse_clobber(out, inputs)

    def save(tmp: str) -> None:
        w = _Writer(tmp)
        w.table("汇总", results)
        if "部门" in results.columns:
            used = {"汇总", "等级分布", "问题清单"}
            for dept, part in results.groupby(results["部门"].fillna("未填部门"), sort=True):
                title = _sheet_title(dept)
                while title in used:  # two 部门 that read alike once shortened or cleaned
                    title = title[:28] + f"~{len(used)}"
                used.add(title)
                w.table(title, part)
        _distribution(w, scheme, results)
        _problems(w, findings)
        w.wb.close()

    atomic_save(out, save)
    return out


def _distribution(w: _Writer, scheme: Scheme, results: pd.DataFrame) -> None:
    """等级分布: people per grade and per 10-point band of 总分, each with a bar chart."""
    ws = w.wb.add_worksheet("等级分布")
    grades = [(neutralise(t.name), int((results["等级"] == t.name).sum())) for t in scheme.grades]
    ws.write_row(0, 0, ["等级", "人数"], w.head)
    for k, row in enumerate(grades, 1):
        ws.write_row(k, 0, row)
    totals = results["总分"].dropna()
    top = max(100.0, float(totals.max()) if len(totals) else 100.0)
    edges = list(range(0, int(top) + 10, 10))
    start = len(grades) + 3
    ws.write_row(start, 0, ["总分区间", "人数"], w.head)
    for k, lo in enumerate(edges[:-1]):
        hi = edges[k + 1]
        last = k == len(edges) - 2
        count = int(((totals >= lo) & ((totals <= hi) if last else (totals < hi))).sum())
        ws.write_row(start + 1 + k, 0, [f"{lo}–{hi}", count])
    ws.set_column(0, 0, 14)
    for title, first, n, anchor in (("等级分布 / grades", 0, len(grades), "D2"), ("总分分布 / score histogram", start, len(edges) - 1, "D20")):
        chart = w.wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "人数",
                "categories": ["等级分布", first + 1, 0, first + n, 0],
                "values": ["等级分布", first + 1, 1, first + n, 1],
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        ws.insert_chart(anchor, chart)


def _problems(w: _Writer, findings: list[Finding]) -> None:
    """问题清单: the counts by kind on the first line, then one row per finding."""
    ws = w.wb.add_worksheet("问题清单")
    ws.write_string(0, 0, str(neutralise(summary_line(findings))), w.wb.add_format({"bold": True, "font_color": "#C00000"}))
    table = pd.DataFrame([[f.level, f.file, f.sheet, f.cell, f.message] for f in findings], columns=["级别", "文件", "工作表", "单元格", "问题"])
    w.put(ws, table, 2)
    ws.set_column(1, 1, 40)
    ws.set_column(4, 4, 80)
    ws.freeze_panes(3, 0)
