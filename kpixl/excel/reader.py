"""Read a scheme back from a workbook's 指标库 and 等级系数 sheets (the round trip).

HR edits weights, thresholds, points, tiers and coefficients in Excel; this applies the
edited numbers to the scheme the workbook was built from (its id is the workbook's
identifier property) and validates the result as a scheme file would be validated.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl

from ..errors import RuleError, SchemeError
from ..safe import open_package
from ..scheme import GradeTier, Scheme, _check_sum, load_scheme
from .params import with_params
from .writer import GRADES, LIBRARY


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(f"{where}: 应为数字，实际为 {value!r} / expected a number")
    return float(value)


def read_scheme(path: str | Path, base: Scheme | str | None = None) -> Scheme:
    """The scheme of a generated workbook, with the values of its 指标库 and 等级系数."""
    open_package(path, str(path)).close()  # the guard every xlsx read goes through (zip bomb, huge sheet)
    wb = openpyxl.load_workbook(path, data_only=False)
    name = Path(path).name
    if base is None:
        sid = wb.properties.identifier
        if not sid:
            raise SchemeError(f"{name}: 不是 kpixl 生成的工作簿（没有方案 id）/ not a kpixl workbook")
        base = sid
    if LIBRARY not in wb.sheetnames or GRADES not in wb.sheetnames:
        raise SchemeError(f"{name}: 缺少「{LIBRARY}」或「{GRADES}」工作表 / missing sheets")
    library = [[c.value for c in row] for row in wb[LIBRARY].iter_rows()]
    grades = [[c.value for c in row] for row in wb[GRADES].iter_rows(max_col=3)]
    return scheme_from_tables(base, library, grades, origin=name)


def scheme_from_tables(base: Scheme | str, library: list[list], grades: list[list], origin: str = "") -> Scheme:
    """``base`` with the values of a 指标库 table (rows of 部分, 项目, 参数, 数值, 显示, 键) and a
    等级系数 table (rows of 等级, 下限, 系数); header rows and blank rows are skipped."""
    scheme = load_scheme(base) if isinstance(base, str) else base
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
                rule = with_params(ind.rule, rule_values)
            except RuleError as exc:
                raise SchemeError(f"{name} {LIBRARY}「{ind.name}」: {exc}") from None
            inds.append(replace(ind, rule=rule, weight=g.get("weight", ind.weight), points=g.get("value", ind.points)))
        sections.append(replace(sec, indicators=tuple(inds), weight=values.get(f"s{si}.w", sec.weight)))
    if any(s.weight is not None for s in sections):  # weights within each section, sections weighted
        _check_sum([s.weight or 0 for s in sections], f"{name} {LIBRARY}", "部分权重")
        for s in sections:
            if any(i.weight is not None for i in s.indicators):
                _check_sum([i.weight or 0 for i in s.indicators], f"{name} {LIBRARY}「{s.name}」", "指标权重")
    else:  # a flat scheme: indicator weights over the whole form
        flat = [i.weight for s in sections for i in s.indicators if i.weight is not None]
        if flat:
            _check_sum(flat, f"{name} {LIBRARY}", "指标权重")
    adjustments = tuple(replace(a, rule=with_params(a.rule, group(f"a{k}"))) for k, a in enumerate(scheme.adjustments, 1))
    vetoes = tuple(replace(v, rule=with_params(v.rule, group(f"v{k}"))) for k, v in enumerate(scheme.vetoes, 1))
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
