"""A rated scale: a rater gives points on a scale, anchors describe some of them:
``1分:严重违反话术;3分:基本规范;5分:全程标准化,用语专业`` (2, 4 and 3.5 allowed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..units import fmt_quantity
from ..xl import ParamRef, literal
from .base import Param, Rule, Validation, pts, register


@register
@dataclass(frozen=True)
class ScaleRule(Rule):
    """Points given directly by a rater within ``[lo, hi]``; anchors describe some points."""

    anchors: tuple[tuple[float, str], ...]
    lo: float
    hi: float

    kind = "scale"
    kind_zh = "评分"
    unit = "分"
    EXAMPLES = ("1分:严重违反话术;3分:基本规范;5分:全程标准化,用语专业",)

    def edge_values(self, field: str = "") -> list[object]:
        n = int((self.hi - self.lo) * 2)
        return [self.lo + k / 2 for k in range(n + 1)]

    def params(self) -> list[Param]:
        return [Param("lo", "最低分", self.lo), Param("hi", "最高分", self.hi)]

    def with_params(self, values: Mapping[str, float]) -> ScaleRule:
        return replace(self, lo=values.get("lo", self.lo), hi=values.get("hi", self.hi))

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        return f"IF(AND({v}>={p('lo')},{v}<={p('hi')}),{v},NA())"

    def validation(self, field: str = "") -> Validation:
        return Validation("decimal", f"应填: {self.expected(field)}", operator="between", formula1=literal(self.lo), formula2=literal(self.hi))

    @property
    def full(self) -> float:
        return self.hi

    @property
    def lowest(self) -> float:
        return self.lo

    def input_unit(self, field: str = "") -> str:
        return "分"

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.asarray(inputs[""], dtype=float).copy()

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return (values < self.lo) | (values > self.hi)

    def invalid_one(self, x: float) -> bool:
        return x < self.lo or x > self.hi

    def points_one(self, x: float) -> float:
        return x

    def expected(self, field: str = "") -> str:
        return f"{fmt_quantity(self.lo)}–{fmt_quantity(self.hi)} 之间的分数 / a rating from {fmt_quantity(self.lo)} to {fmt_quantity(self.hi)}"

    def canonical(self) -> str:
        marks = {p for p, _ in self.anchors}
        text = ";".join(f"{pts(p)}:{d}" for p, d in self.anchors)
        if not self.anchors or self.lo not in marks or self.hi not in marks:
            rng = f"评分{fmt_quantity(self.lo)}-{fmt_quantity(self.hi)}分"
            return f"{rng};{text}" if text else rng
        return text

    def explain_one(self, values: Mapping[str, float]) -> str:
        v = values[""]
        exact = [d for p, d in self.anchors if p == v]
        if exact:
            return f"评分 {fmt_quantity(v)}「{exact[0]}」→ {pts(v)}"
        below = [(p, d) for p, d in self.anchors if p < v]
        above = [(p, d) for p, d in self.anchors if p > v]
        if below and above:
            (p1, d1), (p2, d2) = below[-1], above[0]
            return f"评分 {fmt_quantity(v)}（介于 {pts(p1)}「{d1}」与 {pts(p2)}「{d2}」之间）→ {pts(v)}"
        return f"评分 {fmt_quantity(v)} → {pts(v)}"
