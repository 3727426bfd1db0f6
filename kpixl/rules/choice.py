"""One of a few named options, each worth its points: level anchors ``1级10分 … 5级50分``
and yes/no items ``是(3分);否(-6分)``."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import ValueParseError
from ..units import ColumnParse, fmt_quantity, normalize_text, parse_unique, parse_value
from ..vocab import BLANK_NAME, CN_DIGITS, YES_NO_CHOICES, excel_is_word, excel_yes_no, read_yes_no
from ..xl import NA, ParamRef, literal, text_literal
from .base import Param, Rule, Validation, pts, register


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

    def excel_readable(self, field: str, cell: str) -> str | None:
        return None

    def excel_read(self, field: str, cell: str) -> str:
        return f'IF({excel_is_word(f"ASC({cell})", BLANK_NAME)},"",{self._label_value(cell)})'

    def _label_value(self, cell: str) -> str:
        if self.style == "yesno":  # yes/no words of the vocabulary, or the options' own labels
            chain = excel_yes_no(cell)
            for o in reversed(self.options):
                chain = f"IF(TRIM({cell})={text_literal(o.label)},{literal(o.key)},{chain})"
            return chain
        chain = NA
        for o in reversed(self.options):
            chain = f"IF(TRIM({cell})={text_literal(o.label)},{literal(o.key)},{chain})"
        if self.style == "label":  # a bare number is never an option's position
            return f"IF(ISNUMBER({cell}),NA(),{chain})"
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
        if isinstance(value, str):
            text = normalize_text(value).replace(" ", "")
            for o in self.options:
                if self.style != "level" and text == normalize_text(o.label).replace(" ", ""):
                    return o.key
        if self.style == "yesno":
            return read_yes_no(value)
        if self.style == "label":  # a bare number is never an option's position
            raise ValueParseError(f"无法识别的选项 {value!r}（应为 {self.expected()}）/ unreadable option {value!r}")
        if isinstance(value, str):
            m = re.fullmatch(r"(?:第)?(\d+|[一二两三四五六七八九十ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])(?:级|档)?", text)
            if m:
                d = m[1]
                return float(CN_DIGITS.get(d, d) if not d.isdigit() else d)
            for o in self.options:
                if text == o.label:
                    return o.key
        try:
            return parse_value(value, "级")  # an option number: a unit such as 元 or % is not one
        except ValueParseError:
            raise ValueParseError(f"无法识别的等级 {value!r}（应为 {self.expected()}）/ unreadable level {value!r}") from None

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        return parse_unique(series, self.read)

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
