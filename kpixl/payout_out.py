"""The payout as finance receives it.

* ``.xlsx`` — to hand to a manager without editing: a header block (scheme, period, made on),
  people grouped by 部门 with a 小计 row each, a 合计 row, all totals as ``SUM`` formulas,
  ``#,##0.00`` money and ``0%`` shares, a frozen header, one page wide (landscape), and a
  sign-off block (制表 / 审核 / 批准 with dates).
* ``.csv`` — for payroll import: one plain table, money with two decimals, shares as ``20%``,
  totals to the cent; optionally only the columns of a payroll profile, in its order and names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .errors import KpixlError
from .safe import neutralise
from .xlsx_out import MONEY, POINTS, SHARE

MONEY_COLUMNS = ("奖金",)
SIGNERS = ("制表", "审核", "批准")


def _money_columns(table: pd.DataFrame, base_column: str) -> list[str]:
    return [c for c in (base_column, *MONEY_COLUMNS) if c in table.columns]


def csv_table(table: pd.DataFrame, base_column: str, profile: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table as payroll reads it: money as ``1440.00``, shares as ``20%``, blanks empty;
    with a ``profile`` (output name → source column) only those columns, in that order."""
    out = table.copy()
    for c in _money_columns(out, base_column):
        out[c] = [f"{float(v):.2f}" if isinstance(v, int | float) and v == v else "" for v in out[c]]
    if "绩效奖金占比" in out.columns:
        out["绩效奖金占比"] = [f"{float(v) * 100:g}%" if isinstance(v, int | float) and v == v else "" for v in out["绩效奖金占比"]]
    for c in ("奖金系数", "总分"):  # 85, not 85.0
        if c in out.columns:
            out[c] = [f"{float(v):g}" if isinstance(v, int | float) and v == v else v for v in out[c]]
    if profile:
        missing = [src for src in profile.values() if src not in out.columns]
        if missing:
            raise KpixlError(
                f"工资导入模板引用了不存在的列：{'、'.join(missing)}（可用：{'、'.join(map(str, out.columns))}）"
                f" / the payroll profile names unknown columns"
            )
        out = pd.DataFrame({name: out[src].to_numpy() for name, src in profile.items()})
    return out


def write_payout_xlsx(path: str | Path, table: pd.DataFrame, *, scheme_name: str, base_column: str, made_on: dt.date | None = None) -> None:
    """The finance workbook (see the module docstring); ``table`` ends with its 合计 row."""
    import xlsxwriter

    people = table.iloc[:-1]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    ws = wb.add_worksheet("奖金")
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}),
        "money": wb.add_format({"num_format": MONEY, "border": 1}),
        "share": wb.add_format({"num_format": SHARE, "border": 1}),
        "points": wb.add_format({"num_format": POINTS, "border": 1}),
        "text": wb.add_format({"border": 1}),
        "sub": wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "sub_money": wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "num_format": MONEY}),
    }
    columns = list(table.columns)
    money = set(_money_columns(table, base_column))
    periods = sorted({str(p) for p in people.get("考核期间", pd.Series(dtype=object)).dropna() if str(p).strip()})
    made = (made_on or dt.date.today()).isoformat()
    ws.write_string(0, 0, "绩效奖金发放表 / payout", fmt["title"])
    info = f"方案 / scheme: {scheme_name}    考核期间 / period: {'、'.join(periods) or '—'}    制表日期 / made on: {made}"
    ws.write_string(1, 0, neutralise(info))
    header = 3
    for k, c in enumerate(columns):
        ws.write_string(header, k, str(c), fmt["head"])
        ws.set_column(k, k, 14 if c in money else 10 if c not in ("姓名", "标记", "方案") else 16)

    def cell_format(c: str):
        return fmt["money"] if c in money else fmt["share"] if c == "绩效奖金占比" else fmt["points"] if c in ("总分", "奖金系数") else fmt["text"]

    row = header + 1
    groups = people.groupby(people["部门"].fillna("未填部门"), sort=False) if "部门" in people.columns else [(None, people)]
    sub_rows: list[int] = []
    for dept, part in groups:
        first = row
        for values in part.itertuples(index=False):
            for k, (c, v) in enumerate(zip(columns, values, strict=True)):
                if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                    ws.write_blank(row, k, None, cell_format(c))
                elif isinstance(v, str):
                    ws.write_string(row, k, v, cell_format(c))
                else:
                    ws.write_number(row, k, float(v), cell_format(c))
            row += 1
        if dept is not None:  # a 小计 per 部门, as a formula over its rows
            ws.write_string(row, 0, neutralise(f"小计 {dept}"), fmt["sub"])
            for k, c in enumerate(columns):
                if c in money:
                    col = xlsxwriter.utility.xl_col_to_name(k)
                    cached = float(pd.to_numeric(part[c], errors="coerce").sum())  # shown before any recalculation
                    ws.write_formula(row, k, f"=SUM({col}{first + 1}:{col}{row})", fmt["sub_money"], round(cached, 2))
            sub_rows.append(row)
            row += 1
    ws.write_string(row, 0, "合计", fmt["sub"])
    ws.write_string(row, 1, str(table.iloc[-1]["姓名"]), fmt["sub"])
    for k, c in enumerate(columns):
        if c in money:
            col = xlsxwriter.utility.xl_col_to_name(k)
            refs = ",".join(f"{col}{r + 1}" for r in sub_rows) if sub_rows else f"{col}{header + 2}:{col}{row}"
            ws.write_formula(row, k, f"=SUM({refs})", fmt["sub_money"], float(table.iloc[-1][c] or 0))
    last = row
    row += 3
    for k, who in enumerate(SIGNERS):
        ws.write_string(row, k * 3, f"{who}（签字）：________")
        ws.write_string(row + 1, k * 3, "日期：________")
    ws.freeze_panes(header + 1, 2)
    ws.autofilter(header, 0, last - 1, len(columns) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(header)
    ws.print_area(0, 0, row + 1, len(columns) - 1)
    wb.close()
