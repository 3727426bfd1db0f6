"""Hostile input (issue 14): no traceback, no silent misread, no injection, no lost input."""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl import collect
from kpixl.errors import FileError, KpixlError, RosterError, ValueParseError
from kpixl.units import parse_value

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> Path:
    """The prefilled 考核表 of samples/team.csv, one file per person."""
    out = tmp_path_factory.mktemp("forms") / "forms"
    r = kpixl("forms", "samples/team.csv", "--scheme", SCHEME, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def team() -> pd.DataFrame:
    return k.read_table(ROOT / "samples" / "team.csv")


def _issues(exc: RosterError) -> list[tuple[int, str]]:
    return [(i.row, i.column) for i in exc.issues]


# ----------------------------------------------------------------------------- 3. misreads
@pytest.mark.parametrize("text", ["5 5", "5,5", "1:99:99", "1:60:00", "1分75秒"])
def test_ambiguous_seconds_are_errors_not_55(text):
    with pytest.raises(ValueParseError):
        parse_value(text, "秒")


@pytest.mark.parametrize("text", ["9" * 32767, "1," * 16000, "5 " * 16000, "1:" * 16000])
def test_a_full_excel_cell_is_refused_at_once(text):
    start = time.perf_counter()
    with pytest.raises(ValueParseError, match="过长"):
        parse_value(text, "秒")
    assert time.perf_counter() - start < 0.1


def test_real_spellings_of_seconds_still_read():
    assert parse_value("1,234", "秒") == 1234
    assert parse_value("28 秒", "秒") == 28
    assert parse_value("1:02:03", "秒") == 3723
    assert parse_value("75:30", "秒") == 4530  # minutes may run past 59 without an hour part


@pytest.mark.parametrize("text", ["5 5", "5,5", "1:99:99"])
def test_ambiguous_seconds_in_a_roster_name_row_and_column(text):
    df = team()
    df["平均响应时长"] = df["平均响应时长"].astype(object)
    df.loc[1, "平均响应时长"] = text  # E002, file row 3
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, df)
    assert _issues(info.value) == [(3, "平均响应时长")]
    assert "第3行" in str(info.value) and "平均响应时长" in str(info.value)


def test_money_unit_in_a_level_column_is_an_error():
    scheme = k.load_scheme("phone-agent-monthly")
    rule = next(i.rule for i in scheme.indicators if i.name == "服务意识")
    assert rule.read_one("2级") == 2 and rule.read_one(3) == 3
    with pytest.raises(ValueParseError):
        rule.read_one("1元")
    with pytest.raises(ValueParseError):
        rule.read_one(True)
    named = next(i.rule for i in scheme.indicators if i.name == "客户档案管理")  # 完整无缺失(20分);…
    assert named.read_one("完整无缺失") == 1
    for value in (2, "1元", "1%", "1次"):  # a bare number is never an option's position (the form lists the words)
        with pytest.raises(ValueParseError):
            named.read_one(value)


def test_true_false_in_a_percent_column_of_an_xlsx_is_an_error(tmp_path):
    df = team()
    path = tmp_path / "team.xlsx"
    df.to_excel(path, index=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    col = [c.value for c in ws[1]].index("一次解决率") + 1
    ws.cell(3, col).value = True  # E002: TRUE must not become 100%
    ws.cell(4, col).value = False
    wb.save(path)
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, k.read_table(path))
    assert _issues(info.value) == [(3, "一次解决率"), (4, "一次解决率")]
    with pytest.raises(ValueParseError):
        parse_value(True, "")


def test_true_false_in_a_yes_no_column_stays_valid():
    scheme = k.load_scheme("agent-monthly")
    row = {h: 0 for h in scheme.roster_headers()}
    row.update({"工号": "A1", "姓名": "甲", "部门": "门市", "岗位": "客服", "考核期间": "2024-01", "选片顾客数": 50})
    df = pd.DataFrame([{**row, "考勤单据规范填写": True}, {**row, "工号": "A2", "考勤单据规范填写": False}])
    got = k.score(scheme, df)
    assert got["考勤单据规范填写得分"].tolist() == [3, -6]


# ----------------------------------------------------------------------------- 4. row numbers
def _bad_e003(lines: list[str]) -> list[str]:
    """samples/team.csv with E003's 一次解决率 unreadable (E003 is line 4 of the file)."""
    out = list(lines)
    cells = out[3].split(",")
    assert cells[0] == "E003"
    cells[8] = "九十"
    out[3] = ",".join(cells)
    return out


@pytest.mark.parametrize("filler", ["", ",,,,,,,,,,,,,"])
def test_csv_blank_line_keeps_file_row_numbers(tmp_path, filler):
    lines = _bad_e003((ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines())
    lines.insert(2, filler)  # after E001: E003 moves to line 5
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, k.read_table(path))
    assert _issues(info.value) == [(5, "一次解决率")]


def test_xlsx_empty_row_keeps_file_row_numbers(tmp_path):
    df = team()
    df["一次解决率"] = df["一次解决率"].astype(object)
    df.loc[2, "一次解决率"] = "九十"  # E003
    path = tmp_path / "team.xlsx"
    df.to_excel(path, index=False)
    wb = openpyxl.load_workbook(path)
    wb.active.insert_rows(3)  # an empty row 3: E003 moves from row 4 to row 5
    wb.save(path)
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, k.read_table(path))
    assert _issues(info.value) == [(5, "一次解决率")]


# ----------------------------------------------------------------------------- 5. ids and headers
def test_blank_id_is_an_error_in_score_and_check(tmp_path):
    df = team()
    df.loc[1, "工号"] = None  # E002, row 3
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, df)
    assert _issues(info.value) == [(3, "工号")]
    path = tmp_path / "team.csv"
    df.to_csv(path, index=False)
    from kpixl.audit import ERROR, audit_file

    errors = [f for f in audit_file(str(path), SCHEME) if f.level == ERROR]
    assert [(f.cell, "工号为空" in f.message) for f in errors] == [("A3", True)]


@pytest.mark.parametrize("blank", ["n/a", "NULL", "Ｎ／Ａ", " - ", "空"])
def test_blank_word_id_is_an_error(blank):
    """A blank word in 工号 is no id, in an all-ASCII column and in one with spaces or full-width text."""
    for other in ("E001", " E001 "):
        df = team()
        df.loc[0, "工号"] = other
        df.loc[1, "工号"] = blank  # E002, row 3
        with pytest.raises(RosterError) as info:
            k.score(SCHEME, df)
        assert _issues(info.value) == [(3, "工号")]


def test_ids_compare_without_surrounding_spaces():
    df = team()
    df.loc[0, "工号"] = " E003 "  # row 2 repeats E003 (row 4) once the spaces go
    got = k.score(SCHEME, df)["标记"]
    assert "重复工号:E003（第2、4行）" in got.iloc[0] and "重复工号:E003（第2、4行）" in got.iloc[2]


def test_duplicate_header_is_an_error(tmp_path):
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    lines = [line + ",4" if i else line + ",服务规范度" for i, line in enumerate(lines)]
    path = tmp_path / "team.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        k.read_table(path)
    assert _issues(info.value) == [(1, "服务规范度")]
    df = team()
    df.insert(6, " 服务规范度", 1)  # the same header after normalising
    with pytest.raises(RosterError) as info:
        k.score(SCHEME, df)
    assert _issues(info.value) == [(1, "服务规范度")]


def test_duplicate_id_is_flagged_by_score():
    df = team()
    df.loc[2, "工号"] = "E001"  # E003's row (file row 4) repeats E001 (row 2)
    got = k.score(SCHEME, df).set_index("姓名")["标记"]
    first, repeat = got.iloc[0], got.iloc[2]
    assert "重复工号:E001（第2、4行）" in first and "重复工号:E001（第2、4行）" in repeat
    assert "重复工号" not in got.iloc[1]


# ----------------------------------------------------------------------------- 6–8. hostile files
def _far_cell_book(path: Path, *, honest_dimension: bool = True) -> Path:
    """A 5 KB workbook with one cell at XFD1048576 (the reader would allocate the whole grid)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "姓名"])
    ws["XFD1048576"] = 1
    wb.save(path)
    if not honest_dimension:  # the <dimension> says A1:B1, the cells say otherwise
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:XFD1048576"', b'<dimension ref="A1:B1"')
        assert b'ref="A1:B1"' in parts[sheet]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)
    assert path.stat().st_size < 20_000
    return path


def _bomb(path: Path) -> Path:
    """An xlsx of about 11 KB that unpacks to 11 MB (a ratio a real sheet never has)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (11 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    return path


@pytest.mark.parametrize("honest", [True, False])
def test_a_sheet_spanning_the_grid_is_one_clear_error(tmp_path, honest):
    path = _far_cell_book(tmp_path / "far.xlsx", honest_dimension=honest)
    with pytest.raises(FileError, match=r"范围过大.*1,048,576 行 × 16,384 列"):
        k.read_table(path)
    r = kpixl("score", path, "--scheme", SCHEME)
    assert r.returncode == 1 and "范围过大" in r.stderr  # no abort (exit 134), no traceback
    assert "Traceback" not in r.stderr


def test_check_summarises_the_good_files_beside_a_huge_sheet(forms, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("E003_张伟.xlsx", "E004_刘洋.xlsx"):
        (folder / name).write_bytes((forms / name).read_bytes())
    _far_cell_book(folder / "far.xlsx")
    wb = openpyxl.load_workbook(forms / "E005_陈静.xlsx")  # a kpixl form whose 考核表 got a far cell
    wb["考核表"]["XFD1048576"] = 1
    wb.save(folder / "far-form.xlsx")
    g = collect.check([folder])
    assert g.files_read == 2 and len(g.results) == 2
    problems = {Path(f.file).name: f.message for f in g.findings if f.level == "错误"}
    assert "范围过大" in problems["far-form.xlsx"] and "考核表" in problems["far-form.xlsx"]
    assert "不是 kpixl" in problems["far.xlsx"]  # never opened past its package: not a kpixl workbook


def _encrypted_zip(path: Path, member: bytes) -> Path:
    """A zip whose member is marked encrypted (what a password-protected archive looks like)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("E001.xlsx", member)
    data = bytearray(buf.getvalue())
    data[6] |= 0x01  # the local header of the only member starts the file
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x01  # its central-directory entry (the last one)
    path.write_bytes(bytes(data))
    return path


def test_locked_zip_links_and_folders_are_one_line_each(forms, tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    good = sorted(forms.iterdir())[:2]
    for p in good:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "dangling.xlsx").symlink_to(tmp_path / "gone.xlsx")
    (folder / "a.xlsx").symlink_to(folder / "b.xlsx")
    (folder / "b.xlsx").symlink_to(folder / "a.xlsx")
    (folder / "x.xlsx").mkdir()
    (tmp_path / "y.xlsx").mkdir()
    locked = _encrypted_zip(tmp_path / "locked.zip", good[0].read_bytes())
    g = collect.check([folder, locked, tmp_path / "y.xlsx"])
    assert g.files_read == 2 and len(g.results) == 2
    problems = {Path(f.file.split("!")[0]).name: f.message for f in g.findings if f.level == "错误" and not f.sheet}
    assert "链接" in problems["dangling.xlsx"] and "链接" in problems["a.xlsx"] and "链接" in problems["b.xlsx"]
    assert "文件夹" in problems["x.xlsx"] and "文件夹" in problems["y.xlsx"]
    assert "密码" in problems["locked.zip"]
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", folder, locked, "--out", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr and out.exists()  # the bad files are errors; the summary is written


@pytest.mark.parametrize("command", ["score", "payout", "history"])
def test_every_xlsx_read_has_the_zip_bomb_guard(tmp_path, command):
    bomb = _bomb(tmp_path / "bomb.xlsx")
    with pytest.raises(FileError, match="压缩炸弹"):
        k.read_table(bomb)
    extra = {"score": [], "payout": ["--out", tmp_path / "p.csv"], "history": ["--out", tmp_path / "h.csv"]}[command]
    scheme = "service-staff" if command == "history" else SCHEME
    r = kpixl(command, bomb, "--scheme", scheme, *extra)
    assert r.returncode == 1 and "压缩炸弹" in r.stderr and "Traceback" not in r.stderr


# ----------------------------------------------------------------------------- 9. formula injection
HOSTILE = {"E001": '=HYPERLINK("http://x","点我")', "E002": "+1+1", "E003": "@SUM(A1)", "E004": "-2+3", "E005": "\tx", "E006": "\rx"}


def _hostile_team() -> pd.DataFrame:
    df = team()
    df["姓名"] = [HOSTILE.get(i, n) for i, n in zip(df["工号"], df["姓名"], strict=True)]
    df.loc[0, "部门"] = "=1+2"
    return df


def _xlsx_cells(path: Path) -> list[openpyxl.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_no_live_text(cells: list) -> None:
    for c in cells:
        assert c.data_type != "f", (c.coordinate, c.value)
        if isinstance(c.value, str):
            assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (c.coordinate, c.value)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_score_output_neutralises_every_text_cell_and_keeps_numbers(tmp_path, suffix):
    out = k.write_table(k.score(SCHEME, _hostile_team()), tmp_path / f"r{suffix}")
    if suffix == ".csv":
        got = pd.read_csv(out, dtype=str, keep_default_na=False)
        names = got["姓名"].tolist()
        assert got.loc[0, "部门"] == "'=1+2"
        assert got.loc[0, "总分"] == "85.0" or got.loc[0, "总分"] == "85"  # a number, not '85
    else:
        _assert_no_live_text(_xlsx_cells(out))
        from python_calamine import CalamineWorkbook  # decodes _x000D_ (a CR in a cell) as Excel does

        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        header = rows[0]
        names = [row[header.index("姓名")] for row in rows[1:7]]
        assert rows[1][header.index("总分")] == 85  # numbers stay numbers
        assert rows[1][header.index("部门")] == "'=1+2"
    expected = ["'" + HOSTILE[f"E00{i}"] for i in range(1, 7)]
    assert names[:6] == expected


def test_collect_summary_and_history_neutralise_text(tmp_path):
    forms_dir = tmp_path / "forms"
    from kpixl.excel.forms import write_forms

    write_forms(SCHEME, _hostile_team().iloc[:3], forms_dir)
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", forms_dir, "--out", out)
    assert r.returncode == 0, r.stderr
    cells = _xlsx_cells(out)
    _assert_no_live_text(cells)
    assert '\'=HYPERLINK("http://x","点我")' in {c.value for c in cells}

    from kpixl.history import history, write_report

    staff = k.load_scheme("service-staff")
    rows = [
        {"考核期间": p, "工号": f"=A{i}", "姓名": f"@{i}", "总分": 90 - i, "等级": "良好"}
        for p in ("2024-01", "2024-02", "2024-03")
        for i in range(1, 5)
    ]
    report = history(staff, pd.DataFrame(rows))
    for suffix in (".xlsx", ".csv"):
        path = write_report(report, tmp_path / f"h{suffix}")
        if suffix == ".xlsx":
            cells = _xlsx_cells(path)
            _assert_no_live_text(cells)
            assert "'=A1" in {c.value for c in cells} and 89 in {c.value for c in cells}
        else:
            got = pd.read_csv(path, dtype=str)
            assert set(got["工号"]) <= {"'=A1", "'=A2", "'=A3", "'=A4"} and "'@1" in set(got["姓名"])


def test_payout_uses_the_shared_neutraliser():
    from kpixl import payout, safe

    assert payout.neutralise is safe.neutralise


# ----------------------------------------------------------------------------- 10. inputs are never outputs
def test_collect_refuses_to_write_over_a_form_or_into_the_input_folder(forms, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for p in sorted(forms.iterdir())[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    target = sorted(folder.iterdir())[0]
    before = target.read_bytes()
    for args in (
        [folder, "--out", target],
        [f"{folder}/*.xlsx", "--out", target],
        [folder, "--out", folder / "summary.xlsx"],
        [f"{folder}/*.xlsx", "--out", folder / "summary.xlsx"],
    ):
        r = kpixl("collect", *args)
        assert r.returncode == 1 and "不会" in r.stderr and "refusing" in r.stderr, r.stderr
    assert target.read_bytes() == before and not (folder / "summary.xlsx").exists()


def test_payout_refuses_to_write_over_its_roster(tmp_path):
    roster = tmp_path / "team.csv"
    roster.write_bytes((ROOT / "samples" / "team.csv").read_bytes())
    results = tmp_path / "res.csv"
    k.write_table(k.score(SCHEME, team()).drop(columns=["绩效工资基数"]), results)
    before = roster.read_bytes()
    r = kpixl("payout", results, "--scheme", SCHEME, "--roster", roster, "--out", roster)
    assert r.returncode == 1 and "输入" in r.stderr and "refusing" in r.stderr
    assert roster.read_bytes() == before
    r = kpixl("history", results, "--scheme", "service-staff", "--out", results)
    assert r.returncode == 1 and "refusing" in r.stderr


# ----------------------------------------------------------------------------- 12. permissions, stale temps
@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_outputs_follow_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        out = k.write_table(pd.DataFrame({"工号": ["1"]}), tmp_path / "r.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_temp_files_of_a_killed_run_are_cleaned_at_the_next_run(tmp_path):
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    host = "".join(ch if ch.isalnum() or ch in "_." else "_" for ch in socket.gethostname())[:40]
    killed = tmp_path / f".kpixl-{pid}@{host}-abc.xlsx"  # its process is gone
    old = tmp_path / ".kpixl-xyz.csv"  # an older kpixl's temp file, hours old
    fresh = tmp_path / ".kpixl-running.csv"  # may belong to a run still writing
    for f in (killed, old, fresh):
        f.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    k.write_table(pd.DataFrame({"工号": ["1"]}), tmp_path / "r.csv")
    assert not killed.exists() and not old.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kpixl-running.csv", "r.csv"]


# ----------------------------------------------------------------------------- 11. history
def _months_with_totals_rows() -> pd.DataFrame:
    totals = {"A": 95, "B": 92, "C": 92, "D": 91, "F": 60}  # the same every month
    rows = []
    for p in ("2024-01", "2024-02", "2024-03"):
        rows += [{"考核期间": p, "工号": i, "姓名": f"员工{i}", "总分": t, "等级": "良好"} for i, t in totals.items()]
        rows.append({"考核期间": "", "工号": "合计", "姓名": "5 人", "总分": "", "等级": ""})  # a payout file's last row
        rows.append({"考核期间": None, "工号": None, "姓名": None, "总分": None, "等级": None})  # an empty row
    return pd.DataFrame(rows)


def test_history_skips_a_payout_totals_row():
    from kpixl.history import history

    r = history(k.load_scheme("service-staff"), _months_with_totals_rows())
    # averages 95, 92, 92, 91, 60: ranks 1, 2, 2 rewarded 500, 300, 300; the bottom 3 of March: F, D, B/C tied
    assert dict(zip(r.rewards["工号"], r.rewards["奖励金额"], strict=True)) == {"A": 500, "B": 300, "C": 300}
    assert r.periods == ["2024-01", "2024-02", "2024-03"]


def test_history_on_payout_files_from_the_cli(tmp_path):
    paths = []
    for quarter in ("2024Q1", "2024Q2", "2024Q3"):
        df = team()
        df["考核期间"] = quarter
        roster = tmp_path / f"team-{quarter}.csv"
        df.to_csv(roster, index=False)
        out = tmp_path / f"payout-{quarter}.csv"
        assert kpixl("payout", roster, "--scheme", SCHEME, "--out", out).returncode == 0
        paths.append(out)
    r = kpixl("history", *paths, "--scheme", SCHEME, "--out", tmp_path / "h.csv")
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(tmp_path / "h.csv", dtype=str)
    # the same roster each quarter: 优秀 (≥90) three times are E002 (100), E004 (96), E007 (100), E011 (100)
    assert sorted(got.loc[got["类别"] == "优先晋升", "工号"]) == ["E002", "E004", "E007", "E011"]


def test_history_names_a_blank_period():
    from kpixl.history import history

    df = _months_with_totals_rows()
    df.loc[1, "考核期间"] = "  "  # B in January
    with pytest.raises(KpixlError, match="工号 B: 考核期间为空"):
        history(k.load_scheme("service-staff"), df)


# ----------------------------------------------------------------------------- 13. saved without calculation
def test_a_formula_saved_without_calculation_is_said_so_not_missing(forms, tmp_path):
    layout = collect._form_layout(k.load_scheme(SCHEME))
    src = next(p for p in forms.iterdir() if p.name.startswith("E001"))
    dst = tmp_path / src.name
    wb = openpyxl.load_workbook(src)
    wb["考核表"][layout["一次解决率"]] = "=0.44*2"  # openpyxl stores the formula with no cached value
    wb["考核表"][layout["客户满意度"]] = "=0.92"
    wb.save(dst)
    g = collect.check([dst])
    about = [f for f in g.findings if f.cell in (layout["一次解决率"], layout["客户满意度"])]
    assert sorted(f.cell for f in about) == sorted([layout["一次解决率"], layout["客户满意度"]])
    assert all(f.level == "错误" and "保存时没有计算" in f.message and "without calculation" in f.message for f in about)
    assert not [f for f in g.findings if "缺失:一次解决率" in f.message or "缺失:客户满意度" in f.message]


def test_a_formatted_far_corner_without_content_is_still_read(tmp_path):
    path = tmp_path / "styled.xlsx"
    team().to_excel(path, index=False)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert len(k.read_table(path)) == 12


def test_payout_skips_blank_lines_of_a_results_file_and_keeps_row_numbers(tmp_path):
    results = tmp_path / "res.csv"
    k.write_table(k.score(SCHEME, team()), results)
    lines = results.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(2, "")  # after E001
    lines.insert(4, "," * 10)  # after E002
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from kpixl.payout import payout

    table = payout(k.read_table(results), k.load_scheme(SCHEME))
    assert table["工号"].tolist()[:3] == ["E001", "E002", "E003"] and table["工号"].iloc[-1] == "合计"
    assert table["奖金"].iloc[-1] == 15430  # the twelve bonuses of samples/team.csv, as in test_payout
    df = k.read_table(results)
    df["绩效工资基数"] = df["绩效工资基数"].astype(object)
    df.loc[5, "绩效工资基数"] = "六千"  # E004: line 5 of samples/team.csv, line 7 after the two filler lines
    with pytest.raises(RosterError) as info:
        payout(df, k.load_scheme(SCHEME))
    assert _issues(info.value) == [(7, "绩效工资基数")]


def test_payout_of_a_roster_names_the_roster_row_after_a_blank_line(tmp_path):
    lines = (ROOT / "samples" / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    lines.insert(2, "")  # after E001: E004 moves from line 5 to line 6
    cells = lines[5].split(",")
    assert cells[0] == "E004"
    cells[-1] = ""  # no 绩效工资基数
    lines[5] = ",".join(cells)
    roster = tmp_path / "team.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = kpixl("payout", roster, "--scheme", SCHEME, "--out", tmp_path / "p.csv")
    assert r.returncode == 1 and "第6行 列「绩效工资基数」" in r.stderr and "基数为空" in r.stderr


def test_history_cli_names_the_file_of_a_blank_period(tmp_path):
    df = _months_with_totals_rows()
    df.loc[1, "考核期间"] = None  # B in January
    path = tmp_path / "q1.csv"
    df.to_csv(path, index=False)
    r = kpixl("history", path, "--scheme", "service-staff", "--out", tmp_path / "h.csv")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "q1.csv 工号 B: 考核期间为空" in r.stderr


def test_a_team_sheet_formula_saved_without_calculation_is_said_so(tmp_path):
    from kpixl.excel import TEAM, build

    wb = openpyxl.load_workbook(build(SCHEME, tmp_path / "wb"))
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    for r, (_, row) in enumerate(team().iloc[:2].iterrows(), 2):
        for h, v in row.items():
            if h in col and not (isinstance(v, float) and v != v):
                ws.cell(r, col[h], v)
    ws.cell(3, col["客户满意度"], "=0.96")  # E002, stored with no cached value
    wb.save(tmp_path / "team.xlsx")
    g = collect.check([tmp_path / "team.xlsx"])
    ref = f"{openpyxl.utils.get_column_letter(col['客户满意度'])}3"
    about = [f for f in g.findings if f.cell == ref]
    assert len(about) == 1 and about[0].level == "错误" and "保存时没有计算" in about[0].message
    assert not [f for f in g.findings if "缺失:客户满意度" in f.message]


def test_a_scheme_workbook_read_has_the_same_guard(tmp_path):
    from kpixl.sources import read_scheme

    with pytest.raises(FileError, match="压缩炸弹"):
        read_scheme(_bomb(tmp_path / "bomb.xlsx"), SCHEME)
    with pytest.raises(FileError, match="范围过大"):
        read_scheme(_far_cell_book(tmp_path / "far.xlsx"), SCHEME)
