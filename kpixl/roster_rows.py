"""Which rows of a roster are people, and who they are.

* blank rows (trailing rows of a sheet, nothing in them at all) are not people;
* 工号 as text for comparison: surrounding spaces go, a blank cell or a blank word (``N/A``,
  ``null``, ``－`` …) is no id; the distinct ids tell whether any id repeats.

Each works on whole columns: a text column is judged once per distinct value, and the usual
ASCII id column is answered by one set of its values, so a million-row roster costs a few
vector operations and no Python per cell.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .units import distinct_values
from .vocab import BLANK_WORDS, PANDAS_NA_WORDS, is_blank


def blank_rows(roster: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in them at all (trailing rows of a sheet) are not people.

    Numeric columns go first (one isna each), then text columns with few distinct values
    (部门, 考核期间: each spelling judged once); each is judged only on the rows that are
    still candidates, so a full roster costs a few vector operations.
    """
    blank = np.ones(len(roster), dtype=bool)

    def cost(col: object) -> tuple[int, int]:
        s = roster[col]
        if pd.api.types.is_numeric_dtype(s.dtype):
            return (0, 0)
        return (1, len(set(s.iloc[:200].tolist())))  # distinct values in a sample

    for col in sorted(roster.columns, key=cost):
        s = roster[col]
        if pd.api.types.is_numeric_dtype(s.dtype):
            blank &= s.isna().to_numpy()
        else:
            idx = np.flatnonzero(blank)
            blank[idx] = _empty_text(s.iloc[idx])
        if not blank.any():
            break
    return blank


def _empty_text(cells: pd.Series) -> np.ndarray:
    """Mask of cells that are empty: NaN/None, text of spaces only, or one of pandas' blank words
    (``NA``, ``N/A``, ``null`` …: a column carried as typed keeps them, every other column reads them
    as blank — a row holding nothing else, such as a template's ``IFERROR(…,"N/A")`` below the
    team, is no person either way). Each spelling is judged once."""
    codes, uniques = distinct_values(cells)
    judged = np.array([isinstance(v, str) and (not v.strip() or v in PANDAS_NA_WORDS) for v in uniques] + [True], dtype=bool)
    return judged[codes]  # code -1 (NaN / None) takes the last entry


def id_text(series: pd.Series) -> pd.Series:
    """工号 as text for comparison: blank cells and blank words are None."""
    return pd.Series(read_ids(series)[0], index=series.index, dtype=object)


def read_ids(series: pd.Series) -> tuple[np.ndarray, list[str], set[str]]:
    """工号 as text per row (None for a blank cell or a blank word), the ids that are there and
    the distinct ids."""
    values = series.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    filled = np.flatnonzero(~pd.isna(values))
    kept = values[filled]
    as_is = pd.api.types.infer_dtype(kept, skipna=False) == "string"
    text = kept.tolist() if as_is else [str(v) for v in kept]
    joined = "".join(text)
    if joined.isascii() and not any(c in joined for c in _ASCII_SPACE):
        # the usual column (E0001, 1001): nothing to strip, and a blank word can only be one of
        # the ASCII spellings of one (N/A, null …) — one set of the ids answers both questions
        distinct = set(text)
        found = _ASCII_BLANKS.intersection(distinct)
        if found:
            distinct -= found
            keep = np.fromiter((t not in found for t in text), dtype=bool, count=len(text))
        else:
            keep = None
    else:
        text = [t.strip() for t in text]
        keep = np.fromiter((not is_blank(t) for t in text), dtype=bool, count=len(text))
        distinct = set(np.array(text, dtype=object)[keep].tolist()) if text else set()
    if keep is None and as_is:
        out[filled] = kept  # the cells as they are: nothing was stripped or dropped
        return out, text, distinct
    if keep is not None and not keep.all():
        text = np.array(text, dtype=object)[keep].tolist()
        filled = filled[keep]
    out[filled] = text
    return out, text, distinct


def _ascii_spellings(words: frozenset[str]) -> frozenset[str]:
    """Every upper/lower-case spelling of the ASCII words (what NFKC + lower case folds onto them)."""
    out = set()
    for w in words:
        if w.isascii():
            out.update(map("".join, itertools.product(*({c.lower(), c.upper()} for c in w))))
    return frozenset(out)


_ASCII_BLANKS = _ascii_spellings(BLANK_WORDS)
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip removes from ASCII text
