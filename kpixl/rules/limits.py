"""Floors and caps of counting rules — 扣完为止, 最高N分, 可扣为负分 — in numpy, in Excel,
as 指标库 parameters and in words; and the whole-number check of a count."""

from __future__ import annotations

import numpy as np

from ..xl import ParamRef, clip, guard
from .base import Param, pts


class FullFromBase:
    """Full marks are the rule's ``base``; the lowest score its ``floor`` (none: no lowest)."""

    base: float
    floor: float | None

    @property
    def full(self) -> float:
        return self.base

    @property
    def lowest(self) -> float:
        return self.floor if self.floor is not None else -np.inf


def clip_points(x: np.ndarray, floor: float | None, cap: float | None) -> np.ndarray:
    if floor is not None:
        x = np.maximum(x, floor)
    if cap is not None:
        x = np.minimum(x, cap)
    return x


def limit_params(floor: float | None, cap: float | None) -> list[Param]:
    out = []
    if floor is not None:
        out.append(Param("floor", "最低分", floor))
    if cap is not None:
        out.append(Param("cap", "最高分", cap))
    return out


def excel_clip(expr: str, p: ParamRef, floor: float | None, cap: float | None) -> str:
    return clip(expr, p("floor") if floor is not None else None, p("cap") if cap is not None else None)


def whole(cell: str) -> str:
    """A whole number ≥ 0 typed in ``cell`` (a count), or #N/A."""
    return guard(f"AND(ISNUMBER({cell}),{cell}>=0,INT({cell})={cell})", cell)


def limits_text(floor: float | None, cap: float | None, default_floor: float | None) -> list[str]:
    """The floor and cap as rubric words; a floor equal to the parser's default may stay implicit."""
    out = []
    if floor == 0:
        out.append("扣完为止")
    elif floor is None:
        if default_floor is not None:
            out.append("可扣为负分")
    else:
        out.append(f"最低{pts(floor)}")
    if cap is not None:
        out.append(f"最高{pts(cap)}")
    return out
