"""Generated workbooks: function whitelist, determinism, committed copies match, forms, PDFs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl.excel import FORM, GRADES, GUIDE, LIBRARY, TEAM, build, team_headers
from kpixl.excel.forms import safe_filename
from kpixl.excel.typed import READ_SUFFIX
from kpixl.xl import FUNCTIONS, functions_used

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = k.builtin_ids()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("built")
    return {sid: build(sid, out) for sid in SCHEMES}


def _formulas(path: Path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate, c.value


@pytest.mark.parametrize("sid", SCHEMES)
def test_only_whitelisted_functions(built, sid):
    seen = set()
    for sheet, ref, f in _formulas(built[sid]):
        used = functions_used(f)
        assert used <= FUNCTIONS, f"{sid} {sheet}!{ref} uses {used - FUNCTIONS}"
        assert "_xlfn" not in f and "XLOOKUP" not in f and "LET(" not in f
        assert len(f) < 8192, f"{sid} {sheet}!{ref} formula is {len(f)} characters (Excel's limit is 8192)"
        seen |= used
    assert {"IF", "ROUND", "INDEX", "MATCH", "RANK", "LOOKUP"} <= seen


def test_whitelist_catches_modern_functions():
    assert functions_used('=XLOOKUP(A1,B:B,C:C)&IFS(A1>1,"x")&"LET(not a call)"') == {"XLOOKUP", "IFS"}


@pytest.mark.parametrize("sid", SCHEMES)
def test_sheets_headers_names_and_print_setup(built, sid):
    scheme = k.load_scheme(sid)
    wb = openpyxl.load_workbook(built[sid])
    assert _visible_order(wb) == [FORM, TEAM, LIBRARY, GRADES, GUIDE, "方案", "xlwings.conf"]
    team = wb[TEAM]
    assert [c.value for c in team[1]] == team_headers(scheme)
    assert team_headers(scheme)[: len(scheme.roster_headers())] == scheme.roster_headers()
    assert set(scheme.result_headers()) <= set(team_headers(scheme))
    assert team.max_row >= 301 and team.freeze_panes == "C2" and team.auto_filter.ref
    assert {"kp_grade_name", "kp_grade_lower", "kp_grade_coef"} <= set(wb.defined_names)
    form = wb[FORM]
    assert int(form.page_setup.paperSize) == 9 and form.page_setup.orientation == "portrait"
    assert form.page_setup.fitToWidth == 1 and form.sheet_properties.pageSetUpPr.fitToPage
    assert form.print_area and "&P" in form.oddFooter.center.text
    assert form.protection.sheet and team.protection.sheet
    texts = {c.value for row in form.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"被考核人", "工号", "岗位", "部门", "考核期间", "考核人", "总分", "等级", "奖金系数"} <= texts
    assert any("被考核人确认" in t for t in texts) and any("复核人" in t for t in texts)
    assert form["A1"].value == scheme.name and form["A1"].font.name == "宋体"
    conf = {r[0].value: r[1].value for r in wb["xlwings.conf"].iter_rows() if r[0].value}
    assert conf["UDF Modules"] == "kpixl_udfs"
    # an empty key on the sheet would override what `xlwings addin install` recorded for the user
    assert all(v not in (None, "") for v in conf.values()), conf
    assert not {"Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env"} & set(conf)


def _visible_order(wb) -> list[str]:
    """The sheets in order, without the hidden reading sheets (考核表·读取, 团队汇总·读取), which are
    checked to be hidden and protected here."""
    reads = [ws for ws in wb.worksheets if ws.title.endswith(READ_SUFFIX)]
    assert reads and all(ws.sheet_state == "hidden" and ws.protection.sheet for ws in reads)
    return [n for n in wb.sheetnames if not n.endswith(READ_SUFFIX)]


def _dump(path: Path) -> dict:
    """Everything a user sees or a formula reads: cells, merges, validations, names, print setup."""
    wb = openpyxl.load_workbook(path)
    out: dict = {"names": {n: d.attr_text for n, d in wb.defined_names.items()}, "sheets": wb.sheetnames}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted((str(d.sqref), d.type, d.formula1, d.formula2) for d in ws.data_validations.dataValidation),
            "print": (ws.print_area, ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                      ws.page_margins.left, ws.page_margins.top, ws.oddFooter.center.text, ws.freeze_panes),
        }  # fmt: skip
    return out


def test_build_is_deterministic(built, tmp_path):
    again = build("service-staff", tmp_path)
    assert _dump(again) == _dump(built["service-staff"])
    assert again.read_bytes() == built["service-staff"].read_bytes()  # same bytes too: clean git diffs


@pytest.mark.parametrize("sid", SCHEMES)
def test_committed_workbooks_match_build(built, sid):
    committed = ROOT / "workbooks" / f"{sid}.xlsx"
    assert committed.exists(), f"workbooks/{sid}.xlsx is missing: run `kpixl build` and commit it"
    a, b = _dump(committed), _dump(built[sid])
    for key in b:
        assert a[key] == b[key], f"workbooks/{sid}.xlsx differs from `kpixl build` in {key}: run `kpixl build` and commit"


def test_build_cli(tmp_path):
    r = kpixl("build", "--scheme", "kpi-pay-tier", "--scheme", "online-agent", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi-pay-tier.xlsx", "online-agent.xlsx"]
    r = kpixl("build", "--scheme", "kpi-pay-tier", "--rows", "20", "--out", tmp_path / "small")
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(tmp_path / "small" / "kpi-pay-tier.xlsx")[TEAM].max_row == 21
    assert kpixl("build", "--rows", "0", "--out", tmp_path / "none").returncode == 2


def test_safe_filenames():
    assert safe_filename('E01_王:晓/燕*?"<>|') == "E01_王_晓_燕______"
    assert safe_filename("CON") == "_CON" and safe_filename("a. ") == "a" and safe_filename("") == "_"


def test_forms_cli_writes_prefilled_forms(tmp_path):
    r = kpixl("forms", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", tmp_path / "forms")
    assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in (tmp_path / "forms").iterdir())
    assert len(files) == 12 and files[0] == "E001_王晓燕.xlsx"
    ws = openpyxl.load_workbook(tmp_path / "forms" / files[0])[FORM]
    values = {c.value for row in ws.iter_rows() for c in row}
    assert {"E001", "王晓燕", 4, 0.88, 28} <= values  # 工号, 姓名, a rating, 88% as a fraction, 28秒
    # a second run refuses to overwrite
    r = kpixl("forms", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", tmp_path / "forms")
    assert r.returncode == 1 and "不会覆盖" in r.stdout + r.stderr


def test_forms_report_bad_values_with_row_and_column(tmp_path):
    src = tmp_path / "bad.csv"
    df = pd.read_csv(ROOT / "samples" / "team.csv", dtype=str)
    df.loc[2, "一次解决率"] = "九十"
    df.to_csv(src, index=False)
    r = kpixl("forms", src, "--scheme", "support-center-quarterly", "--out", tmp_path / "f")
    assert r.returncode == 1 and "一次解决率" in r.stdout + r.stderr and "九十" in r.stdout + r.stderr
    assert not (tmp_path / "f").exists() or not any((tmp_path / "f").iterdir())


# ----------------------------------------------------------------------------- printing
@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, built, soffice) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    r = kpixl("pdf", *[built[s] for s in SCHEMES], "--out", out)
    assert r.returncode == 0, r.stderr
    return {sid: out / f"{sid}.pdf" for sid in SCHEMES}


@pytest.mark.parametrize("sid", SCHEMES)
def test_form_prints_on_a4_with_cjk_font(pdfs, sid):
    info = subprocess.run(["pdfinfo", pdfs[sid]], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert abs(float(size[1]) - 595.3) < 1 and abs(float(size[2]) - 841.9) < 1, info  # A4 portrait
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages == 1, f"{sid}: the form prints on {pages} pages"
    fonts = subprocess.run(["pdffonts", pdfs[sid]], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|Hei|Song|Ming|WenQuanYi", fonts), fonts


# ----------------------------------------------------------------------------- round trip
@pytest.mark.parametrize("sid", SCHEMES)
def test_unchanged_workbook_reads_back_as_the_scheme(built, sid):
    from kpixl.sources import read_scheme

    assert read_scheme(built[sid]) == k.load_scheme(sid)


def test_edited_weight_threshold_and_tier_read_back(built, tmp_path):
    from kpixl.sources import read_scheme

    wb = openpyxl.load_workbook(built["support-center-quarterly"])
    lib = wb[LIBRARY]
    rows = {lib.cell(r, 6).value: r for r in range(2, lib.max_row + 1)}
    lib.cell(rows["s1.w"], 4, 0.5)  # 服务质量 40% → 50%
    lib.cell(rows["s4.w"], 4, 0.0)  # 团队协作 10% → 0%
    wb[GRADES].cell(3, 3, 0.9)  # 待改进 coefficient 0.8 → 0.9
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    s = read_scheme(edited)
    assert [sec.weight for sec in s.sections] == [0.5, 0.3, 0.2, 0.0]
    assert {t.name: t.coefficient for t in s.grades}["待改进"] == 0.9
    lib.cell(rows["s1.w"], 4, 0.6)
    wb.save(edited)
    with pytest.raises(k.SchemeError, match="110%"):
        read_scheme(edited)


def test_score_with_an_edited_workbook_as_scheme(built, tmp_path):
    wb = openpyxl.load_workbook(built["support-center-quarterly"])
    grades = wb[GRADES]
    grades.cell(5, 2, 84)  # 良好 from 80 to 84 (ascending rows: 不合格, 待改进, 合格, 良好, 优秀)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    r = kpixl("score", "samples/team.csv", "--scheme", edited, "--out", tmp_path / "r.csv")
    assert r.returncode == 0, r.stderr
    res = pd.read_csv(tmp_path / "r.csv", dtype={"工号": str}).set_index("工号")
    assert res.loc["E008", "总分"] == 82 and res.loc["E008", "等级"] == "合格"  # 82 was 良好 under the built-in
    assert res.loc["E001", "总分"] == 85 and res.loc["E001", "等级"] == "良好"


# ----------------------------------------------------------------------------- the add-in edition
def test_addin_edition_keeps_xlwings_vba_and_names_the_udf_module(tmp_path, built):
    import zipfile

    r = kpixl("build", "--scheme", "service-staff", "--edition", "addin", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    path = tmp_path / "service-staff.xlsm"
    z = zipfile.ZipFile(path)
    assert "xl/vbaProject.bin" in z.namelist()  # xlwings' RunPython / ImportPythonUDFs
    assert "macroEnabled" in z.read("[Content_Types].xml").decode()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert _visible_order(wb) == [FORM, TEAM, LIBRARY, GRADES, GUIDE, "方案", "xlwings.conf"]
    conf = {r[0].value: r[1].value for r in wb["xlwings.conf"].iter_rows() if r[0].value}
    assert conf["UDF Modules"] == "kpixl_udfs" and wb["xlwings.conf"].sheet_state == "hidden"
    assert wb[FORM].sheet_properties.codeName == "Sheet1"  # the template's sheet module stays attached
    standard = _dump(built["service-staff"])
    edition = _dump(path)
    for sheet in (FORM, TEAM, LIBRARY, GRADES):  # the same formulas, validations and print setup
        assert edition[sheet] == standard[sheet], sheet
    assert edition["names"] == standard["names"]


def test_addin_edition_recalculates_in_libreoffice(tmp_path, soffice):
    from kpixl.excel.recalc import recalculate

    path = build("support-center-quarterly", tmp_path / "ed", edition="addin")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[TEAM]
    col = {c.value: c.column for c in ws[1]}
    row = {"工号": "000", "姓名": "样例", "服务规范度": 4, "问题解决能力": 5, "平均响应时长": 28, "一次解决率": 0.88,
           "一次解决率·调整得分": 4, "客户满意度": 0.92, "投诉率": 0, "跨部门协作响应速度": 30}  # fmt: skip
    for h, v in row.items():
        ws.cell(2, col[h], v)
    (tmp_path / "in").mkdir()
    wb.save(tmp_path / "in" / "filled.xlsm")
    out = recalculate([tmp_path / "in" / "filled.xlsm"], tmp_path / "out")[0]
    got = openpyxl.load_workbook(out, data_only=True)[TEAM]
    values = dict(zip([c.value for c in got[1]], [c.value for c in got[2]], strict=False))
    assert values["总分"] == 85 and values["等级"] == "良好"  # seed 000's sample person, hand-calculated
