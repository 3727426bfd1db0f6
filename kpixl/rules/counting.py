"""Rules that count: occurrences, units around a target, steps above a limit, checklists.

* :class:`CounterRule` — per-occurrence deductions and bonuses, one or several counters,
  each with its own points: ``发现一次扣2分`` (扣完为止), ``一次奖励5分``, and the
  adjustments outside the items (``表扬信一次加1分;部门表扬加2分``).
* :class:`PerUnitRule` — per unit around a target: ``低于50家,每少一家扣1分;高于50家,每多一家加1分``.
* :class:`SteppedRule` — a stepped penalty beyond a limit: ``≤15%, 每增加5%扣2分``.
* :class:`ChecklistRule` — ``完成所有要求20分;任一项没有满足扣5分``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..numeric import excel_round
from ..units import COUNT_UNITS, ColumnParse, fmt_quantity
from ..vocab import YES_NO_CHOICES, excel_yes_no, read_yes_no
from ..xl import ParamRef, clip, excel_number, guard
from .base import Param, Rule, Validation, pts, register
from .scales import _parse_unique


def _clip(x: np.ndarray, floor: float | None, cap: float | None) -> np.ndarray:
    if floor is not None:
        x = np.maximum(x, floor)
    if cap is not None:
        x = np.minimum(x, cap)
    return x


def _limit_params(floor: float | None, cap: float | None) -> list[Param]:
    out = []
    if floor is not None:
        out.append(Param("floor", "最低分", floor))
    if cap is not None:
        out.append(Param("cap", "最高分", cap))
    return out


def _excel_clip(expr: str, p: ParamRef, floor: float | None, cap: float | None) -> str:
    return clip(expr, p("floor") if floor is not None else None, p("cap") if cap is not None else None)


def _whole(cell: str) -> str:
    """A whole number ≥ 0 typed in ``cell`` (a count), or #N/A."""
    return guard(f"AND(ISNUMBER({cell}),{cell}>=0,INT({cell})={cell})", cell)


def _limits_text(floor: float | None, cap: float | None, default_floor: float | None) -> list[str]:
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
        return out + _limit_params(self.floor, self.cap)

    def with_params(self, values: Mapping[str, float]) -> CounterRule:
        get = values.get
        counters = tuple(Counter(c.name, get(f"c{k}", c.delta)) for k, c in enumerate(self.counters, 1))
        return replace(self, counters=counters, base=get("base", self.base), floor=get("floor", self.floor), cap=get("cap", self.cap))

    def excel_value(self, field: str, cell: str) -> str:
        if self.unit in COUNT_UNITS:
            return _whole(cell)
        return guard(f"AND(ISNUMBER({cell}),{cell}>=0)", cell)

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        terms = [p("base")] + [f"{p(f'c{k}')}*{x[f]}" for k, f in enumerate(self.fields, 1)]
        return _excel_clip("+".join(terms), p, self.floor, self.cap)

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
        return _clip(total, self.floor, self.cap)

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
        parts += _limits_text(self.floor, self.cap, 0.0 if self.base > 0 else None)
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
        got = float(_clip(np.array(raw), self.floor, self.cap))
        note = ""
        if self.floor is not None and raw < self.floor:
            note = "（扣完为止）" if self.floor == 0 else f"（最低{pts(self.floor)}）"
        elif self.cap is not None and raw > self.cap:
            note = f"（最高{pts(self.cap)}）"
        start = f"满分{pts(self.base)}，" if self.base and len(self.counters) > 1 else ""
        return f"{start}{'；'.join(terms)}，得分 {fmt_quantity(got)}{note}"


@register
@dataclass(frozen=True)
class PerUnitRule(Rule):
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
        return out + _limit_params(self.floor, self.cap)

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
        return _excel_clip(f"{p('base')}-{p('down')}*{short}+{p('up')}*{over}", p, self.floor, self.cap)

    @property
    def full(self) -> float:
        return self.base

    @property
    def lowest(self) -> float:
        return self.floor if self.floor is not None else -np.inf

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        short = np.maximum(self.target - x, 0) / self.step
        over = np.maximum(x - self.target, 0) / self.step
        return _clip(self.base - self.down * short + self.up * over, self.floor, self.cap)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        parts = [f"目标{q(self.target)}({pts(self.base)})"]
        if self.down:
            parts.append(f"每少{q(self.step)}扣{pts(self.down)}")
        if self.up:
            parts.append(f"每多{q(self.step)}加{pts(self.up)}")
        parts += _limits_text(self.floor, self.cap, 0.0)
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


@register
@dataclass(frozen=True)
class SteppedRule(Rule):
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
        return out + _limit_params(self.floor, None)

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
        return _excel_clip(f"{p('base')}-{p('penalty')}*{steps}", p, self.floor, None)

    @property
    def full(self) -> float:
        return self.base

    @property
    def lowest(self) -> float:
        return self.floor if self.floor is not None else -np.inf

    def steps(self, x: np.ndarray) -> np.ndarray:
        beyond = (x - self.limit) if self.above else (self.limit - x)
        ratio = excel_round(np.maximum(beyond, 0) / self.step, 9)  # 0.05/0.05 must be 1, not 1.0000000002
        return np.ceil(ratio) if self.partial == "ceil" else np.floor(ratio)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        out = _clip(self.base - self.penalty * self.steps(x), self.floor, None)
        return np.where(np.isnan(x), np.nan, out)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0 if self.unit else np.zeros(values.shape, dtype=bool)

    def canonical(self) -> str:
        q = lambda v: fmt_quantity(v, self.unit)
        sign, verb = ("≤", "超出") if self.above else ("≥", "低于")
        part = f"(不足{q(self.step)}按{q(self.step)}计)" if self.partial == "ceil" else f"(不足{q(self.step)}不计)"
        parts = [f"{sign}{q(self.limit)}({pts(self.base)})", f"每{verb}{q(self.step)}扣{pts(self.penalty)}{part}"]
        parts += _limits_text(self.floor, None, 0.0)
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
        return [Param("full", "满分", self.full_points), Param("penalty", "每项未满足扣分", self.penalty), *_limit_params(self.floor, None)]

    def with_params(self, values: Mapping[str, float]) -> ChecklistRule:
        get = values.get
        return replace(self, full_points=get("full", self.full_points), penalty=get("penalty", self.penalty), floor=get("floor", self.floor))

    def excel_value(self, field: str, cell: str) -> str:
        return excel_yes_no(cell) if self.items else _whole(cell)

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        unmet = "+".join(f"(1-{x[i]})" for i in self.items) if self.items else x[""]
        return _excel_clip(f"{p('full')}-{p('penalty')}*({unmet})", p, self.floor, None)

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
        return _clip(self.full_points - self.penalty * self.unmet(inputs), self.floor, None)

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        if self.items:
            return _parse_unique(series, read_yes_no)
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
