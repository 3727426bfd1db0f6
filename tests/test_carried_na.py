"""The roster columns a scheme does not read (备注, 英文名 …) are carried into the results as typed,
pandas' blank words too: a 备注 of ``NA`` or an English name ``null`` came out blank before (pandas
reads NA, N/A, null, nan, None, #N/A … as blank by default). Only an empty cell is blank now — in a
CSV or xlsx roster, read whole or in parts, written to CSV or xlsx. The columns the scheme reads
(and the id columns) still read those words as blank, so the scores are those of before."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from kpixl.jobs import score_file

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"
SAMPLE = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()  # 12 people

#: what each of the 12 people has in 备注 and 英文名 (E001 … E012 in order)
TYPED = ["NA", "N/A", "null", "nan", "None", "#N/A", "-", "", "NULL", "<NA>", "=1+1", "n/a"]
NAMES = ["Null", "NA", "nan", "", "None", "Ann", "null", "N/A", "-NaN", "Bo", "NaN", "#NA"]
#: by hand: the text itself; an empty cell stays empty; a text that starts a formula (= + - @)
#: goes behind an apostrophe, as every text cell written does (kpixl/safe.py)
WANT = ["NA", "N/A", "null", "nan", "None", "#N/A", "'-", "", "NULL", "<NA>", "'=1+1", "n/a"]
WANT_NAMES = ["Null", "NA", "nan", "", "None", "Ann", "null", "N/A", "'-NaN", "Bo", "NaN", "#NA"]


def _lines() -> list[str]:
    """The sample team with 备注 and 英文名 after its columns."""
    assert len(SAMPLE) - 1 == len(TYPED) == len(NAMES)
    return [SAMPLE[0] + ",备注,英文名"] + [f"{line},{a},{b}" for line, a, b in zip(SAMPLE[1:], TYPED, NAMES, strict=True)]


def _csv(tmp_path: Path, lines: list[str], name: str = "team.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, lines: list[str]) -> Path:
    """The roster as a workbook: numbers as number cells, other text as text cells (``#N/A`` and
    ``=1+1`` too, as typed after an apostrophe in Excel), empty as no cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for number, line in enumerate(lines):
        cells: list[object] = []
        for text in next(csv.reader([line])):
            if text == "":
                cells.append(None)
            elif number and text.isdigit() and not text.startswith("0"):
                cells.append(int(text))
            else:
                cells.append(text)
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if cell.data_type in ("e", "f"):  # openpyxl takes "#N/A" for an error, "=1+1" for a formula: text
                cell.data_type = "s"
    path = tmp_path / "team.xlsx"
    wb.save(path)
    return path


def _csv_out(path: Path) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    return {h: [r[k] for r in rows[1:]] for k, h in enumerate(rows[0])}


def _scored(roster: Path, out: Path) -> dict[str, list[str]]:
    """``kpixl score roster --out out`` (a CSV): each column's cells as written."""
    score_file(roster, SCHEME, out)
    return _csv_out(out)


def _streamed(monkeypatch) -> None:
    from kpixl import stream

    monkeypatch.setattr(stream, "LARGE_CSV_BYTES", 100)  # this small file counts as large
    monkeypatch.setattr(stream, "PART_ROWS", 5)  # three parts


@pytest.mark.parametrize("streamed", [False, True])
def test_csv_to_csv_keeps_the_blank_words_as_typed(tmp_path, monkeypatch, streamed):
    if streamed:
        _streamed(monkeypatch)
    got = _scored(_csv(tmp_path, _lines()), tmp_path / "r.csv")
    assert got["工号"] == [f"E{n:03d}" for n in range(1, 13)]
    assert got["备注"] == WANT
    assert got["英文名"] == WANT_NAMES


def test_the_streamed_path_was_taken(tmp_path, monkeypatch):
    """The test above reads the file in parts when asked to (not the whole-file reader by chance)."""
    from kpixl import stream

    _streamed(monkeypatch)
    sizes: list[int] = []
    real = stream.parts
    monkeypatch.setattr(stream, "parts", lambda *a, **kw: ((f, p) for f, p in real(*a, **kw) if sizes.append(len(p)) or True))
    score_file(_csv(tmp_path, _lines()), SCHEME, tmp_path / "r.csv")
    assert sizes == [5, 5, 2, 5, 5, 2]  # two passes of three parts
    assert _csv_out(tmp_path / "r.csv")["备注"] == WANT


def test_csv_to_xlsx_keeps_the_blank_words_as_typed(tmp_path):
    score_file(_csv(tmp_path, _lines()), SCHEME, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    head = [c.value for c in ws[1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[head.index("备注")] for r in rows] == [w or None for w in WANT]  # an empty cell: no value
    assert [r[head.index("英文名")] for r in rows] == [w or None for w in WANT_NAMES]


def test_xlsx_to_csv_keeps_the_blank_words_as_typed(tmp_path):
    got = _scored(_xlsx(tmp_path, _lines()), tmp_path / "r.csv")
    assert got["工号"] == [f"E{n:03d}" for n in range(1, 13)]
    assert got["备注"] == WANT
    assert got["英文名"] == WANT_NAMES


def test_an_xlsx_whose_carried_columns_have_no_blank_is_read_once_and_right(tmp_path):
    """No blank in a carried column: the workbook is not read again, and its texts are as typed."""
    lines = [SAMPLE[0] + ",备注"] + [f"{line},x{n}" for n, line in enumerate(SAMPLE[1:])]
    got = _scored(_xlsx(tmp_path, lines), tmp_path / "r.csv")
    assert got["备注"] == [f"x{n}" for n in range(12)]


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("source", ["csv", "xlsx"])
def test_scores_are_those_of_before(tmp_path, monkeypatch, streamed, source):
    """The columns the scheme reads still take the blank words as blank: the sample scored with NA,
    N/A, null in its read columns (and the carried columns beside) gives every result the sample
    with those cells empty gives. The empty cells, by hand: E002's 一次解决率·调整得分 is empty in
    the sample; E005's 投诉率 and E009's 平均响应时长 are emptied in both."""
    if streamed:
        _streamed(monkeypatch)
    header = SAMPLE[0].split(",")
    plain, words = [SAMPLE[0]], [SAMPLE[0] + ",备注,英文名"]
    for n, line in enumerate(SAMPLE[1:], 1):
        cells = line.split(",")
        marked = list(cells)
        for who, column, word in ((2, "一次解决率·调整得分", "NA"), (5, "投诉率", "N/A"), (9, "平均响应时长", "null")):
            if n == who:
                cells[header.index(column)] = ""
                marked[header.index(column)] = word
        plain.append(",".join(cells))
        words.append(",".join(marked) + f",{TYPED[n - 1]},{NAMES[n - 1]}")
    before = _scored(_csv(tmp_path, plain, "plain.csv"), tmp_path / "before.csv")
    roster = _csv(tmp_path, words) if source == "csv" else _xlsx(tmp_path, words)
    after = _scored(roster, tmp_path / "after.csv")
    assert after.pop("备注") == WANT and after.pop("英文名") == WANT_NAMES
    assert after == before
    assert "缺失:投诉率" in before["标记"][4] and "缺失:平均响应时长" in before["标记"][8]  # the blanks did count


def test_blank_words_in_the_id_columns_are_blank_as_before(tmp_path):
    """部门 is an id column: its blank words are still read as blank (the brief: ids unchanged)."""
    header = SAMPLE[0].split(",")
    lines = [SAMPLE[0] + ",备注"]
    for n, line in enumerate(SAMPLE[1:]):
        cells = line.split(",")
        if n == 0:
            cells[header.index("部门")] = "NA"
        lines.append(",".join(cells) + ",NA")
    got = _scored(_csv(tmp_path, lines), tmp_path / "r.csv")
    assert got["部门"][0] == "" and got["部门"][1] == "客户支持一部"
    assert got["备注"] == ["NA"] * 12


def test_a_row_holding_only_blank_words_in_carried_columns_is_no_person(tmp_path):
    """A template's 备注 filled below the team by ``IFERROR(VLOOKUP(…),"N/A")``: rows with nothing
    but N/A (or NA) there are blank rows, as they were when every column read those words as
    blank — not a person whose 工号 is missing. The people's 备注 keep their NA as typed."""
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(","))
    body = [lines[0] + ",备注", lines[1] + ",NA", *(line + "," for line in lines[2:])]
    body += ["," * width + "N/A", "," * width + "NA"]
    src = tmp_path / "team.csv"
    src.write_text("\n".join(body) + "\n", encoding="utf-8")
    report = score_file(src, "support-center-quarterly", tmp_path / "r.csv")
    assert report.rows == len(lines) - 1
    out = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert [r["备注"] for r in out[:2]] == ["NA", ""] and len(out) == len(lines) - 1


def test_a_number_column_with_a_blank_word_keeps_its_number_cells_in_xlsx(tmp_path):
    """绩效工资基数 typed 6000, 5500 … and N/A for one person, scored to .xlsx: the numbers stay number
    cells (Excel's SUM over them still works) and N/A stays the text typed, not a blank."""
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",绩效工资基数") and lines[2].endswith(",6000")
    lines[2] = lines[2][: -len("6000")] + "N/A"
    src = tmp_path / "team.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    score_file(src, "support-center-quarterly", tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    col = [c.value for c in ws[1]].index("绩效工资基数")
    cells = [row[col] for row in ws.iter_rows(min_row=2, max_row=4)]
    assert [c.value for c in cells] == [6000, "N/A", 5500]  # samples/team.csv: E001 6000, E002 (N/A), E003 5500
    assert [c.data_type for c in cells] == ["n", "s", "n"]


def test_kpixl_blank_words_are_pandas_own():
    """kpixl passes pandas' blank words itself (to the columns it reads) and keeps them in the ones it
    carries: its list must be the one pandas uses when nothing is passed."""
    import io as _io

    import pandas as pd

    from kpixl.vocab import PANDAS_NA_WORDS

    words = sorted(PANDAS_NA_WORDS - {""})
    text = "x\n" + "\n".join(f'"{w}"' for w in words) + "\nkept\n"
    read = pd.read_csv(_io.StringIO(text), dtype=str)["x"].tolist()
    assert all(v != v for v in read[:-1]) and read[-1] == "kept"
    assert {"NA", "N/A", "null", "None", "#N/A", "nan", ""} <= PANDAS_NA_WORDS
