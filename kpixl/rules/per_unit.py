"""Per unit around a target: ``低于50家,每少一家扣1分;高于50家,每多一家加1分``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..units import fmt_quantity
from ..xl import ParamRef, excel_number
from .base import Param, Rule, pts, register
from .limits import FullFromBase, clip_points, excel_clip, limit_params, limits_text


@register
@dataclass(frozen=True)
class PerUnitRule(FullFromBase, Rule):
    """``base − down × shortfall + up × excess`` in units of ``step``, kept within ``[floor, cap]``."""

    target: float
    base: float
    down: float
    up: float = 0.0
    step: float = 1.0
    unit: str = ""
    floor: float | None = 0.0
    cap: float | None = None

    kind = "per_unit"
    kind_zh = "按量增减"
    EXAMPLES = ("满分10分;低于50家,每少选一家,扣1分;高于50家,每多选一家,加1分",)

    def edge_values(self, field: str = "") -> list[object]:
        return [max(0.0, self.target + k * self.step) for k in (-30, -5, -1, 0, 1, 2, 5, 30)]

    def params(self) -> list[Param]:
        u = self.unit
        out = [
            Param("target", "目标值", self.target, u),
            Param("base", "达到目标得分", self.base),
            Param("step", "每档数量", self.step, u),
            Param("down", "每少一档扣分", self.down),
            Param("up", "每多一档加分", self.up),
        ]
        return out + limit_params(self.floor, self.cap)

    def with_params(self, values: Mapping[str, float]) -> PerUnitRule:
        names = {prm.key for prm in self.params()}
        return replace(self, **{k: v for k, v in values.items() if k in names})

    def excel_value(self, field: str, cell: str) -> str:
        x = excel_number(cell, self.unit)
        return f"IF({x}>=0,{x},NA())"

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        short = f"MAX({p('target')}-{v},0)/{p('step')}"
        over = f"MAX({v}-{p('target')},0)/{p('step')}"
        return excel_clip(f"{p('base')}-{p('down')}*{short}+{p('up')}*{over}", p, self.floor, self.cap)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        short = np.maximum(self.target - x, 0) / self.step
        over = np.maximum(x - self.target, 0) / self.step
        return clip_points(self.base - self.down * short + self.up * over, self.floor, self.cap)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        parts = [f"目标{q(self.target)}({pts(self.base)})"]
        if self.down:
            parts.append(f"每少{q(self.step)}扣{pts(self.down)}")
        if self.up:
            parts.append(f"每多{q(self.step)}加{pts(self.up)}")
        parts += limits_text(self.floor, self.cap, 0.0)
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        q = lambda v: fmt_quantity(v, self.unit)
        got = float(self.points({"": np.array([x])})[0])
        if x < self.target:
            n = (self.target - x) / self.step
            raw = self.base - self.down * n
            note = "（扣完为止）" if self.floor == 0 and raw < 0 else ""
            return f"{q(x)} 比目标 {q(self.target)} 少 {q(self.target - x)}：{pts(self.base)} − {pts(self.down)}×{fmt_quantity(n)} → {pts(got)}{note}"
        if x > self.target and self.up:
            n = (x - self.target) / self.step
            note = f"（最高{pts(self.cap)}）" if self.cap is not None and got == self.cap else ""
            return f"{q(x)} 比目标 {q(self.target)} 多 {q(x - self.target)}：{pts(self.base)} + {pts(self.up)}×{fmt_quantity(n)} → {pts(got)}{note}"
        return f"{q(x)} 达到目标 {q(self.target)} → {pts(got)}"
