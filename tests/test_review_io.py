"""Hostile review of the categorical CSV read and the in-place CSV write (kpixl score on a CSV):
the results must keep every id column's text as typed, as they did when those columns were read
as plain strings."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from kpixl.jobs import score_file
from kpixl.roster import read_table

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"


def _roster(tmp_path: Path, ids: dict[str, list[str]], n: int) -> Path:
    """``n`` people typed as in samples/team.csv (its rows in turn), with the id columns given."""
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0].split(","), [line.split(",") for line in lines[1:]]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for i in range(n):
        row = list(body[i % len(body)])
        for column, values in ids.items():
            row[header.index(column)] = values[i % len(values)]
        w.writerow(row)
    path = tmp_path / "team.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_repeated_number_like_ids_keep_their_text(tmp_path):
    """A roster of four periods repeats every 工号, 部门 and 姓名 (so they are read as categoricals):
    pandas would read such a categorical's categories as numbers when all of them look like
    numbers — 001 → 1, 1 and 1.0 one department, TRUE → True, -5 a number left unneutralised."""
    path = _roster(
        tmp_path,
        {
            "工号": ["001", "002", "003", "004"],
            "部门": ["001", "1", "1.0", "-5"],
            "姓名": ["TRUE", "TRUE", "-5", "-5"],
            "考核期间": ["2024Q1"] * 4 + ["2024Q2"] * 4 + ["2024Q3"] * 4 + ["2024Q4"] * 4,
        },
        16,
    )
    table = read_table(path, text_as_categories=True)
    assert table["部门"].tolist()[:4] == ["001", "1", "1.0", "-5"]
    out = tmp_path / "out.csv"
    score_file(path, SCHEME, out)
    rows = _csv_rows(out)
    head = rows[0]
    got = [[r[head.index(c)] for c in ("工号", "姓名", "部门")] for r in rows[1:5]]
    # by hand: the text as typed, a formula start behind an apostrophe
    assert got == [["001", "TRUE", "001"], ["002", "TRUE", "1"], ["003", "'-5", "1.0"], ["004", "'-5", "'-5"]]
    marks = rows[1][head.index("标记")]
    assert "重复工号:001（第2、6、10、14行）" in marks  # 001 is on file rows 2, 6, 10 and 14

    xlsx = tmp_path / "out.xlsx"
    score_file(path, SCHEME, xlsx)
    with zipfile.ZipFile(xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    # 部门 001 and 1 are text cells, as typed (not the number 1)
    assert ">001</t>" in sheet and '<t xml:space="preserve">1</t>' in sheet and ">'-5</t>" in sheet


def test_a_number_like_department_in_a_long_roster_keeps_its_text(tmp_path):
    """The categorical choice is made on the first 10,000 rows: 部门 of numbers there and a word
    further down is text throughout (001 stays 001), as is one with a word first."""
    n = 10_020
    depts = ["001", "002", "010"] * (10_011 // 3) + ["一部"] * 9
    path = _roster(tmp_path, {"工号": [f"E{i}" for i in range(n)], "部门": depts}, n)
    table = read_table(path, text_as_categories=True)
    assert table["部门"].iloc[:3].tolist() == ["001", "002", "010"] and table["部门"].iloc[-1] == "一部"
    out = tmp_path / "out.csv"
    score_file(path, SCHEME, out)
    rows = _csv_rows(out)
    col = rows[0].index("部门")
    assert [rows[k][col] for k in (1, 2, 3, n)] == ["001", "002", "010", "一部"]


def test_csv_headers_that_differ_only_in_case_are_written_as_named(tmp_path):
    """DuckDB names columns without regard to ASCII case and renames a second "note" beside "Note"
    to note_1 (an empty one to C0): the CSV header must still be the table's own headers."""
    from kpixl.roster import write_table

    for headers, written in (
        (["工号", "Note", "note"], "工号,Note,note"),
        (["a,b", "x", "X"], '"a,b",x,X'),  # a quoted first header: the copy path
        (["工号", "", "A", "a"], "工号,,A,a"),
    ):
        path = tmp_path / "r.csv"
        write_table(pd.DataFrame([["v"] * len(headers)], columns=headers), path)
        assert path.read_bytes() == ("\ufeff" + written + "\r\n" + ",".join(["v"] * len(headers)) + "\r\n").encode()

    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    roster = tmp_path / "team.csv"
    roster.write_text("\n".join([lines[0] + ",Note,note", *(line + ",a,b" for line in lines[1:])]) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    score_file(roster, SCHEME, out)
    rows = _csv_rows(out)
    assert rows[0][6:8] == ["Note", "note"] and rows[1][6:8] == ["a", "b"]  # after the five id columns and 绩效工资基数


def test_long_number_like_ids_that_repeat_keep_their_text(tmp_path):
    """Ids longer than any integer type (22 digits, a leading zero) read as categories would
    become Python ints: the zero would go."""
    ids = ["0123456789012345678901", "0123456789012345678902"]  # beyond uint64
    path = _roster(tmp_path, {"工号": ids, "考核期间": ["2024Q1", "2024Q1", "2024Q2", "2024Q2"]}, 8)
    out = tmp_path / "out.csv"
    score_file(path, SCHEME, out)
    rows = _csv_rows(out)
    assert [r[0] for r in rows[1:]] == ids * 4
