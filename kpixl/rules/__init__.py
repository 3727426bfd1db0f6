"""The rule model: one module per rule kind, each owning everything about it (see
:mod:`kpixl.rules.base` for the interface and :data:`KINDS` for the registry).

Kinds: :class:`BandRule` (threshold bands), :class:`ScaleRule` (rated scale with anchors),
:class:`ChoiceRule` (level anchors, yes/no), :class:`CounterRule` (per-occurrence deduction
or bonus), :class:`PerUnitRule`, :class:`SteppedRule`, :class:`ChecklistRule`,
:class:`RatioRule` (ratio inputs around another rule) and :class:`VetoRule` (否定项).
"""

from .bands import Band, BandRule
from .base import KINDS, Param, Rule, Validation, register, registry_generation, text_readers, unregister
from .checklist import ChecklistRule
from .choice import ChoiceRule, Option
from .counter import Counter, CounterRule
from .linear import LinearRule
from .per_unit import PerUnitRule
from .rank import RankRule
from .ratio import RatioRule
from .scale import ScaleRule
from .stepped import SteppedRule
from .veto import VetoRule

__all__ = [
    "KINDS",
    "Band",
    "BandRule",
    "ChecklistRule",
    "ChoiceRule",
    "Counter",
    "CounterRule",
    "LinearRule",
    "Option",
    "Param",
    "PerUnitRule",
    "RankRule",
    "RatioRule",
    "Rule",
    "ScaleRule",
    "SteppedRule",
    "Validation",
    "VetoRule",
    "register",
    "registry_generation",
    "text_readers",
    "unregister",
]
