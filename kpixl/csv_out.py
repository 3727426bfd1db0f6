"""Tables written to CSV for Excel in China: UTF-8 with a BOM, CRLF rows (RFC 4180: a CR inside
a cell is then quoted, not taken for a new row), blanks as empty fields, numbers as the shortest
text that reads back to the same double.

DuckDB's CSV writer does the work (it is already kpixl's metrics engine): a 1,000,000-row result
takes one to two seconds instead of the nine pandas' ``to_csv`` needs. Formatting doubles is most
of DuckDB's time, so a float column with few distinct values (points, 小计, coefficients) is handed
over as a categorical of each value's text, formatted once per value. Text columns are handed to
it as text only — a column mixing numbers and words is written as each value's text, as pandas
would — so no value is re-typed on the way out.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

BOM = "\ufeff".encode()


def _text_column(series: pd.Series) -> np.ndarray:
    """A non-numeric column as text or None (blank): ``1`` → ``"1"``, ``30.0`` → ``"30.0"``."""
    out = series.to_numpy(dtype=object).copy()
    if pd.api.types.infer_dtype(out, skipna=True) in ("string", "empty"):  # the usual text column
        out[pd.isna(out) | (out == "")] = None
        return out
    for i, v in enumerate(out):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) or v == "":
            out[i] = None
        elif not isinstance(v, str):
            out[i] = str(v)
    return out


def _number_column(series: pd.Series) -> pd.Series | pd.Categorical:
    """A numeric column as DuckDB should see it. A float column with few distinct values (points,
    subtotals, grades' coefficients) goes as a categorical of each value's shortest text — the
    text DuckDB itself would write (Python's ``repr``) — so each distinct number is formatted once,
    not a million times."""
    if series.dtype != np.float64 or len(series) < 10_000:  # Int64 with <NA> would come out as floats
        return series.reset_index(drop=True)
    values = series.to_numpy()
    zero = values == 0
    if (zero & np.signbit(values)).any():  # -0.0 hashes as 0.0: keep DuckDB's own text for it
        return series.reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) * 4 > len(values):
        return series.reset_index(drop=True)
    return pd.Categorical.from_codes(codes, categories=[repr(v) for v in uniques.tolist()])


def _few_texts(texts: np.ndarray) -> pd.Series | pd.Categorical:
    """A long text column with few distinct values (部门, 等级, 标记) as a categorical: DuckDB then
    converts each distinct text once instead of every cell. A sample decides first, so a column of
    ids (all different) is not factorised for nothing."""
    if len(texts) >= 10_000 and len(set(texts[:1000].tolist())) * 4 <= 1000:
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)  # None (a blank) → no category
        if len(uniques) * 4 <= len(texts):
            return pd.Categorical.from_codes(codes, categories=uniques.tolist())
    return pd.Series(texts, dtype=object)


def _categorical_texts(series: pd.Series) -> pd.Categorical:
    """A categorical column (部门 as ``kpixl score`` reads it) as a categorical of the text each
    value is written as — the texts :func:`_text_column` gives, worked out once per category."""
    texts = _text_column(pd.Series(series.cat.categories.to_numpy(dtype=object)))
    remap, uniques = pd.factorize(texts, use_na_sentinel=True)  # "" → blank; 1 and "1" → one text
    codes = series.cat.codes.to_numpy()
    new = np.where(codes < 0, -1, np.append(remap, -1)[codes])
    return pd.Categorical.from_codes(new, categories=uniques.tolist())


def _prepared(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as DuckDB should see it: numbers as numbers, everything else as text."""
    columns = {}
    for k in range(len(df.columns)):
        s = df.iloc[:, k]
        numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        if isinstance(s.dtype, pd.CategoricalDtype):
            columns[f"c{k}"] = _categorical_texts(s)
        else:
            columns[f"c{k}"] = _number_column(s) if numeric else _few_texts(_text_column(s))
    out = pd.DataFrame(columns)
    out.columns = [str(c) for c in df.columns]  # after building: headers may repeat
    return out


def write_csv(df: pd.DataFrame, path: str | Path, *, append: bool = False) -> None:
    """Write ``df`` to ``path`` (a temp file the caller renames into place); ``append``: add its
    rows, without a header, to a file this function wrote before (a result written in parts)."""
    p = Path(path)
    table = _prepared(df)
    names = [str(c) for c in table.columns]
    first = [BOM.decode() + names[0], *names[1:]] if names else []
    if not append and names and _plain(names[0]) and _kept(first):
        # the BOM goes in front of the first header, so DuckDB writes the file in place: no copy
        # (a quoted first header would move it behind the quote: that takes the copy below)
        table.columns = first
        _copy(table, p, header=True)
        return
    own = not append and not _kept(names)  # headers DuckDB would rename: written here instead
    body = p.with_name(p.name + ".body")
    try:
        _copy(table, body, header=not append and not own)
        with p.open("ab" if append else "wb") as out, body.open("rb") as src:
            if not append:
                out.write(BOM)
            if own:
                out.write((",".join(n if _plain(n) else '"' + n.replace('"', '""') + '"' for n in names) + "\r\n").encode())
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        if body.exists():
            os.unlink(body)


def _copy(table: pd.DataFrame, path: Path, *, header: bool) -> None:
    """DuckDB's COPY of ``table`` to ``path``: CRLF rows, blanks empty, fields quoted as needed."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("result_table", table)
        target = str(path).replace("'", "''")
        con.execute(f"COPY result_table TO '{target}' (FORMAT CSV, HEADER {str(header).lower()}, DELIMITER ',', NEW_LINE '\\r\\n')")
    finally:
        con.close()


def _plain(name: str) -> bool:
    """A header DuckDB writes as it is (nothing in it to quote)."""
    return not any(c in name for c in '\n\r",#')


def _kept(names: list[str]) -> bool:
    """Headers DuckDB writes as they are named: it renames an empty one (to C0) and a repeated one,
    ASCII case aside (a "note" beside "Note" would be written as note_1)."""
    folded = [n.encode().lower() for n in names]
    return all(folded) and len(set(folded)) == len(folded)
