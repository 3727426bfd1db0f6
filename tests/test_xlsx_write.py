"""The table writer (kpixl/xlsx_write.py): what it writes reads back the same in openpyxl, calamine
and LibreOffice — numbers as numbers, text as text (markup, control characters, CR, Excel's own
``_xHHHH_`` escapes, spaces), blanks as empty cells — with each column's number format, a frozen
header, a filter and widths."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from kpixl.roster import write_table
from kpixl.xlsx_out import write_xlsx
from kpixl.xlsx_write import column_letter

TEXTS = ["a&b<c>\"d'", " 前后空格 ", "line1\nline2", "cr\rhere", "tab\tin", "ctl\x01\x1f", "_x0041_ stays", "金牌", ""]


def frame() -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame(
        {
            "工号": [f"E{i:03d}" for i in range(n)],
            "姓名": TEXTS,
            "总分": [85.5, 0.1 + 0.2, -3.0, np.nan, 1e-7, 123456789.125, 100.0, 0.0, 60.0],
            "排名": pd.array([1, 2, None, 4, 5, 6, 7, 8, 9], dtype="Int64"),
            "奖金": [1440.0, 0.0, np.nan, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0],
            "混合": [1, "二", 3.5, None, True, "x", np.nan, 8, "9"],
        }
    )


def expected_cells(df: pd.DataFrame) -> list[list[object]]:
    """What each cell must read back as (by hand: blanks None, numbers float, text as given)."""
    out = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                cells.append(None)
            elif isinstance(v, str):
                cells.append(v if v else None)  # an empty text is an empty cell
            else:
                cells.append(v)
        out.append(cells)
    return out


def _same(got: object, want: object, rel: float = 0.0) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return bool(got) == bool(want) and type(got) is type(want)
    if isinstance(want, int | float | np.integer | np.floating):
        return isinstance(got, int | float) and math.isclose(float(got), float(want), rel_tol=rel, abs_tol=0.0)
    return got == want


def test_openpyxl_reads_values_formats_and_view(tmp_path):
    df = frame()
    path = tmp_path / "r.xlsx"
    write_xlsx(path, {"评分结果": df, "空表": pd.DataFrame({"说明": []})}, freeze_columns=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["评分结果", "空表"]
    ws = wb["评分结果"]
    assert [c.value for c in ws[1]] == list(df.columns)
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    # openpyxl does not undo Excel's escapes of characters XML cannot hold (Excel, LibreOffice and
    # calamine do, below): it shows the escaped text as stored
    raw = {"ctl\x01\x1f": "ctl_x0001__x001F_", "_x0041_ stays": "_x005F_x0041_ stays"}
    for r, want in enumerate(expected_cells(df), 2):
        want = [raw.get(w, w) if isinstance(w, str) else w for w in want]
        got = [ws.cell(r, k).value for k in range(1, len(df.columns) + 1)]
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (r, got, want)
    # number formats by header (kpixl.xlsx_out.column_format): 总分 0.00, 排名 0, 奖金 money
    assert ws["C2"].number_format == "0.00" and ws["D2"].number_format == "0" and ws["E2"].number_format == "#,##0.00"
    assert ws["B2"].number_format == "General"
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:F{len(df) + 1}"
    assert ws.column_dimensions["B"].width >= 8
    assert wb["空表"].max_row == 1


def test_calamine_reads_the_same_values(tmp_path):
    df = frame()
    path = tmp_path / "r.xlsx"
    write_xlsx(path, {"评分结果": df})
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("评分结果").to_python()
    assert rows[0] == list(df.columns)
    for got, want in zip(rows[1:], expected_cells(df), strict=True):
        got = [None if g == "" else g for g in got]
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)


def test_libreoffice_opens_it_and_keeps_values_and_formats(tmp_path, soffice):
    from kpixl.excel.recalc import recalculate

    df = frame()
    path = tmp_path / "in" / "r.xlsx"
    path.parent.mkdir()
    write_xlsx(path, {"评分结果": df})
    (saved,) = recalculate([path], tmp_path / "out")
    ws = openpyxl.load_workbook(saved)["评分结果"]
    assert [c.value for c in ws[1]] == list(df.columns)
    for r, want in enumerate(expected_cells(df), 2):
        got = [ws.cell(r, k).value for k in range(1, len(df.columns) + 1)]
        got = [{"=TRUE()": True, "=FALSE()": False}.get(g, g) if isinstance(g, str) else g for g in got]  # its way to save a boolean
        # it reads the escaped control characters back and saves them escaped again (lower-case hex),
        # which openpyxl shows as stored; ``_x0041_`` it reads back as the text it is
        want = [{"ctl\x01\x1f": "ctl_x0001__x001f_"}.get(w, w) if isinstance(w, str) else w for w in want]
        # LibreOffice saves 15 significant digits (0.30000000000000004 comes back as 0.3)
        assert all(_same(g, w, rel=1e-14) for g, w in zip(got, want, strict=True)), (r, got, want)
    assert ws["E2"].number_format == "#,##0.00" and ws["C2"].number_format == "0.00"


def test_neutralised_text_and_reproducible_bytes(tmp_path):
    df = pd.DataFrame({"姓名": ["=1+2", "@SUM(A1)", "-x", "+1"], "总分": [1.0, 2.0, 3.0, 4.0]})
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_table(df, a)
    write_table(df, b)
    assert a.read_bytes() == b.read_bytes()
    ws = openpyxl.load_workbook(a).active
    assert [ws.cell(r, 1).value for r in range(2, 6)] == ["'=1+2", "'@SUM(A1)", "'-x", "'+1"]
    with zipfile.ZipFile(a) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize(("k", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(k, letters):
    assert column_letter(k) == letters


# ----------------------------------------------------------------------------- CSV (kpixl/csv_out.py)
def test_csv_reads_back_the_same_table(tmp_path):
    df = frame()
    path = tmp_path / "r.csv"
    write_table(df, path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()) and raw.count(b"\r\n") >= len(df) + 1
    import csv
    import io

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(df.columns)
    # the fields, written by hand (a blank is an empty field)
    assert rows[1] == ["E000", "a&b<c>\"d'", "85.5", "1", "1440.0", "1"]
    assert rows[2] == ["E001", " 前后空格 ", "0.30000000000000004", "2", "0.0", "二"]
    assert rows[3][:2] == ["E002", "line1\nline2"] and rows[3][2:] == ["-3.0", "", "", "3.5"]
    assert rows[4][1] == "cr\rhere" and rows[4][2] == "" and rows[4][5] == ""  # a CR inside a cell is quoted
    assert rows[6][1] == "ctl\x01\x1f" and rows[6][2] == "123456789.125"
    assert rows[5][2] == "1e-07" and rows[5][5] == "True"
    assert rows[9][1] == "" and rows[9][5] == "9"
    back = pd.read_csv(path, encoding="utf-8-sig", dtype={"工号": str})
    assert back["总分"].tolist()[:3] == [85.5, 0.1 + 0.2, -3.0]


def test_csv_neutralises_text_and_keeps_numbers(tmp_path):
    df = pd.DataFrame({"姓名": ["=1+2", "@x", "ok", None], "总分": [-1.0, 2.0, np.nan, 4.0]})
    path = tmp_path / "r.csv"
    write_table(df, path)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[:5] == ["姓名,总分", "'=1+2,-1.0", "'@x,2.0", "ok,", ",4.0"]


def test_csv_of_a_long_column_with_few_values_reads_the_same(tmp_path):
    """A long float column with few distinct values (written as each value's text once) gives the
    same fields as a column of all-different values: the shortest text, blanks empty, -0.0 kept."""
    n = 40_000
    few = np.tile([85.5, 0.1 + 0.2, np.nan, 100.0, 1e-07, 123456789.125, 1e16, -3.0], n // 8)
    signed = few.copy()
    signed[5] = -0.0  # a negative zero: written as DuckDB writes it
    many = np.arange(n) / 7.0
    df = pd.DataFrame({"工号": [f"E{i}" for i in range(n)], "few": few, "signed": signed, "many": many})
    path = tmp_path / "r.csv"
    write_table(df, path)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0] == "工号,few,signed,many"
    by_hand = ["85.5", "0.30000000000000004", "", "100.0", "1e-07", "123456789.125", "1e+16", "-3.0"]
    for i in (0, 1, 2, 3, 4, 5, 6, 7, 39_999):
        fields = lines[i + 1].split(",")
        assert fields[:2] == [f"E{i}", by_hand[i % 8]]
        assert fields[2] == ("-0.0" if i == 5 else by_hand[i % 8])
        assert float(fields[3]) == many[i]
    assert len(lines) == n + 2 and lines[-1] == ""


def test_csv_of_a_long_text_column_with_few_values_reads_the_same(tmp_path):
    """A long text column with few distinct values (written as a categorical) keeps every field:
    commas, quotes, line breaks and CR quoted, blanks empty, formula starts neutralised."""
    import csv
    import io

    tricky = ["a,b", 'q"uote', "line\nbreak", "cr\rhere", "", None, "前后 空格 ", "=1+2", "@y", "普通", np.nan]
    n = 22_000
    df = pd.DataFrame({"工号": [f"E{i}" for i in range(n)], "t": [tricky[i % len(tricky)] for i in range(n)]})
    path = tmp_path / "r.csv"
    write_table(df, path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    by_hand = ["a,b", 'q"uote', "line\nbreak", "cr\rhere", "", "", "前后 空格 ", "'=1+2", "'@y", "普通", ""]
    assert len(rows) == n + 1 and all(rows[i + 1] == [f"E{i}", by_hand[i % len(tricky)]] for i in range(n))


def test_csv_of_categorical_columns_reads_as_their_text(tmp_path):
    """部门 read as a categorical by `kpixl score` is written per category, with the fields a plain
    text column gives: a number category as its text, an empty one blank, a formula start
    neutralised — also when neutralising makes two categories one ("=x" and "'=x")."""
    import csv
    import io

    dept = pd.Series(pd.Categorical(["=x", "'=x", "一部", "", None, "一部"]))
    nums = pd.Series(pd.Categorical([1, 2.5, None, 1, 2.5, 1]))
    df = pd.DataFrame({"部门": dept, "级别": nums})
    plain = df.astype(object)
    a, b = tmp_path / "cat.csv", tmp_path / "plain.csv"
    write_table(df, a)
    write_table(plain, b)
    rows = list(csv.reader(io.StringIO(a.read_bytes().decode("utf-8-sig"), newline="")))
    by_hand = [["'=x", "1.0"], ["'=x", "2.5"], ["一部", ""], ["", "1.0"], ["", "2.5"], ["一部", "1.0"]]  # 1 among 2.5: a float
    assert rows == [["部门", "级别"], *by_hand]
    assert a.read_bytes() == b.read_bytes()


def test_csv_starts_with_the_bom_whatever_the_first_header(tmp_path):
    """The BOM is the file's first three bytes, outside the quotes of a first header that needs
    them; a plain first header is written in place, a quoted one through a copy — the same bytes."""
    for first, written in (("工号", "工号"), ("a,b", '"a,b"'), ('q"#', '"q""#"')):
        path = tmp_path / "r.csv"
        write_table(pd.DataFrame({first: ["x"], "总分": [1.5]}), path)
        assert path.read_bytes() == "\ufeff".encode() + f"{written},总分\r\nx,1.5\r\n".encode()


def test_more_rows_than_a_sheet_holds_is_a_clear_error(tmp_path, monkeypatch):
    from kpixl import xlsx_write
    from kpixl.errors import FileError

    monkeypatch.setattr(xlsx_write, "MAX_ROWS", 5)  # a sheet of 4 rows and a header, for the test
    with pytest.raises(FileError, match=r"超过 Excel.*write a \.csv"):
        write_table(pd.DataFrame({"总分": [1.0] * 5}), tmp_path / "r.xlsx")
    write_table(pd.DataFrame({"总分": [1.0] * 4}), tmp_path / "ok.xlsx")
    assert not (tmp_path / "r.xlsx").exists() and (tmp_path / "ok.xlsx").exists()
