"""kpixl collect / check on returned forms: recompute, audit with cells, summarise, survive bad files."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl import collect, safe
from kpixl.excel import FORM, TEAM, build

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("forms") / "forms"
    r = kpixl("forms", "samples/team.csv", "--scheme", SCHEME, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_collect_forms_into_a_summary(forms, tmp_path):
    before = _digest(forms)
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", forms, "--out", out)
    assert r.returncode == 0, r.stderr
    assert _digest(forms) == before  # inputs untouched
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "汇总" and "等级分布" in wb.sheetnames and "问题清单" in wb.sheetnames
    assert {"客户支持一部", "客户支持二部"} <= set(wb.sheetnames)  # one sheet per 部门
    summary = pd.read_excel(out, sheet_name="汇总", dtype={"工号": str}, engine="calamine")
    expected = k.score(SCHEME, k.read_table(ROOT / "samples" / "team.csv"))
    got = summary.set_index("工号").loc[expected["工号"]]
    assert got["总分"].tolist() == expected["总分"].tolist()
    assert got["排名"].tolist() == expected["排名"].tolist()  # ties share a rank
    assert got.loc["E001", "总分"] == 85 and got.loc["E001", "文件"].endswith("E001_王晓燕.xlsx")
    assert len(wb["等级分布"]._charts) == 2  # grade distribution and score histogram, native charts
    issues = pd.read_excel(out, sheet_name="问题清单", engine="calamine", header=2)
    assert (issues["问题"].str.contains("缺少考核人的签字")).sum() == 12


def _edit(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb[FORM])
    wb.save(dst)
    return dst


def _form_cell(ws, label: str) -> str:
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return ws.cell(c.row, c.column + 1).coordinate
    raise AssertionError(label)


def test_check_finds_a_typed_total_like_seed_000(forms, tmp_path):
    """Seed 000's form states 88 where its items give 85: the typed total replaced the formula."""
    src = forms / "E001_王晓燕.xlsx"
    folder = tmp_path / "returned"
    folder.mkdir()
    ws = openpyxl.load_workbook(src)[FORM]
    total = _form_cell(ws, "总分")
    _edit(src, folder / "E001.xlsx", lambda ws: ws.__setitem__(total, 88))
    r = kpixl("check", folder, "--format", "json")
    assert r.returncode == 1, r.stdout + r.stderr
    findings = json.loads(r.stdout)
    wrong = [f for f in findings if f["level"] == "错误"]
    assert {f["cell"] for f in wrong} == {total}
    assert any("总分填写为 88，按评分标准应为 85" in f["message"] for f in wrong)
    assert any("公式被改成了数值" in f["message"] for f in wrong)
    assert all(f["file"].endswith("E001.xlsx") and f["sheet"] == FORM for f in wrong)


def test_check_input_errors_duplicates_and_period(forms, tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    src = forms / "E002_李明.xlsx"
    ws = openpyxl.load_workbook(src)[FORM]
    layout = collect._form_layout(k.load_scheme(SCHEME))
    _edit(src, folder / "a.xlsx", lambda ws: ws.__setitem__(layout["服务规范度"], "很好"))
    _edit(src, folder / "b.xlsx", lambda ws: ws.__setitem__(layout["考核期间"], "2024Q2"))
    assert ws[layout["工号"]].value == "E002"
    r = kpixl("check", folder, "--period", "2024Q1", "--format", "json")
    assert r.returncode == 1
    findings = json.loads(r.stdout)
    by_file = {}
    for f in findings:
        if f["level"] == "错误":
            by_file.setdefault(Path(f["file"]).name, []).append(f)
    assert any(f["cell"] == layout["服务规范度"] and "很好" in f["message"] for f in by_file["a.xlsx"])
    assert any(f["cell"] == layout["工号"] and "重复" in f["message"] for f in by_file["a.xlsx"] + by_file["b.xlsx"])
    assert any(f["cell"] == layout["考核期间"] and "2024Q2" in f["message"] for f in by_file["b.xlsx"])


def test_bad_files_are_one_line_each_and_the_run_goes_on(forms, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("E003_张伟.xlsx", "E004_刘洋.xlsx"):
        (folder / name).write_bytes((forms / name).read_bytes())
    (folder / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a real zip")
    (folder / "protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an encrypted package is OLE
    (folder / "notes.xlsx").write_bytes("不是表格".encode())
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    monkeypatch.setattr(safe, "MAX_UNCOMPRESSED", 1024 * 1024)
    g = collect.check([folder])
    assert g.files_read == 2 and len(g.results) == 2
    problems = {Path(f.file).name: f.message for f in g.findings if f.level == "错误"}
    assert "损坏" in problems["corrupt.xlsx"]
    assert "密码" in problems["protected.xlsx"]
    assert "不是 xlsx" in problems["notes.xlsx"]
    assert "压缩炸弹" in problems["bomb.xlsx"]


def test_collect_reads_zip_archives_and_team_sheets(forms, tmp_path):
    archive = tmp_path / "returned.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(forms.iterdir())[:3]:
            z.write(p, f"部门A/{p.name}")
    team = build(SCHEME, tmp_path / "wb")
    wb = openpyxl.load_workbook(team)
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    roster = k.read_table(ROOT / "samples" / "team.csv").iloc[5:8]
    for r, (_, row) in enumerate(roster.iterrows(), 2):
        for h, v in row.items():
            if h in col and not (isinstance(v, float) and v != v):
                ws.cell(r, col[h], v)
    wb.save(tmp_path / "team.xlsx")
    g = collect.check([archive, tmp_path / "team.xlsx"])
    assert g.files_read == 4 and len(g.results) == 6
    assert sorted(g.results["工号"]) == ["E001", "E002", "E003", "E006", "E007", "E008"]
    assert any("!部门A/" in f for f in g.results["文件"])


def test_edited_weights_in_a_returned_file_are_reported(forms, tmp_path):
    from kpixl.excel import LIBRARY

    folder = tmp_path / "edited"
    folder.mkdir()
    (folder / "ok.xlsx").write_bytes((forms / "E005_陈静.xlsx").read_bytes())
    wb = openpyxl.load_workbook(forms / "E006_杨帆.xlsx")
    lib = wb[LIBRARY]
    row = next(r for r in range(2, lib.max_row + 1) if lib.cell(r, 6).value == "s1.w")
    lib.cell(row, 4, 0.5)  # 服务质量 40% → 50%: the dimension weights now total 110%
    wb.save(folder / "bad.xlsx")
    g = collect.check([folder])
    assert len(g.results) == 1
    bad = [f for f in g.findings if f.file.endswith("bad.xlsx")]
    assert bad and "110%" in bad[0].message


def test_two_versions_of_one_scheme_are_both_refused_whichever_comes_first(forms, tmp_path):
    """A form whose 等级系数 was edited (优秀 1.5 → 2.0, a valid scheme) among unedited forms of the
    same scheme: nothing says which version is right, so neither is counted — also when the edited
    file is read first (it used to decide for all the others) — and every file says which version
    it carries and what to do."""
    from kpixl.excel import GRADES

    folder = tmp_path / "versions"
    folder.mkdir()
    names = sorted(p.name for p in forms.iterdir())[:3]
    for name in names[1:]:
        (folder / name).write_bytes((forms / name).read_bytes())
    wb = openpyxl.load_workbook(forms / names[0])
    ws = wb[GRADES]
    row = next(r for r in range(2, 8) if ws.cell(r, 1).value == "优秀")
    ws.cell(row, 3, 2.0)
    wb.save(folder / ("0-" + names[0]))  # read first
    g = collect.check([folder])
    assert g.files_read == 0 and g.results is None
    errors = [f for f in g.findings if f.level == collect.ERROR and "不同" in f.message]
    assert sorted(f.file.rsplit("/", 1)[-1] for f in errors) == sorted(["0-" + names[0], *names[1:]])
    assert all("2 种" in f.message and "--scheme" in f.message for f in errors)
    assert all(f.sheet == "等级系数" for f in errors)  # only the tiers' coefficients differ, not 指标库
    assert sum("第 1 种" in f.message.split("本文件是")[1] for f in errors) == 1  # the edited file: version 1 of 1 file
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", folder, "--out", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    # the same folder with --scheme: every form is counted, scored by the built-in scheme
    r = kpixl("collect", folder, "--scheme", SCHEME, "--out", out)
    assert out.exists() and "Traceback" not in r.stderr
    assert len(pd.read_excel(out, sheet_name="汇总", engine="calamine")) == 3
    # … and the edited form, scored by another version than its own, is not counted without a word
    warned = [f for f in collect.check([folder], SCHEME).findings if "--scheme" in f.message]
    assert [(f.file.rsplit("/", 1)[-1], f.level, f.sheet) for f in warned] == [("0-" + names[0], collect.WARNING, "等级系数")]


def test_forms_of_two_schemes_in_one_folder_are_summarised_apart(forms, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for p in sorted(forms.iterdir())[:3]:
        (folder / p.name).write_bytes(p.read_bytes())
    other = tmp_path / "other"
    r = kpixl("forms", "samples/team.csv", "--scheme", "agent-monthly", "--out", other)
    assert r.returncode == 0, r.stderr
    for p in sorted(other.iterdir())[:2]:
        (folder / f"agent-{p.name}").write_bytes(p.read_bytes())
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", folder, "--out", out)
    assert "Traceback" not in r.stderr
    assert not out.exists()  # two schemes: one summary each, named after the scheme
    # --scheme for the folder: the other scheme's forms are laid out for other inputs — not read
    # by this scheme's layout (they came out as 未提交), each an error; this scheme's are counted
    checked = collect.check([folder], SCHEME)
    refused = sorted(f.file.rsplit("/", 1)[-1] for f in checked.findings if f.level == collect.ERROR and "--scheme" in f.message)
    assert refused == sorted(f"agent-{p.name}" for p in sorted(other.iterdir())[:2])
    assert checked.files_read == 3 and len(checked.results) == 3
    a = pd.read_excel(tmp_path / f"summary-{SCHEME}.xlsx", sheet_name="汇总", dtype={"工号": str}, engine="calamine")
    b = pd.read_excel(tmp_path / "summary-agent-monthly.xlsx", sheet_name="汇总", dtype={"工号": str}, engine="calamine")
    assert sorted(a["工号"]) == ["E001", "E002", "E003"] and sorted(b["工号"]) == ["E001", "E002"]
    assert "已分开汇总" in r.stdout and "方案 agent-monthly" in r.stdout
    expected = k.score(SCHEME, k.read_table(ROOT / "samples" / "team.csv")).set_index("工号")
    assert a.set_index("工号").loc["E001", "总分"] == expected.loc["E001", "总分"] == 85


def test_collect_builds_each_scheme_once_and_reads_files_one_at_a_time(forms, tmp_path, monkeypatch):
    calls = []
    real = collect._scheme_of
    monkeypatch.setattr(collect, "_scheme_of", lambda *a: calls.append(a[0]) or real(*a))
    collect._BY_STORED.clear()
    collect._BY_CONTENT.clear()
    folder = tmp_path / "returned"
    folder.mkdir()
    for p in sorted(forms.iterdir()):
        (folder / p.name).write_bytes(p.read_bytes())
    g = collect.gather([folder])
    assert g.files_read == 12 and calls == [SCHEME]  # 12 forms, one scheme built and validated once
    # the files are listed first and read in turn: one removed in between is one line, the rest are read
    from kpixl.collect_sources import expand

    problems = []
    sources = expand([folder], problems)
    assert len(sources) == 12 and not problems
    sorted(folder.iterdir())[-1].unlink()
    read = [s.read(problems) for s in sources]
    assert sum(b is None for b in read) == 1 and len(problems) == 1 and "无法读取" in problems[0].message


def test_a_number_shown_as_a_percentage_is_read_as_shown(forms, tmp_path):
    """A person types 105% (Excel stores 1.05 and formats the cell 0%): collect reads 105%, as the
    engine reads the text "105%"; a plain 1.05 stays 1.05% by the bare-number convention.
    客户满意度 is ≥95%(5分);≥90%且<95%(3分);<90%(1分): 105% → 5, 1.05% → 1 (by hand)."""
    layout = collect._form_layout(k.load_scheme(SCHEME))
    folder = tmp_path / "pct"
    folder.mkdir()
    for pid, fmt in (("P1", "0%"), ("P2", "General"), ("P3", "0.00%")):
        wb = openpyxl.load_workbook(forms / "E001_王晓燕.xlsx")
        cell = wb[FORM][layout["客户满意度"]]
        cell.value = 1.05
        cell.number_format = fmt
        wb[FORM][layout["工号"]] = pid
        wb.save(folder / f"{pid}.xlsx")
    g = collect.check([folder])
    got = g.results.set_index("工号")["客户满意度得分"].to_dict()
    assert got == {"P1": 5, "P2": 1, "P3": 5}
