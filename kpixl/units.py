"""Units and input values: ``88%``, ``0.88``, ``９５``, ``28秒``, ``1.5小时``, ``2次``, blanks.

A rule has a display unit (the unit its rubric is written in: ``秒``, ``小时``, ``%``,
``家`` …). Input values are converted to that unit. Percentages are stored as
fractions (``88%`` → 0.88) because that is what Excel stores in a percent cell.

Reading conventions (documented in docs/rubric.md):

* blank, ``N/A``, ``NA``, ``/``, ``-``, ``—`` → missing (``nan``), never 0;
* a bare number in a percent field: ``|x| ≤ 1`` is a fraction (0.88 = 88%, 1 = 100%),
  ``|x| > 1`` is percentage points (88 = 88%);
* ``无`` (none) is 0 in a count field (``无投诉`` = 0 次) and unreadable elsewhere;
* a value with a unit of another kind (``28秒`` in a percent field) is an error.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import ValueParseError
from .vocab import BLANK_WORDS, NONE_WORDS, percent_of_bare, percent_of_bare_array

# unit -> (dimension, factor to the dimension's base unit)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "%": ("percent", Decimal("0.01")),
    "秒": ("time", Decimal(1)),
    "秒钟": ("time", Decimal(1)),
    "s": ("time", Decimal(1)),
    "分钟": ("time", Decimal(60)),
    "min": ("time", Decimal(60)),
    "小时": ("time", Decimal(3600)),
    "个小时": ("time", Decimal(3600)),
    "h": ("time", Decimal(3600)),
    "天": ("time", Decimal(86400)),
    "日": ("time", Decimal(86400)),
    "个工作日": ("time", Decimal(86400)),
    "工作日": ("time", Decimal(86400)),
    "元": ("money", Decimal(1)),
    "万元": ("money", Decimal(10000)),
    "分": ("points", Decimal(1)),
}
COUNT_UNITS = ("人次", "次", "家", "条", "单", "个", "件", "人", "通", "项", "起", "份", "位", "单位")
for _u in COUNT_UNITS:
    _UNITS[_u] = ("count", Decimal(1))

# longest first so that 分钟 wins over 分 and 人次 over 次
UNIT_NAMES = sorted(_UNITS, key=len, reverse=True)
UNIT_PATTERN = "|".join(re.escape(u) for u in UNIT_NAMES)


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_VALUE_RE = re.compile(rf"^(?P<num>{_NUMBER})\s*(?P<unit>{UNIT_PATTERN})?$", re.IGNORECASE)
_MIN_SEC_RE = re.compile(rf"^(?P<m>{_NUMBER})\s*分(?:钟)?\s*(?P<s>{_NUMBER})\s*秒$")
_CLOCK_RE = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)$")
_SPLIT_DIGITS_RE = re.compile(r"[\d.]\s+[\d.]")  # ``5 5``: two numbers, or a typo, never 55
_COMMA_RUN_RE = re.compile(r"[\d,]+")  # runs of digits and commas (linear: no backtracking)
MAX_VALUE_CHARS = 400  # any double written out in full (fmt_quantity) fits; a longer cell is refused before any pattern
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+")


def dimension(unit: str) -> str:
    """The kind of quantity a unit measures: percent, time, count, money, points, or ``""``."""
    return _UNITS[unit][0] if unit in _UNITS else ""


def factor(unit: str) -> Decimal:
    return _UNITS[unit][1] if unit in _UNITS else Decimal(1)


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC) and the comparison signs people type, made one."""
    text = unicodedata.normalize("NFKC", str(text))
    for src, dst in (
        ("<=", "≤"),
        ("=<", "≤"),
        (">=", "≥"),
        ("=>", "≥"),
        ("≦", "≤"),
        ("≧", "≥"),
        ("⩽", "≤"),
        ("⩾", "≥"),
        ("﹤", "<"),
        ("﹥", ">"),
        ("～", "~"),
        ("〜", "~"),
        ("–", "-"),
        ("—", "-"),
        ("−", "-"),
        ("‐", "-"),
        ("﹣", "-"),
        ("；", ";"),
        ("，", ","),
        ("：", ":"),
        ("（", "("),
        ("）", ")"),
        ("【", "["),
        ("】", "]"),
    ):
        text = text.replace(src, dst)
    return text.strip()


def convert(number: Decimal, from_unit: str, to_unit: str, *, where: str = "") -> Decimal:
    """Convert ``number`` given in ``from_unit`` into ``to_unit`` (same dimension)."""
    if from_unit == to_unit or not from_unit:
        return number
    d_from, d_to = dimension(from_unit), dimension(to_unit)
    if not to_unit:
        # a rule with no unit accepts counts, money and points as plain numbers
        if d_from in ("count", "money", "points"):
            return number
        raise ValueParseError(f"{where}单位「{from_unit}」不适用于无单位的指标 / unit {from_unit!r} does not fit a unitless value")
    if d_from != d_to:
        raise ValueParseError(f"{where}单位「{from_unit}」与指标单位「{to_unit}」不符 / unit {from_unit!r} does not match {to_unit!r}")
    return number * factor(from_unit) / factor(to_unit)


def to_float(number: Decimal, unit: str) -> float:
    """A value in ``unit`` as the float the engine and Excel use (percent → fraction)."""
    if unit == "%":
        return float(number / 100)
    return float(number)


def parse_value(value: object, unit: str = "") -> float:
    """Read one input value the way a person means it, in ``unit``; missing → ``nan``.

    >>> parse_value("88%", "%"), parse_value(88, "%"), parse_value("1.5小时", "秒")
    (0.88, 0.88, 5400.0)

    Raises ValueParseError for a value that cannot be read (never returns 0 for it), and for one
    too large for a double (``10**400``, a run of 20,000 digits): never ``inf``. (A value read
    but too large to score is refused by the rule: :func:`too_large`.)"""
    try:
        x = _parse_value(value, unit)
    except (OverflowError, ArithmeticError) as exc:
        raise ValueParseError(f"数值过大 {_short(value)} / value too large") from exc
    if math.isinf(x):
        raise ValueParseError(f"数值过大 {_short(value)} / value too large")
    return x


def _short(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit for text
        return "（超过 4300 位的整数 / an integer of over 4300 digits）"
    return text if len(text) <= 40 else f"{text[:30]}…（{len(text)} 个字符 / characters）"


def _parse_value(value: object, unit: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool | np.bool_):
        # an xlsx TRUE/FALSE is a yes/no answer, not the number 1 or 0 (TRUE would be 100%)
        raise ValueParseError(f"逻辑值 {'TRUE' if value else 'FALSE'} 不是数字（应为{_what(unit)}）/ a TRUE/FALSE cell where a number is expected")
    if isinstance(value, datetime.date):  # a cell formatted as a date (a time of day alone is a duration)
        raise ValueParseError(
            f"日期 {value:%Y-%m-%d %H:%M} 不是数字（应为{_what(unit)}；单元格可能被设成了日期格式）"
            f"/ a date where a number is expected (the cell may be formatted as a date)"
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            raise ValueParseError(f"数值 {_short(value)} 过大，无法计算 / the value {_short(value)} is too large") from None
        if math.isnan(number):
            return math.nan
        if math.isinf(number):
            raise ValueParseError(f"无法识别的数值 {value!r} / unreadable value")
        if unit == "%":
            return percent_of_bare(number)
        return number
    raw = str(value)
    if len(raw) > MAX_VALUE_CHARS:
        raise ValueParseError(
            f"数值 {_short(value)} 过长（超过 {MAX_VALUE_CHARS} 个字符），不是一个数 / a value of {len(raw)} characters is not a number"
        )
    text = normalize_text(raw)
    if _SPLIT_DIGITS_RE.search(text):
        raise ValueParseError(f"数值 {value!r} 中间有空格，无法确定是哪个数 / a space inside the number {value!r}")
    text = text.replace(" ", "")
    low = text.lower()
    if low in BLANK_WORDS:
        return math.nan
    if text in NONE_WORDS:
        if none_is_zero(unit):
            return 0.0
        raise ValueParseError(f"无法识别的数值 {value!r}（应为数字）/ unreadable value, expected a number")
    for run in _COMMA_RUN_RE.findall(text):
        if "," in run and not _THOUSANDS_RE.fullmatch(run):  # 1,234 is a thousands separator; 5,5 is not 55
            raise ValueParseError(f"数值 {value!r} 中的逗号不是千位分隔符 / the comma in {value!r} is not a thousands separator")
    text = text.replace(",", "").lstrip("¥￥$")
    m = _MIN_SEC_RE.match(text)
    if m and dimension(unit) == "time":
        if Decimal(m["s"]) >= 60:
            raise ValueParseError(f"数值 {value!r} 的秒数应小于60 / seconds must be below 60 in {value!r}")
        secs = Decimal(m["m"]) * 60 + Decimal(m["s"])
        return float(convert(secs, "秒", unit))
    m = _CLOCK_RE.match(text)
    if m and dimension(unit) == "time":
        if Decimal(m["s"]) >= 60 or (m["h"] is not None and int(m["m"]) >= 60):
            raise ValueParseError(f"时间 {value!r} 的分钟或秒应小于60 / minutes and seconds must be below 60 in {value!r}")
        secs = Decimal(m["h"] or 0) * 3600 + Decimal(m["m"]) * 60 + Decimal(m["s"])
        return float(convert(secs, "秒", unit))
    m = _VALUE_RE.match(text)
    if not m:
        raise ValueParseError(_expected(value, unit))
    try:
        number = Decimal(m["num"])
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueParseError(_expected(value, unit)) from exc
    got = m["unit"] or ""
    if got.lower() in ("s", "h", "min"):
        got = got.lower()
    if unit == "%" and got != "%":
        if got:
            raise ValueParseError(f"数值 {value!r} 的单位「{got}」不是百分比 / unit {got!r} is not a percentage")
        # bare number in a percent field: |x| <= 1 is a fraction, else percentage points
        return float(number) if abs(number) <= 1 else float(number / 100)  # exact decimal, as vocab.percent_of_bare
    if got == "%" and unit != "%":
        if dimension(unit) in ("", "count", "points"):
            raise ValueParseError(f"数值 {value!r} 是百分比，但此处需要{unit or '数字'} / a percentage where a number is expected")
    return to_float(convert(number, got, unit, where=f"数值 {value!r}: "), unit)


#: the largest magnitude a value read may have: a value at or beyond it is refused by every rule
#: (engine, sheet, add-in alike) — Excel keeps 15 significant digits, so 10^15 is where a typed whole
#: number stops being exact, and with inputs below it no rule's arithmetic can overflow (a count of
#: 1e308 made the engine's sums ∞ where the sheet showed an error)
MAX_MAGNITUDE = 1e15
#: the sheet's comparison as LibreOffice computes it (rtl::math::approxEqual): two numbers within a
#: relative 2^-48 are equal, unless both and their difference are whole numbers a double holds exactly
_E48 = 2.0**-48


def too_large(values: np.ndarray) -> np.ndarray:
    """Mask of the values the rules refuse as too large: ``|x| < 1E15`` is false in the sheet.

    This is LibreOffice's ``ABS(x)<1E15`` exactly, its approximate comparison included: a
    fraction within a few units of 10^15 (999999999999999.5) compares equal to it there and is
    refused, while the whole number 999999999999999 is below it (checked against LibreOffice in
    tests/test_typed_values.py). NaN (a blank) is never too large."""
    a = np.abs(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        over = a >= MAX_MAGNITUDE
        d = MAX_MAGNITUDE - a
        near = (d > 0) & (d < a * _E48)  # (a < 10^15 here: the tighter of LibreOffice's two bounds)
    if near.any():  # whole numbers (and their whole difference to 10^15) compare exactly
        near &= ~((a == np.floor(a)) & (d == np.floor(d)))
    return over | near


#: the smallest magnitude a divisor may have, but 0: a quotient of a value read by it stays below
#: 1E30, so no rule's arithmetic overflows (a denominator of 1e-300 made the engine's ratio ∞, scored
#: as the top band, where the sheet's division failed)
MIN_DIVISOR = 1 / MAX_MAGNITUDE


def too_small_divisor(values: np.ndarray) -> np.ndarray:
    """Mask of the values a rule refuses as a divisor, 0 aside: ``ABS(x)>=1E-15`` is false in the
    sheet, its approximate comparison included (a value within a relative 2^-48 below 1E-15 is
    equal to it there, so accepted). Zero and NaN are never too small."""
    a = np.abs(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        d = MIN_DIVISOR - a
        return (a > 0) & (d > 0) & ~(d < a * _E48)


def too_large_one(x: float) -> bool:
    """:func:`too_large` of one value (the add-in's per-cell path): numpy only near the bound."""
    return not abs(x) < 0.999 * MAX_MAGNITUDE and bool(too_large(np.array([x]))[0])


def none_is_zero(unit: str) -> bool:
    """Whether 无/没有/零 mean 0 in a field of ``unit``: in a count, a unitless number or a percentage."""
    return dimension(unit) in ("count", "") or unit == "%"


def typed_units(unit: str) -> list[tuple[str, int, int]]:
    """Every unit word the engine reads after a number in a field of ``unit``, with the exact
    factor to the field's value as ``(word, times, over)``, applied in the engine's order
    (``1.5小时`` in 秒: 1.5 × 3600 / 1; ``88%`` in %: 88 × 1 / 100). The bare number (``""``)
    comes first, as ``(1, 1)`` (in a percent field it follows the percent convention instead).
    Found by asking :func:`parse_value` itself, so the workbook's reader
    (:func:`kpixl.xl.excel_read`) reads exactly the engine's units."""
    out = []
    for u in ["", *UNIT_NAMES]:
        try:
            parse_value(f"1{u}", unit)
        except ValueParseError:
            continue
        times, over = (1, 1) if u in ("", unit) or not unit else (int(factor(u)), int(factor(unit)))
        out.append((u, times, over * (100 if unit == "%" and u else 1)))
    return out


def _what(unit: str) -> str:
    return {"%": "百分比，如 88% 或 0.88", "": "数字"}.get(unit, f"数字，单位{unit}")


def _expected(value: object, unit: str) -> str:
    return f"无法识别的数值 {value!r}（应为{_what(unit)}）/ unreadable value {value!r}, expected a number{f' in {unit}' if unit else ''}"


def _bool_message(value: object, unit: str) -> str:
    try:
        parse_value(bool(value), unit)
    except ValueParseError as exc:
        return str(exc)
    return ""  # pragma: no cover - parse_value always refuses a bool


@dataclass(frozen=True)
class ColumnParse:
    """A parsed column: floats (nan = missing) and the rows (0-based) that could not be read."""

    values: np.ndarray
    bad_rows: np.ndarray
    messages: dict[int, str]


def parse_column(series: pd.Series, unit: str = "") -> ColumnParse:
    """Parse a whole column at once: numeric columns in one numpy step, text columns
    once per distinct value (a roster has few distinct spellings), never per row."""
    if pd.api.types.is_bool_dtype(series.dtype):  # TRUE/FALSE cells: not numbers (see parse_value)
        bad = np.flatnonzero(series.notna().to_numpy())
        values = np.full(len(series), np.nan)
        return ColumnParse(values, bad, {int(i): _bool_message(series.iloc[int(i)], unit) for i in bad})
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        bad = np.flatnonzero(np.isinf(values))
        if unit == "%":
            values = percent_of_bare_array(values)
        if bad.size:
            values = values.copy()
            values[bad] = np.nan
        return ColumnParse(values, bad, {int(i): _expected(series.iloc[i], unit) for i in bad})
    return parse_unique(series, lambda raw: parse_value(raw, unit))


def distinct_values(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The column's distinct values (objects) and each row's code into them, -1 for a blank cell:
    what every per-spelling reading of a column starts from."""
    if isinstance(series.dtype, pd.CategoricalDtype):  # already one code per distinct value
        return series.cat.codes.to_numpy().astype(np.intp), series.cat.categories.to_numpy(dtype=object)
    if str(getattr(series.dtype, "storage", "")).startswith("pyarrow"):
        # pandas' text dtype when pyarrow is installed: arrow's dictionary encoding, in C++ (six
        # times faster than making a Python string of every cell to factorise)
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes.astype(np.intp, copy=False), np.asarray(uniques, dtype=object)
    # an object array factorises faster than a Python-backed pandas string column, with the same values
    return pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)


def parse_unique(series: pd.Series, read: Callable[[object], float]) -> ColumnParse:
    """A column read once per distinct value with ``read`` (a roster has few distinct spellings);
    a value ``read`` refuses is reported by row, never turned into a number."""
    codes, uniques = distinct_values(series)
    parsed = np.empty(len(uniques) + 1, dtype=float)
    parsed[-1] = np.nan  # code -1 (NA) → missing
    errors: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        try:
            parsed[k] = read(raw)
        except ValueParseError as exc:
            parsed[k] = np.nan
            errors[k] = str(exc)
    values = parsed[codes]
    if not errors:
        return ColumnParse(values, np.empty(0, dtype=np.intp), {})
    bad = np.flatnonzero(np.isin(codes, np.fromiter(errors, dtype=np.intp)))
    return ColumnParse(values, bad, {int(i): errors[int(codes[i])] for i in bad})


def decimal_of(x: float) -> Decimal:
    """The shortest decimal that reads back as the same double (``0.1`` not ``0.1000…055``)."""
    return Decimal(repr(float(x)))


@lru_cache(maxsize=8192)
def fmt_quantity(x: float, unit: str = "") -> str:
    """A threshold or value in its unit, exactly: 0.9 with ``%`` → ``90%``; 30 ``秒`` → ``30秒``."""
    if x != x:
        return "空"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    d = decimal_of(x) * 100 if unit == "%" else decimal_of(x)
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"{text}{unit}"
