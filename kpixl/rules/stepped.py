"""A stepped penalty beyond a limit: ``≤15%, 每增加5%扣2分`` (不足一档按一档计)."""

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
class SteppedRule(FullFromBase, Rule):
    """Full marks up to ``limit``; each ``step`` beyond it costs ``penalty``.

    ``above`` = True: beyond means greater (``≤15%, 每增加5%扣2分``); False: less.
    A part step counts as a whole step (不足一档按一档计) unless ``partial`` is ``"floor"``.
    """

    limit: float
    step: float
    penalty: float
    base: float
    above: bool = True
    unit: str = ""
    floor: float | None = 0.0
    partial: str = "ceil"

    kind = "stepped"
    kind_zh = "阶梯扣分"
    EXAMPLES = ("满分10分;≤15%,每增加5%扣2分",)

    def __post_init__(self) -> None:
        if not self.step > 0:
            raise RuleError(f"每档数量应大于0（{self.step:g}）/ the step must be above 0")

    def edge_values(self, field: str = "") -> list[object]:
        vals = [self.limit + k * self.step / 2 * (1 if self.above else -1) for k in range(-2, 9)]
        return [round(v, 6) for v in vals if v >= 0]

    def params(self) -> list[Param]:
        u = self.unit
        out = [
            Param("limit", "上限" if self.above else "下限", self.limit, u),
            Param("step", "每档", self.step, u),
            Param("penalty", "每档扣分", self.penalty),
            Param("base", "满分", self.base),
        ]
        return out + limit_params(self.floor, None)

    def with_params(self, values: Mapping[str, float]) -> SteppedRule:
        names = {prm.key for prm in self.params()}
        return replace(self, **{k: v for k, v in values.items() if k in names})

    def excel_value(self, field: str, cell: str) -> str:
        x = excel_number(cell, self.unit)
        return f"IF({x}>=0,{x},NA())" if self.unit else x

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        beyond = f"{v}-{p('limit')}" if self.above else f"{p('limit')}-{v}"
        fn = "ROUNDUP" if self.partial == "ceil" else "ROUNDDOWN"
        steps = f"{fn}(ROUND(MAX({beyond},0)/{p('step')},9),0)"
        return excel_clip(f"{p('base')}-{p('penalty')}*{steps}", p, self.floor, None)

    def steps(self, x: np.ndarray) -> np.ndarray:
        beyond = (x - self.limit) if self.above else (self.limit - x)
        ratio = excel_round(np.maximum(beyond, 0) / self.step, 9)  # 0.05/0.05 must be 1, not 1.0000000002
        return np.ceil(ratio) if self.partial == "ceil" else np.floor(ratio)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        out = clip_points(self.base - self.penalty * self.steps(x), self.floor, None)
        return np.where(np.isnan(x), np.nan, out)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0 if self.unit else np.zeros(values.shape, dtype=bool)

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        sign, verb = ("≤", "超出") if self.above else ("≥", "低于")
        part = f"(不足{q(self.step)}按{q(self.step)}计)" if self.partial == "ceil" else f"(不足{q(self.step)}不计)"
        parts = [f"{sign}{q(self.limit)}({pts(self.base)})", f"每{verb}{q(self.step)}扣{pts(self.penalty)}{part}"]
        parts += limits_text(self.floor, None, 0.0)
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        q = lambda v: fmt_quantity(v, self.unit)
        n = float(self.steps(np.array([x]))[0])
        got = float(self.points({"": np.array([x])})[0])
        if n == 0:
            return f"{q(x)} {'≤' if self.above else '≥'} {q(self.limit)} → {pts(got)}"
        verb = "超出" if self.above else "低于"
        note = "（扣完为止）" if self.floor == 0 and self.base - self.penalty * n < 0 else ""
        steps = f"{q(x)} {verb} {q(self.limit)} 共 {n:g} 档（每档{q(self.step)}）"
        return f"{steps}：扣{pts(self.penalty)}×{n:g}={pts(self.penalty * n)}，得分 {fmt_quantity(got)}{note}"
