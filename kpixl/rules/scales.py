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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ValueParseError
from ..units import ColumnParse, fmt_quantity, normalize_text, parse_value
from ..vocab import read_yes_no
from .base import Rule, pts


@dataclass(frozen=True)
class ScaleRule(Rule):
    """Points given directly by a rater within ``[lo, hi]``; anchors describe some points."""

    anchors: tuple[tuple[float, str], ...]
    lo: float
    hi: float

    kind = "scale"
    kind_zh = "评分"
    unit = "分"

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


@dataclass(frozen=True)
class ChoiceRule(Rule):
    """One of a few options. ``style`` is ``level`` (1级…5级, input the level number)
    or ``yesno`` (是/否, input yes/no)."""

    options: tuple[Option, ...]
    style: str = "level"

    kind = "choice"
    kind_zh = "等级"

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
            return parse_value(value, "级")  # an option number: a unit such as 元 or % is not one
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
