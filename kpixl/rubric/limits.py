"""Floors and caps written in the rubric: ``扣完为止``, ``直至扣完``, ``可扣为负分``, ``最低N分``,
``最高N分`` / ``最高不超过N分`` (a cap on the score), ``最高扣N分`` (a floor N below the full score)
and ``最高加N分`` (a cap N above it)."""

from __future__ import annotations

import re

from .text import NUM, _err

_PREFIX = r"(?:本项|该项|当月|本月|每月|月度|累计|合计|总计|扣分|加分|得分|分值|本项分值|当月分值|,)*"
_FLOOR0 = r"扣完为止|直至扣完|直到扣完|扣完即止|扣至0分为?止?|扣到0分为?止?|扣完本项分值?为止|不倒扣|不得为负分?"
_NEGATIVE = r"可扣为负分?|可以扣为负分?|可为负分?|可倒扣|扣分不设下限"
_DEDUCT = rf"(?:最高|最多|上限|封顶)(?:可)?(?:扣除|扣罚|扣)\s*({NUM})\s*分|扣分(?:最高|最多|上限|封顶|不超过)(?:为)?\s*({NUM})\s*分"
_BONUS = rf"(?:最高|最多|上限|封顶)(?:可)?(?:加|奖励|奖)\s*({NUM})\s*分|加分(?:最高|最多|上限|封顶|不超过)(?:为)?\s*({NUM})\s*分"
_CAP = rf"(?:最高|最多|封顶|上限)(?:不超过|不高于|为|得)?\s*({NUM})\s*分|(?:不超过|不高于)\s*({NUM})\s*分封顶"
_FLOOR = rf"最低(?:为|得)?\s*({NUM})\s*分|最低扣至\s*({NUM})\s*分"

#: a stated limit, or 满分N分, anywhere in a text (what check_consumed leaves out)
LIMIT_ANYWHERE = re.compile(rf"{_FLOOR0}|{_NEGATIVE}|{_DEDUCT}|{_BONUS}|{_CAP}|{_FLOOR}|满分\s*{NUM}\s*分")
LIMIT_CLAUSE = re.compile(rf"^{_PREFIX}(?:{_FLOOR0}|{_NEGATIVE}|{_DEDUCT}|{_BONUS}|{_CAP}|{_FLOOR})(?:为止)?$")


def is_limit_clause(clause: str) -> bool:
    """A clause that only states a floor or a cap (``最高扣20分``, ``扣完为止``)."""
    return bool(LIMIT_CLAUSE.match(clause.strip(" ,;。")))


def _number(m: re.Match[str]) -> float:
    return float(next(g for g in m.groups() if g is not None))


def read_limits(text: str, base: float, default_floor: float | None) -> tuple[float | None, float | None]:
    """The floor and the cap a rubric states, given its full score ``base`` (the floor when
    nothing is said is ``default_floor``). Contradicting statements are an error."""
    floors: list[float | None] = []
    caps: list[float] = []
    if re.search(_FLOOR0, text):
        floors.append(0.0)
    if re.search(_NEGATIVE, text):
        floors.append(None)
    for m in re.finditer(_FLOOR, text):
        floors.append(_number(m))
    for m in re.finditer(_DEDUCT, text):
        floors.append(base - _number(m))
    for m in re.finditer(_BONUS, text):
        caps.append(base + _number(m))
    for m in re.finditer(_CAP, text):
        caps.append(_number(m))
    if len(set(floors)) > 1:
        shown = "、".join("无下限" if f is None else f"{f:g}分" for f in floors)
        raise _err(text, f"最低分有几种说法（{shown}）", "the rubric states different floors")
    if len(set(caps)) > 1:
        raise _err(text, f"最高分有几种说法（{'、'.join(f'{c:g}分' for c in caps)}）", "the rubric states different caps")
    floor = floors[0] if floors else default_floor
    cap = caps[0] if caps else None
    if floor is not None and cap is not None and floor > cap:
        raise _err(text, "最低分高于最高分", "the floor is above the cap")
    return floor, cap
