"""Nothing left unread: every number of a rubric is used by the rule it was read as, or the parse
fails and names the clause it could not use (``未能理解：「最高扣20分」``).

A number is *used* when it is one of the rule's editable numbers (its 指标库 parameters, a
level's position, a scale's anchor) in the unit it was written in, or the distance from the
full score to a stated floor or cap (``满分10分 … 最高扣6分`` is a floor of 4). Words of a
name or a description (a counter's name, a level's description) are not rubric numbers.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from ..errors import RubricSyntaxError
from ..rules import BandRule, ChecklistRule, ChoiceRule, CounterRule, RankRule, RatioRule, Rule, ScaleRule, VetoRule
from ..units import UNIT_PATTERN, convert, dimension

_NUMBER = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\]?\s*({UNIT_PATTERN})?")
_NUMBERING = re.compile(r"(^|[;\n,。])\s*\(?\d+[、.)](?=\D)")
_CLAUSE = re.compile(r"[^;\n,。]+")


def _words(rule: Rule) -> list[str]:
    """Names and descriptions inside the rule: numbers in them are words, not rubric numbers."""
    if isinstance(rule, RatioRule):
        return [rule.numerator, *rule.denominators, *_words(rule.inner)]
    if isinstance(rule, CounterRule):  # "12345热线投诉" is a name; "少0家" is an unread quantity
        return [c.name for c in rule.counters if not re.search(rf"\d\s*(?:{UNIT_PATTERN})", c.name)]
    if isinstance(rule, ChoiceRule):
        return [o.description for o in rule.options if o.description] + [o.label for o in rule.options if rule.style == "label"]
    if isinstance(rule, ScaleRule):
        return [d for _, d in rule.anchors if d]
    if isinstance(rule, ChecklistRule):
        return list(rule.items)
    if isinstance(rule, VetoRule):
        return [rule.subject]
    return []


def _used(rule: Rule) -> list[float]:
    """Every number the rule holds, as magnitudes."""
    if isinstance(rule, VetoRule):
        return [] if rule.threshold is None else [abs(rule.threshold)]
    out = [abs(p.value) for p in rule.params()]
    base = getattr(rule, "base", None)
    if isinstance(rule, CounterRule) or base is not None:
        for limit in (getattr(rule, "floor", None), getattr(rule, "cap", None)):
            if limit is not None and base is not None:
                out.append(abs(base - limit))
    if isinstance(rule, ChoiceRule):
        out += [abs(o.key) for o in rule.options]
    if isinstance(rule, ScaleRule):
        out += [abs(p) for p, _ in rule.anchors]
    if isinstance(rule, RatioRule):
        out += _used(rule.inner)
    if isinstance(rule, RankRule):
        out.append(1.0)  # 第1名
    return out


def _readings(number: str, unit: str, rule_unit: str, whole: bool) -> list[float]:
    """The values a written number may stand for in the rule: as written, a percent as a
    fraction, a time in the rule's time unit."""
    try:
        d = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern only matches decimals
        return []
    out = [float(d)]
    if unit == "%":
        out.append(float(d / 100))
    if whole and dimension(unit or rule_unit) == "count":
        out.append(float(d + 1))  # whole counts: "3-4个" beside "5个及以上" is x < 5
    if unit and rule_unit and unit != rule_unit and dimension(unit) == dimension(rule_unit) == "time":
        out.append(float(convert(d, unit, rule_unit)))
    return out


def _close(a: float, values: list[float]) -> bool:
    return any(math.isclose(a, v, rel_tol=1e-9, abs_tol=1e-12) for v in values)


def check_all_read(text: str, rule: Rule, max_points: float | None = None) -> None:
    """Raise :class:`RubricSyntaxError` naming the first clause whose number the rule does not use."""
    scan = _NUMBERING.sub(lambda m: m[1] + " " * (len(m[0]) - len(m[1])), text)  # list numbering: 1、
    for word in sorted(_words(rule), key=len, reverse=True):
        if word and re.search(r"\d", word):
            scan = scan.replace(word, "　" * len(word))
    used = _used(rule)
    if max_points is not None and isinstance(rule, BandRule | ChoiceRule):
        used += [abs(max_points - v) for v in used]  # a deduction from the item's full points: 扣3分 → 7
    rule_unit = getattr(rule, "unit", "") or ""
    if isinstance(rule, RatioRule):
        rule_unit = getattr(rule.inner, "unit", "") or ""
    for m in _NUMBER.finditer(scan):
        if m.group(1) == "1" and scan[max(0, m.start() - 1) : m.start()] == "每":
            continue  # 每1次, 每1家: one unit at a time
        if any(_close(v, used) for v in _readings(m.group(1), m.group(2) or "", rule_unit, isinstance(rule, BandRule))):
            continue
        clause = next((c.group(0) for c in _CLAUSE.finditer(text) if c.start() <= m.start() < c.end()), text)
        raise RubricSyntaxError(
            f"未能理解：「{clause.strip()}」（评分标准「{text}」中的 {m.group(0)} 没有被用到）"
            f" / could not read {clause.strip()!r}: the number {m.group(0)} of the rubric is not used"
        )


def check_consumed(text: str, spans: list[tuple[int, int]]) -> None:
    """For a family read by searching the whole text (per unit, stepped, checklist): what is left
    outside the matched ``spans``, the stated limits and ``满分N分`` may only be names and
    separators — a leftover number or 扣/加 is a clause the rule did not read."""
    from .limits import LIMIT_ANYWHERE

    mask = bytearray(len(text))
    for m in LIMIT_ANYWHERE.finditer(text):
        spans = [*spans, m.span()]
    for m in _NUMBERING.finditer(text):  # list numbering: 1、
        spans = [*spans, (m.start() + len(m[1]), m.end())]
    for a, b in spans:
        mask[a:b] = b"\x01" * (b - a)
    left = "".join(ch if not mask[i] else "\n" for i, ch in enumerate(text))
    for piece in re.split(r"[\n;,。]", left):
        if re.search(r"\d|扣|加|奖|罚|减|以上|以下|以内|低于|高于|超过|不足|达到|[≤≥<>=]", piece):
            start = left.find(piece)
            clause = next((c.group(0) for c in _CLAUSE.finditer(text) if c.start() <= start < c.end()), piece)
            raise RubricSyntaxError(f"未能理解：「{clause}」（评分标准「{text}」）/ could not read {clause!r}")


def clause_at(text: str, pos: int) -> str:
    """The clause (between ``;`` ``,`` ``。``) of ``text`` at ``pos``."""
    return next((c.group(0) for c in _CLAUSE.finditer(text) if c.start() <= pos < c.end()), text)
