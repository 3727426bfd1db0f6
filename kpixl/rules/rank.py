"""Points by rank: ``第一名10分,依次递减2分`` (input: the rank, 1 = first).

The points fall by ``step`` per place and stop at ``floor`` (0 unless the text says ``最低N分``):
a rank far down the list scores the floor, never less."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..errors import RuleError
from ..units import fmt_quantity
from ..xl import ParamRef, guard
from .base import Param, Rule, Validation, pts, register
from .limits import clip_points, excel_clip


@register
@dataclass(frozen=True)
class RankRule(Rule):
    """``first − step × (rank − 1)``, at least ``floor``."""

    first: float
    step: float
    floor: float = 0.0

    kind = "rank"
    kind_zh = "名次"
    EXAMPLES = ("第一名10分,依次递减2分", "第1名5分,每低一名减1分")
    unit = "名"

    def __post_init__(self) -> None:
        if not self.step > 0:
            raise RuleError(f"名次每降一名的减分应大于0（{self.step:g}）/ the step per place must be above 0")

    @property
    def full(self) -> float:
        return self.first

    @property
    def lowest(self) -> float:
        return self.floor

    def edge_values(self, field: str = "") -> list[object]:
        last = int(np.ceil((self.first - self.floor) / self.step)) + 1
        return sorted({1, 2, max(1, last - 1), last, last + 1, last + 5})

    def params(self) -> list[Param]:
        return [Param("first", "第一名得分", self.first), Param("step", "每降一名减分", self.step), Param("floor", "最低分", self.floor)]

    def with_params(self, values: Mapping[str, float]) -> RankRule:
        return replace(self, first=values.get("first", self.first), step=values.get("step", self.step), floor=values.get("floor", self.floor))

    def excel_value(self, field: str, cell: str) -> str:
        return guard(f"AND(ISNUMBER({cell}),{cell}>=1,INT({cell})={cell})", cell)

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        return excel_clip(f"{p('first')}-{p('step')}*({x['']}-1)", p, self.floor, None)

    def validation(self, field: str = "") -> Validation:
        return Validation("whole", f"应填: {self.expected(field)}", operator="greaterThanOrEqual", formula1="1")

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        return clip_points(self.first - self.step * (x - 1), self.floor, None)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return ~np.isnan(values) & ((values < 1) | (values != np.floor(values)))

    def expected(self, field: str = "") -> str:
        return "名次（1 为第一名的整数）/ a rank, 1 for the first"

    def canonical(self) -> str:
        out = f"第1名{pts(self.first)},依次递减{pts(self.step)}"
        return out if self.floor == 0 else f"{out};最低{pts(self.floor)}"

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        got = float(self.points({"": np.array([x])})[0])
        note = f"（最低{pts(self.floor)}）" if got == self.floor and self.first - self.step * (x - 1) < self.floor else ""
        return f"第{fmt_quantity(x)}名：{pts(self.first)} − {pts(self.step)}×{fmt_quantity(x - 1)} → {pts(got)}{note}"
