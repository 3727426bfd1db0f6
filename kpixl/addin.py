"""What the Excel add-in does, as plain Python: the UDFs and the scripts, minus xlwings.

``udfs/kpixl_udfs.py`` only decorates these for xlwings (classic, Server/Office.js and
Lite). Values arrive as Excel gives them — scalars or 2-D lists, ``None`` for a blank —
and go back the same shape. Nothing here raises into Excel: a problem becomes a
readable string in the cell, ``#KPI! 无法识别的数值 "九十" / unreadable value``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import KpixlError, RosterError
from .rubric import parse_rule
from .scheme import DEFAULT_CALIBRATION, GradeTier, Scheme, blend, calibration_needed, calibration_span, grade_positions
from .scoring import score
from .sources import load_scheme
from .units import parse_value
from .vocab import is_blank

ERROR = "#KPI!"


def error_text(exc: BaseException) -> str:
    """An exception as the text a cell shows."""
    if isinstance(exc, RosterError):
        first = exc.issues[0] if exc.issues else None
        detail = f"第{first.row}行「{first.column}」{first.message}" if first else str(exc)
        return f"{ERROR} {detail}"
    if isinstance(exc, KpixlError):
        return f"{ERROR} {exc}"
    return f"{ERROR} 内部错误 / internal error: {type(exc).__name__}: {exc}"


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # a cell shows the problem; Excel never sees a traceback
            return error_text(exc)

    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


_blank = is_blank  # the vocabulary's blank: an empty cell, N/A, /, - … (never a 0)


def _grid(value: Any) -> tuple[list[list[Any]], bool]:
    """A scalar or a (1-D or 2-D) range as rows, and whether it was a single value."""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return value if isinstance(value, list) else list(value), False
        return [list(value)], False
    return [[value]], True


def _max(max_points: Any) -> float | None:
    return None if _blank(max_points) else float(parse_value(max_points, "分"))


def _per_cell(value: Any, fn: Callable[[Any], Any]) -> Any:
    if not isinstance(value, list | tuple):  # one cell: the common case, kept short
        if _blank(value):
            return ""
        try:
            return fn(value)
        except Exception as exc:
            return error_text(exc)
    rows, single = _grid(value)
    out = []
    for row in rows:
        line = []
        for v in row:
            try:
                line.append("" if _blank(v) else fn(v))
            except Exception as exc:
                line.append(error_text(exc))
        out.append(line)
    return out[0][0] if single else out


@_guard
def kpi_score(value: Any, rule: str, max_points: Any = None) -> Any:
    """Points for a value (or each value of a range) under rubric text; blanks stay blank."""
    r = parse_rule(str(rule), max_points=_max(max_points))  # cached: the same text parses once
    return _per_cell(value, r.score_one)


@_guard
def kpi_explain(value: Any, rule: str, max_points: Any = None) -> Any:
    """The sentence that explains the score of a value: ``28秒 ≤ 30秒 → 5分``."""
    r = parse_rule(str(rule), max_points=_max(max_points))
    return _per_cell(value, lambda v: r.explain(v))


@_guard
def kpi_rule(rule: str, max_points: Any = None) -> str:
    """How kpixl reads rubric text (canonical form), or what is wrong with it."""
    return parse_rule(str(rule), max_points=_max(max_points)).canonical()


def _tiers(tiers: Any) -> tuple[GradeTier, ...]:
    if _blank(tiers):
        raise KpixlError("请给出等级表（等级、下限、系数三列）或方案 id / give a tier range (grade, lower bound, coefficient) or a scheme id")
    if isinstance(tiers, str):
        return load_scheme(tiers).grades
    rows, _ = _grid(tiers)
    out = []
    for k, row in enumerate(rows, 1):
        row = [*row, None, None, None][:3]
        if all(_blank(v) for v in row):
            continue
        name, lower, coef = row
        try:
            lo = float(parse_value(lower, ""))
        except KpixlError:
            if k == 1:
                continue  # a header row
            raise
        out.append(GradeTier(str(name), lo, float(parse_value(coef, "")) if not _blank(coef) else math.nan))
    if not out:
        raise KpixlError("等级表是空的（应为 等级、下限、系数 三列）/ the tier table is empty (grade, lower bound, coefficient)")
    return tuple(sorted(out, key=lambda t: -t.lower))


def _tier_of(total: float, tiers: tuple[GradeTier, ...]) -> GradeTier:
    return tiers[int(grade_positions(tiers, np.array([total]))[0])]


@_guard
def kpi_grade(total: Any, tiers: Any = None) -> Any:
    """The grade (等级) of a total under a tier range (等级, 下限, 系数) or a built-in scheme id."""
    table = _tiers(tiers)
    return _per_cell(total, lambda v: _tier_of(parse_value(v, ""), table).name)


@_guard
def kpi_coef(total: Any, tiers: Any = None) -> Any:
    """The bonus coefficient (奖金系数) of a total, as kpi_grade finds its tier."""
    table = _tiers(tiers)
    return _per_cell(total, lambda v: _tier_of(parse_value(v, ""), table).coefficient)


def _weights(weights: Any) -> list[float]:
    rows, _ = _grid(weights)
    flat = [v for row in rows for v in row]
    return [float(parse_value(w, "%")) if isinstance(w, str) else float(w) for w in flat]


@_guard
def kpi_blend(ratings: Any, weights: Any) -> Any:
    """Rater-weighted score of each row of ratings; a blank rating is left out and the
    other raters' weights renormalised (the scheme's blend, as the engine does it)."""
    w = _weights(weights)
    rows, single = _grid(ratings)
    stack = []
    for row in rows:
        if len(row) != len(w):
            raise KpixlError(f"评分有 {len(row)} 个，权重有 {len(w)} 个 / {len(row)} ratings but {len(w)} weights")
        stack.append([math.nan if _blank(v) else float(parse_value(v, "分")) for v in row])
    blended = blend(np.array(stack, dtype=float).T, np.array(w))
    out = [["" if math.isnan(v) else float(v)] for v in blended]
    if single or len(out) == 1:
        return out[0][0]
    return out


def _span(scale_min: Any, scale_max: Any) -> float:
    """The indicator's own scale: rubric text (its rule's full − lowest) or the lowest and highest points."""
    if isinstance(scale_min, str) and _blank(scale_max):
        return calibration_span(parse_rule(scale_min))
    if _blank(scale_min) or _blank(scale_max):
        raise KpixlError("请给出评分标准，或量表的最低分和最高分 / give the rubric, or the scale's lowest and highest points")
    return float(parse_value(scale_max, "分")) - float(parse_value(scale_min, "分"))


@_guard
def kpi_calibrate(ratings: Any, threshold: Any = None, scale_min: Any = None, scale_max: Any = None) -> Any:
    """``需校准`` when two raters of a row differ by ≥ threshold (default 20%) × the indicator's
    own scale — given as its rubric text, or as the scale's lowest and highest points — else ``""``."""
    t = DEFAULT_CALIBRATION if _blank(threshold) else float(parse_value(threshold, "%"))
    span = _span(scale_min, scale_max)
    rows, _ = _grid(ratings)
    width = max(len(r) for r in rows)
    stack = np.array([[math.nan if _blank(v) else float(parse_value(v, "分")) for v in [*r, *[None] * (width - len(r))]] for r in rows]).T
    need = calibration_needed(stack, t, span)
    out = [["需校准" if n else ""] for n in need]
    return out[0][0] if len(out) == 1 else out


def frame_from_range(values: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A roster as Excel hands over a range: the first row is the header."""
    rows, _ = _grid(values)
    if len(rows) < 1:
        raise KpixlError("名单区域是空的 / the roster range is empty")
    header = [str(h).strip() if not _blank(h) else "" for h in rows[0]]
    width = len(header)
    body = rows[1:]
    if set(map(len, body)) - {width}:  # ragged rows are padded with blanks
        body = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    # one conversion of the whole range: pandas reads each column's types in C (numbers and
    # blanks → float64, text → str, anything mixed → object, as typed)
    raw = pd.DataFrame(body, columns=range(width), dtype=None) if body else pd.DataFrame(columns=range(width), dtype=object)
    data = {}
    for j, h in enumerate(header):
        if not h:
            continue
        col = raw[j]
        if col.dtype.kind not in "fiubO" and not pd.api.types.is_string_dtype(col.dtype):
            col = pd.Series([row[j] for row in body], dtype=object)  # dates and the like: the cells as given
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):  # Office.js: "" is an empty cell, an error cell a dict
            col = _raw_cells(col)
        if h in ("工号", "姓名"):  # text, as typed: 7 → "7", never 7.0
            cells = col.to_numpy(dtype=object)
            if pd.api.types.infer_dtype(cells, skipna=False) != "string":  # numbers or blanks among them
                cells = np.array([_id_text(v) for v in cells.tolist()], dtype=object)
            data[h] = cells
        else:  # numbers as float64; text (labels, 88%, 28秒) read by the engine once per distinct value
            data[h] = col.to_numpy()
    return pd.DataFrame(data)


def _raw_cells(col: pd.Series) -> pd.Series:
    """Cells as xlwings' standard converter would give them: "" → None, an error cell (a dict)
    → None (the row is then flagged 缺失 by the scheme's policy, never scored as 0); the column's
    type is then read again (numbers with blank cells become float64). Both tests run over the
    whole column in C; only a column holding a dict is walked."""
    cells = col.to_numpy(dtype=object)
    gone = cells == ""
    if dict in set(map(type, cells.tolist())):
        gone |= np.fromiter((type(v) is dict for v in cells.tolist()), dtype=bool, count=len(cells))
    if not gone.any():
        return col
    cells = cells.copy()
    cells[gone] = None
    return pd.Series(cells.tolist(), dtype=None)


def _id_text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if type(v) is str:
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else str(int(v)) if v.is_integer() else str(v)
    return str(v)


def table_from_frame(df: pd.DataFrame) -> list[list[Any]]:
    """A results DataFrame as a 2-D list with its header row (what a dynamic array spills): the
    columns go into one object array (blanks as ""), which ``tolist`` turns into rows in C."""
    table = np.empty((len(df) + 1, df.shape[1]), dtype=object)
    table[0, :] = list(df.columns)
    for j, c in enumerate(df.columns):
        arr = df[c].to_numpy()
        col = arr.astype(object)  # Python numbers and text, as tolist() would give them
        col[np.isnan(arr) if arr.dtype.kind == "f" else pd.isna(col)] = ""
        table[1:, j] = col
    return table.tolist()


def resolve_scheme(scheme: Any, library: Any = None, grades: Any = None) -> Scheme:
    """A built-in id (or YAML path), optionally with a workbook's 指标库 / 等级系数 ranges."""
    if _blank(scheme):
        raise KpixlError("请给出方案 id，如 support-center-quarterly / a scheme id is required")
    base = load_scheme(str(scheme).strip())
    if _blank(library) and _blank(grades):
        return base
    from .excel.reader import scheme_from_tables

    lib_rows, _ = _grid(library) if not _blank(library) else ([], True)
    grade_rows, _ = _grid(grades) if not _blank(grades) else ([[t.name, t.lower, t.coefficient] for t in base.grades], True)
    return scheme_from_tables(base, lib_rows, grade_rows, origin="workbook")


@_guard
def kpi_team(roster: Any, scheme: Any, library: Any = None, grades: Any = None) -> Any:
    """Score a whole roster range (header row first) in one vectorised call; the results
    table (header row first) spills as one dynamic array."""
    s = resolve_scheme(scheme, library, grades)
    return table_from_frame(score(s, frame_from_range(roster)))


# ----------------------------------------------------------------------------- scripts
RESULTS_SHEET = "评分结果"
PAYOUT_SHEET = "奖金系数表"
ISSUES_SHEET = "问题清单"
MESSAGE_SHEET = "kpixl"


def _sheet_names(book: Any) -> list[str]:
    return [s.name for s in book.sheets]


def scheme_of_book(book: Any) -> Scheme:
    """The scheme of a kpixl workbook, with its 指标库 / 等级系数 as edited in the book."""
    from .excel import GRADES, GUIDE, LIBRARY

    names = _sheet_names(book)
    if GUIDE not in names:
        raise KpixlError(f"此工作簿没有「{GUIDE}」工作表，不是 kpixl 生成的考核表 / not a kpixl workbook")
    sid = book.sheets[GUIDE]["C1"].value
    library = book.sheets[LIBRARY].used_range.value if LIBRARY in names else None
    grades = book.sheets[GRADES].used_range.value if GRADES in names else None
    return resolve_scheme(sid, library, grades)


def roster_of_book(book: Any, scheme: Scheme) -> tuple[str, pd.DataFrame]:
    """The people of the book: its 团队汇总 (or the active sheet), roster columns only."""
    from .excel import TEAM

    sheet = book.sheets[TEAM] if TEAM in _sheet_names(book) else book.sheets.active
    df = frame_from_range(sheet.used_range.value)
    wanted = set(scheme.roster_headers()) | {i.override_column for i in scheme.indicators} | {"绩效工资基数"}
    return sheet.name, df[[c for c in df.columns if c in wanted]]


def _replace_sheet(book: Any, name: str) -> Any:
    if name in _sheet_names(book):
        book.sheets[name].delete()
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def _message(book: Any, text: str) -> None:
    sheet = _replace_sheet(book, MESSAGE_SHEET)
    sheet["A1"].value = text


def _script(fn: Callable[[Any], str]) -> Callable[[Any], str]:
    """A script reports what it did (or what is wrong) in the kpixl sheet, never a traceback."""

    def run(book: Any) -> str:
        try:
            text = fn(book)
        except Exception as exc:
            text = error_text(exc)
        _message(book, text)
        return text

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def grade_distribution(results: pd.DataFrame, scheme: Scheme) -> list[list[Any]]:
    counts = results["等级"].value_counts()
    n = max(len(results), 1)
    rows: list[list[Any]] = [["等级", "人数", "占比"]]
    for t in scheme.grades:
        c = int(counts.get(t.name, 0))
        rows.append([t.name, c, c / n])
    return rows


@_script
def score_book(book: Any) -> str:
    """汇总评分: score 团队汇总 with the engine; results and the grade distribution (with a chart)."""
    scheme = scheme_of_book(book)
    _, roster = roster_of_book(book, scheme)
    results = score(scheme, roster)
    sheet = _replace_sheet(book, RESULTS_SHEET)
    table = table_from_frame(results)
    sheet["A1"].value = table
    dist = grade_distribution(results, scheme)
    col = len(table[0]) + 2
    sheet.cells(1, col).value = dist
    try:  # a native chart where the runtime can make one (classic xlwings); Lite keeps the table
        chart = sheet.charts.add()
        chart.chart_type = "column_clustered"
        chart.set_source_data(sheet.cells(1, col).resize(len(dist), 2))
    except Exception:
        pass
    return f"已评分 {len(results)} 人 → 「{RESULTS_SHEET}」/ scored {len(results)} people"


@_script
def payout_book(book: Any) -> str:
    """导出奖金系数: the payout table (基数 × 占比 × 奖金系数) in a sheet, and a CSV beside a local file."""
    from .payout import payout

    scheme = scheme_of_book(book)
    _, roster = roster_of_book(book, scheme)
    results = score(scheme, roster)
    if "绩效工资基数" in results.columns and scheme.bonus_share is not None:
        table = payout(results, scheme)
    else:
        table = results[["工号", "姓名", "总分", "等级", "奖金系数"]]
    sheet = _replace_sheet(book, PAYOUT_SHEET)
    sheet["A1"].value = table_from_frame(table)
    note = ""
    path = _local_path(book)
    if path is not None:
        from .roster import write_table

        csv = path.with_name(f"奖金系数_{scheme.id}.csv")
        write_table(table, csv)
        note = f"；CSV: {csv.name}"
    return f"奖金系数表已生成（{len(results)} 人）{note} / payout table written"


@_script
def audit_book(book: Any) -> str:
    """校验: recompute every person and list the problems, with their cells, in 问题清单."""
    from .audit import ERROR, audit_frame
    from .excel import TEAM

    scheme = scheme_of_book(book)
    sheet = book.sheets[TEAM] if TEAM in _sheet_names(book) else book.sheets.active
    df = frame_from_range(sheet.used_range.value)
    findings = audit_frame(scheme, df, file=str(book.name), sheet=sheet.name)
    out = _replace_sheet(book, ISSUES_SHEET)
    out["A1"].value = [["级别", "工作表", "单元格", "问题"]] + [[f.level, f.sheet, f.cell, f.message] for f in findings]
    errors = sum(f.level == ERROR for f in findings)
    return f"校验完成：{errors} 个错误，{len(findings) - errors} 个提示 → 「{ISSUES_SHEET}」/ {errors} error(s)"


def _local_path(book: Any) -> Any:
    from pathlib import Path

    try:
        p = Path(str(book.fullname))
    except Exception:
        return None
    return p if p.is_absolute() and p.exists() else None


@_script
def forms_book(book: Any) -> str:
    """生成个人考核表: one prefilled form per person of the roster, in a folder beside the workbook."""
    from .excel.forms import write_forms

    scheme = scheme_of_book(book)
    _, roster = roster_of_book(book, scheme)
    path = _local_path(book)
    if path is None:
        raise KpixlError(
            "此环境不能写文件（如 xlwings Lite / Excel 网页版），请在电脑上用 kpixl forms 生成 / "
            "this runtime cannot write files; run `kpixl forms` on a computer"
        )
    folder = path.with_name(f"个人考核表_{path.stem}")
    written = write_forms(scheme, roster, folder)
    return f"已生成 {len(written)} 份个人考核表 → {folder.name} / wrote {len(written)} forms"
