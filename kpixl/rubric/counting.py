"""Counting rules: counters (``发现一次扣2分``), per unit around a target, stepped penalties
beyond a limit, checklists."""

from __future__ import annotations

import re
from decimal import Decimal

from ..errors import RuleError
from ..rules import (
    ChecklistRule,
    Counter,
    CounterRule,
    PerUnitRule,
    Rule,
    SteppedRule,
)
from ..units import UNIT_PATTERN, convert
from ..vocab import CN_DIGITS
from .bands import _check_max
from .text import (
    _Q,
    NUM,
    QTY,
    _comparison,
    _err,
    _value,
)

# --------------------------------------------------------------------------- counting
_IGNORABLE = re.compile(r"^(本项分值)?(当月分值)?扣完为止$|^性质严重的?另行处罚$|^视情况而定$|^可扣为负分$|^(最低|最高|满分)")
_COUNT_VERB = re.compile(rf"(扣罚|扣除|扣|减|罚|奖励|加|奖)\s*({NUM})\s*分(?:\s*/\s*({UNIT_PATTERN}))?")


def _floor_limits(text: str, default: float | None) -> tuple[float | None, float | None]:
    floor: float | None = default
    if re.search(r"扣完为止|扣至0分|最低0分", text):
        floor = 0.0
    if "可扣为负分" in text:
        floor = None
    m = re.search(rf"最低\s*({NUM})\s*分", text)
    if m:
        floor = float(m[1])
    m = re.search(rf"最高\s*({NUM})\s*分", text)
    cap = float(m[1]) if m else None
    return floor, cap


def _full(text: str, max_points: float | None, what: str) -> float:
    m = re.search(rf"满分\s*({NUM})\s*分", text)
    if m:
        return float(m[1])
    if max_points is None:
        raise RuleError(f"「{text}」需要该项的满分（max_points 或「满分N分」）/ {what} needs the item's full points (max_points)")
    return float(max_points)


def _counter_name(before: str) -> str:
    name = before.strip(" ,:")
    name = re.sub(r"^(每次|一次|每)", "", name)
    name = re.sub(r"(,|发现|每次|一次|每|次|,)+$", "", name)
    return name.strip(" ,:")


def _parse_counters(segments: list[str], text: str, max_points: float | None) -> Rule:
    counters: list[Counter] = []
    unit = "次"
    for seg in segments:
        if _IGNORABLE.search(seg.replace(" ", "")):
            continue
        m = _COUNT_VERB.search(seg)
        if not m:
            raise _err(seg, "不是「…一次扣N分」「…一次加N分」的写法", "expected '…一次扣N分' or '…一次加N分'")
        sign = -1.0 if m[1] in ("扣罚", "扣除", "扣", "减", "罚") else 1.0
        if m[3]:
            unit = m[3]
        per = re.search(r"每\s*1?\s*分", seg[: m.start()])
        if per and re.search(r"分值|扣分|分数", seg[: m.start()]):
            unit = "分"
        name = _counter_name(seg[: m.start()]) if not per else _counter_name(seg[: per.start()])
        counters.append(Counter(name, sign * float(m[2])))
    if not counters:
        raise _err(text, "没有找到扣分或加分项", "no deduction or bonus found")
    names = [c.name for c in counters]
    if len(counters) > 1:
        fixed = []
        for i, c in enumerate(counters):
            name = c.name or f"第{i + 1}项"
            if names.count(c.name) > 1:
                name = f"{name}{i + 1}"
            fixed.append(Counter(name, c.delta))
        counters = fixed
    negative = any(c.delta < 0 for c in counters)
    positive = any(c.delta > 0 for c in counters)
    m = re.search(rf"满分\s*({NUM})\s*分", text)
    if m:
        base = float(m[1])
    elif negative and not positive and max_points is not None:
        base = float(max_points)  # deductions start from the item's full points
    else:
        base = 0.0  # bonuses, and adjustments to the total (处罚: 被部门批评一次扣2分)
    floor, cap = _floor_limits(text, 0.0 if base > 0 else None)
    if positive and not negative and cap is None and max_points is not None:
        cap = float(max_points)
    rule = CounterRule(counters=tuple(counters), base=base, floor=floor, cap=cap, unit=unit)
    _check_max(rule, max_points, text)
    return rule


def _step_number(s: str | None) -> Decimal:
    if not s:
        return Decimal(1)
    return Decimal(CN_DIGITS[s]) if s in CN_DIGITS else Decimal(s)


def _parse_per_unit(text: str, max_points: float | None) -> Rule:
    target = None
    m = re.search(rf"目标\s*{QTY}", text) or re.search(rf"(?:低于|少于|不足|高于|多于|超过|不少于|不低于)\s*{QTY}", text)
    if m:
        target = _Q(Decimal(m[1]), m[2] or "")
    if target is None:
        raise _err(text, "没有找到目标值（如「低于50家」或「目标50家」）", "no target found")
    unit = target.unit
    base_m = re.search(rf"目标\s*{QTY}\s*\(\s*({NUM})\s*分\s*\)", text)
    base = float(base_m[3]) if base_m else _full(text, max_points, "按量增减规则 / a per-unit rule")
    down = up = 0.0
    step = Decimal(1)
    num_or_cn = r"(\d+(?:\.\d+)?|[一两二三四五六七八九十])"
    md = re.search(rf"每(?:少|低)\D*?{num_or_cn}?\s*({UNIT_PATTERN})?\s*[,]?\s*扣\s*({NUM})\s*分", text)
    if md:
        step, down = _step_number(md[1]), float(md[3])
    mu = re.search(rf"每(?:多|高)\D*?{num_or_cn}?\s*({UNIT_PATTERN})?\s*[,]?\s*(?:加|奖励)\s*({NUM})\s*分", text)
    if mu:
        step_up = _step_number(mu[1])
        if md and step_up != step:
            raise _err(text, "少和多的计量单位不同", "different steps below and above the target")
        step, up = step_up, float(mu[3])
    if not md and not mu:
        raise _err(text, "没有找到「每少…扣N分」或「每多…加N分」", "no per-unit points found")
    floor, cap = _floor_limits(text, 0.0)
    tval = float(convert(target.number, target.unit, unit))
    rule = PerUnitRule(target=tval, base=base, down=down, up=up, step=float(step), unit=unit, floor=floor, cap=cap)
    return rule


def _parse_stepped(text: str, max_points: float | None) -> Rule:
    m = re.search(rf"每\s*(增加|超出|超过|提高|上升|降低|下降|减少|低于)\s*{QTY}\s*[,]?\s*扣\s*({NUM})\s*分?", text)
    if not m:
        raise _err(text, "没有找到「每增加N扣M分」", "no stepped penalty found")
    above = m[1] in ("增加", "超出", "超过", "提高", "上升")
    step_q = _Q(Decimal(m[2]), m[3] or "")
    head = text[: m.start()]
    lm = re.search(rf"([≤<])\s*{QTY}", head) if above else re.search(rf"([≥>])\s*{QTY}", head)
    if not lm:
        c = _comparison(head)
        if c and ((above and c[0] in "≤<") or (not above and c[0] in "≥>")):
            limit_q = c[1]
        else:
            raise _err(text, "没有找到限值（如「≤15%」）", "no limit found (e.g. ≤15%)")
    else:
        limit_q = _Q(Decimal(lm[2]), lm[3] or "")
    unit = limit_q.unit or step_q.unit
    limit = _value(limit_q, unit, text)
    step = _value(_Q(step_q.number, step_q.unit or unit), unit, text)
    bm = re.search(rf"[≤<≥>]\s*{NUM}\s*(?:{UNIT_PATTERN})?\s*\(\s*({NUM})\s*分\s*\)", head)
    base = float(bm[1]) if bm else _full(text, max_points, "阶梯扣分规则 / a stepped rule")
    partial = "floor" if re.search(r"不足[^;]*不计", text) else "ceil"
    floor, _ = _floor_limits(text, 0.0)
    return SteppedRule(limit=limit, step=step, penalty=float(m[4]), base=base, above=above, unit=unit, floor=floor, partial=partial)


def _parse_checklist(text: str, max_points: float | None) -> Rule:
    fm = re.search(rf"完成(?:所有|全部)要求\s*({NUM})\s*分", text)
    pm = re.search(rf"任一项(?:没有满足|未满足|不满足|未完成|未达到)\s*[,]?\s*扣\s*({NUM})\s*分", text)
    if not pm:
        raise _err(text, "没有找到「任一项没有满足扣N分」", "no per-item deduction found")
    full = float(fm[1]) if fm else _full(text, max_points, "清单规则 / a checklist")
    im = re.search(r"检查项\s*:\s*([^;]+)", text)
    items = tuple(i.strip() for i in re.split(r"[、,]", im[1]) if i.strip()) if im else ()
    if len(set(items)) != len(items):
        raise _err(text, "检查项重复", "duplicate checklist items")
    floor, _ = _floor_limits(text, 0.0)
    rule = ChecklistRule(full_points=full, penalty=float(pm[1]), items=items, floor=floor)
    _check_max(rule, max_points, text)
    return rule
