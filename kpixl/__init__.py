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

__version__ = "0.1.0"

#: public name → the private module it lives in; loaded on first use, so `import kpixl` (and
#: `kpixl --help`) do not pay for numpy and pandas until something needs them
_LAZY = {
    "excel_round": ".numeric",
    "read_table": ".roster",
    "write_table": ".roster",
    "parse_rule": ".rubric",
    "Rule": ".rules",
    "Scheme": ".scheme",
    "scheme_from_dict": ".scheme_file",
    "score": ".scoring",
    "builtin_ids": ".sources",
    "load_scheme": ".sources",
    "parse_value": ".units",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kpixl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


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
