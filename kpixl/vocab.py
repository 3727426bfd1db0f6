"""The input vocabulary: what a typed value means, written once for every evaluator.

The engine (:mod:`kpixl.units`, the rule kinds), the formula compiler (its formulas and
its data validation), the add-in, ``collect`` and ``metrics`` all read people's entries
through these words and conventions, so a value means the same thing everywhere:

* **blank words** — an empty cell, ``N/A``, ``/``, ``-``, ``空`` … mean *missing*, never 0;
* **none words** — ``无``, ``没有``, ``零`` mean 0 in a count (``无投诉`` = 0 次);
* **yes/no words** — ``是/否``, ``√/×``, ``Y/N``, ``达标/未达标`` …, and 1/0;
* **the percent convention** — a bare number in a percent field with ``|x| ≤ 1`` is a
  fraction (0.88 = 88%), otherwise percentage points (88 = 88%);
* text is compared after full-width → half-width (NFKC), trimming and lower-casing.

Each Python reader here has its Excel counterpart (``excel_*``) built from the same words,
so a generated workbook accepts exactly the words the engine accepts.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from .errors import ValueParseError

#: the dashes people type for "nothing" (the reader makes each of them "-"): one or two of them is a blank
_DASHES = "-–—−‐﹣"
#: the words pandas reads as blank by default (its private ``STR_NA_VALUES``; the list below when a pandas
#: release moves it): kpixl passes them itself to the columns it reads as pandas would, and keeps them as
#: typed in the columns it carries (:func:`kpixl.roster.na_options`)
try:
    from pandas._libs.parsers import STR_NA_VALUES as _PANDAS_NA
except ImportError:  # pragma: no cover - pandas 3.0's list
    _PANDAS_NA = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL"}
    _PANDAS_NA |= {"NaN", "None", "n/a", "nan", "null"}
PANDAS_NA_WORDS = frozenset(_PANDAS_NA)
#: words that mean "no value" (compared lower-cased, after NFKC and with spaces removed)
BLANK_WORDS = frozenset({"", "n/a", "na", "/", "nan", "none", "null", "#n/a", "空", "缺"} | set(_DASHES) | {a + b for a in _DASHES for b in _DASHES})
#: words that mean zero in a count (无投诉 = 0 次); elsewhere they are unreadable
NONE_WORDS = frozenset({"无", "没有", "零"})
#: yes/no words of a yes/no input (a checklist item, a 是/否 rule)
YES_WORDS = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "达标", "满足", "完成", "已完成", "合格", "有", "规范", "1"})
NO_WORDS = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "未达标", "不满足", "未满足", "未完成", "不合格", "没有", "不规范", "0"})

#: Chinese and Roman numerals people write for a level (第三级, Ⅱ档)
CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "Ⅴ": 5,
    "Ⅵ": 6,
    "Ⅶ": 7,
    "Ⅷ": 8,
    "Ⅸ": 9,
    "Ⅹ": 10,
}


def fold(text: object) -> str:
    """Text as the vocabulary compares it: NFKC, no spaces, lower case."""
    return unicodedata.normalize("NFKC", str(text)).replace(" ", "").replace("\u3000", "").strip().lower()


def is_blank(value: object) -> bool:
    """True for an empty cell, a NaN, or a blank word (``N/A``, ``/``, ``-`` …)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, str):
        return fold(value) in BLANK_WORDS
    return False


def percent_of_bare(x: float) -> float:
    """A bare number typed in a percent field: ``|x| ≤ 1`` is a fraction, else points (88 → 0.88)."""
    return x / 100 if abs(x) > 1 else x


def percent_of_bare_array(values: np.ndarray) -> np.ndarray:
    """:func:`percent_of_bare` over an array (NaN stays NaN)."""
    return np.where(np.abs(values) > 1, values / 100, values)


def read_yes_no(value: object) -> float:
    """是/否, √/×, Y/N, 1/0, 达标/未达标 → 1.0/0.0; blank → nan; anything else is an error."""
    if value is None or (isinstance(value, float) and value != value):
        return math.nan
    if isinstance(value, bool | np.bool_):
        return 1.0 if value else 0.0
    if isinstance(value, int | float | np.integer | np.floating) and float(value) in (0.0, 1.0):
        return float(value)
    text = fold(value)
    if text in BLANK_WORDS:
        return math.nan
    if text in YES_WORDS:
        return 1.0
    if text in NO_WORDS:
        return 0.0
    raise ValueParseError(f"无法识别的数值 {value!r}（应为 是/否）/ unreadable value {value!r}, expected yes/no (是/否)")


# ----------------------------------------------------------------------------- Excel side
def _excel_words(words: frozenset[str]) -> str:
    """An array constant of the words Excel can compare (it compares text case-insensitively)."""
    texts = sorted(words)
    return "{" + ",".join('"' + w.replace('"', '""') + '"' for w in texts) + "}"


def excel_percent(expr: str) -> str:
    """The percent convention over a numeric expression (the Excel twin of :func:`percent_of_bare`)."""
    return f"IF(ABS({expr})<=1,{expr},{expr}/100)"


def excel_yes_no(cell: str) -> str:
    """1 for a yes word or 1, 0 for a no word or 0, #N/A otherwise (the twin of :func:`read_yes_no`)."""
    yes = excel_is_word(f"TRIM({cell})", _excel_words(YES_WORDS))  # = not MATCH: a typed ? or * is no wildcard
    no = excel_is_word(f"TRIM({cell})", _excel_words(NO_WORDS))
    return f"IF(ISNUMBER({cell}),IF({cell}=1,1,IF({cell}=0,0,NA())),IF({yes},1,IF({no},0,NA())))"


#: workbook names of the word lists, for formulas and data validation (which takes no array constant)
BLANK_NAME, BLANK_OR_NONE_NAME, NONE_NAME = "kp_wb", "kp_wb0", "kp_wn"


def excel_word_names() -> dict[str, str]:
    """The defined names a workbook needs for :func:`excel_is_word`: each word list as an array constant."""
    return {
        BLANK_NAME: _excel_words(BLANK_WORDS | {""}),
        BLANK_OR_NONE_NAME: _excel_words(BLANK_WORDS | NONE_WORDS | {""}),
        NONE_NAME: _excel_words(NONE_WORDS),
    }


def excel_is_word(text: str, name: str) -> str:
    """TRUE when ``text`` (a formula) is one of the words behind ``name`` (no wildcards, any case)."""
    return f"OR({text}={name})"


#: what the data validation of a yes/no cell offers (a list; the formula also reads the other words)
YES_NO_CHOICES = ("是", "否")
