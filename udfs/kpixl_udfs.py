"""kpixl 的 Excel 加载项 / the kpixl add-in for Excel (xlwings).

One module for every xlwings runtime: classic xlwings (Windows/macOS Excel with the
xlwings add-in: "Import Functions", RunPython), xlwings Server / Office.js and xlwings Lite
(``import xlwings as xw`` gives each runtime its own ``func``/``script`` decorators).
Everything here is a thin wrapper over :mod:`kpixl.addin`, which holds the logic.

Excel shows the functions upper-case: =KPI_SCORE(B5, "≤30秒(5分);30-60秒(3分);>60秒(1分)").
"""

from __future__ import annotations

import xlwings as xw

from kpixl import addin

# ----------------------------------------------------------------------------- functions


@xw.func
@xw.arg("value", ndim=2, doc="实际值（单元格或区域）/ a value or a range")
@xw.arg("rule", doc="评分标准，如 ≤30秒(5分);30-60秒(3分);>60秒(1分)")
@xw.arg("max_points", doc="该项满分（扣分类规则需要）/ full points, for deductions")
def kpi_score(value, rule, max_points=None):
    """按评分标准计算得分；区域进、同形状区域出 / points under rubric text."""
    return addin.kpi_score(value, rule, max_points)


@xw.func
@xw.arg("value", ndim=2, doc="实际值 / a value or a range")
@xw.arg("rule", doc="评分标准 / rubric text")
@xw.arg("max_points", doc="该项满分 / full points")
def kpi_explain(value, rule, max_points=None):
    """用一句话解释得分 / the sentence that explains a score."""
    return addin.kpi_explain(value, rule, max_points)


@xw.func
@xw.arg("rule", doc="评分标准 / rubric text")
@xw.arg("max_points", doc="该项满分 / full points")
def kpi_rule(rule, max_points=None):
    """kpixl 对评分标准的理解（规范写法），或其中的错误 / the canonical reading, or the error."""
    return addin.kpi_rule(rule, max_points)


@xw.func
@xw.arg("total", ndim=2, doc="总分 / total(s)")
@xw.arg("tiers", ndim=2, doc="等级表（等级、下限、系数）或方案 id / tier range or scheme id")
def kpi_grade(total, tiers=None):
    """总分对应的等级 / the grade of a total."""
    return addin.kpi_grade(total, _id_or_range(tiers))


@xw.func
@xw.arg("total", ndim=2, doc="总分 / total(s)")
@xw.arg("tiers", ndim=2, doc="等级表或方案 id / tier range or scheme id")
def kpi_coef(total, tiers=None):
    """总分对应的奖金系数 / the bonus coefficient of a total."""
    return addin.kpi_coef(total, _id_or_range(tiers))


@xw.func
@xw.arg("ratings", ndim=2, doc="各评价人的评分（每行一人）/ one row of ratings per person")
@xw.arg("weights", ndim=2, doc="评价人权重，如 15%,60%,25% / rater weights")
def kpi_blend(ratings, weights):
    """按评价人权重加权（缺评自动归一）/ rater-weighted score."""
    return addin.kpi_blend(ratings, weights)


@xw.func
@xw.arg("ratings", ndim=2, doc="各评价人的评分 / ratings")
@xw.arg("threshold", doc="相差阈值，默认 20% / threshold")
def kpi_calibrate(ratings, threshold=0.2, scale_min=1, scale_max=5):
    """评价人相差 ≥ 阈值 × 分值范围时返回「需校准」/ the calibration flag."""
    return addin.kpi_calibrate(ratings, threshold, scale_min, scale_max)


@xw.func
@xw.arg("roster", ndim=2, doc="名单区域（含表头）/ roster range with its header row")
@xw.arg("scheme", doc="方案 id / scheme id")
@xw.arg("library", ndim=2, doc="可选：本工作簿的指标库区域 / optional 指标库 range")
@xw.arg("grades", ndim=2, doc="可选：等级系数区域 / optional 等级系数 range")
def kpi_team(roster, scheme, library=None, grades=None):
    """整个名单一次评分，结果表作为动态数组溢出 / score a whole roster; the results spill."""
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
