"""The rubric parser: rubric text (评分标准) as HR writes it → a :class:`~kpixl.rules.Rule`.

Every notation of the README's rubric table is read here and nowhere else. Text is first normalised
(full-width → half-width, ``<=`` → ``≤``, ``；`` → ``;``), then the rule kind is
recognised by its key words, then the parts are read.

Edge convention for dash ranges (``80%-90%``, ``30-60秒``): an edge that a neighbouring
band states explicitly belongs to that band, so the dash range's edge is open there;
an edge that no neighbour claims (or that the neighbour excludes) is closed:

* ``≥90%(5分);80%-90%(3分);<80%(1分)`` → 80% ≤ x < 90% scores 3;
* ``≤30秒(5分);30-60秒(3分);>60秒(1分)`` → 30 < x ≤ 60 scores 3.

Two dash ranges that share an edge (``80-90(3分);90-100(5分)``) leave it ambiguous:
that is an :class:`~kpixl.errors.AmbiguousEdgeError`, never a guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .errors import AmbiguousEdgeError, RubricSyntaxError, RuleError
from .rules import (
    Band,
    BandRule,
    ChecklistRule,
    ChoiceRule,
    Counter,
    CounterRule,
    Option,
    PerUnitRule,
    RatioRule,
    Rule,
    ScaleRule,
    SteppedRule,
    VetoRule,
    registry_generation,
    text_readers,
)
from .rules.bands import nonnegative_domain
from .units import UNIT_PATTERN, convert, dimension, fmt_quantity, normalize_text, to_float
from .vocab import CN_DIGITS
from .vocab import NO_WORDS as NO
from .vocab import YES_WORDS as YES

INF = math.inf
NUM = r"-?\d+(?:\.\d+)?"
QTY = rf"({NUM})\s*({UNIT_PATTERN})?"
CMP = "≤≥<>="

__all__ = ["Interval", "parse_interval", "parse_rule"]


def _err(text: str, why: str, why_en: str) -> RubricSyntaxError:
    return RubricSyntaxError(f"无法识别评分标准「{text}」：{why} / cannot read rubric {text!r}: {why_en}")


def _split(text: str) -> list[str]:
    """Split into segments on ``;`` and new lines; drop list numbering (``1、`` ``2.``)."""
    text = re.sub(r"(^|[;\n])\s*\(?\d+[、.)]\s*(?=\D)", r"\1", text)
    # 、 separates segments only after a score ("≤30秒(5分)、30-60秒(3分)"), never inside names
    parts = re.split(r"[;\n]|(?<=分\))、|(?<=分)、", text)
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


# --------------------------------------------------------------------------- bands
_POINTS_PAREN = re.compile(rf"\(\s*(?:得)?\s*({NUM})\s*分\s*\)\s*$")
_POINTS_TAIL = re.compile(rf"(?:[,:→=]|->|得)?\s*({NUM})\s*分\s*$")


def _split_points(seg: str) -> tuple[str, float]:
    m = _POINTS_PAREN.search(seg) or _POINTS_TAIL.search(seg)
    if not m:
        raise _err(seg, "没有写分值，如「(5分)」", "no points given, e.g. (5分)")
    return seg[: m.start()].strip(" ,:"), float(m[1])


def _parse_bands(segments: list[str], text: str, max_points: float | None) -> Rule:
    items: list[tuple[str, Interval, float]] = []
    for seg in segments:
        cond, points = _split_points(seg)
        if not re.search(r"\d", cond):
            return _parse_labels(segments, text)
        items.append((cond, parse_interval(cond), points))
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
                    raise AmbiguousEdgeError(
                        f"「{r[0]}」与「{o[0]}」都可能包含 {fmt_quantity(p, unit)}，请写明 ≥ 或 < "
                        f"（如「≥{fmt_quantity(p, unit)}」）/ the edge {fmt_quantity(p, unit)} is claimed by both "
                        f"{r[0]!r} and {o[0]!r}; write ≥ or < to say which"
                    )
                o_closed = o[2] if touches_lo else o[4]
                if o_closed:
                    closed = False
            if side == "lo":
                r[2] = closed
            else:
                r[4] = closed
    bands = tuple(Band(lo, lc, hi, hc, pts, label=cond) for cond, lo, lc, hi, hc, _, _, _, pts in raw)
    domain = 0.0 if nonnegative_domain(unit) else -INF
    rule = BandRule(bands=bands, unit=unit, domain_lo=domain)
    _check_max(rule, max_points, text)
    return rule


def _check_max(rule: Rule, max_points: float | None, text: str) -> None:
    if max_points is not None and rule.full > max_points + 1e-9:
        raise RuleError(
            f"评分标准「{text}」的最高分 {fmt_quantity(rule.full)} 超过该项满分 {fmt_quantity(max_points)}"
            f" / the rubric's top score {fmt_quantity(rule.full)} exceeds the item's {fmt_quantity(max_points)} points"
        )


# --------------------------------------------------------------------------- choices
def _parse_labels(segments: list[str], text: str) -> Rule:
    options = []
    for seg in segments:
        label, points = _split_points(seg)
        if not label:
            raise _err(seg, "选项没有名称", "an option has no label")
        options.append((label, points))
    labels = [normalize_text(lbl).lower() for lbl, _ in options]
    if len(options) == 2 and all(lbl in YES | NO for lbl in labels) and len({lbl in YES for lbl in labels}) == 2:
        opts = tuple(Option(1.0 if lbl.lower() in YES else 0.0, label, p) for (label, p), lbl in zip(options, labels, strict=True))
        return ChoiceRule(options=opts, style="yesno")
    if len(set(labels)) != len(labels):
        raise _err(text, "选项名称重复", "duplicate option labels")
    return ChoiceRule(options=tuple(Option(float(i + 1), lbl, p) for i, (lbl, p) in enumerate(options)), style="label")


def _parse_levels(text: str) -> Rule:
    marks = list(re.finditer(r"(\d+|[一二三四五六七八九十])\s*级", text))
    levels: dict[int, dict] = {}
    for i, m in enumerate(marks):
        chunk = text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip(" ;,")
        n = int(m[1]) if m[1].isdigit() else CN_DIGITS[m[1]]
        entry = levels.setdefault(n, {"points": None, "desc": ""})
        pm = re.match(rf"\(?\s*({NUM})\s*分\s*\)?", chunk)
        if pm:
            entry["points"] = float(pm[1])
            chunk = chunk[pm.end() :]
        desc = chunk.lstrip(" :;,").strip()
        if desc:
            entry["desc"] = desc
    missing = [n for n, e in levels.items() if e["points"] is None]
    if missing:
        raise _err(text, f"{missing[0]}级没有分值", f"level {missing[0]} has no points")
    opts = tuple(Option(float(n), f"{n}级", e["points"], e["desc"]) for n, e in sorted(levels.items()))
    return ChoiceRule(options=opts, style="level")


def _parse_scale(text: str) -> Rule:
    lo = hi = None
    m = re.search(rf"(?:评分|打分)\s*:?\s*({NUM})\s*(?:-|~|至|到)\s*({NUM})\s*分", text)
    if m:
        lo, hi = float(m[1]), float(m[2])
        text = text[: m.start()] + text[m.end() :]
    marks = list(re.finditer(rf"(?:^|;)\s*({NUM})\s*分\s*:", text))
    anchors = []
    for i, mk in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        anchors.append((float(mk[1]), text[mk.end() : end].strip(" ;")))
    anchors.sort()
    values = [p for p, _ in anchors]
    if len(set(values)) != len(values):
        raise _err(text, "同一分数有两条描述", "two anchors for the same score")
    lo = min([*values, lo] if lo is not None else values)
    hi = max([*values, hi] if hi is not None else values)
    if lo >= hi:
        raise _err(text, "评分范围至少要有两个分数", "a scale needs at least two points")
    return ScaleRule(anchors=tuple(anchors), lo=lo, hi=hi)


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


def _parse_veto(text: str) -> Rule:
    body = re.sub(r"^.*?(否定项|一票否决)\s*[,:]?\s*", "", text)
    # the threshold is a number, a blank to fill in `[ ]`, or a filled-in blank `[90]`
    m = re.search(rf"(不低于|不少于|不高于|不超过|低于|高于|≥|≤|<|>|=)\s*(?:\[\s*({NUM})?\s*\]|({NUM}))\s*({UNIT_PATTERN})?", body)
    if not m:
        raise _err(text, "否定项需要写明条件，如「不低于95%」", "a veto needs a condition, e.g. 不低于95%")
    op = {"不低于": "≥", "不少于": "≥", "不高于": "≤", "不超过": "≤", "低于": "<", "高于": ">"}.get(m[1], m[1])
    unit = m[4] or ""
    subject = body[: m.start()].strip(" ,:") or "否定项"
    number = m[2] or m[3]
    threshold = to_float(Decimal(number), unit) if number else None
    return VetoRule(subject=subject, op=op, threshold=threshold, unit=unit)


def _parse_ratio(text: str, max_points: float | None) -> Rule:
    m = re.match(r"^(?:比率|比值)\s*=\s*([^/;]+?)\s*/\s*([^;]+?)\s*;(.+)$", text, re.S)
    if not m:
        raise _err(text, "比率应写成「比率=分子/分母;…」", "write a ratio as 比率=numerator/denominator;…")
    num, den, rest = m[1].strip(), m[2].strip(), m[3]
    am = re.fullmatch(r"平均\((.+)\)", den)
    dens = tuple(d.strip() for d in am[1].split(",")) if am else (den,)
    if num in dens or len(set(dens)) != len(dens):
        raise _err(text, "分子与分母的名称必须不同", "numerator and denominators need distinct names")
    inner = _parse(rest, max_points)
    if inner.fields != ("",) or not inner.gives_points:
        raise _err(text, "比率只能套用单一输入的规则", "a ratio wraps a single-input rule")
    return RatioRule(numerator=num, denominators=dens, inner=inner)


# --------------------------------------------------------------------------- dispatch
def _parse(text: str, max_points: float | None) -> Rule:
    if re.match(r"^(比率|比值)\s*=", text):
        return _parse_ratio(text, max_points)
    if re.search(r"否定项|一票否决", text):
        return _parse_veto(text)
    if re.search(rf"(\d+|[一二三四五六七八九十])\s*级\s*(\(?\s*{NUM}\s*分|:)", text):
        return _parse_levels(text)
    if re.search(rf"(^|;)\s*{NUM}\s*分\s*:", text) or re.match(rf"^(评分|打分)\s*:?\s*{NUM}\s*(-|~|至|到)", text):
        return _parse_scale(text)
    if "任一项" in text and re.search(r"完成(所有|全部)要求|任一项(没有满足|未满足|不满足)", text):
        return _parse_checklist(text, max_points)
    if re.search(r"每\s*(增加|超出|超过|提高|上升|降低|下降|减少)\s*\d", text):
        return _parse_stepped(text, max_points)
    if re.search(r"每(少|多|低|高)", text) and re.search(r"扣|加", text):
        return _parse_per_unit(text, max_points)
    segments = _split(text)
    if not segments:
        raise _err(text, "评分标准是空的", "the rubric is empty")
    if re.search(rf"(扣罚|扣除|扣|减|罚|奖励|加|奖)\s*{NUM}\s*分", text) and not any(re.search(rf"[{CMP}]|以上|以下|以内", s) for s in segments):
        return _parse_counters(segments, text, max_points)
    return _parse_bands(segments, text, max_points)


@lru_cache(maxsize=4096)
def _parse_cached(text: str, max_points: float | None, generation: int) -> Rule:
    norm = normalize_text(text)
    norm = re.sub(r"[ \t\u3000]+", "", norm)
    if not norm:
        raise RubricSyntaxError("评分标准是空的 / the rubric is empty")
    for kind in text_readers():  # kinds registered from outside read their own notation first
        rule = kind.from_text(norm, max_points)
        if rule is not None:
            return rule
    return _parse(norm, max_points)


def parse_rule(text: str, *, max_points: float | None = None) -> Rule:
    """Parse rubric text into a rule. Parsed rules are cached (rules are immutable).

    >>> parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)").score(45)
    3.0
    """
    if not isinstance(text, str):
        raise RubricSyntaxError(f"评分标准应为文字，而不是 {type(text).__name__} / a rubric must be text")
    return _parse_cached(text, None if max_points is None else float(max_points), registry_generation())
