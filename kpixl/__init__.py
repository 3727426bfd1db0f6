"""kpixl — 客服绩效考核表 as live calculators.

The public API is small::

    import kpixl
    rule = kpixl.parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    rule.score([28, 45, 61])            # array([5., 3., 1.])
    rule.explain("28秒")                # '28秒 ≤ 30秒 → 5分'
    scheme = kpixl.load_scheme("support-center-quarterly")
    results = kpixl.score(scheme, roster_dataframe)

Everything else lives in private modules behind these names.
"""

from .errors import (
    AmbiguousEdgeError,
    CellIssue,
    FileError,
    KpixlError,
    RosterError,
    RubricGapError,
    RubricOverlapError,
    RubricSyntaxError,
    RuleError,
    SchemeError,
    ValueParseError,
)
from .numeric import excel_round
from .roster import read_table, write_table
from .rubric import parse_rule
from .rules import Rule
from .scheme import Scheme
from .scheme_file import scheme_from_dict
from .scoring import score
from .sources import builtin_ids, load_scheme
from .units import parse_value

__version__ = "0.1.0"

__all__ = [
    "AmbiguousEdgeError",
    "CellIssue",
    "FileError",
    "KpixlError",
    "RosterError",
    "RubricGapError",
    "RubricOverlapError",
    "RubricSyntaxError",
    "Rule",
    "RuleError",
    "Scheme",
    "SchemeError",
    "ValueParseError",
    "builtin_ids",
    "excel_round",
    "load_scheme",
    "parse_rule",
    "parse_value",
    "read_table",
    "scheme_from_dict",
    "score",
    "write_table",
]
