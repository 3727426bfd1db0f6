"""Per unit around a target: ``低于50家,每少一家扣1分;高于50家,每多一家加1分``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..errors import RuleError
from ..numeric import excel_round
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

    def __post_init__(self) -> None:
        if not self.step > 0:
            raise RuleError(f"每档数量应大于0（{self.step:g}）/ the step must be above 0")

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
        short = f"ROUND(MAX({p('target')}-{v},0)/{p('step')},9)"
        over = f"ROUND(MAX({v}-{p('target')},0)/{p('step')},9)"
        return excel_clip(f"{p('base')}-{p('down')}*{short}+{p('up')}*{over}", p, self.floor, self.cap)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        # 0.01/0.01 must be 1, not 0.99999999: steps are rounded to 9 places, as in the formula
        short = excel_round(np.maximum(self.target - x, 0) / self.step, 9)
        over = excel_round(np.maximum(x - self.target, 0) / self.step, 9)
        return clip_points(self.base - self.down * short + self.up * over, self.floor, self.cap)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        parts = [f"目标{q(self.target)}({pts(self.base)})"]
        if self.down:
            parts.append(f"每少{q(self.step)}{'扣' if self.down > 0 else '加'}{pts(abs(self.down))}")
        if self.up:
            parts.append(f"每多{q(self.step)}{'加' if self.up > 0 else '扣'}{pts(abs(self.up))}")
        parts += limits_text(self.floor, self.cap, 0.0 if self.base > 0 else None)
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        q = lambda v: fmt_quantity(v, self.unit)
        got = float(self.points({"": np.array([x])})[0])
        if x < self.target:
            n = (self.target - x) / self.step
            raw = self.base - self.down * n
            note = _limit_note(raw, got, self.floor, self.cap)
            term = f"{'−' if self.down > 0 else '+'} {pts(abs(self.down))}×{fmt_quantity(n)}"
            return f"{q(x)} 比目标 {q(self.target)} 少 {q(self.target - x)}：{pts(self.base)} {term} → {pts(got)}{note}"
        if x > self.target and self.up:
            n = (x - self.target) / self.step
            note = _limit_note(self.base + self.up * n, got, self.floor, self.cap)
            term = f"{'+' if self.up > 0 else '−'} {pts(abs(self.up))}×{fmt_quantity(n)}"
            return f"{q(x)} 比目标 {q(self.target)} 多 {q(x - self.target)}：{pts(self.base)} {term} → {pts(got)}{note}"
        return f"{q(x)} 达到目标 {q(self.target)} → {pts(got)}"


def _limit_note(raw: float, got: float, floor: float | None, cap: float | None) -> str:
    if raw == got:
        return ""
    if floor is not None and got == floor:
        return "（扣完为止）" if floor == 0 else f"（最低{pts(floor)}）"
    return f"（最高{pts(cap)}）" if cap is not None else ""
