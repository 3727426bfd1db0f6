"""Threshold bands: ``≤30秒(5分);30-60秒(3分);>60秒(1分)``, ``≥250 / 250>/≥230 …`` → BandRule."""

from __future__ import annotations

import re

from ..errors import AmbiguousEdgeError, RubricSyntaxError, RuleError
from ..rules import (
    Band,
    BandRule,
    Rule,
)
from ..rules.bands import nonnegative_domain
from ..units import fmt_quantity
from .choices import _parse_labels
from .ladders import as_ladder, bonus_remainder, whole_counts
from .text import (
    INF,
    NUM,
    Interval,
    _err,
    _quantities_unit,
    _value,
    parse_interval,
    split_points_verb,
)


# --------------------------------------------------------------------------- bands
def _parse_bands(segments: list[str], text: str, max_points: float | None) -> Rule:
    items: list[tuple[str, Interval, float]] = []
    stated = [s for s in segments if re.fullmatch(rf"满分\s*{NUM}\s*分", s)]
    segments = [s for s in segments if s not in stated]
    split = [split_points_verb(seg) for seg in segments]
    if not any(re.search(r"\d", cond) for cond, _, _ in split):
        return _parse_labels(segments, text)
    for cond, points, _ in split:
        iv = parse_interval(cond)
        read = 1 if iv.exact else (iv.lo is not None) + (iv.hi is not None)
        if len(re.findall(r"\d+(?:\.\d+)?", cond)) > read:  # a number the interval did not read
            raise RubricSyntaxError(f"未能理解：「{cond}」/ could not read {cond!r}: it holds a number the range does not use")
        items.append((cond, iv, points))
    qs = [q for _, iv, _ in items for q in (iv.lo, iv.hi) if q is not None]
    unit = _quantities_unit(qs)
    for _, iv, _ in items:  # unitless numbers take the rule's unit: "30-60秒" → 30秒
        for q in (iv.lo, iv.hi):
            if q is not None and not q.unit:
                q.unit = unit
    raw = []
    for cond, iv, points in items:
        lo = _value(iv.lo, unit, text) if iv.lo is not None else -INF
        hi = _value(iv.hi, unit, text) if iv.hi is not None else INF
        if lo > hi:
            raise _err(cond, "区间下限大于上限", "the lower bound exceeds the upper bound")
        raw.append([cond, lo, iv.lo_closed, hi, iv.hi_closed, iv.lo_explicit, iv.hi_explicit, iv.exact, points])
    domain = 0.0 if nonnegative_domain(unit) else -INF
    whole_counts(raw, unit)
    verbs = [v for _, _, v in split]
    raw = bonus_remainder(as_ladder(raw, verbs, unit), verbs, domain)
    if max_points is not None and verbs and all(v == "扣" for v in verbs):
        for r in raw:  # deductions from the item's full points
            r[8] += max_points
    # resolve dash-range edges against their neighbours
    for r in raw:
        for side in ("lo", "hi"):
            idx_explicit = 5 if side == "lo" else 6
            if r[idx_explicit]:
                continue
            p = r[1] if side == "lo" else r[3]
            closed = True
            for o in raw:
                if o is r:
                    continue
                if o[7] and o[1] == p:  # an exact band claims p
                    closed = False
                    continue
                touches_lo, touches_hi = o[1] == p, o[3] == p
                if not (touches_lo or touches_hi):
                    continue
                o_explicit = o[5] if touches_lo else o[6]
                if not o_explicit:
                    e = fmt_quantity(p, unit)
                    raise AmbiguousEdgeError(
                        f"{e} 属于「{r[0]}」还是「{o[0]}」？请写明 ≥ 或 <（如「≥{e}」或「<{e}」）"
                        f" / is {e} in {r[0]!r} or in {o[0]!r}? write ≥ or < to say which"
                    )
                o_closed = o[2] if touches_lo else o[4]
                if o_closed:
                    closed = False
            if side == "lo":
                r[2] = closed
            else:
                r[4] = closed
    bands = tuple(Band(lo, lc, hi, hc, pts, label=cond) for cond, lo, lc, hi, hc, _, _, _, pts in raw)
    rule = BandRule(bands=bands, unit=unit, domain_lo=domain)
    _check_max(rule, max_points, text)
    for s in stated:  # "满分10分" beside the bands must be their top score
        if float(re.search(NUM, s)[0]) != rule.full:
            raise RubricSyntaxError(
                f"未能理解：「{s}」（最高档为 {fmt_quantity(rule.full)} 分）/ could not read {s!r}: the top band gives {fmt_quantity(rule.full)}"
            )
    return rule


def _check_max(rule: Rule, max_points: float | None, text: str) -> None:
    if max_points is not None and rule.full > max_points + 1e-9:
        raise RuleError(
            f"评分标准「{text}」的最高分 {fmt_quantity(rule.full)} 超过该项满分 {fmt_quantity(max_points)}"
            f" / the rubric's top score {fmt_quantity(rule.full)} exceeds the item's {fmt_quantity(max_points)} points"
        )
