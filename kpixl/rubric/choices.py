"""Named choices and rated scales: labels ``是(3分);否(0分)``, levels ``1级10分 … 5级50分``,
anchored scales ``1分:… ;3分:… ;5分:…``."""

from __future__ import annotations

import re

from ..rules import (
    ChoiceRule,
    Option,
    Rule,
    ScaleRule,
)
from ..units import normalize_text
from ..vocab import CN_DIGITS
from ..vocab import NO_WORDS as NO
from ..vocab import YES_WORDS as YES
from .text import (
    NUM,
    _err,
    _split_points,
)

# --------------------------------------------------------------------------- choices
_NEG = ("未", "不", "没有", "没", "无", "非")
_WORD = re.compile(rf"([^\d;,、。:()]+?):?\(?(扣除|扣罚|扣|减|得|加)?({NUM})分\)?[;,、。]?")


def _negation_pair(a: str, b: str) -> bool:
    """``按时提交`` and ``未按时提交``: the second says the first did not happen."""
    return any(b == n + a or (b.startswith(a[:1]) and b == a[:1] + n + a[1:]) for n in _NEG)


def _choice(options: list[tuple[str, float]], text: str) -> Rule:
    if len(options) < 2:
        raise _err(text, "只有一个选项：请写出每个选项的分值，或写成「…一次扣N分」", "a choice needs two options or more")
    labels = [normalize_text(lbl).lower() for lbl, _ in options]
    if len(options) == 2 and all(lbl in YES | NO for lbl in labels) and len({lbl in YES for lbl in labels}) == 2:
        opts = tuple(Option(1.0 if lbl.lower() in YES else 0.0, label, p) for (label, p), lbl in zip(options, labels, strict=True))
        return ChoiceRule(options=opts, style="yesno")
    if len(options) == 2 and (_negation_pair(labels[0], labels[1]) or _negation_pair(labels[1], labels[0])):
        yes = 0 if _negation_pair(labels[0], labels[1]) else 1
        opts = tuple(Option(1.0 if k == yes else 0.0, label, p) for k, (label, p) in enumerate(options))
        return ChoiceRule(options=opts, style="yesno")
    if len(set(labels)) != len(labels):
        raise _err(text, "选项名称重复", "duplicate option labels")
    return ChoiceRule(options=tuple(Option(float(i + 1), lbl, p) for i, (lbl, p) in enumerate(options)), style="label")


def _parse_labels(segments: list[str], text: str) -> Rule:
    options = []
    for seg in segments:
        label, points = _split_points(seg)
        if not label:
            raise _err(seg, "选项没有名称", "an option has no label")
        options.append((label, points))
    return _choice(options, text)


def _word_items(text: str) -> list[re.Match[str]] | None:
    """The words of a word scale, each with its points, or None (linear in the text)."""
    text = _without_heading(text)
    pieces = re.findall(r"[^分]*分\)?[;,、。]?", text)
    if "".join(pieces) != text:
        return None
    found = [_WORD.fullmatch(p) for p in pieces]
    return None if any(m is None for m in found) else found  # type: ignore[return-value]


def _without_heading(text: str) -> str:
    """``服务规范:优(10分)良(8分)…`` — a name before a colon is the item's heading."""
    m = re.match(r"^[^\d:;,()]{1,20}:(?=[^:]*$)", text)
    return text[m.end() :] if m else text


def is_word_scale(text: str) -> bool:
    """``优5分良4分中3分差1分``, ``全责扣10分、主责6分``: words each followed by its points."""
    found = _word_items(text)
    return found is not None and len(found) >= 2 and all(not re.search(r"[≤≥<>=]|以上|以下|以内|每|一次|一起|第", m[1]) for m in found)


def _parse_words(text: str, max_points: float | None) -> Rule:
    """A word scale; a deduction verb on the first word carries to the words after it
    (``全责扣10分、主责6分`` deducts 6 for 主责). Deductions start from the item's full points
    (or 0) and add the option ``无`` (nothing happened) at full points."""
    found = _word_items(text) or []
    verbs = [m[2] or "" for m in found]
    deduct = verbs[0] in ("扣除", "扣罚", "扣", "减") and all(v in ("", verbs[0]) for v in verbs)
    if not deduct and any(v in ("扣除", "扣罚", "扣", "减") for v in verbs):
        raise _err(text, "部分选项是扣分、部分不是，请每项写明「扣」或「得」", "some options deduct and some do not")
    bare = next((m[0] for m in found if re.fullmatch(r"(另|再|额外)?(加|扣|扣除|奖励|奖|减|得)", m[1])), None)
    if bare is not None:
        raise _err(text, f"未能理解：「{bare.strip(';,、。')}」（只有部分选项写「加」或「扣」）", "an option with no name")
    if "加" in verbs and any(v != "加" for v in verbs):
        odd = next(m[0] for m, v in zip(found, verbs, strict=True) if v == "加")
        raise _err(text, f"未能理解：「{odd.strip(';,、。')}」（只有部分选项写「加」）", "some options add and some do not")
    base = float(max_points) if deduct and max_points is not None else 0.0
    options = [(m[1].strip(), base - float(m[3]) if deduct else float(m[3])) for m in found]
    if deduct and "无" not in [lbl for lbl, _ in options]:
        options.append(("无", base))
    return _choice(options, text)


def _parse_levels(text: str) -> Rule:
    marks = list(re.finditer(r"(\d+|[一二三四五六七八九十])\s*级", text))
    head = text[: marks[0].start()].strip(" ;,\n") if marks else ""
    if head and (re.search(r"\d", head) or not head.endswith(":")):
        raise _err(text, f"未能理解：「{head}」", f"could not read {head!r}")
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
        if re.search(rf"(扣|加|奖|减|得|最高|最低|满分)\s*{NUM}\s*分|扣完|为负", desc):
            raise _err(text, f"未能理解：「{desc}」（等级描述里有分值）", f"could not read {desc!r}: points inside a description")
        if desc:
            entry["desc"] = desc
    missing = [n for n, e in levels.items() if e["points"] is None]
    if missing:
        raise _err(text, f"{missing[0]}级没有分值", f"level {missing[0]} has no points")
    opts = tuple(Option(float(n), f"{n}级", e["points"], e["desc"]) for n, e in sorted(levels.items()))
    return ChoiceRule(options=opts, style="level")


_HEADING = re.compile(rf"^([^\n;]*?)(?:\(?\s*({NUM})\s*(?:-|~|至|到)\s*({NUM})\s*分\s*\)?)?\s*:?\s*\n")


def is_scale(text: str) -> bool:
    """Anchors ``1分:… ;3分:… ;5分:…``, one a line or after ``;``, maybe under a heading line."""
    if re.search(rf"(^|;)\s*{NUM}\s*分\s*:", text) or re.match(rf"^(评分|打分)\s*:?\s*{NUM}\s*(-|~|至|到)", text):
        return True
    return len(re.findall(rf"(?:^|\n)\s*{NUM}\s*分\s*:", text)) >= 2


def _parse_scale(text: str) -> Rule:
    lo = hi = None
    m = re.search(rf"(?:评分|打分)\s*:?\s*({NUM})\s*(?:-|~|至|到)\s*({NUM})\s*分", text)
    if m:
        lo, hi = float(m[1]), float(m[2])
        text = text[: m.start()] + text[m.end() :]
    head = _HEADING.match(text)
    if head and not re.match(rf"\s*{NUM}\s*分\s*:", text):  # a heading line: 服务态度评分标准(1-5分):
        if head[2] is not None:
            lo, hi = float(head[2]), float(head[3])
        if re.search(r"\d", head[1]):
            raise _err(text, f"未能理解：「{head[0].strip()}」", f"could not read the heading {head[0].strip()!r}")
        text = text[head.end() :]
    marks = list(re.finditer(rf"(?:^|[;\n])\s*({NUM})\s*分\s*:", text))
    anchors = []
    for i, mk in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        anchors.append((float(mk[1]), text[mk.end() : end].strip(" ;\n")))
    if marks and text[: marks[0].start()].strip(" ;\n"):
        raise _err(text, f"未能理解：「{text[: marks[0].start()].strip()}」", "text before the first anchor")
    anchors.sort()
    values = [p for p, _ in anchors]
    if len(set(values)) != len(values):
        raise _err(text, "同一分数有两条描述", "two anchors for the same score")
    lo = min([*values, lo] if lo is not None else values)
    hi = max([*values, hi] if hi is not None else values)
    if lo >= hi:
        raise _err(text, "评分范围至少要有两个分数", "a scale needs at least two points")
    return ScaleRule(anchors=tuple(anchors), lo=lo, hi=hi)
