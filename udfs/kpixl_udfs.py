"""kpixl 的 Excel 加载项 / the kpixl add-in for Excel (xlwings).

One module for every xlwings runtime: classic xlwings (Windows/macOS Excel with the
xlwings add-in: "Import Functions", RunPython), xlwings Server / Office.js and xlwings Lite
(``import xlwings as xw`` gives each runtime its own ``func``/``script`` decorators).
Everything here is a thin wrapper over :mod:`kpixl.addin`, which holds the logic.

Excel shows the functions upper-case: =KPI_SCORE(B5, "≤30秒(5分);30-60秒(3分);>60秒(1分)").

Function names, argument names and their descriptions are ASCII on purpose: classic xlwings'
"Import Functions" writes them into a VBA module, and non-ASCII text there is what breaks on
Chinese-locale Windows (code page 936; see xlwings issues #2335, #2563). Chinese help is in
docs/addin.md. Script names are Chinese for xlwings Lite's buttons, with ASCII aliases below for
VBA's RunPython.
"""

from __future__ import annotations

import xlwings as xw

from kpixl import addin

# ----------------------------------------------------------------------------- functions


@xw.func
@xw.arg("value", ndim=2, doc="a value or a range of values")
@xw.arg("rule", doc="rubric text, e.g. <=30s(5);30-60s(3);>60s(1)")
@xw.arg("max_points", doc="full points of the item, for deductions")
def kpi_score(value, rule, max_points=None):
    """Points of a value (or of each value of a range) under rubric text."""
    return addin.kpi_score(value, rule, max_points)


@xw.func
@xw.arg("value", ndim=2, doc="a value or a range of values")
@xw.arg("rule", doc="rubric text, e.g. <=30s(5);30-60s(3);>60s(1)")
@xw.arg("max_points", doc="full points of the item, for deductions")
def kpi_explain(value, rule, max_points=None):
    """The sentence that explains the score of a value."""
    return addin.kpi_explain(value, rule, max_points)


@xw.func
@xw.arg("rule", doc="rubric text, e.g. <=30s(5);30-60s(3);>60s(1)")
@xw.arg("max_points", doc="full points of the item, for deductions")
def kpi_rule(rule, max_points=None):
    """How kpixl reads rubric text (canonical form), or what is wrong with it."""
    return addin.kpi_rule(rule, max_points)


@xw.func
@xw.arg("total", ndim=2, doc="a total or a range of totals")
@xw.arg("tiers", ndim=2, doc="tier range (grade, lower bound, coefficient) or a scheme id")
def kpi_grade(total, tiers=None):
    """The grade of a total."""
    return addin.kpi_grade(total, _id_or_range(tiers))


@xw.func
@xw.arg("total", ndim=2, doc="a total or a range of totals")
@xw.arg("tiers", ndim=2, doc="tier range (grade, lower bound, coefficient) or a scheme id")
def kpi_coef(total, tiers=None):
    """The bonus coefficient of a total."""
    return addin.kpi_coef(total, _id_or_range(tiers))


@xw.func
@xw.arg("ratings", ndim=2, doc="one row of ratings per person, one column per rater")
@xw.arg("weights", ndim=2, doc="rater weights, e.g. 15%, 60%, 25%")
def kpi_blend(ratings, weights):
    """Rater-weighted score; a blank rating is left out and the weights renormalised."""
    return addin.kpi_blend(ratings, weights)


@xw.func
@xw.arg("ratings", ndim=2, doc="one row of ratings per person")
@xw.arg("threshold", doc="share of the scale range, default 20%")
@xw.arg("scale_min", doc="the indicator's rubric text, or the scale's lowest points")
@xw.arg("scale_max", doc="the scale's highest points (blank when scale_min is rubric text)")
def kpi_calibrate(ratings, threshold=None, scale_min=None, scale_max=None):
    """The calibration flag when two raters differ by at least threshold x the scale range."""
    return addin.kpi_calibrate(ratings, threshold, scale_min, scale_max)


@xw.func
@xw.arg("roster", ndim=2, doc="roster range with its header row")
@xw.arg("scheme", doc="built-in scheme id")
@xw.arg("library", ndim=2, doc="optional: this workbook's indicator library range")
@xw.arg("grades", ndim=2, doc="optional: this workbook's grade table range")
def kpi_team(roster, scheme, library=None, grades=None):
    """Score a whole roster in one call; the results table spills."""
    return addin.kpi_team(roster, scheme, library, grades)


def _id_or_range(tiers):
    """A single cell holding a scheme id arrives as [[id]] under ndim=2."""
    if isinstance(tiers, list) and len(tiers) == 1 and len(tiers[0]) == 1 and isinstance(tiers[0][0], str):
        return tiers[0][0]
    return tiers


# ----------------------------------------------------------------------------- scripts
# Each is also a CLI verb: kpixl forms / score / payout / check.


@xw.script
def 生成个人考核表(book: xw.Book):
    """为名单中每个人生成预填的个人考核表（kpixl forms）。"""
    return addin.forms_book(book)


@xw.script
def 汇总评分(book: xw.Book):
    """给「团队汇总」评分，写出评分结果和等级分布图（kpixl score）。"""
    return addin.score_book(book)


@xw.script
def 导出奖金系数(book: xw.Book):
    """导出奖金系数表给财务（kpixl payout）。"""
    return addin.payout_book(book)


@xw.script
def 校验(book: xw.Book):
    """重新计算并在「问题清单」列出所有问题（kpixl check）。"""
    return addin.audit_book(book)


# ASCII names for VBA's RunPython, which Chinese Windows code pages can garble (xlwings #2563, #2335):
#   RunPython "import kpixl_udfs; kpixl_udfs.score_team()"
def _caller():
    return xw.Book.caller()


def make_forms():
    addin.forms_book(_caller())


def score_team():
    addin.score_book(_caller())


def export_payout():
    addin.payout_book(_caller())


def audit():
    addin.audit_book(_caller())
