"""Rosters for parity tests: values on every edge of every rule (each kind's own
``edge_values``), and drawn values.

Values are what a person types into a validated cell: numbers in the indicator's unit
(percentages as fractions, sometimes as points like 88), labels for levels and yes/no.
"""

from __future__ import annotations

import math
import random

from kpixl import Scheme


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
                    cand = rule.edge_values(f)
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
            row[v.column] = rng.choice([*v.rule.edge_values(), None])
        for a in scheme.adjustments:
            for h in a.columns():
                row[h] = rng.choice([None, 0, 1, 2])
        rows.append(row)
    return rows
