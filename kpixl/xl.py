"""Excel formula text: the primitives every rule kind writes its native formula with.

Formulas use only functions that Excel 2010, WPS and LibreOffice 7.4 all have
(:data:`FUNCTIONS`; no XLOOKUP, LET, IFS or dynamic arrays). A value the engine would
reject gives ``#N/A`` (visible, never a silent 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from .vocab import excel_percent

#: Every function a generated formula may use: in Excel 2010, WPS and LibreOffice 7.4 alike.
FUNCTIONS = frozenset(
    {
        "ABS", "AND", "COUNTA", "COUNTIF", "IF", "INDEX", "INT", "ISNUMBER", "MATCH", "MAX", "MIN",
        "MID", "NA", "NOT", "OR", "RANK", "ROUND", "ROUNDDOWN", "ROUNDUP", "SUM", "SUMPRODUCT", "ISERROR", "LEN",
        "TRIM",
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


def excel_number(cell: str, unit: str = "") -> str:
    """A number typed in ``cell`` in ``unit`` (a percent cell follows the percent convention), or #N/A."""
    value = excel_percent(cell) if unit == "%" else cell
    return guard(f"ISNUMBER({cell})", value)


def all_of(conds: list[str]) -> str:
    return conds[0] if len(conds) == 1 else f"AND({','.join(conds)})"


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls (text in quotes ignored)."""
    bare = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    return set(re.findall(r"([A-Z][A-Z0-9.]*)\(", bare))
