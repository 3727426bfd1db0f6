"""The editable numbers of a rule: thresholds, points, penalties, limits.

The workbook writes each parameter into a cell of the ``指标库`` sheet (behind a defined
name) and the compiled formulas read that cell, so HR can change a threshold in Excel and
every total follows. Reading the sheet back applies the edited values to the same rule
with :func:`with_params`, which rebuilds (and so re-validates) the rule. The structure of
a rule (how many bands, which edges are open) is not a parameter: it comes from the
scheme file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..rules import (
    Band,
    BandRule,
    ChecklistRule,
    ChoiceRule,
    Counter,
    CounterRule,
    Option,
    PerUnitRule,
    RatioRule,
    Rule,
    ScaleRule,
    SteppedRule,
    VetoRule,
)
from ..units import fmt_quantity


@dataclass(frozen=True)
class Param:
    key: str  # stable within its rule: "b2.lo", "c1", "floor"
    label: str  # what the 指标库 sheet calls it
    value: float
    unit: str = ""  # "%" values are fractions shown as percentages


def _band_params(rule: BandRule) -> list[Param]:
    out = []
    u = rule.unit
    for i, b in enumerate(rule.bands, 1):
        if b.exact:
            out.append(Param(f"b{i}.v", f"第{i}档 等于", b.lo, u))
        else:
            if b.lo > -math.inf:
                out.append(Param(f"b{i}.lo", f"第{i}档 下限（{'含' if b.lo_closed else '不含'}）", b.lo, u))
            if b.hi < math.inf:
                out.append(Param(f"b{i}.hi", f"第{i}档 上限（{'含' if b.hi_closed else '不含'}）", b.hi, u))
        out.append(Param(f"b{i}.pts", f"第{i}档 得分", b.points))
    return out


def _limits(floor: float | None, cap: float | None) -> list[Param]:
    out = []
    if floor is not None:
        out.append(Param("floor", "最低分", floor))
    if cap is not None:
        out.append(Param("cap", "最高分", cap))
    return out


def rule_params(rule: Rule) -> list[Param]:
    """The editable numbers of ``rule``, in a stable order."""
    if isinstance(rule, BandRule):
        return _band_params(rule)
    if isinstance(rule, ScaleRule):
        return [Param("lo", "最低分", rule.lo), Param("hi", "最高分", rule.hi)]
    if isinstance(rule, ChoiceRule):
        return [Param(f"o{k}.pts", f"{o.label} 得分", o.points) for k, o in enumerate(rule.options, 1)]
    if isinstance(rule, CounterRule):
        out = [Param("base", "基础分", rule.base)]
        for k, c in enumerate(rule.counters, 1):
            out.append(Param(f"c{k}", f"{c.name} 每{rule.unit}{'扣' if c.delta < 0 else '加'}分（负数为扣）", c.delta))
        return out + _limits(rule.floor, rule.cap)
    if isinstance(rule, PerUnitRule):
        u = rule.unit
        out = [
            Param("target", "目标值", rule.target, u),
            Param("base", "达到目标得分", rule.base),
            Param("step", "每档数量", rule.step, u),
            Param("down", "每少一档扣分", rule.down),
            Param("up", "每多一档加分", rule.up),
        ]
        return out + _limits(rule.floor, rule.cap)
    if isinstance(rule, SteppedRule):
        u = rule.unit
        out = [
            Param("limit", "上限" if rule.above else "下限", rule.limit, u),
            Param("step", "每档", rule.step, u),
            Param("penalty", "每档扣分", rule.penalty),
            Param("base", "满分", rule.base),
        ]
        return out + _limits(rule.floor, None)
    if isinstance(rule, ChecklistRule):
        return [Param("full", "满分", rule.full_points), Param("penalty", "每项未满足扣分", rule.penalty), *_limits(rule.floor, None)]
    if isinstance(rule, RatioRule):
        return rule_params(rule.inner)
    if isinstance(rule, VetoRule):
        return [Param("threshold", f"{rule.subject} {rule.op} 阈值", rule.require_threshold(), rule.unit)]
    raise TypeError(f"no parameters known for {type(rule).__name__}")


def with_params(rule: Rule, values: Mapping[str, float]) -> Rule:
    """``rule`` with some parameters changed; the new rule is validated as any rule is."""
    if not values:
        return rule
    v = dict(values)
    get = v.get
    if isinstance(rule, BandRule):
        bands = []
        for i, b in enumerate(rule.bands, 1):
            if b.exact:
                x = get(f"b{i}.v", b.lo)
                bands.append(Band(x, True, x, True, get(f"b{i}.pts", b.points), b.label))
            else:
                bands.append(replace(b, lo=get(f"b{i}.lo", b.lo), hi=get(f"b{i}.hi", b.hi), points=get(f"b{i}.pts", b.points)))
        return replace(rule, bands=tuple(bands))
    if isinstance(rule, ScaleRule):
        return replace(rule, lo=get("lo", rule.lo), hi=get("hi", rule.hi))
    if isinstance(rule, ChoiceRule):
        opts = tuple(Option(o.key, o.label, get(f"o{k}.pts", o.points), o.description) for k, o in enumerate(rule.options, 1))
        return replace(rule, options=opts)
    if isinstance(rule, CounterRule):
        counters = tuple(Counter(c.name, get(f"c{k}", c.delta)) for k, c in enumerate(rule.counters, 1))
        return replace(rule, counters=counters, base=get("base", rule.base), floor=get("floor", rule.floor), cap=get("cap", rule.cap))
    if isinstance(rule, RatioRule):
        return replace(rule, inner=with_params(rule.inner, values))
    if isinstance(rule, ChecklistRule):
        return replace(rule, full_points=get("full", rule.full_points), penalty=get("penalty", rule.penalty), floor=get("floor", rule.floor))
    if isinstance(rule, VetoRule):
        return replace(rule, threshold=get("threshold", rule.threshold))
    if isinstance(rule, PerUnitRule | SteppedRule):
        names = {p.key for p in rule_params(rule)}
        return replace(rule, **{k: val for k, val in v.items() if k in names})
    raise TypeError(f"no parameters known for {type(rule).__name__}")


def show(p: Param) -> str:
    """A parameter as a person reads it: 90%, 30秒, 5."""
    return fmt_quantity(p.value, p.unit if p.unit == "%" else "")
