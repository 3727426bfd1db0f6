"""The engine reads a text column the same whatever dtype pandas gave it.

pandas hands kpixl text in several dtypes: plain Python objects, its ``str`` dtype (Python-backed,
or arrow-backed when pyarrow is installed — pandas 3 then uses arrow for every text column it
reads), and categoricals (``kpixl score`` reads repeating CSV columns as such). Each reading path
has its own fast code (``kpixl.units.distinct_values``), so each is compared here with the plain
object reading, row by row, on typed values, blanks, blank words and refused cells.

The arrow-backed case needs pyarrow, which kpixl does not depend on: CI installs it after the main
test run and runs this file again with ``KPIXL_REQUIRE_PYARROW=1``, which turns its absence into
a failure instead of a shorter parameter list.
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pandas as pd
import pytest

import kpixl as k
from kpixl.errors import RosterError
from kpixl.units import distinct_values

HAVE_PYARROW = importlib.util.find_spec("pyarrow") is not None
KINDS = ["object", "str-python", "category"] + (["str-pyarrow"] if HAVE_PYARROW else [])
SCHEME = "support-center-quarterly"


def test_pyarrow_is_here_when_ci_asks_for_it():
    if os.environ.get("KPIXL_REQUIRE_PYARROW") == "1":
        assert HAVE_PYARROW, "KPIXL_REQUIRE_PYARROW=1 but pyarrow is not installed"
        assert "str-pyarrow" in KINDS


def _as(series: pd.Series, kind: str) -> pd.Series:
    values = series.astype(object).where(series.notna(), None)
    if kind == "object":
        return pd.Series(values.to_numpy(dtype=object), dtype=object)
    if kind == "category":
        return values.astype("category")
    return values.astype(pd.StringDtype(kind.split("-")[1], na_value=np.nan))


ROWS = [
    # 工号, 姓名, 服务规范度, 问题解决能力, 平均响应时长, 一次解决率, 客户满意度, 投诉率, 跨部门协作响应速度
    ["E001", "王晓燕", "4", "5", "28秒", "88%", "92%", "0%", "30小时"],
    ["E002", "李明", "5分", "5", "25", "0.93", "96%", "0", "12小时"],
    ["E003", "张伟", "3", "3", "1分30秒", "85 %", "91%", "0.5%", "2天"],
    ["E004", "刘洋", "N/A", "4", "", "90%", "95%", "0%", "24小时"],
    ["E005", "NA", "5", "4.5", "30秒", "90.0%", "95%", "", "24小时"],
    ["E006", "陈", None, None, None, None, None, None, None],  # nothing filled: 未提交
    ["E007", "=1+1", "3", "3", "45", "0.9", "0.95", "0.01", "48"],
]
HEADERS = ["工号", "姓名", "服务规范度", "问题解决能力", "平均响应时长", "一次解决率", "客户满意度", "投诉率", "跨部门协作响应速度"]


def _roster(kind: str, rows: list[list[str | None]] = ROWS) -> pd.DataFrame:
    base = pd.DataFrame(rows, columns=HEADERS, dtype=object)
    return pd.DataFrame({c: _as(base[c], kind) for c in HEADERS})


@pytest.mark.parametrize("kind", KINDS)
def test_scores_are_the_same_in_every_text_dtype(kind):
    want = k.score(SCHEME, _roster("object"))
    got = k.score(SCHEME, _roster(kind))
    # hand-checked anchors of the reference itself: E006 filled nothing, E004's 服务规范度 is a blank word
    assert want.loc[5, "标记"] == "未提交" and pd.isna(want.loc[5, "总分"])
    assert want["总分"].notna().sum() == 6
    for column in want.columns:  # every value exactly: the same engine ran on the same cells
        assert _plain(got[column]) == _plain(want[column]), column


def _plain(series: pd.Series) -> list[object]:
    return series.astype(object).where(series.notna(), None).tolist()


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_cell_is_named_the_same_in_every_text_dtype(kind):
    rows = [*ROWS[:2], ["E008", "赵", "五分", "5", "28秒", "88%", "92%", "0%", "30小时"]]
    with pytest.raises(RosterError) as want:
        k.score(SCHEME, _roster("object", rows))
    with pytest.raises(RosterError) as got:
        k.score(SCHEME, _roster(kind, rows))
    assert str(got.value) == str(want.value)
    assert "五分" in str(want.value) and "服务规范度" in str(want.value)


@pytest.mark.parametrize("kind", KINDS)
def test_distinct_values_agree(kind):
    series = _as(pd.Series(["28秒", None, "28秒", "N/A", "", "1分30秒", "28秒"], dtype=object), kind)
    codes, uniques = distinct_values(series)
    rebuilt = [None if c < 0 else uniques[c] for c in codes]
    assert rebuilt == ["28秒", None, "28秒", "N/A", "", "1分30秒", "28秒"]
    assert all(isinstance(u, str) for u in uniques)


def test_grades_and_marks_sort_as_their_texts():
    """等级 and 标记 are categoricals (written once per text); sorting by them must still be sorting
    by the text, as it was when they were text columns."""
    got = k.score(SCHEME, _roster("object"))
    for column in ("等级", "标记"):
        assert isinstance(got[column].dtype, pd.CategoricalDtype)
        assert got.sort_values(column, kind="stable")[column].astype(object).tolist() == sorted(got[column].astype(object).tolist())
