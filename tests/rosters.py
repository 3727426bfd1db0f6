"""Rosters for parity tests: values on every edge of every rule, and drawn values.

Values are what a person types into a validated cell: numbers in the indicator's unit
(percentages as fractions, sometimes as points like 88), labels for levels and yes/no.
"""

from __future__ import annotations

import math
import random

from kpixl import Scheme
from kpixl.rules import (
    BandRule,
    ChecklistRule,
    ChoiceRule,
    CounterRule,
    PerUnitRule,
    RatioRule,
    Rule,
    ScaleRule,
    SteppedRule,
    VetoRule,
)


def _edges(rule: BandRule) -> list[float]:
    out = set()
    for b in rule.bands:
        for e in (b.lo, b.hi):
            if math.isfinite(e):
                out.add(e)
    return sorted(out)


def _near(edges: list[float], unit: str, lo: float) -> list[float]:
    eps = 0.001 if unit == "%" else 1.0
    vals = set()
    for e in edges:
        for v in (e - eps, e, e + eps):
            if v >= lo:
                vals.add(round(v, 6))
    return sorted(vals) or [0.0]


def field_values(rule: Rule, field: str) -> list[object]:
    """Boundary candidates for one input field of ``rule`` (all valid for the engine)."""
    if isinstance(rule, BandRule):
        return _near(_edges(rule), rule.unit, rule.domain_lo if rule.domain_lo > -math.inf else -1e9)
    if isinstance(rule, ScaleRule):
        n = int((rule.hi - rule.lo) * 2)
        return [rule.lo + k / 2 for k in range(n + 1)]
    if isinstance(rule, ChoiceRule):
        return [o.label for o in rule.options] + [o.key for o in rule.options if rule.style == "level"]
    if isinstance(rule, CounterRule):
        return [0, 1, 2, 3, 5, 8, 20]
    if isinstance(rule, PerUnitRule):
        return [max(0.0, rule.target + k * rule.step) for k in (-30, -5, -1, 0, 1, 2, 5, 30)]
    if isinstance(rule, SteppedRule):
        vals = [rule.limit + k * rule.step / 2 * (1 if rule.above else -1) for k in range(-2, 9)]
        return [round(v, 6) for v in vals if v >= 0]
    if isinstance(rule, ChecklistRule):
        return ["是", "否"] if rule.items else [0, 1, 2, 3]
    if isinstance(rule, RatioRule):
        return [100] if field != rule.numerator else [0, 50, 100, 120]
    if isinstance(rule, VetoRule):
        t = rule.require_threshold()
        eps = 0.01 if rule.unit == "%" else 1
        return [v for v in (t - eps, t, t + eps) if v >= 0]
    raise TypeError(type(rule).__name__)


def ratio_numerators(rule: RatioRule, den: float = 200) -> list[float]:
    """Numerators that put the ratio exactly on, and just beside, every edge of the inner rule."""
    inner = rule.inner
    if not isinstance(inner, BandRule):
        return [0, den / 2, den]
    out = set()
    for e in _edges(inner):
        for v in (e * den - 1, e * den, e * den + 1):
            if v >= 0:
                out.add(round(v, 6))
    return sorted(out)


def _pct_as_typed(v: object, rng: random.Random) -> object:
    """A fraction sometimes typed as points (88 for 88%), as people do."""
    if isinstance(v, float | int) and not isinstance(v, bool) and 1 < v * 100 <= 100 and rng.random() < 0.3:
        return round(v * 100, 4)
    return v


def make_rows(scheme: Scheme, n: int, rng: random.Random, *, blank: float = 0.08, override: float = 0.05) -> list[dict]:
    """``n`` roster rows; each input cycles through its boundary values or is drawn from them."""
    rows = []
    for k in range(n):
        row: dict[str, object] = {"工号": f"E{k + 1:04d}", "姓名": f"员工{k + 1}"}
        for ind in scheme.indicators:
            rule = ind.rule
            for rater in ind.raters or (None,):
                cols = ind.columns(rater)
                for f, h in zip(rule.fields, cols, strict=True):
                    if isinstance(rule, RatioRule) and f == rule.numerator:
                        cand = ratio_numerators(rule)
                    elif isinstance(rule, RatioRule):
                        cand = [200]
                    else:
                        cand = field_values(rule, f)
                    v = cand[(k + rng.randrange(3)) % len(cand)] if rng.random() < 0.5 else rng.choice(cand)
                    if rule.input_unit(f) == "%":
                        v = _pct_as_typed(v, rng)
                    if rng.random() < blank:
                        v = None
                    row[h] = v
            if rng.random() < override:
                lo = rule.lowest if math.isfinite(rule.lowest) else 0
                row[ind.override_column] = rng.choice([lo, rule.full, round((lo + rule.full) / 2, 1)])
        for v in scheme.vetoes:
            row[v.column] = rng.choice([*field_values(v.rule, ""), None])
        for a in scheme.adjustments:
            for h in a.columns():
                row[h] = rng.choice([None, 0, 1, 2])
        rows.append(row)
    return rows
