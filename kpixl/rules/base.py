"""The rule model's base class.

A rule is an immutable value: it maps one or more input fields (floats, ``nan`` =
missing) to points. Every evaluator is a consumer of this model: the vectorised
engine calls :meth:`Rule.points`, the Excel compiler reads the rule's fields, and the
add-in calls :meth:`Rule.score`. Nothing else describes a rule.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ValueParseError
from ..units import ColumnParse, fmt_quantity, parse_column, parse_value


def as_array(x: Any) -> tuple[np.ndarray, bool]:
    """Any value, list or array as an object/float ndarray, and whether it was a scalar."""
    if isinstance(x, pd.Series):
        return x.to_numpy(), False
    arr = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    return arr, arr.ndim == 0


@dataclass(frozen=True)
class Rule(ABC):
    """Base of every rule kind. Subclasses are frozen dataclasses."""

    kind: ClassVar[str] = "rule"
    #: Chinese name of the kind, for messages and the 指标库 sheet
    kind_zh: ClassVar[str] = "规则"

    # -- structure -------------------------------------------------------------------
    @property
    def fields(self) -> tuple[str, ...]:
        """Input fields. ``("",)`` means a single input named after the indicator."""
        return ("",)

    def input_unit(self, field: str = "") -> str:
        """The unit a field's values are read in."""
        return getattr(self, "unit", "")

    @property
    @abstractmethod
    def full(self) -> float:
        """Nominal full marks (满分): the points an indicator's weight is scaled by."""

    @property
    @abstractmethod
    def lowest(self) -> float:
        """The lowest points a rule gives in normal use (for the calibration range)."""

    # -- evaluation -------------------------------------------------------------------
    @abstractmethod
    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        """Points for float inputs (``nan`` = missing → ``nan``), vectorised."""

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        """Mask of values that are readable but outside what the rule accepts."""
        return np.zeros(values.shape, dtype=bool)

    def expected(self, field: str = "") -> str:
        """What a valid value of ``field`` looks like (Chinese / English)."""
        unit = self.input_unit(field)
        return f"数字（单位 {unit}）/ a number in {unit}" if unit else "数字 / a number"

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        """Read a column of raw values (text or numbers) for ``field``."""
        return parse_column(series, self.input_unit(field))

    # -- text -------------------------------------------------------------------------
    @abstractmethod
    def canonical(self) -> str:
        """The rule written back as rubric text in kpixl's one canonical form."""

    @abstractmethod
    def explain_one(self, values: Mapping[str, float]) -> str:
        """One score explained in words, for parsed float inputs."""

    def __str__(self) -> str:
        return self.canonical()

    # -- convenience for people and the add-in ----------------------------------------
    def _collect(self, x: Any, named: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], bool, tuple]:
        fields = self.fields
        if x is not None and isinstance(x, Mapping):
            named = {**x, **named}
            x = None
        if x is not None:
            if fields == ("",):
                named = {"": x}
            elif isinstance(x, (tuple, list)) and len(x) == len(fields) and not named:
                named = dict(zip(fields, x, strict=True))
            else:
                raise TypeError(f"此规则需要输入 {', '.join(fields)} / this rule takes the inputs {', '.join(fields)}")
        missing = [f for f in fields if f not in named]
        if missing:
            raise TypeError(f"缺少输入 {', '.join(missing)} / missing inputs {', '.join(missing)}")
        parsed: dict[str, np.ndarray] = {}
        scalar = True
        shape: tuple = ()
        for field in fields:
            arr, is_scalar = as_array(named[field])
            scalar = scalar and is_scalar
            flat = pd.Series(arr.reshape(-1))
            col = self.parse_input(field, flat)
            label = f"「{field}」" if field else ""
            if col.bad_rows.size:
                raise ValueParseError(f"{label}{col.messages[int(col.bad_rows[0])]}")
            values = col.values
            bad = self.invalid(field, values)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueParseError(f"{label}数值 {flat.iloc[i]!r} 超出范围，应为{self.expected(field)} / value out of range")
            parsed[field] = values
            shape = arr.shape
        return parsed, scalar, shape

    def score(self, x: Any = None, /, **named: Any) -> Any:
        """Points for one value or an array of values (same shape out).

        ``rule.score(28)``, ``rule.score(["28秒", "1分钟"])``; for a rule with several
        inputs, ``rule.score({"未提交": 1, "数据错误": 2})``. A blank gives ``nan``.
        """
        parsed, scalar, shape = self._collect(x, named)
        out = self.points(parsed)
        if scalar:
            return float(out.reshape(-1)[0])
        return out.reshape(shape)

    # -- one value at a time (the add-in's per-cell path: no pandas, little numpy) -----
    def read_one(self, value: Any) -> float:
        """One raw value of the single input, as :meth:`parse_input` reads a column."""
        return parse_value(value, self.input_unit(""))

    def invalid_one(self, x: float) -> bool:
        return bool(self.invalid("", np.array([x]))[0])

    def points_one(self, x: float) -> float:
        return float(self.points({"": np.array([x])})[0])

    def score_one(self, value: Any) -> float:
        """Points for one value of a single-input rule; equal to :meth:`score` on that value."""
        if self.fields != ("",):
            raise TypeError(f"此规则需要输入 {', '.join(self.fields)} / this rule takes the inputs {', '.join(self.fields)}")
        x = self.read_one(value)
        if x != x:
            return math.nan
        if self.invalid_one(x):
            raise ValueParseError(f"数值 {value!r} 超出范围，应为{self.expected('')} / value out of range")
        return self.points_one(x)

    def explain(self, x: Any = None, /, **named: Any) -> str:
        """One score in words: ``28秒 ≤ 30秒 → 5分``."""
        parsed, _, _ = self._collect(x, named)
        if any(v.size != 1 for v in parsed.values()):
            raise TypeError("explain 只接受一个值 / explain takes one value")
        values = {k: float(v.reshape(-1)[0]) for k, v in parsed.items()}
        if all(np.isnan(v) for v in values.values()):
            return "空值 → 缺失，按方案的缺失规则处理 / blank → missing, scored by the scheme's policy"
        return self.explain_one(values)


def pts(x: float) -> str:
    """Points as text: ``5分``, ``-6分``, ``2.5分``."""
    return f"{fmt_quantity(x)}分"
