"""Rated scales and named choices.

* :class:`ScaleRule` — a rater gives points on a scale, anchors describe some of them:
  ``1分:严重违反话术;3分:基本规范;5分:全程标准化,用语专业`` (2, 4 and 3.5 allowed).
* :class:`ChoiceRule` — one of a few named options, each worth its points: level anchors
  ``1级10分 … 5级50分`` and yes/no items ``是(3分);否(-6分)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import ValueParseError
from ..units import ColumnParse, fmt_quantity, normalize_text, parse_value
from ..vocab import YES_NO_CHOICES, excel_yes_no, read_yes_no
from ..xl import NA, ParamRef, literal, text_literal
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


_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "Ⅴ": 5,
    "Ⅵ": 6,
    "Ⅶ": 7,
    "Ⅷ": 8,
    "Ⅸ": 9,
    "Ⅹ": 10,
}


def _parse_unique(series: pd.Series, read) -> ColumnParse:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = np.empty(len(uniques) + 1, dtype=float)
    parsed[-1] = np.nan
    errors: dict[int, str] = {}
    for k, raw in enumerate(uniques):
        try:
            parsed[k] = read(raw)
        except ValueParseError as exc:
            parsed[k] = np.nan
            errors[k] = str(exc)
    bad = np.flatnonzero(np.isin(codes, np.fromiter(errors, dtype=np.intp))) if errors else np.empty(0, dtype=np.intp)
    return ColumnParse(parsed[codes], bad, {int(i): errors[int(codes[i])] for i in bad})


@dataclass(frozen=True)
class Option:
    key: float
    label: str
    points: float
    description: str = ""


@register
@dataclass(frozen=True)
class ChoiceRule(Rule):
    """One of a few options. ``style`` is ``level`` (1级…5级, input the level number)
    or ``yesno`` (是/否, input yes/no)."""

    options: tuple[Option, ...]
    style: str = "level"

    kind = "choice"
    kind_zh = "等级"
    EXAMPLES = ("1级10分;2级20分;3级30分;4级40分;5级50分", "是(3分);否(-6分)")

    def edge_values(self, field: str = "") -> list[object]:
        return [o.label for o in self.options] + [o.key for o in self.options if self.style == "level"]

    def typed(self, field: str, x: float) -> object:
        return next((o.label for o in self.options if o.key == x), x)

    def params(self) -> list[Param]:
        return [Param(f"o{k}.pts", f"{o.label} 得分", o.points) for k, o in enumerate(self.options, 1)]

    def with_params(self, values: Mapping[str, float]) -> ChoiceRule:
        opts = tuple(Option(o.key, o.label, values.get(f"o{k}.pts", o.points), o.description) for k, o in enumerate(self.options, 1))
        return replace(self, options=opts)

    def excel_value(self, field: str, cell: str) -> str:
        if self.style == "yesno":  # its labels are yes/no words of the vocabulary
            return excel_yes_no(cell)
        chain = NA
        for o in reversed(self.options):
            chain = f"IF({cell}={text_literal(o.label)},{literal(o.key)},{chain})"
        return f"IF(ISNUMBER({cell}),{cell},{chain})"

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        v = x[""]
        chain = NA
        for k, o in reversed(list(enumerate(self.options, 1))):
            chain = f"IF({v}={literal(o.key)},{p(f'o{k}.pts')},{chain})"
        return chain

    def validation(self, field: str = "") -> Validation:
        labels = YES_NO_CHOICES if self.style == "yesno" else tuple(o.label for o in self.options)
        return Validation("list", f"应填: {self.expected(field)}", choices=labels)

    @property
    def full(self) -> float:
        return max(o.points for o in self.options)

    @property
    def lowest(self) -> float:
        return min(o.points for o in self.options)

    def input_unit(self, field: str = "") -> str:
        return "级" if self.style == "level" else ""

    def read(self, value: object) -> float:
        if self.style == "yesno":
            return read_yes_no(value)
        if isinstance(value, str):
            text = normalize_text(value).replace(" ", "")
            m = re.fullmatch(r"(?:第)?(\d+|[一二两三四五六七八九十ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])(?:级|档)?", text)
            if m:
                d = m[1]
                return float(_CN_DIGITS.get(d, d) if not d.isdigit() else d)
            for o in self.options:
                if text == o.label:
                    return o.key
        try:
            return parse_value(value, "")
        except ValueParseError:
            raise ValueParseError(f"无法识别的等级 {value!r}（应为 {self.expected()}）/ unreadable level {value!r}") from None

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        return _parse_unique(series, self.read)

    def read_one(self, value: object) -> float:
        return math.nan if value is None or (isinstance(value, str) and not value.strip()) else self.read(value)

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.asarray(inputs[""], dtype=float)
        return np.select([x == o.key for o in self.options], [o.points for o in self.options], default=np.nan)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        keys = np.array([o.key for o in self.options])
        return ~np.isnan(values) & ~np.isin(values, keys)

    def expected(self, field: str = "") -> str:
        return "、".join(o.label for o in self.options)

    def canonical(self) -> str:
        if self.style in ("yesno", "label"):
            return ";".join(f"{o.label}({pts(o.points)})" for o in self.options)
        return ";".join(f"{o.label}{pts(o.points)}" + (f":{o.description}" if o.description else "") for o in self.options)

    def explain_one(self, values: Mapping[str, float]) -> str:
        v = values[""]
        for o in self.options:
            if o.key == v:
                desc = f"「{o.description}」" if o.description else ""
                return f"{o.label}{desc}{'' if desc else ' '}→ {pts(o.points)}"
        return f"{fmt_quantity(v)} 不是有效选项 / not a valid option"
