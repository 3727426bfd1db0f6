"""Review of the CSV reading, collect and console changes: what a hostile file or form does."""

from __future__ import annotations

from pathlib import Path

import pytest

import kpixl as k
from kpixl.errors import RosterError
from kpixl.jobs import score_file

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"
SAMPLE = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()


def _streamed(monkeypatch) -> None:
    from kpixl import stream

    monkeypatch.setattr(stream, "LARGE_CSV_BYTES", 100)  # these small files count as large
    monkeypatch.setattr(stream, "PART_ROWS", 2)  # row 9 is in the fourth part


@pytest.mark.parametrize("streamed", [False, True])
def test_one_longer_row_among_others_is_refused_naming_it(tmp_path, monkeypatch, streamed):
    """Only file row 9 (E008) has a cell past the header: pandas stops there with its own English
    'Expected 14 fields in line 9, saw 15' (whole file: 无法读取; in parts: a traceback). Refused as
    when every row is longer: row 9 and the value named, nothing written."""
    if streamed:
        _streamed(monkeypatch)
    lines = list(SAMPLE)
    lines[8] += ",备注"
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    with pytest.raises(RosterError) as info:
        score_file(path, SCHEME, out)
    assert [(i.row, i.value) for i in info.value.issues] == [(9, "备注")]
    assert not out.exists()


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("tail", [",", ",   ", ",,"])
def test_an_empty_extra_cell_on_one_row_reads_as_without_it(tmp_path, monkeypatch, streamed, tail):
    """A trailing comma (or a cell of spaces) on row 9 only is as empty as one on every row, which
    is accepted: the results are the bytes of the file without it."""
    if streamed:
        _streamed(monkeypatch)
    lines = list(SAMPLE)
    plain, comma = tmp_path / "plain.csv", tmp_path / "comma.csv"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines[8] += tail
    comma.write_text("\n".join(lines) + "\n", encoding="utf-8")
    score_file(plain, SCHEME, tmp_path / "a.csv")
    score_file(comma, SCHEME, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_quoted_extra_cell_with_a_line_break_names_its_row(tmp_path):
    """The extra cell of row 3 holds a comma and a line break: the row named is 3 (where the row
    starts, as every other problem of the table is numbered), not 4 (where its text ends)."""
    path = tmp_path / "t.csv"
    path.write_text('工号,姓名,x\n001,张三,1\n002,李四,2,"a,b\nc"\n003,王五,3\n', encoding="utf-8")
    with pytest.raises(RosterError) as info:
        k.read_table(path)
    assert [(i.row, i.value) for i in info.value.issues] == [(3, "a,b\nc")]


def test_a_gb18030_file_with_a_longer_row_is_refused_naming_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("工号,姓名,x\n001,张三,1\n002,李四,2,多余\n".encode("gb18030"))
    with pytest.raises(RosterError) as info:
        k.read_table(path, text_as_categories=True)
    assert [(i.row, i.value) for i in info.value.issues] == [(3, "多余")]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_long_extra_cell_is_named_like_a_short_one(tmp_path, monkeypatch, streamed):
    """200,000 characters past the header on row 9: the csv module that looks for the longer rows
    stopped at its 128 KB cell limit ('field larger than field limit', in parts a traceback)."""
    if streamed:
        _streamed(monkeypatch)
    lines = list(SAMPLE)
    lines[8] += "," + "x" * 200_000
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        score_file(path, SCHEME, tmp_path / "r.csv")
    assert [(i.row, len(i.value)) for i in info.value.issues] == [(9, 200_000)]


def test_an_unclosed_quote_in_a_large_csv_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    """Row 9 opens a quote that nothing closes: the whole-file reader says it cannot read the file;
    scored in parts, pandas' own ParserError escaped (a traceback from the command)."""
    _streamed(monkeypatch)
    lines = list(SAMPLE)
    assert lines[8].startswith("E008,黄磊,")
    lines[8] = lines[8].replace(",黄磊", ',"黄磊', 1)
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(k.KpixlError, match="无法读取"):
        score_file(path, SCHEME, tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()


def test_a_presence_file_with_trailing_commas_keeps_its_columns(tmp_path):
    """kpixl metrics' side file (a presence export) read as a CSV: a trailing comma on every row made
    pandas take 工号 for an index, so 工号 held the dates and 日期 the hours; a longer row with
    something in it is refused naming it, as in a roster."""
    from kpixl.metrics.sources import read_frame

    path = tmp_path / "presence.csv"
    path.write_text("工号,日期,在线时长\n007,2024-01-01,8,\n008,2024-01-02,7,\n", encoding="utf-8")
    assert read_frame(path).to_dict("list") == {"工号": ["007", "008"], "日期": ["2024-01-01", "2024-01-02"], "在线时长": ["8", "7"]}
    path.write_text("工号,日期,在线时长\n007,2024-01-01,8\n008,2024-01-02,7,9\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        read_frame(path)
    assert [(i.row, i.value) for i in info.value.issues] == [(3, "9")]


@pytest.mark.parametrize("streamed", [False, True])
def test_empty_extra_cells_of_different_widths_read_as_without_them(tmp_path, monkeypatch, streamed):
    """Row 2 one empty cell more than the header (pandas warns and drops it), row 9 two more (pandas
    stops there), row 12 a blank line: the results are the bytes of the file without the commas."""
    if streamed:
        _streamed(monkeypatch)
    lines = list(SAMPLE)
    plain, comma = tmp_path / "plain.csv", tmp_path / "comma.csv"
    lines.insert(11, "")
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines[1] += ","
    lines[8] += ",,"
    comma.write_text("\n".join(lines) + "\n", encoding="utf-8")
    score_file(plain, SCHEME, tmp_path / "a.csv")
    score_file(comma, SCHEME, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_check_lists_an_unreadable_csv_and_goes_on_to_the_next(tmp_path):
    """``kpixl check`` of two CSV rosters, the first with a longer row: the longer row is one line
    of the problem list (file, row, value), and the second roster is still audited — a typed
    total of 100 where the rule gives less is found in it. Before, the first stopped the run
    (with ``--format json``, as text on stderr)."""
    import json

    from test_cli import kpixl

    bad, good = tmp_path / "a.csv", tmp_path / "b.csv"
    lines = SAMPLE[:]
    lines[3] += ",多余"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    typed = [SAMPLE[0] + ",总分", SAMPLE[1] + ",100", *(line + "," for line in SAMPLE[2:])]
    good.write_text("\n".join(typed) + "\n", encoding="utf-8")
    r = kpixl("check", bad, good, "--scheme", SCHEME, "--format", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    found = json.loads(r.stdout)
    mine = [f for f in found if f["file"] == "a.csv"]
    assert mine and any("多余" in f["message"] for f in mine), found
    assert any(f["file"] == "b.csv" and "总分" in json.dumps(f, ensure_ascii=False) for f in found), found


def test_a_huge_bad_cell_is_shown_cut_short():
    from kpixl.errors import CellIssue

    issue = CellIssue(3, "服务规范度", "很" * 200_000, "应为数字 / expected a number")
    text = str(issue)
    assert len(text) < 300 and "共 200000 字" in text and "很很很" in text
    assert "'5分'" in str(CellIssue(3, "服务规范度", "5分", "x"))  # a short value whole, as before


def test_check_names_the_csv_that_lacks_a_column(tmp_path):
    """Of two CSV rosters, one lacks the column 客户满意度: each finding about it names that file
    (before: an empty 文件 column, the user left to guess which roster it was)."""
    import json

    from test_cli import kpixl

    head = SAMPLE[0].split(",")
    gone = head.index("客户满意度")
    lacking = [",".join(c for k, c in enumerate(line.split(",")) if k != gone) for line in SAMPLE]
    (tmp_path / "a.csv").write_text("\n".join(lacking) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("\n".join(SAMPLE) + "\n", encoding="utf-8")
    r = kpixl("check", tmp_path / "a.csv", tmp_path / "b.csv", "--scheme", SCHEME, "--format", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    missing = [f for f in json.loads(r.stdout) if "缺少此列" in f["message"]]
    assert [(f["file"], f["cell"]) for f in missing] == [("a.csv", "客户满意度")], missing


def test_check_does_not_repeat_the_file_name_in_the_message(tmp_path):
    """A CSV given without --scheme, and one in no known encoding: the file is the finding's own
    column, so the message says what is wrong without starting with the name (or path) again."""
    from kpixl.jobs import check_paths

    (tmp_path / "a.csv").write_text("\n".join(SAMPLE) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00\x81\x30")
    found = check_paths([tmp_path / "a.csv"]) + check_paths([tmp_path / "b.csv"], SCHEME)
    assert [(f.file, f.message) for f in found] == [
        ("a.csv", "请用 --scheme 指定方案 / give --scheme for this file"),
        ("b.csv", "无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding"),
    ]
