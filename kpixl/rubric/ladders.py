"""Ladders written as thresholds: ``95分以上15分,90分以上10分,85分以上5分,85分以下不得分``.

Each step is a one-sided threshold; a value scores the highest step it reaches (so ``≥90`` means
90 ≤ x < 95 beside ``≥95``), and the clause on the other side of the lowest step (``85分以下``)
is what reaches no step: it takes the values the lowest step leaves (x < 85). Points must rise
step by step, else the text is not a ladder and the overlap stays an error.

Bonus or deduction steps (``5个及以上加4分,3-4个加2分``) score 0 below the lowest step, and
whole counts (个, 次, …) make ``3-4个`` and ``5个及以上`` adjacent (x ≤ 4 is x < 5).
"""

from __future__ import annotations

import itertools
import math

from ..units import COUNT_UNITS

INF = math.inf
# a raw band: [cond, lo, lo_closed, hi, hi_closed, lo_explicit, hi_explicit, exact, points]
LO, LO_C, HI, HI_C, LO_X, HI_X, EXACT, PTS = 1, 2, 3, 4, 5, 6, 7, 8


def _rising(points: list[float], verbs: list[str]) -> bool:
    """Steps from the farthest threshold: points all falling, or all rising for deductions (扣)."""
    pairs = list(itertools.pairwise(points))
    if verbs and all(v == "扣" for v in verbs):
        return all(a < b for a, b in pairs)
    return all(a > b for a, b in pairs)


def as_ladder(raw: list[list], verbs: list[str], unit: str) -> list[list]:
    """The bands of a threshold ladder, or ``raw`` unchanged when the text is not one."""
    ups = [r for r in raw if r[HI] == INF and r[LO] > -INF and not r[EXACT]]
    downs = [r for r in raw if r[LO] == -INF and r[HI] < INF and not r[EXACT]]
    if len(ups) >= 2 and len(downs) <= 1 and len(ups) + len(downs) == len(raw):
        steps = sorted(ups, key=lambda r: -r[LO])  # best first
        if not _rising([r[PTS] for r in steps], verbs) or len({r[LO] for r in steps}) != len(steps):
            return raw
        for prev, r in itertools.pairwise(steps):
            r[HI], r[HI_C], r[HI_X] = prev[LO], not prev[LO_C], True
        for d in downs:
            if d[HI] == steps[-1][LO]:
                d[HI_C] = not steps[-1][LO_C]
        return raw
    if len(downs) >= 2 and len(ups) <= 1 and len(ups) + len(downs) == len(raw):
        steps = sorted(downs, key=lambda r: r[HI])
        if not _rising([r[PTS] for r in steps], verbs) or len({r[HI] for r in steps}) != len(steps):
            return raw
        for prev, r in itertools.pairwise(steps):
            r[LO], r[LO_C], r[LO_X] = prev[HI], not prev[HI_C], True
        for u in ups:
            if u[LO] == steps[-1][HI]:
                u[LO_C] = not steps[-1][HI_C]
        return raw
    return raw


def whole_counts(raw: list[list], unit: str) -> None:
    """Whole counts have nothing between 4 and 5: a band ending at 4 (``3-4个``, ``≤4次``, ``4次``)
    beside a band starting at 5 runs up to (not including) 5."""
    if unit not in COUNT_UNITS:
        return
    starts = {r[LO] for r in raw if r[LO] > -INF and (r[LO_C] or r[EXACT])}
    for r in raw:
        closed_end = r[EXACT] or (r[HI] < INF and (r[HI_C] or not r[HI_X]))
        if closed_end and r[HI] + 1 in starts:
            r[HI], r[HI_C], r[HI_X], r[EXACT] = r[HI] + 1, False, True, False
            r[LO_X] = True if r[LO] > -INF else r[LO_X]


def bonus_remainder(raw: list[list], verbs: list[str], domain: float) -> list[list]:
    """Steps that all add (加) or all deduct (扣) score 0 below the lowest step (and above the
    highest step of a deduction ladder written downwards)."""
    if not verbs or any(v == "" for v in verbs) or len(set(verbs)) != 1:
        return raw
    lows = [r for r in raw if not r[EXACT]]
    if not lows or any(r[LO] == -INF for r in lows):
        return raw
    bottom = min(lows, key=lambda r: (r[LO], not r[LO_C]))
    if bottom[LO] > domain:
        raw.append([f"<{bottom[LO]:g}", domain, True, bottom[LO], not bottom[LO_C], True, True, False, 0.0])
    return raw
