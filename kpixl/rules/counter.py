"""Per-occurrence deductions and bonuses, one or several counters each with its own points:
``发现一次扣2分`` (扣完为止), ``一次奖励5分``, and the adjustments outside the items
(``表扬信一次加1分;部门表扬加2分``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..units import COUNT_UNITS, fmt_quantity
from ..xl import ParamRef, guard
from .base import Param, Rule, Validation, pts, register
from .limits import clip_points, excel_clip, limit_params, limits_text, whole


@dataclass(frozen=True)
class Counter:
    name: str
    delta: float  # points per occurrence: negative deducts, positive adds


@register
@dataclass(frozen=True)
class CounterRule(Rule):
    """``base + Σ delta × count``, kept within ``[floor, cap]``."""

    counters: tuple[Counter, ...]
    base: float = 0.0
    floor: float | None = 0.0
    cap: float | None = None
    unit: str = "次"

    kind = "counter"
    kind_zh = "计次"
    EXAMPLES = (
        "发现一次扣2分",
        "一次未提交扣2分;未认真填写或数据错误一次扣4分",
        "每提交一个好的建议被公司采纳,一次奖励5分",
        "表扬信一次加1分;部门表扬加2分;公司表扬加3分;媒体表扬加5分",
    )

    def edge_values(self, field: str = "") -> list[object]:
        return [0, 1, 2, 3, 5, 8, 20]

    def params(self) -> list[Param]:
        out = [Param("base", "基础分", self.base)]
        for k, c in enumerate(self.counters, 1):
            out.append(Param(f"c{k}", f"{c.name} 每{self.unit}{'扣' if c.delta < 0 else '加'}分（负数为扣）", c.delta))
        return out + limit_params(self.floor, self.cap)

    def with_params(self, values: Mapping[str, float]) -> CounterRule:
        get = values.get
        counters = tuple(Counter(c.name, get(f"c{k}", c.delta)) for k, c in enumerate(self.counters, 1))
        return replace(self, counters=counters, base=get("base", self.base), floor=get("floor", self.floor), cap=get("cap", self.cap))

    def excel_value(self, field: str, cell: str) -> str:
        if self.unit in COUNT_UNITS:
            return whole(cell)
        return guard(f"AND(ISNUMBER({cell}),{cell}>=0)", cell)

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        terms = [p("base")] + [f"{p(f'c{k}')}*{x[f]}" for k, f in enumerate(self.fields, 1)]
        return excel_clip("+".join(terms), p, self.floor, self.cap)

    def validation(self, field: str = "") -> Validation:
        return Validation("whole", f"应填: {self.expected(field)}", operator="greaterThanOrEqual", formula1="0")

    @property
    def fields(self) -> tuple[str, ...]:
        if len(self.counters) == 1:
            return ("",)
        return tuple(c.name for c in self.counters)

    @property
    def full(self) -> float:
        if self.cap is not None:
            return self.cap
        return self.base if self.base else max(self.base, sum(c.delta for c in self.counters if c.delta > 0))

    @property
    def lowest(self) -> float:
        return self.floor if self.floor is not None else self.base + sum(c.delta for c in self.counters if c.delta < 0)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        total = np.full(np.shape(next(iter(inputs.values()))), self.base, dtype=float)
        for name, c in zip(self.fields, self.counters, strict=True):
            total = total + c.delta * np.asarray(inputs[name], dtype=float)
        return clip_points(total, self.floor, self.cap)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        bad = values < 0
        if self.unit in COUNT_UNITS:
            bad |= ~np.isnan(values) & (values != np.floor(values))
        return bad

    def expected(self, field: str = "") -> str:
        whole = "整数" if self.unit in COUNT_UNITS else "数"
        return f"≥0 的{whole}（{self.unit}数）/ a count ≥ 0"

    def canonical(self) -> str:
        parts = []
        if self.base:
            parts.append(f"满分{pts(self.base)}")
        for c in self.counters:
            verb = "扣" if c.delta < 0 else "加"
            per = "每1分" if self.unit == "分" else "一次"
            parts.append(f"{c.name}{per}{verb}{pts(abs(c.delta))}")
        parts += limits_text(self.floor, self.cap, 0.0 if self.base > 0 else None)
        return ";".join(parts)

    def explain_one(self, values: Mapping[str, float]) -> str:
        terms = []
        raw = self.base
        for name, c in zip(self.fields, self.counters, strict=True):
            n = values[name]
            n = 0.0 if np.isnan(n) else n
            verb = "扣" if c.delta < 0 else "加"
            label = f"{c.name}: " if len(self.counters) > 1 else ""
            terms.append(f"{label}{verb}{pts(abs(c.delta))}×{fmt_quantity(n)}{self.unit}={pts(abs(c.delta) * n)}")
            raw += c.delta * n
        got = float(clip_points(np.array(raw), self.floor, self.cap))
        note = ""
        if self.floor is not None and raw < self.floor:
            note = "（扣完为止）" if self.floor == 0 else f"（最低{pts(self.floor)}）"
        elif self.cap is not None and raw > self.cap:
            note = f"（最高{pts(self.cap)}）"
        start = f"满分{pts(self.base)}，" if self.base and len(self.counters) > 1 else ""
        return f"{start}{'；'.join(terms)}，得分 {fmt_quantity(got)}{note}"
