"""The generated workbooks: native formulas over a scheme, no Python needed to use them.

Sheets, one module each: ``考核表`` (:mod:`.form`, the printed individual form), ``团队汇总``
(:mod:`.team`, one row per person, headed by the roster + result contract), ``指标库`` and
``等级系数`` (:mod:`.library`, the editable numbers read through defined names), ``填写说明``
and ``xlwings.conf`` (:mod:`.guide`). :mod:`.compiler` writes the formulas, :mod:`.workbook`
assembles and saves, :mod:`.reader` reads an edited workbook back as a scheme, :mod:`.forms`
writes one form per person and :mod:`.recalc` drives LibreOffice.
"""

from typing import Any

from .names import CONF, FORM, GRADES, GUIDE, LIBRARY, TEAM, TEAM_ROWS

_LAZY = {"build": ".workbook", "build_workbook": ".workbook", "fill_team": ".workbook", "team_headers": ".team"}


def __getattr__(name: str) -> Any:
    """The writers load on first use, so reading a workbook (:mod:`.reader`) never imports them
    (:mod:`kpixl.sources` reads workbooks, and the writers resolve scheme ids through it)."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)


__all__ = ["CONF", "FORM", "GRADES", "GUIDE", "LIBRARY", "TEAM", "TEAM_ROWS", "build", "build_workbook", "fill_team", "team_headers"]
