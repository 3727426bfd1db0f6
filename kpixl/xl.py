"""Excel formula text: the primitives every rule kind writes its native formula with.

Formulas use only functions that Excel 2010, WPS and LibreOffice 7.4 all have
(:data:`FUNCTIONS`; no XLOOKUP, LET, IFS or dynamic arrays). A value the engine would
reject gives ``#N/A`` (visible, never a silent 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from .units import dimension, factor, none_is_zero, typed_units
from .vocab import BLANK_NAME, BLANK_OR_NONE_NAME, NONE_NAME, excel_is_word, excel_percent, excel_word_names

#: Every function a generated formula may use: in Excel 2010, WPS and LibreOffice 7.4 alike.
FUNCTIONS = frozenset(
    {
        "ABS", "AND", "COUNTA", "COUNTIF", "IF", "INDEX", "INT", "ISNUMBER", "MATCH", "MAX", "MIN",
        "MID", "NA", "NOT", "OR", "RANK", "ROUND", "ROUNDDOWN", "ROUNDUP", "SUM", "SUMPRODUCT", "ISERROR", "LEN",
        "TRIM", "ASC", "CELL", "IFERROR", "LEFT", "LOOKUP", "RIGHT", "SUBSTITUTE",
    }
)  # fmt: skip

#: A rule's editable parameter (by key) → the formula text that reads it (a defined name).
ParamRef = Callable[[str], str]
NA = "NA()"


def literal(x: float) -> str:
    """A number as a formula literal (shortest round-trip form, no trailing .0)."""
    if x != x or math.isinf(x):
        raise ValueError(f"not a finite number: {x}")
    text = repr(float(x))
    if text.endswith(".0"):
        text = text[:-2]
    return text.upper()  # 1e-05 → 1E-05


def text_literal(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def guard(cond: str, value: str) -> str:
    """``value`` where ``cond`` holds, else #N/A."""
    return f"IF({cond},{value},NA())"


def clip(expr: str, floor: str | None, cap: str | None) -> str:
    """``expr`` kept within [floor, cap] (either may be absent)."""
    if floor is not None:
        expr = f"MAX({expr},{floor})"
    if cap is not None:
        expr = f"MIN({expr},{cap})"
    return expr


def excel_number(ref: str, unit: str = "") -> str:
    """The value read into ``ref`` (by :func:`excel_read`) as a number, or #N/A."""
    return guard(f"ISNUMBER({ref})", ref)


# ----------------------------------------------------------------------------- reading typed cells
#: the characters of a plain number's text (and the space people leave before a unit)
DIGITS_NAME = "kp_d"
_DIGITS = '{"0","1","2","3","4","5","6","7","8","9","."," "}'


def _unit_key(unit: str) -> str:
    """The name of a field's unit words: one per kind of quantity (time, count …) — the words are the same
    for every unit of a kind; ``kpux`` for a unit the engine reads no unit word in."""
    kind = dimension(unit) or ("n" if not unit else "x")
    return f"kpu{kind[0] if unit != '%' else 'pc'}"


def _factor_key(unit: str) -> str:
    """The names of a field's unit factors (they depend on the field's own unit)."""
    return f"{_unit_key(unit)}{int(factor(unit)) if unit and unit != '%' else ''}"


def reader_names(units: set[str]) -> dict[str, str]:
    """The defined names (→ array constants) that :func:`excel_read` and :func:`excel_readable` use
    for fields of ``units``: the word lists, the digits, and per unit the unit words with their factors
    (from :func:`kpixl.units.typed_units`, the engine's own table)."""
    out = {**excel_word_names(), DIGITS_NAME: _DIGITS}
    for unit in sorted(units):
        table = typed_units(unit)
        words, key = _unit_key(unit), _factor_key(unit)
        text = "{" + ",".join(text_literal(u) for u, _, _ in table) + "}"
        if out.setdefault(words, text) != text:  # pragma: no cover - one list per kind of quantity
            raise ValueError(f"unit words of {unit!r} differ from those of its kind")
        out[key + "_t"] = "{" + ",".join(str(t) for _, t, _ in table) + "}"
        out[key + "_o"] = "{" + ",".join(str(o) for _, _, o in table) + "}"
    return out


def _with_unit(text: str, unit: str, factors: bool = True) -> str:
    """A number followed by one unit word of the field (or none): the number in the field's unit,
    else #N/A. The text before the unit must be digits, one point and spaces only (``1,000``,
    ``1e3``, ``1/2``, ``-5`` are not read), and a number Excel reads. (No sign: the number is ≥ 0,
    so LOOKUP finds it below 1E300 — or, negated as the validation has it, below 1.)"""
    u, f = _unit_key(unit), _factor_key(unit)
    # the text before the unit holds only digits, points and spaces: LEN(text) - LEN(unit) of them,
    # counted as Σ over those 12 characters of LEN(SUBSTITUTE(text, c, "")) = 12·LEN(text) - count
    plain = f'SUMPRODUCT(LEN(SUBSTITUTE({text},{DIGITS_NAME},"")))=11*LEN({text})+LEN({u})'
    number = f'SUBSTITUTE({text},{u},"")'  # the unit word is then the text's end, and only there
    value = f"1E300,{number}*{f}_t/{f}_o" if factors else f"1,-{number}"
    return f"LOOKUP({value}/(RIGHT({text},LEN({u}))={u})/({plain}))"


_PERCENT_FORMAT = 'LEFT(CELL("format",{cell}))="P"'  # a percent number format, in Excel and LibreOffice


def excel_read(cell: str, unit: str) -> str:
    """What a person typed in ``cell`` (a field in ``unit``) as the engine reads it
    (:func:`kpixl.units.parse_value`): ``""`` for a blank or a blank word, the number, or #N/A.

    A number is itself; in a percent field it follows the percent convention unless the cell is
    percent-formatted (what the person sees, 105%, is what it means); a percent-formatted number in
    any other field is refused, as the engine refuses ``105%`` there. Text: a number with one unit
    word of the field (``28秒``, ``1.5小时``, ``88%``, ``５次``: full-width folded by ASC), or 无/没有/零
    (0) in a count."""
    t = f"ASC({cell})"
    fmt_pct = _PERCENT_FORMAT.format(cell=cell)
    if unit == "%":
        number = f"IF({fmt_pct},{cell},{excel_percent(cell)})"
        read = _with_unit(t, unit)
        text = f'IF(RIGHT({t})="%",{read},{excel_percent(read)})'
    else:
        number = f"IF({fmt_pct},NA(),{cell})"
        text = _with_unit(t, unit)
    if none_is_zero(unit):
        text = f"IF({excel_is_word(t, NONE_NAME)},0,{text})"
    return f'IF({excel_is_word(t, BLANK_NAME)},"",IF(ISNUMBER({cell}),{number},{text}))'


def excel_readable(cell: str, unit: str) -> str:
    """TRUE exactly where :func:`excel_read` gives a number or a blank: the data validation of an
    input cell (Excel takes at most 255 characters there)."""
    t = f"ASC({cell})"
    words = BLANK_OR_NONE_NAME if none_is_zero(unit) else BLANK_NAME
    number = "TRUE" if unit == "%" else f'LEFT(CELL("format",{cell}))<>"P"'
    return f"IF(ISNUMBER({cell}),{number},OR({t}={words},ISNUMBER({_with_unit(t, unit, factors=False)})))"


def all_of(conds: list[str]) -> str:
    return conds[0] if len(conds) == 1 else f"AND({','.join(conds)})"


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls (text in quotes ignored)."""
    bare = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    return set(re.findall(r"([A-Z][A-Z0-9.]*)\(", bare))
