"""The generated workbooks: native formulas over a scheme, no Python needed to use them.

Sheets, one module each: ``考核表`` (:mod:`.form`, the printed individual form), ``团队汇总``
(:mod:`.team`, one row per person, headed by the roster + result contract), ``指标库`` and
``等级系数`` (:mod:`.library`, the editable numbers read through defined names), ``填写说明``
and ``xlwings.conf`` (:mod:`.guide`). :mod:`.compiler` writes the formulas, :mod:`.workbook`
assembles and saves, :mod:`.reader` reads an edited workbook back as a scheme, :mod:`.forms`
writes one form per person and :mod:`.recalc` drives LibreOffice.
"""

from .names import CONF, FORM, GRADES, GUIDE, LIBRARY, TEAM, TEAM_ROWS
from .team import team_headers
from .workbook import build, build_workbook, fill_team

__all__ = ["CONF", "FORM", "GRADES", "GUIDE", "LIBRARY", "TEAM", "TEAM_ROWS", "build", "build_workbook", "fill_team", "team_headers"]
