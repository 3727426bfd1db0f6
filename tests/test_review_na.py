"""The review of "carried columns keep NA, null, N/A … as typed" (tests/test_carried_na.py): the edges
it did not pin. A scored header spelt with a space, in a GB18030 file, read whole and in parts; a
row longer than the header (a trailing comma) in parts; an Excel error cell in a carried column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from kpixl.jobs import score_file

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"
SAMPLE = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()  # 12 people, E001 … E012


def _out(path: Path) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    return {h: [r[k] for r in rows[1:]] for k, h in enumerate(rows[0])}


def _streamed(monkeypatch) -> None:
    from kpixl import stream

    monkeypatch.setattr(stream, "LARGE_CSV_BYTES", 100)  # this small file counts as large
    monkeypatch.setattr(stream, "PART_ROWS", 5)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_scored_header_with_a_space_still_reads_na_as_blank_in_gb18030(tmp_path, monkeypatch, streamed):
    """``服务规范度 `` (a space after it) is the scored column 服务规范度, as the engine matches headers:
    its ``NA`` is a blank (E005 is 缺失:服务规范度), while 备注's ``NA`` is kept — in a GB18030 file,
    read whole or in parts."""
    if streamed:
        _streamed(monkeypatch)
    header = SAMPLE[0].replace("服务规范度,", "服务规范度 ,", 1)
    lines = [header + ",备注"]
    for n, line in enumerate(SAMPLE[1:], 1):
        cells = line.split(",")
        if n == 5:
            cells[5] = "NA"  # 服务规范度 of E005
        lines.append(",".join(cells) + ",NA")
    roster = tmp_path / "team.csv"
    roster.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    score_file(roster, SCHEME, tmp_path / "r.csv")
    got = _out(tmp_path / "r.csv")
    assert got["工号"][4] == "E005"
    assert "缺失:服务规范度" in got["标记"][4]
    assert not any("缺失:服务规范度" in got["标记"][k] for k in range(12) if k != 4)
    assert got["备注"] == ["NA"] * 12


@pytest.mark.parametrize("streamed", [False, True])
def test_rows_with_a_trailing_comma_keep_the_carried_words(tmp_path, monkeypatch, streamed):
    """Rows one cell longer than the header, that cell empty (a trailing comma), from the 8th person
    on: the part where pandas stops is read again, and its carried ``null`` stays ``null``."""
    if streamed:
        _streamed(monkeypatch)
    lines = [SAMPLE[0] + ",备注"] + [f"{line},NA" for line in SAMPLE[1:8]] + [f"{line},null," for line in SAMPLE[8:]]
    roster = tmp_path / "team.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    score_file(roster, SCHEME, tmp_path / "r.csv")
    assert _out(tmp_path / "r.csv")["备注"] == ["NA"] * 7 + ["null"] * 5


def test_an_excel_error_cell_in_a_carried_column_is_blank_and_typed_text_is_kept(tmp_path):
    """docs/schemes.md: ``#N/A`` typed in Excel is an error value, not text — still blank; the
    text ``#N/A`` (typed after an apostrophe) is carried as typed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for number, line in enumerate(SAMPLE):
        cells: list[object] = [int(t) if number and t.isdigit() and not t.startswith("0") else (t or None) for t in line.split(",")]
        ws.append([*cells, "备注" if number == 0 else "#N/A"])
        note = ws.cell(row=ws.max_row, column=len(cells) + 1)
        note.data_type = "e" if number in (1, 2) else "s"  # E001, E002: the error value; the others: text
    roster = tmp_path / "team.xlsx"
    wb.save(roster)
    score_file(roster, SCHEME, tmp_path / "r.csv")
    assert _out(tmp_path / "r.csv")["备注"] == ["", ""] + ["#N/A"] * 10


def _workbook(tmp_path: Path, header_more: list[object], notes: list[object]) -> Path:
    """The sample team as a workbook, with E005's 服务规范度 the text ``NA`` and ``header_more``
    headers after its columns holding ``notes`` (one a person; None: no cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*SAMPLE[0].split(","), *header_more])
    for n, line in enumerate(SAMPLE[1:], 1):
        cells: list[object] = [int(t) if t.isdigit() and not t.startswith("0") else (t or None) for t in line.split(",")]
        if n == 5:
            cells[5] = "NA"
        ws.append([*cells, *([notes[n - 1]] * len(header_more))])
    path = tmp_path / "team.xlsx"
    wb.save(path)
    return path


#: 备注 of E001 … E012: blank words, an empty cell (None) and text
NOTES = ["NA", None, "null", "x", "N/A", None, "nan", "None", "y", None, "#NA", "NULL"]


@pytest.mark.parametrize(("more", "reads"), [(["备注"], 1), ([2024], 2)])
def test_an_xlsx_with_a_blank_in_a_carried_column_is_read_once(tmp_path, monkeypatch, more, reads):
    """A 备注 with empty cells used to make the workbook be read twice (calamine loads the whole
    sheet: twice the time of a read); its header is read first now, so it is read once. A header
    that is not all text (the number 2024) is still read twice, and right."""
    import pandas as pd

    calls: list[object] = []
    real = pd.read_excel
    monkeypatch.setattr(pd, "read_excel", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    score_file(_workbook(tmp_path, more, NOTES), SCHEME, tmp_path / "r.csv")
    got = _out(tmp_path / "r.csv")
    assert len(calls) == reads
    assert got[str(more[0])] == [w or "" for w in NOTES]
    assert "缺失:服务规范度" in got["标记"][4]  # the scored column's NA is blank


def test_the_header_row_is_read_as_typed_or_not_at_all(tmp_path):
    """:mod:`kpixl.xlsx_header`: shared strings (with a rich-text run), an inline string and a
    styled empty cell after the header read as typed; a number in the header gives None."""
    import xlsxwriter

    from kpixl.xlsx_header import header_row

    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, "工号")
    ws.write_rich_string(0, 1, "备", bold, "注")
    ws.write_string(0, 2, "NA")
    ws.write_blank(0, 3, None, bold)  # a styled empty cell after the header
    ws.write_row(1, 0, ["E001", "x", "y"])
    wb.close()
    assert header_row(path, "名单") == ["工号", "备注", "NA"]
    assert header_row(path, "无此表") is None

    inline = tmp_path / "i.xlsx"
    wb = xlsxwriter.Workbook(str(inline), {"constant_memory": True})  # strings written inline
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, ["工号", "备注"])
    wb.close()
    assert header_row(inline, "名单") == ["工号", "备注"]

    numbered = tmp_path / "n.xlsx"
    wb = xlsxwriter.Workbook(str(numbered))
    ws = wb.add_worksheet("名单")
    ws.write_string(0, 0, "工号")
    ws.write_number(0, 1, 2024)
    wb.close()
    assert header_row(numbered, "名单") is None
