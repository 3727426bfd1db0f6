"""Veto items (否定项 / 一票否决): ``否定项,客户投诉解决满意率不低于[ ]%``.

A veto does not give points; it passes or fails. A scheme says what a failure does
(by default the total becomes 0 and the row is flagged). A blank threshold ``[ ]`` must
be filled in by the scheme before the veto can be used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..errors import RuleError
from ..units import fmt_quantity
from ..xl import ParamRef
from .base import Param, Rule, register

OPS = {"≥": np.greater_equal, ">": np.greater, "≤": np.less_equal, "<": np.less, "=": np.equal}
OP_WORDS = {"≥": "不低于", ">": "高于", "≤": "不高于", "<": "低于", "=": "等于"}


EXCEL_OPS = {"≥": ">=", ">": ">", "≤": "<=", "<": "<", "=": "="}


@register
@dataclass(frozen=True)
class VetoRule(Rule):
    subject: str
    op: str
    threshold: float | None
    unit: str = ""

    kind = "veto"
    kind_zh = "否定项"
    gives_points = False
    EXAMPLES = ("否定项,客户投诉解决满意率不低于90%",)

    def edge_values(self, field: str = "") -> list[object]:
        t = self.require_threshold()
        eps = 0.01 if self.unit == "%" else 1
        return [v for v in (t - eps, t, t + eps) if v >= 0]

    def params(self) -> list[Param]:
        return [Param("threshold", f"{self.subject} {self.op} 阈值", self.require_threshold(), self.unit)]

    def with_params(self, values: Mapping[str, float]) -> VetoRule:
        return replace(self, threshold=values.get("threshold", self.threshold))

    def excel_points(self, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
        """1 = passes, 0 = vetoed."""
        return f"IF({x['']}{EXCEL_OPS[self.op]}{p('threshold')},1,0)"

    @property
    def full(self) -> float:
        return 1.0

    @property
    def lowest(self) -> float:
        return 0.0

    def require_threshold(self) -> float:
        if self.threshold is None:
            raise RuleError(f"否定项「{self.subject}」的阈值未填写（[ ]）/ the veto threshold for {self.subject!r} is not filled in")
        return self.threshold

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        """1.0 = passes, 0.0 = vetoed, nan = missing."""
        x = np.asarray(inputs[""], dtype=float)
        ok = OPS[self.op](x, self.require_threshold())
        return np.where(np.isnan(x), np.nan, ok.astype(float))

    def canonical(self) -> str:
        t = "[ ]" + self.unit if self.threshold is None else fmt_quantity(self.threshold, self.unit)
        return f"否定项:{self.subject}{OP_WORDS[self.op]}{t}"

    def explain_one(self, values: Mapping[str, float]) -> str:
        x = values[""]
        t = self.require_threshold()
        q = lambda v: fmt_quantity(v, self.unit)
        if OPS[self.op](x, t):
            return f"{self.subject} {q(x)} {self.op} {q(t)} → 通过 / passes"
        return f"{self.subject} {q(x)} 未{OP_WORDS[self.op]} {q(t)} → 否决 / vetoed"
