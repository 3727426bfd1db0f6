"""The rule model's base class: the one interface every rule kind implements.

A rule is an immutable value: it maps one or more input fields (floats, ``nan`` =
missing) to points. A rule kind is one module under ``kpixl/rules/`` that owns
everything about it, and every evaluator is a thin consumer of this interface:

=========================  =============================================================
part                       methods
=========================  =============================================================
points (the engine)        :meth:`Rule.points` (vectorised), ``full``, ``lowest``
native Excel formula       :meth:`Rule.excel_read`, :meth:`Rule.excel_readable`, :meth:`Rule.excel_input`,
                           :meth:`Rule.excel_points`, :meth:`Rule.excel_value`,
                           :meth:`Rule.excel_present`, :meth:`Rule.validation`
editable parameters        :meth:`Rule.params` (written to 指标库), :meth:`Rule.with_params`
                           (read back)
input                      ``fields``, :meth:`Rule.input_unit`, :meth:`Rule.parse_input`, :meth:`Rule.refused`,
                           :meth:`Rule.invalid`, :meth:`Rule.expected`, :meth:`Rule.typed`,
                           :meth:`Rule.edge_values`
text                       :meth:`Rule.canonical`, :meth:`Rule.explain_one`, ``EXAMPLES``
=========================  =============================================================

Kinds register themselves with :func:`register`; :data:`KINDS` lists them, and a test
checks that each one implements every part. A kind outside kpixl (a plug-in, or a test)
registers the same way and may read its own rubric text through :meth:`Rule.from_text`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import pandas as pd

from ..errors import RuleInputError, ValueParseError
from ..units import COUNT_UNITS, MAX_MAGNITUDE, MIN_DIVISOR, ColumnParse, fmt_quantity, parse_column, parse_value, too_large, too_large_one
from ..xl import ParamRef, excel_number, excel_read, excel_readable, guard, literal

#: Every registered rule kind, by its ``kind`` name.
KINDS: dict[str, type[Rule]] = {}
#: changes whenever a kind comes or goes (the parser's cache is keyed by it)
_generation = [0]
_R = TypeVar("_R", bound="type[Rule]")


def register(cls: _R) -> _R:
    """Register a rule kind (a class decorator). The parser tries the :meth:`Rule.from_text`
    of every registered kind that defines one before its own notations."""
    if cls.kind in KINDS and KINDS[cls.kind] is not cls:
        raise ValueError(f"rule kind {cls.kind!r} is registered twice")
    KINDS[cls.kind] = cls
    _generation[0] += 1
    return cls


def unregister(kind: str) -> None:
    """Remove a registered kind (for tests that register a kind of their own)."""
    KINDS.pop(kind, None)
    _generation[0] += 1


def registry_generation() -> int:
    return _generation[0]


def text_readers() -> list[type[Rule]]:
    """Registered kinds that read rubric text of their own (:meth:`Rule.from_text`)."""
    return [k for k in KINDS.values() if k.from_text.__func__ is not Rule.from_text.__func__]


@dataclass(frozen=True)
class Param:
    """One editable number of a rule: a cell of the 指标库 sheet behind a defined name."""

    key: str  # stable within its rule: "b2.lo", "c1", "floor"
    label: str  # what the 指标库 sheet calls it
    value: float
    unit: str = ""  # "%" values are fractions shown as percentages

    def shown(self) -> str:
        """The value as a person reads it: 90%, 30, 5."""
        return fmt_quantity(self.value, self.unit if self.unit == "%" else "")


@dataclass(frozen=True)
class Validation:
    """Data validation of an input cell, as plain data (the workbook writer turns it into Excel's).

    ``type`` is ``list`` (``choices``), ``whole`` or ``decimal`` (``operator`` with ``formula1``
    and, for ``between``, ``formula2``)."""

    type: str
    prompt: str
    choices: tuple[str, ...] = ()
    operator: str | None = None
    formula1: str | None = None
    formula2: str | None = None


_UNSET: Any = object()


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
    #: rubric texts that read as this kind (documentation, and the test of every kind)
    EXAMPLES: ClassVar[tuple[str, ...]] = ()
    #: False for a kind that passes or fails instead of giving points (否定项)
    gives_points: ClassVar[bool] = True

    @classmethod
    def from_text(cls, text: str, max_points: float | None) -> Rule | None:
        """This kind's own reading of rubric text (normalised), or None. kpixl's built-in kinds
        are read by :mod:`kpixl.rubric`; a kind registered from outside reads its text here."""
        return None

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

    def refused(self, field: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The values every evaluator refuses: (outside what the rule accepts, too large to score).
        Every caller of the engine and the add-in asks this, never :meth:`invalid` alone (one value at
        a time, :meth:`score_one` asks the same two); the sheet asks :meth:`excel_input`."""
        big = too_large(values)
        return self.invalid(field, values) & ~big, big

    def expected(self, field: str = "") -> str:
        """What a valid value of ``field`` looks like (Chinese / English)."""
        unit = self.input_unit(field)
        return f"数字（单位 {unit}）/ a number in {unit}" if unit else "数字 / a number"

    def parse_input(self, field: str, series: pd.Series) -> ColumnParse:
        """Read a column of raw values (text or numbers) for ``field``."""
        return parse_column(series, self.input_unit(field))

    def typed(self, field: str, x: float) -> object:
        """A read value as a person types it into the form (a label for a level, 是/否)."""
        return x

    @abstractmethod
    def edge_values(self, field: str = "") -> list[object]:
        """Values on and beside every edge of the rule, as people type them (all valid)."""

    # -- editable parameters (the 指标库 sheet) ---------------------------------------
    @abstractmethod
    def params(self) -> list[Param]:
        """The editable numbers of the rule, in a stable order."""

    @abstractmethod
    def with_params(self, values: Mapping[str, float]) -> Rule:
        """The rule with some parameters changed (validated as any new rule is)."""

    # -- the native Excel formula -----------------------------------------------------
    def excel_read(self, field: str, cell: str) -> str:
        """What was typed in input ``cell`` as :meth:`parse_input` reads it: ``""`` for a blank or a
        blank word, else a number, else #N/A (a formula of its own, on the hidden reading sheet)."""
        return excel_read(cell, self.input_unit(field))

    def excel_readable(self, field: str, cell: str) -> str | None:
        """The data validation of input ``cell``: TRUE exactly where :meth:`excel_read` reads it
        (None: the kind's :meth:`validation` list says what may be typed)."""
        return excel_readable(cell, self.input_unit(field))

    def excel_value(self, field: str, ref: str) -> str:
        """The number read into ``ref`` (by :meth:`excel_read`) where the rule accepts it, else #N/A."""
        return excel_number(ref, self.input_unit(field))

    def excel_input(self, field: str, ref: str) -> str:
        """:meth:`excel_value`, and #N/A for a value too large to score (as :meth:`refused`): the
        formula every points formula reads an input through."""
        return guard(f"ABS({ref})<{literal(MAX_MAGNITUDE)}", self.excel_value(field, ref))

    def excel_present(self, cells: Mapping[str, str]) -> str:
        """TRUE when every input of the rule is filled in."""
        conds = [f'{cells[f]}<>""' for f in self.fields]
        return conds[0] if len(conds) == 1 else f"AND({','.join(conds)})"

    @abstractmethod
    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        """The points formula over numeric input expressions ``x`` (one per field), reading each
        parameter through ``p(key)``. ``domain=False``: the value is computed (a ratio), so the
        check that a typed value is in the rule's domain is left out, as the engine does."""

    def validation(self, field: str = "") -> Validation | None:
        """Data validation for an input cell of ``field`` (None: any number)."""
        unit = self.input_unit(field)
        prompt = f"应填: {self.expected(field)}"
        if unit in COUNT_UNITS:
            return Validation("whole", prompt, operator="greaterThanOrEqual", formula1="0")
        if unit == "%":
            return Validation("decimal", prompt, operator="between", formula1="-100", formula2="100")
        return None

    # -- convenience for people and the add-in ----------------------------------------
    def _collect(self, x: Any, named: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], bool, tuple]:
        fields = self.fields
        if x is not _UNSET and isinstance(x, Mapping):
            named = {**x, **named}
            x = _UNSET
        if x is not _UNSET:
            if fields == ("",):
                named = {"": x}
            elif isinstance(x, (tuple, list)) and len(x) == len(fields) and not named:
                named = dict(zip(fields, x, strict=True))
            else:
                raise RuleInputError(f"此规则需要输入 {', '.join(fields)} / this rule takes the inputs {', '.join(fields)}")
        missing = [f for f in fields if f not in named]
        if missing:
            raise RuleInputError(f"缺少输入 {', '.join(missing)} / missing inputs {', '.join(missing)}")
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
            bad, big = self.refused(field, values)
            if big.any():
                raise ValueParseError(f"{label}{too_large_message(flat.iloc[int(np.flatnonzero(big)[0])])}")
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueParseError(f"{label}数值 {flat.iloc[i]!r} 超出范围，应为{self.expected(field)} / value out of range")
            parsed[field] = values
            shape = arr.shape
        return parsed, scalar, shape

    def score(self, x: Any = _UNSET, /, **named: Any) -> Any:
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
        """:meth:`invalid` of one value (a kind may answer it faster); the bound on magnitude is
        :meth:`score_one`'s own, whatever a kind says here."""
        return bool(self.invalid("", np.array([x]))[0])

    def points_one(self, x: float) -> float:
        return float(self.points({"": np.array([x])})[0])

    def score_one(self, value: Any) -> float:
        """Points for one value of a single-input rule; equal to :meth:`score` on that value."""
        if self.fields != ("",):
            raise RuleInputError(f"此规则需要输入 {', '.join(self.fields)} / this rule takes the inputs {', '.join(self.fields)}")
        x = self.read_one(value)
        if x != x:
            return math.nan
        if too_large_one(x):  # before the kind's own invalid_one, which may not know of it
            raise ValueParseError(too_large_message(value))
        if self.invalid_one(x):
            raise ValueParseError(f"数值 {value!r} 超出范围，应为{self.expected('')} / value out of range")
        return self.points_one(x)

    def explain(self, x: Any = _UNSET, /, **named: Any) -> str:
        """One score in words: ``28秒 ≤ 30秒 → 5分``."""
        parsed, _, _ = self._collect(x, named)
        if any(v.size != 1 for v in parsed.values()):
            raise RuleInputError("explain 只接受一个值 / explain takes one value")
        values = {k: float(v.reshape(-1)[0]) for k, v in parsed.items()}
        if all(np.isnan(v) for v in values.values()):
            return "空值 → 缺失，按方案的缺失规则处理 / blank → missing, scored by the scheme's policy"
        return self.explain_one(values)


#: what is said of a value too large to score (:func:`kpixl.units.too_large`)
TOO_LARGE = "过大：数值应小于 1E15（10 的 15 次方）/ too large: a value must be below 1E15"


def too_large_message(value: object) -> str:
    return f"数值 {value!r} {TOO_LARGE}"


def parameter_problem(x: float, value: object) -> str | None:
    """What is wrong with ``x`` (read from ``value``) as a number of a scheme or of 指标库, or None:
    it must be below 1E15 as a value read is (no product of the two overflows) and, but for 0, at
    least 1E-15 (a step or a span divides a value read: no quotient overflows)."""
    if x != x or too_large_one(x):
        return too_large_message(value)
    if 0 < abs(x) < MIN_DIVISOR:
        return f"数值 {value!r} 过小：非零数值应不小于 1E-15 / too small: a number other than 0 must be at least 1E-15"
    return None


def pts(x: float) -> str:
    """Points as text: ``5分``, ``-6分``, ``2.5分``."""
    return f"{fmt_quantity(x)}分"
