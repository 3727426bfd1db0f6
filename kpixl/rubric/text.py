"""Rubric text: normalised segments, quantities with units, and intervals (``80%-90%``, ``≥90``,
``250>/≥230``, ``24小时内``) with the edge convention of dash ranges."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import RubricSyntaxError
from ..units import UNIT_PATTERN, convert, dimension, normalize_text, to_float

INF = math.inf
NUM = r"-?\d+(?:\.\d+)?"
QTY = rf"({NUM})\s*({UNIT_PATTERN})?"
CMP = "≤≥<>="


def _err(text: str, why: str, why_en: str) -> RubricSyntaxError:
    return RubricSyntaxError(f"无法识别评分标准「{text}」：{why} / cannot read rubric {text!r}: {why_en}")


def _split(text: str) -> list[str]:
    """Split into segments on ``;`` and new lines; drop list numbering (``1、`` ``2.``)."""
    text = re.sub(r"(^|[;\n])\s*\(?\d+[、.)]\s*(?=\D)", r"\1", text)
    # 、 separates segments only after a score ("≤30秒(5分)、30-60秒(3分)"), never inside names
    parts = re.split(r"[;\n]|(?<=分\))[、,。]|(?<=分)[、,。]", text)
    return [s.strip(" ,。.") for s in parts if s.strip(" ,。.")]


# --------------------------------------------------------------------------- quantities
@dataclass
class _Q:
    number: Decimal
    unit: str


def _quantities_unit(qs: list[_Q]) -> str:
    """The rule's unit: the first unit written; time units convert to the first time unit."""
    for q in qs:
        if q.unit and dimension(q.unit) != "points":
            return q.unit
    for q in qs:
        if q.unit:
            return q.unit
    return ""


def _value(q: _Q, unit: str, text: str) -> float:
    try:
        return to_float(convert(q.number, q.unit or unit, unit), unit)
    except Exception as exc:  # ValueParseError with a unit mismatch
        raise _err(text, f"单位不一致（{q.unit} 与 {unit}）", f"mixed units {q.unit} and {unit}") from exc


# --------------------------------------------------------------------------- intervals
@dataclass
class Interval:
    """An interval read from text; ``*_explicit`` False marks a dash-range edge."""

    lo: _Q | None
    lo_closed: bool
    hi: _Q | None
    hi_closed: bool
    lo_explicit: bool = True
    hi_explicit: bool = True
    exact: bool = False


_WORD_OPS = [
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("不得少于", "≥"),
    ("不得低于", "≥"),
    ("至少", "≥"),
    ("未达到", "<"),
    ("未达", "<"),
    ("未满", "<"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("不大于", "≤"),
    ("至多", "≤"),
    ("最多", "≤"),
    ("达到", "≥"),
    ("满", "≥"),
    ("大于等于", "≥"),
    ("小于等于", "≤"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
    ("不足", "<"),
    ("高于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("多于", ">"),
]
_SUFFIX_OPS = [("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("内", "≤")]
_FLIP = {">": "<", "<": ">", "≥": "≤", "≤": "≥", "=": "="}


def _one_sided(op: str, q: _Q) -> Interval:
    if op in "<≤":
        return Interval(None, False, q, op == "≤")
    if op in ">≥":
        return Interval(q, op == "≥", None, False)
    return Interval(q, True, q, True, exact=True)


def _comparison(s: str) -> tuple[str, _Q] | None:
    m = re.search(rf"([{CMP}])\s*{QTY}", s)
    if m:
        return m[1], _Q(Decimal(m[2]), m[3] or "")
    for word, op in _WORD_OPS:
        m = re.search(rf"{word}\s*{QTY}", s)
        if m:
            q = _Q(Decimal(m[1]), m[2] or "")
            tail = s[m.end() :]
            for suffix, sop in _SUFFIX_OPS:  # 达到80%以上 → ≥80%
                if tail.startswith(suffix) and word in ("达到", "满"):
                    return sop, q
            return op, q
    m = re.search(rf"{QTY}\s*({'|'.join(s for s, _ in _SUFFIX_OPS)})", s)
    if m:
        return dict(_SUFFIX_OPS)[m[3]], _Q(Decimal(m[1]), m[2] or "")
    return None


def parse_interval(s: str) -> Interval:
    """Read one condition: ``≤30秒``, ``30-60秒``, ``250>/≥230``, ``35</≤45``, ``>30且≤60``,
    ``24小时内``, ``80%以上``, ``低于75%``, ``0%``."""
    s = normalize_text(s).replace(" ", "")
    # "90%≤接通率<95%": the name between two comparisons
    m = re.search(rf"{QTY}\s*([≤<])\s*[^\d≤<≥>=/]+?\s*([≤<])\s*{QTY}", s)
    if m:
        a, b = _Q(Decimal(m[1]), m[2] or ""), _Q(Decimal(m[5]), m[6] or "")
        return Interval(a, m[3] == "≤", b, m[4] == "≤")
    # KPI 薪资表 notation: "250>/≥230" is 230 ≤ x < 250; "35</≤45" is 35 < x ≤ 45
    m = re.search(rf"{QTY}\s*([{CMP}])\s*[/xX]\s*([{CMP}])\s*{QTY}", s)
    if m:
        a, op1, op2, b = _Q(Decimal(m[1]), m[2] or ""), m[3], m[4], _Q(Decimal(m[5]), m[6] or "")
        left = _one_sided(_FLIP[op1], a)  # "a > x" is "x < a"
        right = _one_sided(op2, b)
        return _intersect(left, right, s)
    # two clauses: "≥80%且<90%", ">30秒且≤60秒", "≥80%,<90%"
    parts = re.split(r"且|并且|而且|,|&|和", s)
    if len(parts) == 2:
        c1, c2 = _comparison(parts[0]), _comparison(parts[1])
        if c1 and c2:
            return _intersect(_one_sided(*c1), _one_sided(*c2), s)
    # dash range: "30-60秒", "80%~90%", "24至48小时"
    m = re.search(rf"{QTY}\s*(?:-|~|至|到)\s*{QTY}", s)
    if m and not re.search(rf"[{CMP}]", s):
        a, b = _Q(Decimal(m[1]), m[2] or ""), _Q(Decimal(m[3]), m[4] or "")
        if not a.unit:
            a.unit = b.unit
        return Interval(a, True, b, True, lo_explicit=False, hi_explicit=False)
    c = _comparison(s)
    if c:
        return _one_sided(*c)
    m = re.fullmatch(rf"\D*?{QTY}\D*", s)
    if m:  # a bare value is an exact band: "0%"
        q = _Q(Decimal(m[1]), m[2] or "")
        return Interval(q, True, q, True, exact=True)
    raise _err(s, "看不懂这个区间", "unknown interval notation")


def _intersect(a: Interval, b: Interval, s: str) -> Interval:
    lo, lo_closed = (a.lo, a.lo_closed) if a.lo is not None else (b.lo, b.lo_closed)
    hi, hi_closed = (a.hi, a.hi_closed) if a.hi is not None else (b.hi, b.hi_closed)
    if (a.lo is not None and b.lo is not None) or (a.hi is not None and b.hi is not None) or lo is None or hi is None:
        raise _err(s, "两个条件应一个是下限、一个是上限", "a two-sided range needs one lower and one upper bound")
    return Interval(lo, lo_closed, hi, hi_closed)


# --------------------------------------------------------------------------- points
_POINTS_PAREN = re.compile(rf"\(\s*(得|加|奖励|奖|扣除|扣罚|扣|减)?\s*({NUM})\s*分\s*\)\s*$")
_POINTS_TAIL = re.compile(rf"(?:[,:→=]|->)?\s*(得|加|奖励|奖|扣除|扣罚|扣|减)?\s*({NUM})\s*分\s*$")
_POINTS_NONE = re.compile(r"(?:[,:→=]|->)?\s*(不得分|不计分|不加分|不扣分)$")
_DEDUCT = ("扣除", "扣罚", "扣", "减")


def _split_points(seg: str) -> tuple[str, float]:
    cond, points, _ = split_points_verb(seg)
    return cond, points


def split_points_verb(seg: str) -> tuple[str, float, str]:
    """The condition, the points (a deduction ``扣5分`` is -5) and the verb (加/扣/"")."""
    m = _POINTS_NONE.search(seg)
    if m:
        return seg[: m.start()].strip(" ,:"), 0.0, ""
    m = _POINTS_PAREN.search(seg) or _POINTS_TAIL.search(seg)
    if not m:
        raise _err(seg, "没有写分值，如「(5分)」", "no points given, e.g. (5分)")
    verb = m[1] or ""
    points = float(m[2])
    if verb in _DEDUCT:
        points, verb = -points, "扣"
    elif verb in ("加", "奖励", "奖"):
        verb = "加"
    return seg[: m.start()].strip(" ,:"), points, verb
