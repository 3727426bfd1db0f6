"""The scheme model (考核方案): sections, indicators, raters, grade table, adjustments, vetoes —
and the meanings the scheme owns, which every evaluator calls rather than restates:

* what a missing value scores (:attr:`Indicator.missing_points`),
* the grade and coefficient of a total (:func:`grade_positions`, :meth:`Scheme.grade`),
* the rater blend (:func:`blend`) and calibration on the indicator's own scale
  (:func:`calibration_needed`, :attr:`Indicator.calibration_span`),
* the flag texts of the 标记 column (``Indicator.flag_*``, ``Veto.flag_*``),
* the weight checks (:func:`check_weight_sums`).

Reading a scheme from YAML is :mod:`kpixl.scheme_file`; finding one by id, file or
workbook is :mod:`kpixl.sources`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .errors import SchemeError
from .rules import Rule, VetoRule
from .units import fmt_quantity, normalize_text

MISSING_POLICIES = {"最低分": "min", "报错": "error", "按0计": "zero", "min": "min", "error": "error", "zero": "zero"}
MISSING_ZH = {"min": "最低分", "error": "报错", "zero": "按0计"}
VETO_EFFECTS = {"总分为0": "zero", "zero": "zero"}
SEP = "·"
#: the flags of one row are joined with this
FLAG_SEP = "；"
#: the 标记 of a person with no input filled: no points, no rank, no grade, no pay
NOT_HANDED_IN = "未提交"
#: 校准阈值 when a scheme gives none (seed 000: raters 20% of the scale apart)
DEFAULT_CALIBRATION = 0.2


@dataclass(frozen=True)
class Indicator:
    """One line of the form: an indicator with its rule and weight (权重) or points (分值)."""

    name: str
    rule: Rule
    weight: float | None = None  # share of its section (or of the total in a flat scheme)
    points: float | None = None  # 分值: full points of the item
    rubric: str = ""  # the rubric in the seed's words (shown on the form)
    target: str = ""  # 目标值 text shown on the form
    unit: str = ""
    source: str = ""  # 数据来源
    period: str = ""  # 考核周期
    raters: tuple[str, ...] = ()
    missing: str = "min"
    note: str = ""

    @property
    def full(self) -> float:
        """The most this indicator adds to its section: weight × 100 or its 分值."""
        return self.weight * 100 if self.weight is not None else float(self.points or 0)

    @property
    def scale(self) -> float:
        """Factor from rule points to the indicator's contribution."""
        return self.full / self.rule.full

    @property
    def has_floor(self) -> bool:
        """True when the rule has a lowest score (a counter that may go negative has none)."""
        return math.isfinite(self.rule.lowest)

    @property
    def missing_points(self) -> float:
        """What a missing value scores under the 最低分 policy: the rule's lowest points, or 0
        for a rule without a floor."""
        return self.rule.lowest if self.has_floor else 0.0

    @property
    def calibration_span(self) -> float:
        """The indicator's own scale (full − lowest), which calibration thresholds are shares of."""
        return calibration_span(self.rule)

    @property
    def override_range(self) -> tuple[float, float]:
        """The points a rater may type as an override: the rule's lowest (−∞ without a floor) to full."""
        return (self.rule.lowest if self.has_floor else -math.inf, self.rule.full)

    # -- flag texts of the 标记 column (the engine and the workbook formula write these) --
    def flag_missing(self, rater: str | None = None) -> str:
        if self.missing == "zero":
            who = f"{SEP}{rater}" if rater else ""
            return f"缺失:{self.name}{who}（按0计）"
        return f"缺失:{self.name}（按最低分{fmt_quantity(self.missing_points)}计）"

    def flag_unrated(self, rater: str) -> str:
        return f"缺评:{self.name}{SEP}{rater}"

    def flag_calibration(self, threshold: float) -> str:
        return f"需校准:{self.name}（评价人相差≥{fmt_quantity(threshold, '%')}）"

    def flag_override(self, before: str | None = None) -> str:
        """``调整:名 前→`` — the text before the override's value; the engine adds the value before."""
        return f"调整:{self.name} {before}→" if before is not None else f"调整:{self.name}→"

    def columns(self, rater: str | None = None) -> list[str]:
        """Roster headers for this indicator (for one rater, if it has raters)."""
        out = []
        for f in self.rule.fields:
            parts = [self.name] + ([f] if f else []) + ([rater] if rater else [])
            out.append(SEP.join(parts))
        return out

    def input_columns(self) -> list[str]:
        if self.raters:
            return [c for r in self.raters for c in self.columns(r)]
        return self.columns()

    @property
    def override_column(self) -> str:
        return f"{self.name}{SEP}调整得分"

    @property
    def result_column(self) -> str:
        return f"{self.name}得分"


@dataclass(frozen=True)
class Section:
    name: str
    indicators: tuple[Indicator, ...]
    weight: float | None = None

    @property
    def full(self) -> float:
        return sum(i.full for i in self.indicators)

    @property
    def result_column(self) -> str:
        return f"{self.name}小计"


@dataclass(frozen=True)
class GradeTier:
    name: str
    lower: float  # inclusive lower bound of the total
    coefficient: float


@dataclass(frozen=True)
class Adjustment:
    """Points added to or taken from the total outside the items (奖励/处罚)."""

    name: str
    rule: Rule

    def columns(self) -> list[str]:
        return [SEP.join([self.name, f]) if f else self.name for f in self.rule.fields]


@dataclass(frozen=True)
class Veto:
    name: str
    rule: VetoRule
    effect: str = "zero"

    @property
    def column(self) -> str:
        return self.name

    @property
    def flag_missing(self) -> str:
        return f"缺失:否定项「{self.name}」"

    @property
    def flag_vetoed(self) -> str:
        return f"否决:{self.rule.canonical().removeprefix('否定项:')}未达到"


@dataclass(frozen=True)
class PeriodRules:
    """Rules over several periods (seed 002 六、考核结果的运用; seed 000 晋升). Amounts are settings."""

    reward_periods: int = 0  # 连续 N 期综合排名前列 → 奖励
    reward_amounts: tuple[float, ...] = ()  # 第1名, 第2名, … (ties all rewarded)
    bottom_count: int = 0  # 每期后 N 名 → 整改方案
    bottom_due_days: int = 4  # 通报下发后 N 天内
    promote_grade: str = ""  # 连续 N 期该等级 → 优先晋升
    promote_periods: int = 0


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    sections: tuple[Section, ...]
    grades: tuple[GradeTier, ...]
    raters: Mapping[str, float] = field(default_factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    calibration: float = DEFAULT_CALIBRATION
    decimals: int = 2
    total_floor: float | None = None
    total_cap: float | None = None
    bonus_share: float | None = None
    period: str = ""
    source: str = ""
    notes: str = ""
    period_rules: PeriodRules | None = None
    #: the YAML the scheme was read from (a workbook carries it, so it can be read back anywhere)
    text: str = field(default="", compare=False, repr=False)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for s in self.sections for i in s.indicators)

    @property
    def composite(self) -> bool:
        """True when sections carry weights (总分 = Σ 小计 × 权重)."""
        return any(s.weight is not None for s in self.sections)

    @property
    def max_total(self) -> float:
        if self.composite:
            return sum((s.weight or 0) * s.full for s in self.sections)
        return sum(s.full for s in self.sections)

    def input_columns(self) -> list[str]:
        cols: list[str] = []
        for ind in self.indicators:
            cols += [c for c in ind.input_columns() if c not in cols]
        for v in self.vetoes:
            if v.column not in cols:
                cols.append(v.column)
        for a in self.adjustments:
            cols += [c for c in a.columns() if c not in cols]
        return cols

    def roster_headers(self) -> list[str]:
        """The roster contract: 工号, 姓名, 部门, 岗位, 考核期间, then one column per input."""
        return ["工号", "姓名", "部门", "岗位", "考核期间", *self.input_columns()]

    def result_headers(self) -> list[str]:
        cols = ["工号", "姓名"] + [i.result_column for i in self.indicators]
        if len(self.sections) > 1:
            cols += [s.result_column for s in self.sections]
        if self.adjustments:
            cols.append("调整分")
        return [*cols, "总分", "等级", "奖金系数", "排名", "标记"]

    def grade(self, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """等级 and 奖金系数 of each total (a blank total: "" and NaN)."""
        return grade_columns(self.grades, totals)


# ----------------------------------------------------------------------------- meanings


def grade_positions(tiers: Sequence[GradeTier], totals: np.ndarray) -> np.ndarray:
    """For tiers ordered highest first: the index of each total's tier — the highest tier whose
    lower bound (inclusive) the total reaches; below every bound, the lowest tier; NaN → -1."""
    totals = np.asarray(totals, dtype=float)
    lowers = np.array([t.lower for t in tiers][::-1])  # ascending
    asc = np.clip(np.searchsorted(lowers, totals, side="right") - 1, 0, len(tiers) - 1)
    return np.where(np.isnan(totals), -1, len(tiers) - 1 - asc)


def grade_columns(tiers: Sequence[GradeTier], totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """等级 and 奖金系数 of each total under ``tiers`` (highest first); a blank total: "" and NaN."""
    pos = grade_positions(tiers, totals)
    names = np.array([t.name for t in tiers] + [""], dtype=object)
    coefs = np.array([t.coefficient for t in tiers] + [math.nan])
    return names[pos], coefs[pos]


def blend(stack: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rater-weighted points: rows of ``stack`` are raters (NaN = did not rate). The weights of
    those who rated are renormalised; nobody rated → NaN."""
    stack = np.asarray(stack, dtype=float)
    w = np.asarray(weights, dtype=float).reshape(-1, 1)
    present = ~np.isnan(stack)
    wsum = (w * present).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, (w * np.nan_to_num(stack)).sum(axis=0) / wsum, np.nan)


def calibration_span(rule: Rule) -> float:
    """A rule's own scale for calibration: full − lowest (full alone when there is no floor)."""
    return rule.full - rule.lowest if math.isfinite(rule.lowest) else rule.full


def calibration_needed(stack: np.ndarray, threshold: float, span: float) -> np.ndarray:
    """True where at least two raters rated and the highest and lowest differ by at least
    ``threshold`` × ``span`` (the indicator's own scale)."""
    stack = np.asarray(stack, dtype=float)
    present = ~np.isnan(stack)
    with np.errstate(invalid="ignore"):
        spread = np.max(np.where(present, stack, -np.inf), axis=0) - np.min(np.where(present, stack, np.inf), axis=0)
    return (present.sum(axis=0) >= 2) & (spread >= threshold * span - 1e-9)


def check_sum(weights: list[float], where: str, what: str) -> None:
    """Weights must total 100% (summed as decimals, so 15% + 60% + 25% is exactly 100%)."""
    total = float(sum(Decimal(repr(w)) for w in weights))
    if abs(total - 1.0) > 1e-9:
        raise SchemeError(
            f"{where}: {what}合计为 {fmt_quantity(total, '%')}，应为 100% / {what} weights total {fmt_quantity(total, '%')}, expected 100%"
        )


def weight_groups(sections: Sequence[Section]) -> list[tuple[str, str, list]]:
    """The groups whose weights must total 100%, as (place suffix, what, members with ``.weight``):
    weighted sections, and the weighted indicators of each section; in a flat scheme (no section
    weights) the weighted indicators over the whole form. Raters are one more group of their own."""
    if any(s.weight is not None for s in sections):
        groups: list[tuple[str, str, list]] = [("", "部分权重", list(sections))]
        groups += [(f"「{s.name}」", "指标权重", list(s.indicators)) for s in sections if any(i.weight is not None for i in s.indicators)]
        return groups
    flat = [i for s in sections for i in s.indicators if i.weight is not None]
    return [("", "指标权重", flat)] if flat else []


def check_weight_sums(sections: Sequence[Section], where: str) -> None:
    """Every group of :func:`weight_groups` totals 100%."""
    for suffix, what, members in weight_groups(sections):
        check_sum([m.weight or 0 for m in members], f"{where}{suffix}", what)


def normalize_header(h: object) -> str:
    """A header as kpixl compares it (NFKC, no spaces, one kind of ·); cached: every scoring call
    looks up each column several times."""
    return _normalize_header(h if isinstance(h, str) else str(h))


@functools.lru_cache(maxsize=4096)
def _normalize_header(h: str) -> str:
    text = normalize_text(h).replace(" ", "")
    for dot in ("・", "•", "‧", "∙"):
        text = text.replace(dot, SEP)
    return text
