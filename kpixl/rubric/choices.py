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
