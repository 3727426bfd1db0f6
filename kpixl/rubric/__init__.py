"""The rubric parser: rubric text (评分标准) as HR writes it → a :class:`~kpixl.rules.Rule`.

Every notation of the rubric table (docs/rubric.md) is read here and nowhere else, one family a
module: bands and ladders (``bands``, ``ladders``), choices and word scales (``choices``), counters
and checklists (``counting``), per unit and stepped (``targets``), linear and formulas (``linear``),
rank (``rank``), floors and caps (``limits``). Nothing is left unread (``contract``): every number and
clause is used by the rule, or the parse fails naming it (``未能理解：「最高扣20分」``). Text is first normalised
(full-width → half-width, ``<=`` → ``≤``, ``；`` → ``;``), then the rule kind is
recognised by its key words, then the parts are read.

Edge convention for dash ranges (``80%-90%``, ``30-60秒``): an edge that a neighbouring
band states explicitly belongs to that band, so the dash range's edge is open there;
an edge that no neighbour claims (or that the neighbour excludes) is closed:

* ``≥90%(5分);80%-90%(3分);<80%(1分)`` → 80% ≤ x < 90% scores 3;
* ``≤30秒(5分);30-60秒(3分);>60秒(1分)`` → 30 < x ≤ 60 scores 3.

Two dash ranges that share an edge (``80-90(3分);90-100(5分)``) leave it ambiguous:
that is an :class:`~kpixl.errors.AmbiguousEdgeError`, never a guess.
"""

from .parse import parse_rule
from .text import Interval, parse_interval

__all__ = ["Interval", "parse_interval", "parse_rule"]
