"""The rule model: one place that says what every rule kind is.

Kinds: :class:`BandRule` (threshold bands), :class:`ScaleRule` (rated scale with anchors),
:class:`ChoiceRule` (level anchors, yes/no), :class:`CounterRule` (per-occurrence deduction
or bonus), :class:`PerUnitRule`, :class:`SteppedRule`, :class:`ChecklistRule`,
:class:`RatioRule` (ratio inputs around another rule) and :class:`VetoRule` (否定项).
"""

from .bands import Band, BandRule
from .base import Rule
from .counting import ChecklistRule, Counter, CounterRule, PerUnitRule, SteppedRule
from .ratio import RatioRule
from .scales import ChoiceRule, Option, ScaleRule
from .veto import VetoRule

__all__ = [
    "Band",
    "BandRule",
    "ChecklistRule",
    "ChoiceRule",
    "Counter",
    "CounterRule",
    "Option",
    "PerUnitRule",
    "RatioRule",
    "Rule",
    "ScaleRule",
    "SteppedRule",
    "VetoRule",
]
