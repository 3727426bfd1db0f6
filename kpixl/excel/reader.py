"""Read a scheme back from a workbook's 指标库 and 等级系数 sheets (the round trip).

HR edits weights, thresholds, points, tiers and coefficients in Excel; this applies the
edited numbers to the scheme the workbook was built from (its id is the workbook's
identifier property) and validates the result as a scheme file would be validated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl

from ..errors import RuleError, SchemeError
from ..rules.base import parameter_problem
from ..safe import open_package
from ..scheme import GradeTier, Scheme, check_weight_sums
from .names import GRADES, LIBRARY, SCHEME, SCHEME_VERSION


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(f"{where}: 应为数字，实际为 {value!r} / expected a number")
    x = float(value) if isinstance(value, float) or abs(value) < 2**1000 else math.inf
    problem = parameter_problem(x, value)
    if problem:
        raise SchemeError(f"{where}: {problem}")
    return x


@dataclass(frozen=True)
class WorkbookTables:
    """What a generated workbook says of its scheme: the id, the YAML it carries (None in a
    workbook from before schemes were carried), and the 指标库 and 等级系数 rows."""

    scheme_id: str
    scheme_text: str | None
    library: list[list]
    grades: list[list]


def carried_text(rows: list[list]) -> str | None:
    """The scheme YAML from the rows of a 方案 sheet (a version line, then one line per row)."""
    if not rows or not rows[0] or rows[0][0] != SCHEME_VERSION:
        return None
    return "\n".join("" if not r or r[0] is None else str(r[0]) for r in rows[1:])


def workbook_tables(path: str | Path) -> WorkbookTables:
    """A generated workbook's scheme id (its identifier property), carried scheme, 指标库 rows and
    等级系数 rows. Which scheme that makes is for :func:`kpixl.sources.read_scheme` to say."""
    open_package(path, str(path)).close()  # the guard every xlsx read goes through (zip bomb, huge sheet)
    wb = openpyxl.load_workbook(path, data_only=False)
    name = Path(path).name
    sid = wb.properties.identifier
    if not sid:
        raise SchemeError(f"{name}: 不是 kpixl 生成的工作簿（没有方案 id）/ not a kpixl workbook")
    if LIBRARY not in wb.sheetnames or GRADES not in wb.sheetnames:
        raise SchemeError(f"{name}: 缺少「{LIBRARY}」或「{GRADES}」工作表 / missing sheets")
    library = [[c.value for c in row] for row in wb[LIBRARY].iter_rows()]
    grades = [[c.value for c in row] for row in wb[GRADES].iter_rows(max_col=3)]
    text = carried_text([[c.value for c in row] for row in wb[SCHEME].iter_rows(max_col=1)]) if SCHEME in wb.sheetnames else None
    return WorkbookTables(sid, text, library, grades)


def scheme_from_tables(base: Scheme, library: list[list], grades: list[list], origin: str = "") -> Scheme:
    """``base`` with the values of a 指标库 table (rows of 部分, 项目, 参数, 数值, 显示, 键) and a
    等级系数 table (rows of 等级, 下限, 系数); header rows and blank rows are skipped."""
    scheme = base
    name = origin or scheme.id
    values: dict[str, float] = {}
    for r, row in enumerate(library, 1):
        row = list(row) + [None] * (6 - len(row))
        key = row[5]
        if isinstance(key, str) and key and key != "键（勿改）":
            values[key] = _number(row[3], f"{name} {LIBRARY} 第{r}行（{row[1]} {row[2]}）")

    def group(prefix: str) -> dict[str, float]:
        return {k[len(prefix) + 1 :]: v for k, v in values.items() if k.startswith(prefix + ".")}

    sections = []
    j = 0
    for si, sec in enumerate(scheme.sections, 1):
        inds = []
        for ind in sec.indicators:
            j += 1
            g = group(f"i{j}")
            rule_values = {k: v for k, v in g.items() if k not in ("weight", "value", "full", "missing")}
            try:
                rule = ind.rule.with_params(rule_values)
            except RuleError as exc:
                raise SchemeError(f"{name} {LIBRARY}「{ind.name}」: {exc}") from None
            inds.append(replace(ind, rule=rule, weight=g.get("weight", ind.weight), points=g.get("value", ind.points)))
        sections.append(replace(sec, indicators=tuple(inds), weight=values.get(f"s{si}.w", sec.weight)))
    check_weight_sums(sections, f"{name} {LIBRARY}")
    adjustments = tuple(replace(a, rule=a.rule.with_params(group(f"a{k}"))) for k, a in enumerate(scheme.adjustments, 1))
    vetoes = tuple(replace(v, rule=v.rule.with_params(group(f"v{k}"))) for k, v in enumerate(scheme.vetoes, 1))
    raters = {r: values.get(f"r{k}.weight", w) for k, (r, w) in enumerate(scheme.raters.items(), 1)}
    tiers = []
    for r, row in enumerate(grades, 1):
        tier, lower, coef = (None if v == "" else v for v in (list(row) + [None] * 3)[:3])
        if tier is None and lower is None:
            if tiers:
                break
            continue
        if r == 1 and not isinstance(lower, int | float):
            continue  # header row
        where = f"{name} {GRADES} 第{r}行"
        tiers.append(GradeTier(str(tier), _number(lower, where), _number(coef, where)))
    if not tiers:
        raise SchemeError(f"{name} {GRADES}: 没有等级 / no grade tiers")
    tiers.sort(key=lambda t: -t.lower)
    return replace(
        scheme,
        sections=tuple(sections),
        adjustments=adjustments,
        vetoes=vetoes,
        raters=raters,
        grades=tuple(tiers),
        total_floor=values.get("total.floor", scheme.total_floor),
        total_cap=values.get("total.cap", scheme.total_cap),
    )
