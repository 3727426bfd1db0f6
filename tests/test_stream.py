"""A roster scored in parts (kpixl/stream.py) gives the file's results exactly: ranks among
everyone, 重复工号 across parts, 未提交, blank lines, and problems with the file's rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpixl as k
from kpixl.errors import RosterError
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
    whole = k.score(scheme, k.read_table(path))
    write_table(whole, tmp_path / "whole.csv")
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
    report = jobs.score_file(path, SCHEME, tmp_path / "out.csv")
    assert calls and report.rows == 27
    with pytest.raises(k.KpixlError, match="csv"):
        stream.score_in_parts(path, k.load_scheme(SCHEME), tmp_path / "out.xlsx")


def test_ids_that_only_share_a_hash_are_not_repeated(tmp_path, monkeypatch):
    """Every id hashed alike: the ids are compared as text, and only the real repeats are flagged."""
    from kpixl import stream

    monkeypatch.setattr(stream, "_hashes", lambda ids: np.full(len(ids), 7, dtype=np.uint64))
    path = _roster(tmp_path)
    scheme = k.load_scheme(SCHEME)
    whole = k.score(scheme, k.read_table(path))
    write_table(whole, tmp_path / "whole.csv")
    score_in_parts(path, scheme, tmp_path / "parts.csv", rows=4)
    a = pd.read_csv(tmp_path / "whole.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "parts.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)
    assert b.loc[b["工号"] == "E099", "标记"].tolist() == ["未提交"]  # E099 appears once: no 重复工号
