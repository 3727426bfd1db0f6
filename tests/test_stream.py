"""A roster scored in parts (kpixl/stream.py) gives the file's results exactly: ranks among
everyone, 重复工号 across parts, 未提交, blank lines, and problems with the file's rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpixl as k
from kpixl.errors import RosterError
from kpixl.jobs import score_file
from kpixl.roster import write_table
from kpixl.stream import score_in_parts

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"


def _roster(tmp_path: Path) -> Path:
    """The sample team three times over (every 工号 repeated across parts), a blank line, and one
    person with nothing filled in (未提交)."""
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], lines[1:]
    blank_person = "E099,空表" + "," * (header.count(",") - 1)
    text = "\n".join([header, *body, "", *body[:5], blank_person, *body[5:], *body[2:4]]) + "\n"
    path = tmp_path / "team.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("rows", [1, 4, 7, 1000])
def test_parts_give_the_whole_files_results(tmp_path, rows):
    path = _roster(tmp_path)
    scheme = k.load_scheme(SCHEME)
    whole = score_file(path, scheme, tmp_path / "whole.csv").results  # the whole file at once (it is small)
    report = score_in_parts(path, scheme, tmp_path / "parts.csv", rows=rows)
    assert report.rows == len(whole) == 12 + 5 + 1 + 7 + 2
    assert report.flagged == int((whole["标记"] != "").sum())
    a = pd.read_csv(tmp_path / "whole.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "parts.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)
    # by hand: E001 is on file rows 2 and 15 (the blank line is row 14), E003 on 4, 17 and 28;
    # E099 (row 20) is 未提交 and unranked
    assert b.loc[b["工号"] == "E001", "标记"].str.contains("重复工号:E001（第2、15行）").tolist() == [True, True]
    assert b.loc[b["工号"] == "E003", "标记"].str.contains("重复工号:E003（第4、17、28行）").tolist() == [True] * 3
    assert b.loc[b["工号"] == "E099", ["总分", "排名", "标记"]].values.tolist() == [["", "", "未提交"]]
    best = whole["总分"].max()
    assert set(b.loc[whole["总分"] == best, "排名"]) == {"1"}


def test_problems_of_every_part_come_together_with_file_rows(tmp_path):
    path = _roster(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("客户满意度")
    for row in (3, 20):  # file rows 3 and 20: two different parts when a part holds 4 rows
        cells = lines[row - 1].split(",")
        cells[col] = "很好"
        lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        score_in_parts(path, k.load_scheme(SCHEME), tmp_path / "out.csv", rows=4)
    assert [(i.row, i.column) for i in info.value.issues] == [(3, "客户满意度"), (20, "客户满意度")]
    assert not (tmp_path / "out.csv").exists()


def test_the_command_scores_a_large_csv_in_parts(tmp_path, monkeypatch):
    from kpixl import jobs, stream

    path = _roster(tmp_path)
    monkeypatch.setattr(stream, "LARGE_CSV_BYTES", 100)  # this small file counts as large
    monkeypatch.setattr(stream, "PART_ROWS", 5)
    calls = []
    real = stream.score_in_parts
    monkeypatch.setattr(stream, "score_in_parts", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    real_parts = stream.parts
    sizes: list[int] = []
    monkeypatch.setattr(stream, "parts", lambda *a, **kw: ((sizes.append(len(p)) or (f, p)) for f, p in real_parts(*a, **kw)))
    report = jobs.score_file(path, SCHEME, tmp_path / "out.csv")
    assert calls and report.rows == 27
    # in parts of PART_ROWS file lines (the blank one too): 28, three times over (score, repeated
    # ids, write). PART_ROWS was read once, when score_in_parts was defined: one part of 28 lines.
    assert sizes == [5, 5, 5, 5, 5, 3] * 3
    with pytest.raises(k.KpixlError, match="csv"):
        stream.score_in_parts(path, k.load_scheme(SCHEME), tmp_path / "out.xlsx")


def test_ids_that_only_share_a_hash_are_not_repeated(tmp_path, monkeypatch):
    """Every id hashed alike: the ids are compared as text, and only the real repeats are flagged."""
    from kpixl import stream

    monkeypatch.setattr(stream, "_hashes", lambda ids: np.full(len(ids), 7, dtype=np.uint64))
    path = _roster(tmp_path)
    scheme = k.load_scheme(SCHEME)
    score_file(path, scheme, tmp_path / "whole.csv")
    score_in_parts(path, scheme, tmp_path / "parts.csv", rows=4)
    a = pd.read_csv(tmp_path / "whole.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "parts.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)
    assert b.loc[b["工号"] == "E099", "标记"].tolist() == ["未提交"]  # E099 appears once: no 重复工号


def test_text_columns_read_as_categories_give_the_same_results(tmp_path):
    """`kpixl score` reads the text columns of a CSV as categoricals: the same values, so the same
    results, file rows and errors as the plain read — including a column that turns to text only
    after the 10,000-row sample (read as text throughout, not as categories), NA words, blank
    lines and a carried text column."""
    n = 12_000
    spell = ["4", "4分", "N/A", "", "5", " 3 "]
    lines = ["工号,姓名,服务规范度,问题解决能力,平均响应时长,一次解决率,客户满意度,投诉率,跨部门协作响应速度,备注"]
    for i in range(n):
        late = "28秒" if i >= 10_500 and i % 2 else str(20 + i % 50)
        lines.append(f"E{i},员工{i},{spell[i % 6]},5,{late},95%,0.96,0,10,{'甲乙丙'[i % 3]}")
        if i == 50:
            lines.append("")  # a blank line: not a person, later rows keep their file rows
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = k.read_table(path)
    fast = k.read_table(path, text_as_categories=True)
    assert isinstance(fast["服务规范度"].dtype, pd.CategoricalDtype) and isinstance(fast["备注"].dtype, pd.CategoricalDtype)
    assert not isinstance(fast["平均响应时长"].dtype, pd.CategoricalDtype)  # numbers in the sample
    assert fast["工号"].dtype == object and fast["姓名"].dtype == object  # all different: plain strings
    assert fast["工号"].tolist() == plain["工号"].tolist() and fast["姓名"].tolist() == plain["姓名"].tolist()
    a, b = k.score(SCHEME, plain), k.score(SCHEME, fast)
    pd.testing.assert_frame_equal(a.astype(object), b.astype(object))
    assert b.loc[0, "服务规范度得分"] == 4 and b.loc[2, "标记"].startswith("缺失:服务规范度")  # by hand: 4分 → 4; N/A → blank
    out = tmp_path / "r.csv"
    from kpixl.jobs import score_file

    score_file(path, SCHEME, out)
    write_table(a, tmp_path / "plain.csv")
    assert out.read_bytes() == (tmp_path / "plain.csv").read_bytes()
    bad = path.read_text(encoding="utf-8").replace("E7,员工7,4分,", "E7,员工7,很好,")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, k.read_table(path, text_as_categories=True))
    assert [(i.row, i.column) for i in info.value.issues] == [(9, "服务规范度")]  # person 7: line 9 of the file
