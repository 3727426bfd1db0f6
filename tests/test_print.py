"""Printing: few pages for a whole workbook, wrapped text that never runs over its neighbours,
kpixl pdf over folders and globs with one line per bad file, warnings naming cells, --merge."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Alignment, Font
from test_cli import kpixl

from kpixl.excel import FORM, GRADES, GUIDE, LIBRARY, TEAM, build_workbook, fill_team
from kpixl.excel.printing import fit_rows, text_units, wrapped_lines

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = sorted((ROOT / "workbooks").glob("*.xlsx"))


def pages(pdf: Path) -> list[str]:
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout)[1])
    text = (subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"], capture_output=True, text=True) for p in range(1, n + 1))
    return [t.stdout for t in text]


def page_size(pdf: Path) -> tuple[float, float]:
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout)
    return float(m[1]), float(m[2])


# ----------------------------------------------------------------------------- the estimate
def test_text_width_counts_cjk_twice():
    assert text_units("考核ab≥") == 2 + 2 + 1 + 1 + 2
    assert text_units("") == 0


def test_wrapped_lines_by_hand():
    # width 20 → 20 × 5.25 pt = 105 pt, less 2 × 3 pt padding = 99 pt; at 10 pt a unit is 5 pt → 19.8 units,
    # 95% of it counted → 18.81 units a line: nine CJK characters (18 units) a line.
    assert wrapped_lines("一" * 9, 20, 10) == 1
    assert wrapped_lines("一" * 10, 20, 10) == 2
    assert wrapped_lines("一" * 20, 20, 10) == 3  # 9 + 9 + 2
    assert wrapped_lines("ab\ncd", 20, 10) == 2  # a line break is a line
    # width 10 → 46.5 pt → 9.3 units × 95% = 8.835 units a line. Words stay whole: "abcde abcde abcde"
    # is 17 units (two lines if broken anywhere) but takes three: "abcde " | "abcde " | "abcde".
    assert wrapped_lines("abcde abcde abcde", 10, 10) == 3
    assert wrapped_lines("abcdefghijklmnopqrst", 10, 10) == 3  # one word longer than a line: broken anywhere, 20 / 8.835
    assert wrapped_lines("奖金系数", 10, 11) == 1  # 8 units; at 11 pt a line holds 46.5 / 5.5 × 95% = 8.03


def test_fit_rows_shares_a_merged_cells_height():
    ws = openpyxl.Workbook().active
    ws.column_dimensions["A"].width = 20
    ws["A1"] = "一" * 20  # 3 lines at 10 pt (above): 3 × 10 × 1.5 + 3 = 48 pt, over two rows
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(size=10)
    ws.merge_cells("A1:A2")
    ws["A3"] = "短"
    ws["A3"].alignment = Alignment(wrap_text=True)
    ws["A3"].font = Font(size=10)
    fit_rows(ws, 1, 3)
    assert ws.row_dimensions[1].height == 24 and ws.row_dimensions[2].height == 24
    assert ws.row_dimensions[3].height == 18  # one line: 10 × 1.5 + 3
    ws.row_dimensions[3].height = 40
    fit_rows(ws, 3, 3)
    assert ws.row_dimensions[3].height == 40  # never lowered


# ----------------------------------------------------------------------------- whole workbooks
def _by_sheet(pdf: Path) -> dict[str, int]:
    """Pages per sheet: each sheet's page header is 「方案名 — 工作表」; the form's is the scheme name."""
    counts: dict[str, int] = {}
    for text in pages(pdf):
        head = text.strip().splitlines()[0]
        sheet = next((s for s in (TEAM, LIBRARY, GRADES, GUIDE) if re.search(rf"—\s*{s}$", head)), FORM)
        counts[sheet] = counts.get(sheet, 0) + 1
    return counts


def test_every_committed_workbook_prints_whole_in_a_few_pages(tmp_path, soffice):
    r = kpixl("pdf", "workbooks/*.xlsx", "--sheets", "all", "--out", tmp_path)  # a quoted glob, expanded by kpixl
    assert r.returncode == 0, r.stderr
    assert "警告" not in r.stderr  # a blank workbook has no error value and no typed total
    for wb in WORKBOOKS:
        counts = _by_sheet(tmp_path / f"{wb.stem}.pdf")
        assert counts[FORM] == 1 and counts[TEAM] == 1 and counts[GRADES] == 1, (wb.name, counts)  # an empty team: its header
        assert counts[LIBRARY] <= 3 and counts[GUIDE] <= 3, (wb.name, counts)
        assert sum(counts.values()) <= 9, (wb.name, counts)  # was 40–67 pages


def test_a_workbook_printed_as_it_is_stays_small(tmp_path, soffice):
    """As Excel or LibreOffice print it, every 300 rows of 团队汇总 included (no copy trimmed by kpixl)."""
    from kpixl.excel.recalc import to_pdf

    (pdf,) = to_pdf([ROOT / "workbooks" / "service-staff.xlsx"], tmp_path)  # the widest team sheet: 56 columns
    counts = _by_sheet(pdf)
    assert counts[TEAM] <= 3 and sum(counts.values()) <= 10, counts


def test_team_prints_the_filled_rows_landscape(tmp_path, soffice):
    team = pd.read_csv(ROOT / "samples" / "team.csv", dtype=str).drop(columns=["绩效工资基数"], errors="ignore")
    filled = fill_team(ROOT / "workbooks" / "support-center-quarterly.xlsx", team.to_dict("records"), tmp_path / "team.xlsx")
    r = kpixl("pdf", filled, "--sheets", "team", "--out", tmp_path / "pdf")
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "pdf" / "team.pdf"
    w, h = page_size(pdf)
    assert w > h  # landscape
    text = "\n".join(pages(pdf))
    assert len(pages(pdf)) == 1
    assert all(name in text for name in team["姓名"]) and all(i in text for i in team["工号"])


# ----------------------------------------------------------------------------- wrapped text
def _words(pdf: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pat = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pat, xml)]


def _overlaps(words) -> list[tuple[str, str]]:
    """Pairs of words whose boxes cross by more than a point each way (text drawn over text)."""
    out = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx > 1 and dy > 1:
                out.append((a[4], b[4]))
    return out


def test_wrapped_names_and_rubrics_do_not_overlap(tmp_path, soffice):
    """kpi-pay-tier has item names that wrap (最终咨询付款转化率·最终下单付款人数) and long rubrics.
    The same form with every row at the old one-line height must show overlaps: the check can fail."""
    from kpixl.excel.recalc import form_pdfs

    good = tmp_path / "kpi-pay-tier.xlsx"
    build_workbook("kpi-pay-tier", team=False).save(good)
    squeezed = tmp_path / "squeezed.xlsx"
    wb = openpyxl.load_workbook(good)
    for r in range(6, wb[FORM].max_row + 1):
        wb[FORM].row_dimensions[r].height = 15
    wb.save(squeezed)
    ok, bad = form_pdfs([good, squeezed], tmp_path / "pdf")
    words = _words(ok)
    assert any("最终下单" in w[4] for w in words)
    assert _overlaps(words) == []
    assert len(_overlaps(_words(bad))) >= 3


# ----------------------------------------------------------------------------- kpixl pdf
@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("forms") / "forms"
    r = kpixl("forms", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def test_bad_files_are_one_line_each_and_the_run_goes_on(forms, tmp_path, soffice):
    csv = tmp_path / "名单.csv"
    csv.write_text("工号,姓名\nE001,王晓燕\n", encoding="utf-8")
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    odd = tmp_path / "odd.xlsx"  # a zip package, but no workbook inside
    with zipfile.ZipFile(odd, "w") as z:
        z.writestr("hello.txt", "hi")
    r = kpixl("pdf", csv, forms / "E001_王晓燕.xlsx", plain, odd, tmp_path / "absent.xlsx", "--out", tmp_path / "pdf")
    assert r.returncode == 1
    assert (tmp_path / "pdf" / "E001_王晓燕.pdf").exists()
    lines = r.stderr.splitlines()
    for name in ("名单.csv", "plain.xlsx", "odd.xlsx", "absent.xlsx"):
        mine = [line for line in lines if name in line]
        assert len(mine) == 1 and mine[0].startswith("跳过 / skipped"), (name, r.stderr)
    assert "不是 xlsx 文件" in r.stderr and "不是 kpixl 生成的" in r.stderr and "找不到文件" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_personal_form_has_no_team_sheet(forms, tmp_path, soffice):
    r = kpixl("pdf", forms / "E002_李明.xlsx", "--sheets", "team", "--out", tmp_path)
    assert r.returncode == 1 and "没有「团队汇总」工作表" in r.stderr and not list(tmp_path.glob("*.pdf"))


def test_folder_and_merge_in_input_order(forms, tmp_path, soffice):
    r = kpixl("pdf", forms / "E002_李明.xlsx", forms / "E001_王晓燕.xlsx", "--out", tmp_path / "pdf", "--merge", tmp_path / "all.pdf")
    assert r.returncode == 0, r.stderr
    merged = pages(tmp_path / "all.pdf")
    assert len(merged) == 2 and "李明" in merged[0] and "王晓燕" in merged[1]  # the order given
    folder = tmp_path / "in" / "sub"
    folder.mkdir(parents=True)
    for name in ("E003_张伟.xlsx", "E004_刘洋.xlsx"):
        shutil.copy(forms / name, folder / name)
    (folder / "notes.txt").write_text("not a form", encoding="utf-8")  # in a folder, only .xlsx files are taken
    r = kpixl("pdf", tmp_path / "in", "--out", tmp_path / "folder")  # a folder, searched recursively
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "folder").glob("*.pdf")) == ["E003_张伟.pdf", "E004_刘洋.pdf"]


def test_merge_never_writes_over_or_among_the_inputs(forms, tmp_path):
    before = sorted(p.name for p in forms.iterdir())
    r = kpixl("pdf", f"{forms}/*", "--out", tmp_path / "pdf", "--merge", forms / "all.pdf")
    assert r.returncode == 1 and "不会写入" in r.stderr
    assert sorted(p.name for p in forms.iterdir()) == before
    r = kpixl("pdf", forms / "E001_王晓燕.xlsx", "--out", tmp_path / "pdf", "--merge", tmp_path / "all.xlsx")
    assert r.returncode == 1 and ".pdf" in r.stderr
    # a PDF given among the inputs is not printed, and the PDF of the form beside it may not replace it
    signed = tmp_path / "pdf" / "E001_王晓燕.pdf"
    signed.parent.mkdir(exist_ok=True)
    signed.write_bytes(b"%PDF-1.4 signed copy")
    r = kpixl("pdf", forms / "E001_王晓燕.xlsx", signed, "--out", tmp_path / "pdf")
    assert r.returncode == 1 and "不会覆盖输入文件" in r.stderr
    assert signed.read_bytes() == b"%PDF-1.4 signed copy"


def test_error_values_and_typed_totals_are_warned_about_by_cell(forms, tmp_path, soffice):
    layout = build_workbook("support-center-quarterly", team=False).kpixl_form_layout
    src = forms / "E003_张伟.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb[FORM]
    bad_input = layout["一次解决率"]  # typed as words (pasted past validation): the item shows 无法读取
    ws[bad_input] = "九十"
    total = layout["总分"]
    ws[total] = 99  # typed over the formula
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    before = edited.read_bytes()
    r = kpixl("pdf", edited, "--out", tmp_path / "pdf")
    assert r.returncode == 0, r.stderr  # warnings print, the form still prints
    assert edited.read_bytes() == before  # the input is never written
    warnings = [line for line in r.stderr.splitlines() if line.startswith("警告")]
    assert any(f"考核表!{total}" in w and "总分" in w and "99" in w for w in warnings), r.stderr
    row = int(re.sub(r"\D", "", bad_input))
    assert any(re.search(rf"考核表![A-Z]+{row}\b", w) and "无法读取" in w for w in warnings), r.stderr
    assert (tmp_path / "pdf" / "edited.pdf").exists()


def test_merge_without_pdfunite_says_how_to_install_it(forms, tmp_path):
    import os
    import sys

    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}  # neither pdfunite nor anything else on PATH
    r = subprocess.run(
        [sys.executable, "-m", "kpixl", "pdf", forms / "E001_王晓燕.xlsx", "--out", tmp_path / "pdf", "--merge", tmp_path / "all.pdf"],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    assert r.returncode == 1 and "pdfunite" in r.stderr and "poppler-utils" in r.stderr, r.stderr
    assert not (tmp_path / "pdf").exists()  # refused before printing anything
