"""Linear scoring: between two anchors (``70以下不得分,95以上得10分,70-95之间按比例计分``), and a
formula of two inputs as points (``实际完成量/目标量×100%``, capped where the text says so)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..rules import LinearRule, RatioRule, Rule
from .bands import _check_max
from .limits import is_limit_clause, read_limits
from .text import _Q, NUM, QTY, _err, _quantities_unit, _value

_LOW_WORDS = r"低于|小于|不足|不到|<|≤"
_HIGH_WORDS = r"高于|大于|达到|>|≥"
_ENDS = rf"^({_LOW_WORDS}|{_HIGH_WORDS})?{QTY}(以下|及以下|以内|以上|及以上)?(?:的)?(不得分|得满分|满分|得?({NUM})分)$"
_SPAN = rf"^{QTY}(?:-|~|至|到){QTY}(?:之间|之间的)?(?:按比例|线性)(?:计分|得分|折算|计算)?$"
_ANCHOR = rf"^(?:按比例计分:)?{QTY}得({NUM})分$"
_FORMULA = rf"^(?:得分=|得分为|计分=|[^/;,=\d]{{1,12}}=)?([^/;,=]+?)/([^/;,=×*]+?)[×*]\s*({NUM})\s*(%)?(?:计分|得分|计)?$"


def is_linear(text: str) -> bool:
    return bool(re.search(r"按比例|线性计分", text))


def is_formula(text: str) -> bool:
    first = re.split(r"[;,]", text)[0]
    return bool(re.match(_FORMULA, first))


def _anchor(clause: str, max_points: float | None, text: str) -> tuple[_Q, float, bool] | None:
    """(value, points, points kept beyond it?) of one clause, or None."""
    m = re.match(_ENDS, clause)
    if m and (m[1] or m[4]):
        if m[6] is not None:
            points = float(m[6])
        elif "满分" in m[5]:
            if max_points is None:
                raise _err(text, "「得满分」需要该项的满分", "得满分 needs the item's full points")
            points = float(max_points)
        else:
            points = 0.0
        return _Q(Decimal(m[2]), m[3] or ""), points, True
    m = re.match(_ANCHOR, clause)
    if m:
        return _Q(Decimal(m[1]), m[2] or ""), float(m[3]), False
    return None


def _parse_linear(text: str, max_points: float | None) -> Rule:
    anchors: list[tuple[_Q, float, bool]] = []
    spans = []
    for clause in (c for c in re.split(r"[;,。]", text) if c):
        a = _anchor(clause, max_points, text)
        if a:
            anchors.append(a)
        elif re.match(_SPAN, clause):
            m = re.match(_SPAN, clause)
            spans.append((_Q(Decimal(m[1]), m[2] or m[4] or ""), _Q(Decimal(m[3]), m[4] or "")))
        elif not is_limit_clause(clause) and not re.fullmatch(r"(?:之间|其间|中间|其余)?(?:的)?(?:按比例|线性)(?:计分|得分|折算|计算)?", clause):
            raise _err(text, f"未能理解：「{clause}」", f"could not read {clause!r}")
    if len(anchors) != 2 or len(spans) > 1:
        raise _err(text, "按比例计分需要两个端点（如「70以下不得分,95以上得10分」）", "linear scoring needs two anchors")
    unit = _quantities_unit([q for q, _, _ in anchors] + [q for s in spans for q in s])
    (x1, p1, c1), (x2, p2, c2) = sorted(((_value(q, unit, text), p, c) for q, p, c in anchors), key=lambda a: a[0])
    if spans and sorted(_value(q, unit, text) for q in spans[0]) != [x1, x2]:
        raise _err(text, "按比例的区间与两个端点不一致", "the proportional range does not match the anchors")
    if x1 == x2:
        raise _err(text, "两个端点相同", "the two anchors are the same")
    floor = cap = None
    for p, clamped in ((p1, c1), (p2, c2)):
        if clamped:
            floor, cap = (p, cap) if p == min(p1, p2) else (floor, p)
    stated_floor, stated_cap = read_limits(text, max(p1, p2), None)
    rule = LinearRule(x1, p1, x2, p2, unit=unit, floor=floor if stated_floor is None else stated_floor, cap=cap if stated_cap is None else stated_cap)
    _check_max(rule, max_points, text)
    return rule


def _parse_formula(text: str, max_points: float | None) -> Rule:
    first, *rest = re.split(r"[;,]", text)
    m = re.match(_FORMULA, first)
    for clause in rest:
        if clause and not is_limit_clause(clause):
            raise _err(text, f"未能理解：「{clause}」", f"could not read {clause!r}")
    num, den = m[1].strip(), m[2].strip()
    if num == den:
        raise _err(text, "分子与分母的名称必须不同", "numerator and denominator need distinct names")
    times = float(m[3])
    floor, cap = read_limits(text, times, None)
    inner = LinearRule(0.0, 0.0, 1.0, times, unit="%", floor=floor, cap=cap)
    rule = RatioRule(numerator=num, denominators=(den,), inner=inner)
    _check_max(rule, max_points, text)
    return rule
