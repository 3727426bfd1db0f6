"""How a roster CSV's header and row shape are read (kpixl/roster.py, kpixl/stream.py): an id column
is found by its header as the engine matches headers, and a row longer than the header is refused
unless what it has more is empty — the same in the whole-file and the streamed reading."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
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


def _with_carried(tmp_path: Path) -> Path:
    """The sample team with three columns the scheme does not read: an id with zeros in front, a
    19-digit bank card number (more digits than a double holds) and the pay base (6000 …)."""
    lines = [SAMPLE[0] + ",备注,银行卡号"]
    for n, line in enumerate(SAMPLE[1:]):
        lines.append(line + f",00{n},62220212345678901{n:02d}")
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("streamed", [False, True])
def test_carried_columns_come_out_as_typed_in_a_csv(tmp_path, monkeypatch, streamed):
    """007 stayed 7 and the card number became 6.222021234567890e+18 in the results: pandas read
    the columns as numbers. The columns the scheme does not read are now carried as typed."""
    if streamed:
        _streamed(monkeypatch)
    path = _with_carried(tmp_path)
    out = tmp_path / "r.csv"
    score_file(path, SCHEME, out)
    rows = _rows(out)
    head = rows[0]
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [r["备注"] for r in body] == [f"00{k}" for k in range(len(SAMPLE) - 1)]
    assert [r["银行卡号"] for r in body] == [f"62220212345678901{k:02d}" for k in range(len(SAMPLE) - 1)]
    assert [r["绩效工资基数"] for r in body] == [line.split(",")[13] for line in SAMPLE[1:]]  # 6000 …, as typed
    # and the scores are those of the sample without the extra columns
    plain = tmp_path / "plain.csv"
    score_file(ROOT / "samples" / "team.csv", SCHEME, plain)
    want = {r[0]: r for r in _rows(plain)[1:]}
    got = {r[0]: r for r in rows[1:]}
    total = _rows(plain)[0].index("总分")
    assert {k: v[head.index("总分")] for k, v in got.items()} == {k: v[total] for k, v in want.items()}


def test_carried_columns_in_an_xlsx_are_numbers_only_where_a_number_keeps_them_whole(tmp_path):
    path = _with_carried(tmp_path)
    out = tmp_path / "r.xlsx"
    score_file(path, SCHEME, out)
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    second = [c.value for c in ws[3]]
    assert second[head.index("备注")] == "001"  # text: a number would drop the zeros
    assert second[head.index("银行卡号")] == "6222021234567890101"  # text: 19 digits
    assert second[head.index("绩效工资基数")] == 6000 and isinstance(second[head.index("绩效工资基数")], int)  # a number cell, as before


def test_plain_numbers_are_told_from_numbers_that_would_lose_something():
    from kpixl.roster import numbers_where_faithful

    df = pd.DataFrame(
        {
            "a": ["6000", "5500", "0"],
            "b": ["1.5", None, "-2"],
            "c": ["007", "1", "2"],
            "d": ["1e3", "1", "2"],
            "e": ["123456789012345", "1", "2"],
            "f": ["1234567890123456", "1", "2"],
            "g": ["+5", "1", "2"],
        },
        dtype=object,
    )
    got = numbers_where_faithful(df, list(df.columns))
    assert got["a"].tolist() == [6000, 5500, 0] and got["a"].dtype == np.int64
    assert got["b"].tolist()[0] == 1.5 and np.isnan(got["b"].tolist()[1]) and got["b"].tolist()[2] == -2.0
    assert got["e"].tolist() == [123456789012345, 1, 2]  # 15 digits: kept whole by a double
    for kept in "cdfg":
        assert got[kept].tolist() == df[kept].tolist(), kept
    assert df["a"].tolist() == ["6000", "5500", "0"]  # the input frame is not changed


@pytest.mark.parametrize("streamed", [False, True])
def test_a_carried_negative_number_is_not_put_behind_an_apostrophe(tmp_path, monkeypatch, streamed):
    """Read as typed, a carried 扣款 of -200 became the text "-200", which the formula guard wrote
    as '-200 (a number before). A plain number is no formula: it is written as typed; a text
    that starts a formula (-2+3, =1+1) in the same column is still neutralised."""
    if streamed:
        _streamed(monkeypatch)
    values = ["-200", "-0", "-1.50", "-2+3", "=1+1", "5"]
    lines = [SAMPLE[0] + ",扣款"] + [line + f",{values[n % len(values)]}" for n, line in enumerate(SAMPLE[1:])]
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    score_file(path, SCHEME, out)
    rows = _rows(out)
    got = [r[rows[0].index("扣款")] for r in rows[1:]]
    want = ["-200", "-0", "-1.50", "'-2+3", "'=1+1", "5"]  # by hand
    assert got == [want[n % len(want)] for n in range(len(SAMPLE) - 1)]


def test_numbers_as_text_are_left_as_typed_in_categoricals_too():
    from kpixl.safe import neutralise_frame

    df = pd.DataFrame({"a": pd.Categorical(["-200", "=1+1", "-200", "-0.5"]), "b": pd.Categorical(["=x", "'=x", "-3", "=x"])})
    got = neutralise_frame(df, numbers_as_text=["a", "b"])
    assert got["a"].tolist() == ["-200", "'=1+1", "-200", "-0.5"]
    assert got["b"].tolist() == ["'=x", "'=x", "-3", "'=x"]  # "=x" and "'=x" are one text after
    assert neutralise_frame(df)["a"].tolist() == ["'-200", "'=1+1", "'-200", "'-0.5"]  # other columns: as before


def test_a_number_with_a_space_beside_it_still_makes_a_number_cell(tmp_path):
    """One base typed "7000 " (a space after) made the whole 绩效工资基数 column text cells in an
    xlsx result (before: number cells, as pandas read it), and a SUM over it in Excel 0."""
    from kpixl.roster import numbers_where_faithful

    df = pd.DataFrame({"a": ["6000", "7000 ", "\t5500"], "b": ["1.5", " 2", None], "c": ["007 ", "1", "2"]}, dtype=object)
    got = numbers_where_faithful(df, ["a", "b", "c"])
    assert got["a"].tolist() == [6000, 7000, 5500] and got["a"].dtype == np.int64
    assert got["b"].tolist()[:2] == [1.5, 2.0] and np.isnan(got["b"].tolist()[2])
    assert got["c"].tolist() == ["007 ", "1", "2"]  # a zero in front: text, as typed


@pytest.mark.parametrize("streamed", [False, True])
def test_a_base_typed_after_a_tab_is_paid_from_the_csv_results(tmp_path, monkeypatch, streamed):
    """Exports put a TAB before a number to keep Excel from reformatting it: E001's base "\\t6000",
    carried as typed, came out as '\\t6000 behind the formula guard, and kpixl payout refused the
    results (before, 6000). A plain number with blanks around it is no formula either."""
    from kpixl.jobs import payout_file

    if streamed:
        _streamed(monkeypatch)
    lines = SAMPLE[:]
    lines[1] = lines[1].replace(",6000", ',"\t6000"', 1)  # E001, 绩效工资基数
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    score_file(path, SCHEME, tmp_path / "r.csv")
    payout_file(tmp_path / "r.csv", SCHEME, tmp_path / "pay.csv", unpaid=["E010"])
    rows = _rows(tmp_path / "pay.csv")
    e001 = dict(zip(rows[0], rows[1], strict=True))
    assert (e001["工号"], e001["等级"], e001["奖金"]) == ("E001", "良好", "1440.00")  # 6000 × 20% × 1.2, by hand
