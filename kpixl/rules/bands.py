"""Threshold bands: ``≤30秒(5分);30-60秒(3分);>60秒(1分)``.

A band is an interval with each edge explicitly open or closed, or one exact value.
Exact bands take precedence over a range that contains them (``0%(5分);<1%(3分)``:
0 → 5, 0 < x < 1% → 3). The bands of a rule must cover the domain (all numbers, or
``x ≥ 0`` for rates, durations, counts and money) with no gap and no overlap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import RubricGapError, RubricOverlapError
from ..units import dimension, fmt_quantity
from ..xl import NA, ParamRef, all_of, literal
from .base import Param, Rule, pts, register

INF = math.inf


@dataclass(frozen=True)
class Band:
    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool
    points: float
    label: str = field(default="", compare=False)

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def mask(self, x: np.ndarray) -> np.ndarray:
        if self.exact:
            return x == self.lo
        m = np.ones(x.shape, dtype=bool)
        if self.lo > -INF:
            m &= (x >= self.lo) if self.lo_closed else (x > self.lo)
        if self.hi < INF:
            m &= (x <= self.hi) if self.hi_closed else (x < self.hi)
        return m

    def contains(self, v: float) -> bool:
        """Scalar :meth:`mask`, in plain Python (the same comparisons)."""
        if self.exact:
            return v == self.lo
        if self.lo > -INF and not (v >= self.lo if self.lo_closed else v > self.lo):
            return False
        return not (self.hi < INF and not (v <= self.hi if self.hi_closed else v < self.hi))

    def text(self, unit: str) -> str:
        """The interval in canonical notation (without points)."""
        q = lambda v: fmt_quantity(v, unit)
        if self.exact:
            return f"={q(self.lo)}"
        if self.lo == -INF and self.hi == INF:
            return "任意值"
        if self.lo == -INF:
            return f"{'≤' if self.hi_closed else '<'}{q(self.hi)}"
        if self.hi == INF:
            return f"{'≥' if self.lo_closed else '>'}{q(self.lo)}"
        return f"{'≥' if self.lo_closed else '>'}{q(self.lo)}且{'≤' if self.hi_closed else '<'}{q(self.hi)}"

    def span(self, unit: str) -> str:
        """The interval for messages: ``80%–90%``."""
        if self.exact:
            return fmt_quantity(self.lo, unit)
        lo = fmt_quantity(self.lo, unit) if self.lo > -INF else "-∞"
        hi = fmt_quantity(self.hi, unit) if self.hi < INF else "∞"
        return f"{lo}–{hi}"


def _gap(lo: float, hi: float, unit: str) -> str:
    if lo == hi:
        where = fmt_quantity(lo, unit)
    else:
        where = f"{fmt_quantity(lo, unit) if lo > -INF else '-∞'}–{fmt_quantity(hi, unit) if hi < INF else '∞'}"
    return where


def nonnegative_domain(unit: str) -> bool:
    return dimension(unit) in ("percent", "time", "count", "money")


def check_bands(bands: tuple[Band, ...], unit: str, domain_lo: float) -> None:
    """Raise a gap or overlap error naming the range; return quietly if the bands are sound."""
    exact = [b for b in bands if b.exact]
    ranges = sorted((b for b in bands if not b.exact), key=lambda b: (b.lo, not b.lo_closed))
    seen: dict[float, Band] = {}
    for b in exact:
        if b.lo in seen and seen[b.lo].points != b.points:
            raise RubricOverlapError(
                f"{fmt_quantity(b.lo, unit)} 有两个分值（{pts(seen[b.lo].points)} 与 {pts(b.points)}） / {fmt_quantity(b.lo, unit)} has two scores"
            )
        seen[b.lo] = b
    for a, b in itertools.pairwise(ranges):
        if a.hi > b.lo or (a.hi == b.lo and a.hi_closed and b.lo_closed):
            lo, hi = b.lo, min(a.hi, b.hi)
            raise RubricOverlapError(
                f"「{a.label or a.text(unit)}」与「{b.label or b.text(unit)}」重叠（{_gap(lo, hi, unit)} 有两个分值）"
                f" / ranges overlap at {_gap(lo, hi, unit)}"
            )
    exact_at = set(seen)

    def gap(lo: float, lo_in: bool, hi: float, hi_in: bool) -> None:
        # the open/closed points lo..hi are uncovered unless they are one exact value
        if lo == hi and lo in exact_at:
            return
        raise RubricGapError(f"{_gap(lo, hi, unit)} 没有对应分值 / no score defined for {_gap(lo, hi, unit)}")

    cur, cur_covered = domain_lo, False  # domain starts at cur, cur itself not yet covered
    if domain_lo == -INF:
        cur_covered = True
    for b in ranges:
        if b.hi < cur:
            continue  # wholly below the domain (``<0`` for a rate)
        if b.lo > cur:
            gap(cur, not cur_covered, b.lo, not b.lo_closed)
        elif b.lo == cur and not b.lo_closed and not cur_covered:
            gap(cur, True, cur, True)
        if b.hi > cur or (b.hi == cur and b.hi_closed):
            cur, cur_covered = b.hi, b.hi_closed
    if cur < INF:
        if not ranges and exact:
            raise RubricGapError(
                f"只有单个取值 {', '.join(fmt_quantity(v, unit) for v in sorted(exact_at))}，其余数值没有对应分值"
                f" / only exact values are scored; every other value has no score"
            )
        if cur_covered:
            raise RubricGapError(f">{fmt_quantity(cur, unit)} 没有对应分值 / no score defined above {fmt_quantity(cur, unit)}")
        raise RubricGapError(f"≥{fmt_quantity(cur, unit)} 没有对应分值 / no score defined from {fmt_quantity(cur, unit)}")


@register
@dataclass(frozen=True)
class BandRule(Rule):
    """Scores by the band a value falls in."""

    bands: tuple[Band, ...]
    unit: str = ""
    domain_lo: float = -INF

    kind = "bands"
    kind_zh = "分档"
    EXAMPLES = (
        "≤30秒(5分);30-60秒(3分);>60秒(1分)",
        "≥90%(5分);80%-90%(3分);<80%(1分)",
        "0%(5分);<1%(3分);≥1%(1分)",
        "24小时内反馈(5分);24-48小时(3分);>48小时(1分)",
        "≥250(100分);250>/≥230(80分);230>/≥210(60分);<210(0分)",
    )

    def __post_init__(self) -> None:
        check_bands(self.bands, self.unit, self.domain_lo)
        # one canonical order, so equal rules compare equal: best score first, then by value
        canon = tuple(sorted(self.bands, key=lambda b: (-b.points, b.lo, not b.lo_closed)))
        object.__setattr__(self, "bands", canon)

    @property
    def ordered(self) -> tuple[Band, ...]:
        """Exact bands first (they win over a range that contains them), then ranges by edge."""
        exact = [b for b in self.bands if b.exact]
        ranges = sorted((b for b in self.bands if not b.exact), key=lambda b: (b.lo, not b.lo_closed))
        return tuple(exact + ranges)

    @property
    def full(self) -> float:
        return max(b.points for b in self.bands)

    @property
    def lowest(self) -> float:
        return min(b.points for b in self.bands)

    @property
    def direction(self) -> int:
        """+1 if higher values score higher, -1 if lower values do, 0 otherwise."""
        ranges = sorted((b for b in self.bands if not b.exact), key=lambda b: b.lo)
        p = [b.points for b in ranges]
        if all(x <= y for x, y in itertools.pairwise(p)) and p[0] != p[-1]:
            return 1
        if all(x >= y for x, y in itertools.pairwise(p)) and p[0] != p[-1]:
            return -1
        return 0

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        bands = self.ordered
        return np.select([b.mask(x) for b in bands], [b.points for b in bands], default=np.nan)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < self.domain_lo

    def invalid_one(self, x: float) -> bool:
        return x < self.domain_lo

    def points_one(self, x: float) -> float:
        b = self.band_of(x)
        return math.nan if b is None else b.points

    def expected(self, field: str = "") -> str:
        base = super().expected(field)
        return f"≥0 的{base}" if self.domain_lo == 0 else base

    def edge_values(self, field: str = "") -> list[object]:
        eps = 0.001 if self.unit == "%" else 1.0
        lo = self.domain_lo if self.domain_lo > -INF else -1e9
        vals = {round(v, 6) for b in self.bands for e in (b.lo, b.hi) if math.isfinite(e) for v in (e - eps, e, e + eps) if v >= lo}
        return sorted(vals) or [0.0]

    # -- 指标库 and the native formula ----------------------------------------------------
    def params(self) -> list[Param]:
        out = []
        u = self.unit
        for i, b in enumerate(self.bands, 1):
            if b.exact:
                out.append(Param(f"b{i}.v", f"第{i}档 等于", b.lo, u))
            else:
                if b.lo > -INF:
                    out.append(Param(f"b{i}.lo", f"第{i}档 下限（{'含' if b.lo_closed else '不含'}）", b.lo, u))
                if b.hi < INF:
                    out.append(Param(f"b{i}.hi", f"第{i}档 上限（{'含' if b.hi_closed else '不含'}）", b.hi, u))
            out.append(Param(f"b{i}.pts", f"第{i}档 得分", b.points))
        return out

    def with_params(self, values: Mapping[str, float]) -> BandRule:
        get = values.get
        bands = []
        for i, b in enumerate(self.bands, 1):
            if b.exact:
                x = get(f"b{i}.v", b.lo)
                bands.append(Band(x, True, x, True, get(f"b{i}.pts", b.points), b.label))
            else:
                bands.append(replace(b, lo=get(f"b{i}.lo", b.lo), hi=get(f"b{i}.hi", b.hi), points=get(f"b{i}.pts", b.points)))
        return replace(self, bands=tuple(bands))

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        index = {id(b): i for i, b in enumerate(self.bands, 1)}
        chain = NA
        for b in reversed(self.ordered):
            i = index[id(b)]
            if b.exact:
                cond = f"{v}={p(f'b{i}.v')}"
            else:
                parts = []
                if b.lo > -INF:
                    parts.append(f"{v}{'>=' if b.lo_closed else '>'}{p(f'b{i}.lo')}")
                if b.hi < INF:
                    parts.append(f"{v}{'<=' if b.hi_closed else '<'}{p(f'b{i}.hi')}")
                cond = all_of(parts) if parts else "TRUE"
            chain = f"IF({cond},{p(f'b{i}.pts')},{chain})"
        if domain and self.domain_lo > -INF:
            chain = f"IF({v}<{literal(self.domain_lo)},NA(),{chain})"
        return chain

    def band_of(self, v: float) -> Band | None:
        for b in self.ordered:
            if b.contains(v):
                return b
        return None

    def canonical(self) -> str:
        return ";".join(f"{b.text(self.unit)}({pts(b.points)})" for b in self.bands)

    def explain_one(self, values: Mapping[str, float]) -> str:
        v = values[""]
        b = self.band_of(v)
        q = lambda t: fmt_quantity(t, self.unit)
        if b is None:
            return f"{q(v)} 不在任何分档内 / {q(v)} is outside every band"
        if b.exact:
            cond = f"{q(v)} = {q(b.lo)}"
        elif b.lo == -INF:
            cond = f"{q(v)} {'≤' if b.hi_closed else '<'} {q(b.hi)}"
        elif b.hi == INF:
            cond = f"{q(v)} {'≥' if b.lo_closed else '>'} {q(b.lo)}"
        else:
            cond = f"{q(b.lo)} {'≤' if b.lo_closed else '<'} {q(v)} {'≤' if b.hi_closed else '<'} {q(b.hi)}"
        return f"{cond} → {pts(b.points)}"
