"""Ratio inputs: the indicator is a quotient of raw figures the roster carries.

``比率=实际销售额/计划销售额;≥100%(100分);…`` — the rule reads 实际销售额 and 计划销售额
and scores their ratio with the inner rule. Several denominators are averaged:
``比率=离职人数/平均(月初人数,月末人数)`` (月度员工流失率 in seed 002).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..units import MIN_DIVISOR, fmt_quantity, too_small_divisor
from ..xl import ParamRef, excel_number, guard, literal
from .base import Param, Rule, Validation, register


@register
@dataclass(frozen=True)
class RatioRule(Rule):
    numerator: str
    denominators: tuple[str, ...]
    inner: Rule

    kind = "ratio"
    kind_zh = "比率"
    EXAMPLES = (
        "比率=实际销售额/计划销售额;≥100%(100分);90%-100%(80分);<90%(0分)",
        "比率=离职人数/平均(月初人数,月末人数);≤15%(10分);>15%(0分)",
    )

    def edge_values(self, field: str = "") -> list[object]:
        """Numerators that put the ratio on and beside every edge of the inner rule (denominator 200)."""
        if field != self.numerator:
            return [200]
        out = set()
        for e in self.inner.edge_values(""):
            if isinstance(e, int | float) and not isinstance(e, bool):
                for v in (e * 200 - 1, e * 200, e * 200 + 1):
                    if v >= 0:
                        out.add(round(v, 6))
        return sorted(out) or [0, 100, 200]

    def params(self) -> list[Param]:
        return self.inner.params()

    def with_params(self, values: Mapping[str, float]) -> RatioRule:
        return replace(self, inner=self.inner.with_params(values))

    def excel_value(self, field: str, cell: str) -> str:  # cell: the read value (kpixl.xl.excel_read)
        if field in self.denominators:  # as invalid: ≥1E-15, or 0 among averaged denominators
            ok = f"{cell}>={literal(MIN_DIVISOR)}"
            ok = ok if len(self.denominators) == 1 else f"OR({cell}=0,{ok})"
            return guard(f"AND(ISNUMBER({cell}),{ok})", cell)
        return excel_number(cell, "")

    def excel_present(self, cells: Mapping[str, str]) -> str:
        """Every input filled, and an average denominator not 0 (the engine's ratio is then missing)."""
        conds = [f'{cells[f]}<>""' for f in self.fields]
        if len(self.denominators) > 1:
            conds.append(f"SUM({','.join(cells[d] for d in self.denominators)})<>0")  # SUM: a blank read is "" (text)
        return f"AND({','.join(conds)})"

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        den = "+".join(x[d] for d in self.denominators)
        if len(self.denominators) > 1:
            den = f"({den})/{len(self.denominators)}"
        return self.inner.excel_points({"": f"({x[self.numerator]}/({den}))"}, p, domain=False)

    def validation(self, field: str = "") -> Validation | None:
        return None

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.numerator, *self.denominators)

    def input_unit(self, field: str = "") -> str:
        return ""

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self.inner.input_unit("")

    @property
    def full(self) -> float:
        return self.inner.full

    @property
    def lowest(self) -> float:
        return self.inner.lowest

    def ratio(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        num = np.asarray(inputs[self.numerator], dtype=float)
        den = sum(np.asarray(inputs[d], dtype=float) for d in self.denominators) / len(self.denominators)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den == 0, np.nan, num / den)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        return self.inner.points({"": self.ratio(inputs)})

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        if field in self.denominators:  # a denominator below 1E-15 would make the ratio overflow
            tiny = too_small_divisor(values)
            return (values <= 0 if len(self.denominators) == 1 else values < 0) | tiny
        return np.zeros(values.shape, dtype=bool)  # a numerator may be negative (节省额 when overspent)

    def expected(self, field: str = "") -> str:
        if field in self.denominators:
            if len(self.denominators) == 1:
                return "不小于 1E-15 的正数（分母）/ a number ≥ 1E-15 (denominator)"
            return "0 或不小于 1E-15 的正数（分母）/ 0 or a number ≥ 1E-15 (denominator)"
        return "数字 / a number"

    def denominator_text(self) -> str:
        if len(self.denominators) == 1:
            return self.denominators[0]
        return f"平均({','.join(self.denominators)})"

    def canonical(self) -> str:
        return f"比率={self.numerator}/{self.denominator_text()};{self.inner.canonical()}"

    def explain_one(self, values: Mapping[str, float]) -> str:
        r = float(self.ratio({k: np.array([v]) for k, v in values.items()})[0])
        parts = "、".join(f"{k} {fmt_quantity(values[k])}" for k in self.fields)
        if np.isnan(r):
            return f"{parts}：分母为0或缺失，无法计算比率 / the ratio cannot be computed"
        inner = self.inner.explain_one({"": r})
        return f"{parts}：{self.numerator}/{self.denominator_text()} = {fmt_quantity(r, self.unit)}；{inner}"
