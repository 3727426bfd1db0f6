"""The CSV writer's joined columns (kpixl/csv_out.py) write exactly the bytes of the column-by-column
writing: adjacent categoricals joined into one column of combined, pre-quoted texts, then DuckDB
told to quote nothing. Each test writes one frame both ways and compares the files byte for byte,
and checks that the joined writing was really taken where it should be (else the comparison would
prove nothing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixl import csv_out

N = 12_000  # the joined writing starts at 10,000 rows


def _both(df: pd.DataFrame, tmp: Path, monkeypatch) -> tuple[bytes, bytes, bool]:
    """(joined writing's bytes, column-by-column bytes, whether the joined writing was taken)."""
    taken = []
    real = csv_out._joined

    def spy(table):
        out = real(table)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(csv_out, "_joined", spy)
    csv_out.write_csv(df, tmp / "joined.csv")
    monkeypatch.setattr(csv_out, "_joined", lambda table: None)
    csv_out.write_csv(df, tmp / "plain.csv")
    monkeypatch.setattr(csv_out, "_joined", real)
    return (tmp / "joined.csv").read_bytes(), (tmp / "plain.csv").read_bytes(), bool(taken and taken[0])


def _results_like(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    """A results table as kpixl.score makes it: ids, names, a department, points, 小计, a total,
    等级, 奖金系数, 排名 (with <NA> for 未提交) and 标记."""
    points = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, np.nan], size=(n, 4))
    total = np.round(points[:, :2].sum(axis=1) * 7.5 + points[:, 2:].sum(axis=1) * 3.25, 2)
    grade = np.where(np.isnan(total), "", np.where(total >= 60, "优秀", "合格"))
    rank = pd.array(np.where(np.isnan(total), 0, rng.integers(1, n, n)), dtype="Int64")
    rank[np.isnan(total)] = pd.NA
    return pd.DataFrame(
        {
            "工号": [f"E{i:06d}" for i in range(n)],
            "姓名": [f"员工{i}" for i in range(n)],
            "部门": pd.Categorical(rng.choice(["客服一部", "客服二部", "售后"], n)),
            **{f"指标{j}得分": points[:, j] for j in range(4)},
            "服务质量小计": np.round(points[:, 0] * 7.5, 2),
            "总分": total,
            "等级": pd.Categorical(grade),
            "奖金系数": np.where(np.isnan(total), np.nan, np.where(total >= 60, 1.2, 1.0)),
            "排名": rank,
            "标记": pd.Categorical(rng.choice(["", "缺失:客户满意度（按最低分1计）", "调整:一次解决率 3→4"], n)),
        }
    )


def test_a_results_table_is_joined_and_written_byte_for_byte_the_same(tmp_path, monkeypatch):
    df = _results_like(np.random.default_rng(1))
    joined, plain, taken = _both(df, tmp_path, monkeypatch)
    assert taken, "a results table must take the joined writing"
    assert joined == plain
    # hand-checked: the BOM, the header as written, a blank (未提交) total as an empty field
    first = plain.split(b"\r\n")[0].decode("utf-8")
    assert first.startswith("\ufeff工号,姓名,部门,指标0得分")
    assert b",," in plain


def test_fields_that_need_quotes_are_quoted_as_duckdb_quotes_them(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    df = _results_like(rng)
    df["部门"] = pd.Categorical(rng.choice(["客服,一部", '说"好"', "#3", "a\r\nb", "plain", " 前空格"], N))
    df.insert(3, "备注,说明", pd.Categorical(rng.choice(["x", "y#z"], N)))
    joined, plain, taken = _both(df, tmp_path, monkeypatch)
    assert taken and joined == plain
    assert '"客服,一部"'.encode() in plain and '"说""好"""'.encode() in plain and b'"#3"' in plain and '"备注,说明"'.encode() in plain


@pytest.mark.parametrize("names", ["a,b", 'say "x"', "#", "x\ny"])
def test_a_text_column_that_needs_quotes_is_written_column_by_column(tmp_path, monkeypatch, names):
    df = _results_like(np.random.default_rng(3))
    df.loc[5, "姓名"] = names
    joined, plain, taken = _both(df, tmp_path, monkeypatch)
    assert not taken and joined == plain


def test_rows_written_in_parts_are_the_same(tmp_path, monkeypatch):
    df = _results_like(np.random.default_rng(4), 2 * N)
    outs = []
    for way in ("joined", "plain"):
        if way == "plain":
            monkeypatch.setattr(csv_out, "_joined", lambda table: None)
        path = tmp_path / f"{way}.csv"
        csv_out.write_csv(df.iloc[:N], path)
        csv_out.write_csv(df.iloc[N:].reset_index(drop=True), path, append=True)
        outs.append(path.read_bytes())
    assert outs[0] == outs[1]


TEXT = st.sampled_from(["a", "b", "客服", "", "x,y", 'q"r', "#", "s t", " lead", "tab\tx", "=1+1", "line\nbreak", "cr\rx", "NULL"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    kinds=st.lists(st.sampled_from(["cat", "cat", "cat", "text", "few_float", "many_float", "int_na", "bool"]), min_size=1, max_size=8),
    words=st.lists(TEXT, min_size=1, max_size=6),
    headers=st.lists(TEXT, min_size=8, max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_table_is_written_the_same_both_ways(tmp_path_factory, monkeypatch, kinds, words, headers, seed):
    rng = np.random.default_rng(seed)
    columns = {}
    for k, kind in enumerate(kinds):
        name = f"{headers[k]}{k}"
        if kind == "cat":
            columns[name] = pd.Categorical(rng.choice([*words, None], N))
        elif kind == "text":
            columns[name] = pd.Series(rng.choice([*words, None], N), dtype=object)
        elif kind == "few_float":
            columns[name] = rng.choice([0.5, 1.0, -2.25, 1e20, np.nan, 3.0], N)
        elif kind == "many_float":
            columns[name] = rng.random(N) * 100
        elif kind == "int_na":
            values = pd.array(rng.integers(-5, 5, N), dtype="Int64")
            values[rng.random(N) < 0.1] = pd.NA
            columns[name] = values
        else:
            columns[name] = rng.random(N) < 0.5
    df = pd.DataFrame(columns)
    joined, plain, _ = _both(df, tmp_path_factory.mktemp("w"), monkeypatch)
    assert joined == plain
