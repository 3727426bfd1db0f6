"""The dispatch: which family a rubric text belongs to, then its parser; vetoes and ratios;
the parse cache."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

from ..errors import KpixlError, RubricSyntaxError, RuleError
from ..rules import (
    RatioRule,
    Rule,
    VetoRule,
    registry_generation,
    text_readers,
)
from ..units import UNIT_PATTERN, normalize_text, to_float
from .bands import _parse_bands
from .choices import _parse_levels, _parse_scale, _parse_words, is_scale, is_word_scale
from .contract import check_all_read
from .counting import _parse_checklist, _parse_counters, is_counting
from .linear import _parse_formula, _parse_linear, is_formula, is_linear
from .rank import _parse_rank, is_rank
from .targets import _parse_per_unit, _parse_stepped, has_target
from .text import (
    NUM,
    _err,
    _split,
)


def _parse_veto(text: str) -> Rule:
    body = re.sub(r"^.*?(否定项|一票否决)\s*[,:]?\s*", "", text)
    # the threshold is a number, a blank to fill in `[ ]`, or a filled-in blank `[90]`
    m = re.search(rf"(不低于|不少于|不高于|不超过|低于|高于|等于|≥|≤|<|>|=)\s*(?:\[\s*({NUM})?\s*\]|({NUM}))\s*({UNIT_PATTERN})?", body)
    if not m:
        raise _err(text, "否定项需要写明条件，如「不低于95%」", "a veto needs a condition, e.g. 不低于95%")
    op = {"不低于": "≥", "不少于": "≥", "不高于": "≤", "不超过": "≤", "低于": "<", "高于": ">", "等于": "="}.get(m[1], m[1])
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
    if is_formula(text):
        return _parse_formula(text, max_points)
    if is_rank(text):
        return _parse_rank(text, max_points)
    if is_linear(text):
        return _parse_linear(text, max_points)
    if re.search(rf"(\d+|[一二三四五六七八九十])\s*级\s*(\(?\s*{NUM}\s*分|:)", text):
        return _parse_levels(text)
    if is_scale(text):
        return _parse_scale(text)
    if "任一项" in text and re.search(r"完成(所有|全部)要求|任一项(没有满足|未满足|不满足)", text):
        return _parse_checklist(text, max_points)
    if re.search(r"每\s*(增加|超出|超过|提高|上升|降低|下降|减少|高出|低于)\s*\d", text):
        return _parse_stepped(text, max_points)
    per_unit = re.search(r"每\s*(选)?\s*(少|多|低|高|超|降)", text) or re.search(
        r"(超过|超出|高于|多于|低于|少于|不足)\d[^;]*每(次|起|个|件|单|家|人|条)", text
    )
    if per_unit and re.search(r"扣|加", text) and has_target(text):
        return _parse_per_unit(text, max_points)
    if is_word_scale(text):
        return _parse_words(text, max_points)
    segments = _split(text)
    if not segments:
        raise _err(text, "评分标准是空的", "the rubric is empty")
    if is_counting(text, segments):
        return _parse_counters(segments, text, max_points)
    return _parse_bands(segments, text, max_points)


@lru_cache(maxsize=4096)
def _parse_cached(text: str, max_points: float | None, generation: int) -> Rule:
    norm = normalize_text(text)
    norm = re.sub(r"[ \t\u3000]+", "", norm)
    norm = re.sub(r"个?百分点", "%", norm)  # 每降低1个百分点 is a step of 1%
    if not norm:
        raise RubricSyntaxError("评分标准是空的 / the rubric is empty")
    for kind in text_readers():  # kinds registered from outside read their own notation first
        rule = kind.from_text(norm, max_points)
        if rule is not None:
            return rule
    long_number = re.search(r"\d{16,}", norm)
    if long_number:
        raise RubricSyntaxError(f"评分标准中的数字过长（{long_number[0][:20]}…，最多15位）/ a number in the rubric has more than 15 digits")
    try:
        rule = _parse(norm, max_points)
    except KpixlError:
        raise
    except (ArithmeticError, ValueError, IndexError, KeyError, TypeError) as exc:  # never an untyped error
        raise RubricSyntaxError(f"无法识别评分标准「{norm[:200]}」/ cannot read rubric {norm[:200]!r}") from exc
    check_all_read(norm, rule, max_points)
    return rule


#: the most text a rubric may hold: a real rubric is a few hundred characters, and a longer cell
#: is refused at once (parsing stays well under a second, whatever the text)
MAX_RUBRIC_CHARS = 4000


def _max_points(max_points: object) -> float | None:
    if max_points is None:
        return None
    try:
        x = float(max_points)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        x = math.nan
    if not math.isfinite(x) or x <= 0:
        shown = repr(max_points)[:30] if not isinstance(max_points, int) else f"{max_points.bit_length()} 位二进制的整数"
        raise RuleError(f"该项满分应为大于0的数字，而不是 {shown} / max_points must be a number above 0")
    return x


def parse_rule(text: str, *, max_points: float | None = None) -> Rule:
    """Parse rubric text into a rule. Parsed rules are cached (rules are immutable).

    >>> parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)").score(45)
    3.0
    """
    if not isinstance(text, str):
        raise RubricSyntaxError(f"评分标准应为文字，而不是 {type(text).__name__} / a rubric must be text")
    if len(text) > MAX_RUBRIC_CHARS:
        raise RubricSyntaxError(
            f"评分标准过长（{len(text)} 字，最多 {MAX_RUBRIC_CHARS} 字）/ the rubric has {len(text)} characters, at most {MAX_RUBRIC_CHARS}"
        )
    return _parse_cached(text, _max_points(max_points), registry_generation())
