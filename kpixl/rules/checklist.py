"""A checklist: ``完成所有要求20分;任一项没有满足扣5分``, with or without named items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..units import ColumnParse, fmt_quantity, parse_unique
from ..vocab import BLANK_NAME, YES_NO_CHOICES, excel_is_word, excel_yes_no, read_yes_no
from ..xl import ParamRef, excel_number
from .base import Param, Rule, Validation, pts, register
from .limits import clip_points, excel_clip, limit_params, whole


@register
@dataclass(frozen=True)
class ChecklistRule(Rule):
    """``full − penalty × (unmet items)``, not below ``floor``.

    With named ``items`` each item is its own yes/no input; without, the single input
    is the number of unmet items.
    """

    full_points: float
    penalty: float
    items: tuple[str, ...] = ()
    floor: float | None = 0.0

    kind = "checklist"
    kind_zh = "清单"
    EXAMPLES = ("完成所有要求20分;任一项没有满足扣5分", "完成所有要求20分;任一项没有满足扣5分;检查项:着装、话术、记录")

    def edge_values(self, field: str = "") -> list[object]:
        return ["是", "否"] if self.items else [0, 1, 2, 3]

    def typed(self, field: str, x: float) -> object:
        if self.items:
            return "是" if x == 1 else "否"
        return x

    def params(self) -> list[Param]:
        return [Param("full", "满分", self.full_points), Param("penalty", "每项未满足扣分", self.penalty), *limit_params(self.floor, None)]

    def with_params(self, values: Mapping[str, float]) -> ChecklistRule:
        get = values.get
        return replace(self, full_points=get("full", self.full_points), penalty=get("penalty", self.penalty), floor=get("floor", self.floor))

    def excel_read(self, field: str, cell: str) -> str:
        if not self.items:
            return super().excel_read(field, cell)
        return f'IF({excel_is_word(f"ASC({cell})", BLANK_NAME)},"",{excel_yes_no(cell)})'

    def excel_readable(self, field: str, cell: str) -> str | None:
        return None if self.items else super().excel_readable(field, cell)

    def excel_value(self, field: str, ref: str) -> str:
        return excel_number(ref) if self.items else whole(ref)

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        unmet = "+".join(f"(1-{x[i]})" for i in self.items) if self.items else x[""]
        return excel_clip(f"{p('full')}-{p('penalty')}*({unmet})", p, self.floor, None)

    def validation(self, field: str = "") -> Validation:
        if self.items:
            return Validation("list", "应填: 是 / 否", choices=YES_NO_CHOICES)
        return Validation("whole", f"应填: {self.expected(field)}", operator="greaterThanOrEqual", formula1="0")

    @property
    def fields(self) -> tuple[str, ...]:
        return self.items or ("",)

    def input_unit(self, field: str = "") -> str:
        return "" if self.items else "项"

    @property
    def full(self) -> float:
        return self.full_points

    @property
    def lowest(self) -> float:
        n = max(len(self.items), 1)
        return max(self.full_points - self.penalty * n, self.floor if self.floor is not None else -np.inf)

    def unmet(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        if not self.items:
            return np.asarray(inputs[""], dtype=float)
        arrays = [np.asarray(inputs[i], dtype=float) for i in self.items]
        return sum(1.0 - a for a in arrays)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        return clip_points(self.full_points - self.penalty * self.unmet(inputs), self.floor, None)

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        if self.items:
            return parse_unique(series, read_yes_no)
        return super().parse_input(field, series)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        if self.items:
            return np.zeros(values.shape, dtype=bool)
        return (values < 0) | (~np.isnan(values) & (values != np.floor(values)))

    def expected(self, field: str = "") -> str:
        return "是/否 / yes or no" if self.items else "未满足的项数（≥0 的整数）/ number of unmet items"

    def canonical(self) -> str:
        parts = [f"完成所有要求{pts(self.full_points)}", f"任一项没有满足扣{pts(self.penalty)}"]
        if self.items:
            parts.append("检查项:" + "、".join(self.items))
        if self.floor != 0:
            parts += ["可扣为负分"] if self.floor is None else [f"最低{pts(self.floor)}"]
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        arrays = {k: np.array([0.0 if np.isnan(v) else v]) if self.items else np.array([v]) for k, v in values.items()}
        n = float(self.unmet(arrays)[0])
        got = float(self.points(arrays)[0])
        if n == 0:
            return f"全部满足 → {pts(got)}"
        which = ""
        if self.items:
            which = "（" + "、".join(i for i in self.items if values[i] == 0) + "）"
        return f"{fmt_quantity(n)}项未满足{which}：扣{pts(self.penalty)}×{fmt_quantity(n)}={pts(self.penalty * n)}，得分 {fmt_quantity(got)}"
