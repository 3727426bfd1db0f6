"""Counting rules: counters (``发现一次扣2分``), per unit around a target, stepped penalties
beyond a limit, checklists."""

from __future__ import annotations

import re

from ..errors import RubricSyntaxError, RuleError
from ..rules import (
    ChecklistRule,
    Counter,
    CounterRule,
    Rule,
)
from ..units import UNIT_PATTERN
from .bands import _check_max
from .contract import check_consumed
from .limits import is_limit_clause, read_limits
from .text import (
    NUM,
    _err,
)

# --------------------------------------------------------------------------- counting
# notes that score nothing; a floor or a cap is read by .limits
_NOTE = re.compile(r"^(性质严重的?另行处罚|视情况而定|情节严重的?另行处理)$")
_COUNT_VERB = re.compile(rf"(扣罚|扣除|扣|减|罚|奖励|加|奖)\s*({NUM})\s*分(?:\s*/\s*({UNIT_PATTERN}))?")
_ALL_GONE = re.compile(r"(?:即|则)?(?:全扣|扣完|扣除全部分?数?|全部扣除|本项不得分|该项不得分|不得分|得0分|本项为0分)$")
_PER = r"(?:每|一)(?:人次|次|天|日|起|例|单|个|条|件|项|通|份|位|家|人|回)"


def is_counting(text: str, segments: list[str]) -> bool:
    """Per-occurrence points (``迟到每次扣1分``, ``发生一起全扣``), not thresholds."""
    if any(re.search(r"[≤≥<>=]|以上|以下|以内", s) for s in segments):
        return False
    if re.search(rf"(扣罚|扣除|扣|减|罚|奖励|加|奖)\s*{NUM}\s*分", text):
        return True
    return any((m := _ALL_GONE.search(s)) is not None and re.search(_PER, s[: m.start()]) for s in _clauses(segments))


def _full(text: str, max_points: float | None, what: str) -> float:
    m = re.search(rf"满分\s*({NUM})\s*分", text)
    if m:
        return float(m[1])
    if max_points is None:
        raise RuleError(f"「{text}」需要该项的满分（max_points 或「满分N分」）/ {what} needs the item's full points (max_points)")
    return float(max_points)


def _counter_name(before: str) -> str:
    """The counted item's name: the words before the points, without 每次/一次/发现."""
    name = before.strip(" ,:")
    name = re.sub(rf"^(?:{_PER}|每)+", "", name)
    name = re.sub(rf"(?:,|发现|{_PER}|每|次)+$", "", name)
    return name.strip(" ,:")


def _clauses(segments: list[str]) -> list[str]:
    """Counted items: segments, and within a segment its clauses (``迟到每次扣1分,旷工每天扣3分``,
    ``…扣2分,扣完为止``); a comma inside an item (``建议被采纳,一次奖励5分``) stays."""
    out = []
    for seg in segments:
        parts = re.split(r"([,。、])", seg)
        buf = ""
        for k in range(0, len(parts), 2):
            buf += parts[k]
            piece = parts[k]  # a clause ends in this piece: linear in the text
            done = _NOTE.match(piece) or is_limit_clause(piece) or re.search(rf"{_COUNT_VERB.pattern}$", piece)
            if done or k + 1 >= len(parts):
                if buf.strip(" ,。"):
                    out.append(buf.strip(" ,。"))
                buf = ""
            else:
                buf += parts[k + 1]
    return out


def _parse_counters(segments: list[str], text: str, max_points: float | None) -> Rule:
    counters: list[Counter] = []
    unit = "次"
    for seg in _clauses(segments):
        if _NOTE.match(seg) or is_limit_clause(seg) or re.fullmatch(rf"满分\s*{NUM}\s*分", seg):
            continue
        whole = _ALL_GONE.search(seg)
        if whole and re.search(_PER, seg[: whole.start()]):  # 发生一起全扣: one occurrence costs the full points
            full = _full(text, max_points, "「全扣」/ a deduction of everything")
            counters.append(Counter(_counter_name(re.sub(r"^(发生|出现)", "", seg[: whole.start()])), -full))
            continue
        m = _COUNT_VERB.search(seg)
        if not m or seg[m.end() :].strip(" ,"):
            raise _err(seg, "不是「…一次扣N分」「…一次加N分」的写法", "expected '…一次扣N分' or '…一次加N分'")
        sign = -1.0 if m[1] in ("扣罚", "扣除", "扣", "减", "罚") else 1.0
        if m[3]:
            unit = m[3]
        per = re.search(r"每\s*1?\s*分", seg[: m.start()])
        if per and re.search(r"分值|扣分|分数", seg[: m.start()]):
            unit = "分"
        name = _counter_name(seg[: m.start()]) if not per else _counter_name(seg[: per.start()])
        if re.search(rf"\d\s*(?:{UNIT_PATTERN})|超过|最多|最少|以上|以下|以内|低于|高于|不足|达到", name):
            raise RubricSyntaxError(f"未能理解：「{seg}」（「{name}」不像计数项的名称）/ could not read {seg!r}")
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
    floor, cap = read_limits(text, base, 0.0 if base > 0 else None)
    if positive and not negative and cap is None and max_points is not None:
        cap = float(max_points)
    rule = CounterRule(counters=tuple(counters), base=base, floor=floor, cap=cap, unit=unit)
    _check_max(rule, max_points, text)
    return rule


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
    check_consumed(text, [m.span() for m in (fm, pm, im) if m is not None])
    floor, cap = read_limits(text, full, 0.0)
    if cap is not None:  # a checklist's top is its full score; a cap it cannot hold is unread
        raise _err(text, "未能理解：清单规则的最高分就是满分，不能另设上限", "a checklist's top score is its full score")
    rule = ChecklistRule(full_points=full, penalty=float(pm[1]), items=items, floor=floor)
    _check_max(rule, max_points, text)
    return rule
