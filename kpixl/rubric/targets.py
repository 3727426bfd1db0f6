"""Per unit around a target, and stepped penalties beyond a limit.

* ``目标50家(5分);每少1家扣1分;每多1家加1分`` — linear around the target (PerUnitRule);
* ``8起不扣分,每超一起扣0.5分,每降一起加0.5分`` — the target itself costs nothing: points
  start from 0 (or from the item's full score when one is given) and may go below 0;
* ``满分10分;≤15%,每增加5%扣2分`` and ``准确率98%得满分,每降低1%扣2分`` — a step beyond the
  limit costs its points, a part step counts as a whole step (SteppedRule).

Percent quantities are read as fractions everywhere (``90%`` is 0.9, a ``1%`` step is 0.01).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..errors import RubricSyntaxError
from ..rules import PerUnitRule, Rule, SteppedRule
from ..units import UNIT_PATTERN
from ..vocab import CN_DIGITS
from .bands import _check_max
from .contract import check_consumed, clause_at
from .counting import _full
from .limits import read_limits
from .text import _Q, NUM, QTY, _comparison, _err, _value

_BELOW = r"少|低|降|减少|降低|下降|不足"
_ABOVE = r"多|高|超|超出|超过|增加|提高|上升|高出"
_STEP = r"(\d+(?:\.\d+)?|[一两二三四五六七八九十])"
_FREE = rf"{QTY}\s*(?:起|次|件|个|单|家|人|条|例)?\s*(?:以内|以下|及以下)?\s*(?:不扣分|不加分|不扣不加|不加不扣|为基准|不加分也不扣分)"


def _step_number(s: str | None) -> Decimal:
    if not s:
        return Decimal(1)
    return Decimal(CN_DIGITS[s]) if s in CN_DIGITS else Decimal(s)


def _target(text: str, spans: list[tuple[int, int]]) -> tuple[_Q, bool] | None:
    """The target, and whether it costs nothing (``8起不扣分``); every statement of it is read."""
    m = re.search(_FREE, text)
    if m:
        spans.append(m.span())
        return _Q(Decimal(m[1]), m[2] or ""), True
    stated = rf"(?:目标|达到)\s*{QTY}|{QTY}\s*(?:及以上|以上)?\s*得满分"
    found = list(re.finditer(stated, text)) + list(re.finditer(rf"(?:低于|少于|不足|高于|多于|超过|不少于|不低于)\s*{QTY}", text))
    if not found:
        return None
    found = [_Found(m) for m in found]
    other = next((m for m in found if Decimal(m[1]) != Decimal(found[0][1])), None)
    if other is not None:
        clause = clause_at(text, other.start())
        raise RubricSyntaxError(f"未能理解：「{clause}」（目标值有几个）/ could not read {clause!r}: a second target")
    spans += [m.span() for m in found]
    m = found[0]
    return _Q(Decimal(m[1]), m[2] or ""), False


class _Found:
    """A target match with its number and unit as groups 1 and 2, whichever pattern matched."""

    def __init__(self, m: re.Match[str]) -> None:
        groups = [g for g in m.groups()]
        pairs = [(groups[i], groups[i + 1]) for i in range(0, len(groups), 2) if groups[i] is not None]
        self.number, self.unit = pairs[0]
        self._span = m.span()
        self._start = m.start()

    def __getitem__(self, k: int) -> str | None:
        return (None, self.number, self.unit)[k]

    def span(self) -> tuple[int, int]:
        return self._span

    def start(self) -> int:
        return self._start


def has_target(text: str) -> bool:
    """A per-unit rule states its target (``目标50家``, ``低于50家``, ``8起不扣分``); without one,
    ``每超时一次扣1分`` is a counter."""
    if re.search(rf"每\s*(?:选)?\s*(?:{_ABOVE}|{_BELOW})\s*(?:\d|[一两二三四五六七八九十]\s*(?:{UNIT_PATTERN}))", text):
        return True  # 每少1家, 每超一起: a step of a quantity
    try:
        return _target(text, []) is not None
    except RubricSyntaxError:
        return True  # two targets: the per-unit parser names the second


def _moves(text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, Decimal, str, float]]:
    """Every ``每少一家扣1分`` / ``每超一起扣0.5分``: (above?, step, step unit, signed points)."""
    out = []
    pattern = rf"每\s*(?:选)?\s*({_ABOVE}|{_BELOW})\D*?{_STEP}?\s*({UNIT_PATTERN})?\s*[,]?\s*(扣除|扣|减|加|奖励)\s*({NUM})\s*分"
    for m in re.finditer(pattern, text):
        above = bool(re.fullmatch(_ABOVE, m[1]))
        sign = 1.0 if m[4] in ("加", "奖励") else -1.0
        out.append((above, _step_number(m[2]), m[3] or "", sign * float(m[5])))
        spans.append(m.span())
    # 超过3次后每次扣1分: one occurrence at a time beyond the target
    beyond = rf"(超过|超出|高于|多于|低于|少于|不足){QTY}(?:后|以后|的部分)?,?每(?:次|起|个|件|单|家|人|条)(扣除|扣|减|加|奖励)({NUM})分"
    for m in re.finditer(beyond, text):
        above = m[1] in ("超过", "超出", "高于", "多于")
        sign = 1.0 if m[4] in ("加", "奖励") else -1.0
        out.append((above, Decimal(1), m[3] or "", sign * float(m[5])))
        spans.append(m.span())
    return out


def _parse_per_unit(text: str, max_points: float | None) -> Rule:
    spans: list[tuple[int, int]] = []
    found = _target(text, spans)
    if found is None:
        raise _err(text, "没有找到目标值（如「低于50家」「目标50家」或「8起不扣分」）", "no target found")
    target, free = found
    unit = target.unit
    base_m = re.search(rf"目标\s*{QTY}\s*\(\s*({NUM})\s*分\s*\)", text) or re.search(rf"达到\s*{QTY}\s*(?:及以上)?\s*得\s*({NUM})\s*分", text)
    full_m = re.search(rf"{QTY}\s*(?:及以上|以上)?\s*得满分", text)
    if full_m:
        spans.append(full_m.span())
    if base_m:
        base = float(base_m[3])
        spans.append(base_m.span())
    elif free and max_points is None and not re.search(rf"满分\s*{NUM}\s*分", text):
        base = 0.0  # the target costs nothing: points are an adjustment around 0
    else:
        base = _full(text, max_points, "按量增减规则 / a per-unit rule")
    moves = _moves(text, spans)
    if not moves:
        raise _err(text, "没有找到「每少…扣N分」或「每多…加N分」", "no per-unit points found")
    down = up = 0.0
    steps = set()
    for above, step, step_unit, points in moves:
        if above:
            up = points
        else:
            down = -points  # a shortfall deducts: down is what one step below costs
        steps.add(_value(_Q(step, step_unit or unit), unit, text))
    if len(steps) != 1 or len(moves) > 2 or len({m[0] for m in moves}) != len(moves):
        raise _err(text, "少和多的计量单位不同，或同一方向写了两次", "different steps, or the same direction twice")
    part = re.search(r"\(?不足[^;,)]*(?:计|算)\)?", text)
    if part:  # a per-unit rule is in proportion: a rule for part steps is one it cannot follow
        clause = clause_at(text, part.start())
        raise RubricSyntaxError(f"未能理解：「{clause}」（按量增减按比例计算，没有档）/ could not read {clause!r}: a per-unit rule has no steps")
    check_consumed(text, spans)
    floor, cap = read_limits(text, base, 0.0 if base > 0 else None)
    tval = _value(target, unit, text)
    rule = PerUnitRule(target=tval, base=base, down=down, up=up, step=steps.pop(), unit=unit, floor=floor, cap=cap)
    _check_max(rule, max_points, text)
    return rule


_STEPPED = r"增加|超出|超过|提高|上升|高出|降低|下降|减少|低于"


def _limit(head: str, above: bool, text: str, spans: list[tuple[int, int]]) -> tuple[_Q, float | None]:
    """The limit a stepped penalty starts from, and the points stated there (``≤15%(10分)``)."""
    m = re.search(rf"(?:[≤<≥>]|不低于|不高于|不超过|达到)?\s*{QTY}\s*(?:及以上|以上|及以下|以下|以内)?\s*(?:得满分|为满分|满分)", head)
    if m:
        spans.append(m.span())
        return _Q(Decimal(m[1]), m[2] or ""), None
    lm = re.search(rf"([≤<])\s*{QTY}", head) if above else re.search(rf"([≥>])\s*{QTY}", head)
    if lm:
        bm = re.search(rf"[≤<≥>]\s*{NUM}\s*(?:{UNIT_PATTERN})?\s*(?:\(\s*({NUM})\s*分\s*\)|(?:得|:)\s*({NUM})\s*分)", head)
        spans.append(bm.span() if bm else lm.span())
        return _Q(Decimal(lm[2]), lm[3] or ""), float(bm[1] or bm[2]) if bm else None
    c = _comparison(head)
    if c and ((above and c[0] in "≤<") or (not above and c[0] in "≥>")):
        spans.append((0, len(head)))
        return c[1], None
    raise _err(text, "没有找到限值（如「≤15%」或「98%得满分」）", "no limit found (e.g. ≤15%)")


def _parse_stepped(text: str, max_points: float | None) -> Rule:
    m = re.search(rf"每\s*({_STEPPED})\s*{QTY}\s*[,]?\s*扣\s*({NUM})\s*分?", text)
    if not m:
        raise _err(text, "没有找到「每增加N扣M分」", "no stepped penalty found")
    above = m[1] in ("增加", "超出", "超过", "提高", "上升", "高出")
    step_q = _Q(Decimal(m[2]), m[3] or "")
    spans = [m.span()]
    limit_q, base = _limit(text[: m.start()], above, text, spans)
    for extra in re.finditer(r"\(?不足[^;,)]*(?:计|算)\)?", text):
        spans.append(extra.span())
    check_consumed(text, spans)
    unit = limit_q.unit or step_q.unit
    limit = _value(limit_q, unit, text)
    step = _value(_Q(step_q.number, step_q.unit or unit), unit, text)
    if step <= 0:
        raise _err(text, "每档必须大于0", "a step must be above 0")
    if base is None:
        base = _full(text, max_points, "阶梯扣分规则 / a stepped rule")
    partial = "floor" if re.search(r"不足[^;]*不计", text) else "ceil"
    floor, _ = read_limits(text, base, 0.0)
    rule = SteppedRule(limit=limit, step=step, penalty=float(m[4]), base=base, above=above, unit=unit, floor=floor, partial=partial)
    _check_max(rule, max_points, text)
    return rule
