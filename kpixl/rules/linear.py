"""Linear scoring between two anchors: ``70以下不得分,95以上得10分,70-95之间按比例计分``, and
a ratio as points (``实际完成量/目标量×100%``, the inner rule of a RatioRule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..errors import RuleError
from ..numeric import excel_round
from ..units import fmt_quantity
from ..xl import ParamRef, excel_number
from .bands import nonnegative_domain
from .base import Param, Rule, pts, register
from .limits import clip_points, excel_clip, limit_params


@register
@dataclass(frozen=True)
class LinearRule(Rule):
    """``lo_points`` at ``lo``, ``hi_points`` at ``hi``, in proportion between and beyond them,
    kept within ``[floor, cap]`` (the anchors' points when the text says 不得分/以上得N分)."""

    lo: float
    lo_points: float
    hi: float
    hi_points: float
    unit: str = ""
    floor: float | None = None
    cap: float | None = None

    kind = "linear"
    kind_zh = "按比例"
    EXAMPLES = ("70以下不得分,95以上得10分,70-95之间按比例计分", "按比例计分:0%得0分,100%得100分")

    def __post_init__(self) -> None:
        if not self.lo < self.hi:
            raise RuleError(f"按比例计分的两个端点应从小到大（{self.lo:g}、{self.hi:g}）/ the anchors must increase")
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise RuleError("最低分高于最高分 / the floor is above the cap")

    @property
    def full(self) -> float:
        return self.cap if self.cap is not None else max(self.lo_points, self.hi_points)

    @property
    def lowest(self) -> float:
        return self.floor if self.floor is not None else min(self.lo_points, self.hi_points)

    def edge_values(self, field: str = "") -> list[object]:
        d = (self.hi - self.lo) / 100
        vals = [self.lo - d, self.lo, self.lo + d, (self.lo + self.hi) / 2, self.hi - d, self.hi, self.hi + d]
        return [round(v, 9) for v in vals if v >= 0 or not nonnegative_domain(self.unit)]

    def params(self) -> list[Param]:
        u = self.unit
        out = [Param("lo", "下端点", self.lo, u), Param("lo_pts", "下端点得分", self.lo_points)]
        out += [Param("hi", "上端点", self.hi, u), Param("hi_pts", "上端点得分", self.hi_points)]
        return out + limit_params(self.floor, self.cap)

    def with_params(self, values: Mapping[str, float]) -> LinearRule:
        get = values.get
        return replace(
            self,
            lo=get("lo", self.lo),
            lo_points=get("lo_pts", self.lo_points),
            hi=get("hi", self.hi),
            hi_points=get("hi_pts", self.hi_points),
            floor=get("floor", self.floor),
            cap=get("cap", self.cap),
        )

    def excel_value(self, field: str, cell: str) -> str:
        x = excel_number(cell, self.unit)
        return f"IF({x}>=0,{x},NA())" if nonnegative_domain(self.unit) else x

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        line = f"ROUND({p('lo_pts')}+({v}-{p('lo')})*({p('hi_pts')}-{p('lo_pts')})/({p('hi')}-{p('lo')}),9)"
        return excel_clip(line, p, self.floor, self.cap)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        return clip_points(self.line(x), self.floor, self.cap)

    def line(self, x: np.ndarray) -> np.ndarray:
        """The points on the line through both anchors, to 9 places (80% of 60%–100% is 10, not 10.000000000000004)."""
        return excel_round(self.lo_points + (x - self.lo) * (self.hi_points - self.lo_points) / (self.hi - self.lo), 9)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0 if nonnegative_domain(self.unit) else np.zeros(values.shape, dtype=bool)

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        parts = [f"按比例计分:{q(self.lo)}得{pts(self.lo_points)},{q(self.hi)}得{pts(self.hi_points)}"]
        if self.floor is not None:
            parts.append(f"最低{pts(self.floor)}")
        if self.cap is not None:
            parts.append(f"最高{pts(self.cap)}")
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        q = lambda v: fmt_quantity(v, self.unit)
        got = float(self.points({"": np.array([x])})[0])
        raw = float(self.line(np.array([x]))[0])
        note = ""
        if raw != got:
            note = f"（最低{pts(self.floor)}）" if got == self.floor else f"（最高{pts(self.cap)}）"
        line = f"{q(self.lo)}得{pts(self.lo_points)}、{q(self.hi)}得{pts(self.hi_points)}之间按比例"
        return f"{q(x)}：{line} → {pts(got)}{note}"
