"""How a roster CSV's header and row shape are read (kpixl/roster.py, kpixl/stream.py): an id column
is found by its header as the engine matches headers, and a row longer than the header is refused
unless what it has more is empty — the same in the whole-file and the streamed reading."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

import kpixl as k
from kpixl.errors import RosterError
from kpixl.jobs import score_file

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"
SAMPLE = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _streamed(monkeypatch) -> None:
    from kpixl import stream

    monkeypatch.setattr(stream, "LARGE_CSV_BYTES", 100)  # these small files count as large
    monkeypatch.setattr(stream, "PART_ROWS", 5)


def _numbered(lines: list[str]) -> list[str]:
    """The sample team with ids 001 … (numbers with zeros in front) instead of E001 …"""
    return [lines[0], *(line.replace("E0", "0", 1) for line in lines[1:])]


@pytest.mark.parametrize("streamed", [False, True])
def test_an_id_header_with_a_space_still_keeps_the_zeros(tmp_path, monkeypatch, streamed):
    """`工号 ` (a trailing space) and `姓 名` are 工号 and 姓名 to the engine; read as numbers, 001 would
    have come out as 1. By hand: the sample's ids with E taken off."""
    if streamed:
        _streamed(monkeypatch)
    lines = _numbered(SAMPLE)
    lines[0] = lines[0].replace("工号", "工号 ", 1).replace("姓名", "姓 名", 1)
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    score_file(path, SCHEME, out)
    rows = _rows(out)
    assert rows[0][:2] == ["工号", "姓名"]
    assert [r[0] for r in rows[1:]] == [f"{i:03d}" for i in range(1, 13)]
    assert k.read_table(path)["工号 "].tolist()[:2] == ["001", "002"]


def test_an_id_header_with_a_space_in_an_xlsx_keeps_its_text(tmp_path):
    """A number typed as 工号 under the header `工号 ` is read as its text (1001, not 1001.0, even with
    a blank id below turning the column to floats)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号 ", "部门"])
    ws.append([1001, "一部"])
    ws.append([None, "二部"])
    ws.append([1003, "二部"])
    wb.save(tmp_path / "t.xlsx")
    assert k.read_table(tmp_path / "t.xlsx")["工号 "].tolist()[::2] == ["1001", "1003"]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_trailing_comma_on_every_row_reads_as_without_it(tmp_path, monkeypatch, streamed):
    """Rows ending in a comma (one cell more than the header, empty) are the same rows: pandas took
    the first column for an index and shifted every column by one (一次解决率 read from the cell of
    客户满意度). The results must be the bytes of the same file without the commas."""
    if streamed:
        _streamed(monkeypatch)
    plain, comma = tmp_path / "plain.csv", tmp_path / "comma.csv"
    plain.write_text("\n".join(SAMPLE) + "\n", encoding="utf-8")
    comma.write_text("\n".join([SAMPLE[0], *(line + "," for line in SAMPLE[1:])]) + "\n", encoding="utf-8")
    score_file(plain, SCHEME, tmp_path / "a.csv")
    score_file(comma, SCHEME, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert _rows(tmp_path / "b.csv")[1][:2] == ["E001", "王晓燕"]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path, monkeypatch, streamed):
    """Every row with an extra cell, one of them not empty: pandas would drop it without a word (or
    shift the columns). Refused, naming the file row (line 4: E003) and what is in the extra cell."""
    if streamed:
        _streamed(monkeypatch)
    lines = [SAMPLE[0], *(line + "," for line in SAMPLE[1:])]
    lines[3] += "备注文字"
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    with pytest.raises(RosterError) as info:
        score_file(path, SCHEME, out)
    assert [(i.row, i.value) for i in info.value.issues] == [(4, "备注文字")]
    assert "多出" in info.value.issues[0].message and not out.exists()


def test_square_brackets_in_cells_and_paths_are_printed_as_typed(tmp_path):
    """The console prints people's text as it is: a value `[/]` in an unreadable cell (rich's markup
    would refuse it with a traceback) and a folder `[x]` in the output path (markup would drop it)."""
    from test_cli import kpixl

    lines = list(SAMPLE)
    lines[1] = lines[1].replace(",4,5,28秒,", ",[/],5,28秒,", 1)  # E001's 服务规范度
    folder = tmp_path / "[x]"
    folder.mkdir()
    bad, good = folder / "bad.csv", folder / "good.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.write_text("\n".join(SAMPLE) + "\n", encoding="utf-8")
    r = kpixl("score", bad, "--scheme", SCHEME, "--out", folder / "r.csv")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "[/]" in r.stderr
    r = kpixl("score", good, "--scheme", SCHEME, "--out", folder / "r.csv")
    assert r.returncode == 0 and f"{folder / 'r.csv'}" in r.stdout.replace("\n", "")
