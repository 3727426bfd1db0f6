"""Points by rank: ``第一名10分,依次递减2分``, ``第1名5分,每低一名减1分``."""

from __future__ import annotations

import re

from ..rules import RankRule, Rule
from .bands import _check_max
from .limits import read_limits
from .text import NUM, _err

_FIRST = rf"^(?:[^第\d;,]{{0,20}}?)第(?:一|1)名(?:得)?({NUM})分"
_STEP = rf"(?:依次|逐名|每(?:低|降|下降|后退)?一名)(?:递减|减少|减|扣|少)({NUM})分"


def is_rank(text: str) -> bool:
    return bool(re.match(_FIRST, text)) and bool(re.search(_STEP, text))


def _parse_rank(text: str, max_points: float | None) -> Rule:
    first = float(re.match(_FIRST, text)[1])
    m = re.search(_STEP, text)
    rest = re.sub(_STEP, "", re.sub(_FIRST, "", text)).strip(" ,;。")
    for clause in (c for c in re.split(r"[;,。]", rest) if c):
        if not re.fullmatch(rf"最低(?:为|得)?{NUM}分|(?:扣|减)完为止|减至0分为?止?", clause):
            raise _err(text, f"未能理解：「{clause}」", f"could not read {clause!r}")
    floor, _ = read_limits(text, first, 0.0)
    if re.search(r"减完为止|减至0分", text):
        floor = 0.0
    rule = RankRule(first=first, step=float(m[1]), floor=0.0 if floor is None else floor)
    _check_max(rule, max_points, text)
    return rule
