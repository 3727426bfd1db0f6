"""The monthly loop end to end: forms out, filled by supervisors (mistakes included), saved by a real
spreadsheet, collected, audited, paid out — every number equal to the engine, every planted mistake listed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl import collect
from kpixl.excel import FORM
from kpixl.excel.recalc import recalculate

ROOT = Path(__file__).resolve().parents[1]
SCHEME = "support-center-quarterly"


@pytest.fixture(scope="module")
def returned(tmp_path_factory, soffice) -> Path:
    """Forms for the sample team, filled and signed, with six planted mistakes, saved by LibreOffice."""
    tmp = tmp_path_factory.mktemp("loop")
    r = kpixl("forms", "samples/team.csv", "--scheme", SCHEME, "--out", tmp / "sent")
    assert r.returncode == 0, r.stderr
    layout = collect._form_layout(k.load_scheme(SCHEME))
    filled = tmp / "filled"
    filled.mkdir()
    for path in sorted((tmp / "sent").iterdir()):
        wb = openpyxl.load_workbook(path)
        ws = wb[FORM]
        for key, ref in layout.items():
            if key.startswith("签字"):
                ws[ref] = "张主管" if "考核人" in key else "已阅"
            elif key.startswith("日期"):
                ws[ref] = "2024-04-02"
        pid = ws[layout["工号"]].value
        if pid == "E003":
            ws[layout["服务规范度"]] = "很好"  # unreadable
        if pid == "E004":
            ws[layout["考核期间"]] = "2024Q2"  # wrong period
        if pid == "E005":
            ws[layout["工号"]] = "E006"  # duplicate 工号
        if pid == "E007":
            ws[layout["签字·考核人"]] = None  # missing signature
        if pid == "E008":
            ws[layout["服务规范度"]] = 7  # outside the 1–5 scale
        wb.save(filled / path.name)
    saved = recalculate(sorted(filled.iterdir()), tmp / "saved")  # cached values, as Excel would save them
    # E001: the supervisor types the seed's 88 over the total formula, after the spreadsheet saved it
    e001 = next(p for p in saved if p.name.startswith("E001"))
    wb = openpyxl.load_workbook(e001)
    wb[FORM][layout["总分"]] = 88
    wb.save(e001)
    return tmp / "saved"


def test_collect_summary_equals_engine_and_lists_every_planted_mistake(returned, tmp_path):
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", returned, "--out", out, "--period", "2024Q1")
    assert r.returncode == 1, r.stderr  # the planted mistakes are errors: the summary is written, the exit code says so
    assert "0 份未提交" in r.stdout
    summary = pd.read_excel(out, sheet_name="汇总", dtype={"工号": str}, engine="calamine")
    roster = k.read_table(ROOT / "samples" / "team.csv")
    unreadable = {"E003", "E008"}
    expected = k.score(SCHEME, roster[~roster["工号"].isin(unreadable)].reset_index(drop=True))
    assert len(summary) == 10
    e = expected.set_index("工号")
    got = summary.groupby("工号").first()
    for pid in ("E001", "E002", "E004", "E007", "E009", "E010", "E011", "E012"):
        for h in ("总分", "等级", "奖金系数"):
            assert got.loc[pid, h] == e.loc[pid, h], (pid, h)
    assert got.loc["E001", "总分"] == 85  # never trusts the typed 88
    top = pd.read_excel(out, sheet_name="问题清单", engine="calamine", header=None).iloc[0, 0]
    assert "1 处手填总分/等级与计算不符" in top and "1 处公式被改成数值" in top  # counts by kind before the rows
    issues = pd.read_excel(out, sheet_name="问题清单", engine="calamine", header=2).fillna("")
    errors = issues[issues["级别"] == "错误"]

    def listed(file_prefix: str, text: str) -> bool:
        rows = errors[errors["文件"].str.contains(file_prefix) & errors["问题"].str.contains(text)]
        return len(rows) > 0

    assert listed("E001", "总分填写为 88，按评分标准应为 85")
    assert listed("E001", "公式被改成了数值")
    assert listed("E003", "很好")
    assert listed("E004", "2024Q2")
    assert listed("E005", "重复") and listed("E006", "重复")
    assert listed("E008", "超出范围")
    warnings = issues[issues["级别"] == "提示"]
    assert warnings["文件"].str.contains("E007").any() and warnings["问题"].str.contains("缺少考核人的签字").any()
    # nothing else is an error: the other forms' stated totals (cached by the spreadsheet) agree
    planted = ("E001", "E003", "E004", "E005", "E006", "E008")
    assert all(any(p in f for p in planted) for f in errors["文件"])


def test_payout_for_finance_opens_cleanly(returned, tmp_path):
    summary = tmp_path / "summary.xlsx"
    assert kpixl("collect", returned, "--out", summary).returncode == 1  # written, with the planted errors listed
    assert summary.exists()
    for name in ("payout.xlsx", "payout.csv"):
        out = tmp_path / name
        r = kpixl("payout", summary, "--scheme", SCHEME, "--roster", "samples/team.csv", "--out", out)
        assert r.returncode == 0, r.stdout + r.stderr
    table = pd.read_csv(tmp_path / "payout.csv", dtype={"工号": str})
    assert table.loc[table["工号"] == "E001", "奖金"].iloc[0] == 1440  # 6000 × 20% × 1.2
    assert (tmp_path / "payout.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # LibreOffice recalculates the finance workbook: the same bonuses, and its SUM totals equal the CSV's
    lo = recalculate([tmp_path / "payout.xlsx"], tmp_path / "lo")[0]
    back = pd.read_excel(lo, engine="calamine", dtype={"工号": str}, header=3)
    people = back[back["工号"].str.match(r"^E\d+$", na=False)]
    paid = table[table["工号"].str.match(r"^E\d+$", na=False)]
    assert sorted(zip(people["工号"], people["奖金"], strict=True)) == sorted(zip(paid["工号"], paid["奖金"], strict=True))
    total = back[back["工号"] == "合计"]
    assert total["奖金"].iloc[0] == pytest.approx(table.loc[table["工号"] == "合计", "奖金"].iloc[0])
