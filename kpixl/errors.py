"""The kpixl error hierarchy.

Every error a user can see carries a message in Chinese first and English after a
`` / ``, and names the place it comes from (rubric range, scheme field, roster cell).

    KpixlError
    ├── RuleError            a rubric text that cannot become a rule
    │   ├── RubricSyntaxError   unreadable notation
    │   ├── RubricGapError      a range with no score
    │   ├── RubricOverlapError  a value with two scores
    │   └── AmbiguousEdgeError  an edge claimed by two ranges, e.g. ``80-90`` and ``90-100``
    ├── RuleInputError       a rule given the wrong inputs (two counters, one value)
    ├── ValueParseError      one input value that cannot be read (``九十`` for a rate)
    ├── SchemeError          an invalid scheme file or scheme sheet
    ├── RosterError          a roster with located problems (a list of ``CellIssue``)
    ├── FileError            a file that cannot be read or written (or must not be written)
    └── LibreOfficeError     LibreOffice missing, or it did not produce what it was asked for

Every exception kpixl defines is here; other modules import them from this one.
"""

from __future__ import annotations

from dataclasses import dataclass


class KpixlError(Exception):
    """Base class of every error kpixl raises on purpose."""


class RuleError(KpixlError, ValueError):
    """A rubric text (评分标准) that cannot be turned into a rule."""


class RubricSyntaxError(RuleError):
    """The rubric uses a notation kpixl cannot read."""


class RubricGapError(RuleError):
    """Some values have no score (``75%–80% 没有对应分值``)."""


class RubricOverlapError(RuleError):
    """Some values have two different scores."""


class AmbiguousEdgeError(RuleError):
    """A range edge is claimed by two ranges and nothing says which one wins."""


class RuleInputError(KpixlError, TypeError):
    """A rule was given inputs it does not take (a missing field, one value for two counters)."""


class ValueParseError(KpixlError, ValueError):
    """One input value cannot be read as a number of the expected unit."""


class SchemeError(KpixlError, ValueError):
    """A scheme (考核方案) is invalid: weights, raters, grade tiers, rules."""


class FileError(KpixlError):
    """A file that cannot be read or written: missing, corrupt, a zip bomb, an input as output."""


@dataclass(frozen=True)
class CellIssue:
    """One located problem in a roster: row is the 1-based data row (header excluded)."""

    row: int
    column: str
    value: object
    message: str
    level: str = "error"

    def __str__(self) -> str:
        value = "" if self.value is None else f" 值 {_shown(self.value)}"
        return f"第{self.row}行 列「{self.column}」{value}: {self.message} (row {self.row}, column {self.column!r})"


def _shown(value: object, limit: int = 80) -> str:
    """A cell's value as an error shows it: its repr, cut short when the cell is long (a pasted
    page of text would otherwise fill the screen and the problem list). A numpy number is shown as
    the number (1e+308, not np.float64(1e+308)), a whole number of more than 20 digits as a float."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    if type(value) is int and not -(10**20) < value < 10**20:
        try:
            value = float(value)
        except OverflowError:  # beyond a double: the cut-short digits below
            pass
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}…（共 {len(str(value))} 字 / {len(str(value))} characters）"


class RosterError(KpixlError, ValueError):
    """A roster (花名册/评分表) with one or more located problems."""

    def __init__(self, issues: list[CellIssue], header: str | None = None) -> None:
        self.issues = list(issues)
        head = header or f"名单中有 {len(self.issues)} 处错误 / {len(self.issues)} problem(s) in the roster"
        lines = [head] + [f"  - {issue}" for issue in self.issues[:50]]
        if len(self.issues) > 50:
            lines.append(f"  … 另有 {len(self.issues) - 50} 处 / {len(self.issues) - 50} more")
        super().__init__("\n".join(lines))


class LibreOfficeError(KpixlError):
    """LibreOffice is missing, or it did not produce what it was asked for."""
