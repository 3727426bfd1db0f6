"""kpixl payout: 奖金 = 基数 × 占比 × 奖金系数 to the cent as Excel rounds, safe CSV for finance."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl.payout import distribution_check, neutralise, payout

ROOT = Path(__file__).resolve().parents[1]


def _results(rows):
    return pd.DataFrame(rows)


def test_hand_calculated_bonus_and_totals():
    scheme = k.load_scheme("support-center-quarterly")  # 绩效奖金占比 20% (seed 000)
    res = _results(
        [
            {"工号": "1", "姓名": "甲", "总分": 85, "等级": "良好", "奖金系数": 1.2, "绩效工资基数": 6000},
            {"工号": "2", "姓名": "乙", "总分": 95, "等级": "优秀", "奖金系数": 1.5, "绩效工资基数": "1000.125"},
        ]
    )
    t = payout(res, scheme)
    # 6000 × 20% × 1.2 = 1440; 1000.125 × 20% × 1.5 = 300.0375 → 300.04 (ROUND half away from zero)
    assert t["奖金"].tolist()[:2] == [1440, 300.04]
    assert t.iloc[-1]["工号"] == "合计" and t.iloc[-1]["奖金"] == 1740.04
    assert set(t["方案"].iloc[:2]) == {"support-center-quarterly"}


def test_cent_rounding_is_excel_not_bankers():
    scheme = k.load_scheme("support-center-quarterly")
    res = _results([{"工号": "1", "姓名": "甲", "总分": 70, "等级": "合格", "奖金系数": 1.0, "绩效工资基数": 1000.125}])
    assert payout(res, scheme)["奖金"].iloc[0] == 200.03  # 200.025 → 200.03 (Python's round gives 200.02)


def test_formula_injection_is_neutralised():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+1") == "'+1" and neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("\tx") == "'\tx"
    assert neutralise("王晓燕") == "王晓燕" and neutralise(-5) == -5
    scheme = k.load_scheme("support-center-quarterly")
    res = _results([{"工号": "1", "姓名": "=CMD()", "总分": 85, "等级": "良好", "奖金系数": 1.2, "绩效工资基数": 100}])
    assert payout(res, scheme)["姓名"].iloc[0] == "'=CMD()"


def test_cli_writes_csv_with_bom_and_reports_distribution(tmp_path):
    out = tmp_path / "payout.csv"
    r = kpixl("payout", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", out, "--max-share", "优秀=20%")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel in China opens UTF-8 with BOM correctly
    t = pd.read_csv(out, dtype={"工号": str})
    # 基数 × 20% × 奖金系数, by hand from samples/team.csv and the grades 优秀1.5 良好1.2 合格1.0 待改进0.8 不合格0.5
    hand = {
        "E001": 6000 * 0.2 * 1.2,  # 85 良好 → 1440
        "E002": 6000 * 0.2 * 1.5,  # 100 优秀 → 1800
        "E003": 5500 * 0.2 * 0.8,  # 60 待改进 → 880
        "E004": 5500 * 0.2 * 1.5,  # 96 优秀 → 1650
        "E005": 5500 * 0.2 * 0.8,  # 64 待改进 → 880
        "E006": 5000 * 0.2 * 0.5,  # 32 不合格 → 500
        "E007": 7000 * 0.2 * 1.5,  # 100 优秀 → 2100
        "E008": 7000 * 0.2 * 1.2,  # 82 良好 → 1680
        "E009": 5000 * 0.2 * 1.2,  # 88 良好 → 1200
        "E010": 5000 * 0.2 * 1.0,  # 70 合格 → 1000
        "E011": 6000 * 0.2 * 1.5,  # 100 优秀 → 1800
        "E012": 5000 * 0.2 * 0.5,  # 20 不合格 → 500
    }
    people = t.iloc[:-1].set_index("工号")
    assert people["奖金"].to_dict() == pytest.approx(hand)
    assert people.loc[["E002", "E004", "E007", "E011"], "等级"].eq("优秀").all()
    assert t.iloc[-1]["工号"] == "合计" and t.iloc[-1]["奖金"] == 15430 and t.iloc[-1]["绩效工资基数"] == 68500
    assert "超过规定的 20%" in r.stdout and "未作调整" in r.stdout
    expected = k.score("support-center-quarterly", k.read_table(ROOT / "samples" / "team.csv"))
    assert distribution_check(expected, {"优秀": 0.5}) == []


def test_missing_base_column_is_named(tmp_path):
    src = tmp_path / "r.csv"
    pd.read_csv(ROOT / "samples" / "team.csv", dtype=str).drop(columns=["绩效工资基数"]).to_csv(src, index=False)
    r = kpixl("payout", src, "--scheme", "support-center-quarterly", "--out", tmp_path / "p.csv")
    assert r.returncode == 1 and "绩效工资基数" in r.stdout + r.stderr
    r = kpixl("payout", "samples/team.csv", "--scheme", "kpi-pay-tier", "--out", tmp_path / "p.csv")
    assert r.returncode == 1  # kpi-pay-tier has no 绩效奖金占比 and the roster is for another scheme
    assert "名单缺少 8 列" in r.stderr and "「客单价」: 缺少此列" in r.stderr  # the team roster lacks kpi-pay-tier's inputs
    assert not (tmp_path / "p.csv").exists()


# ----------------------------------------------------------------------------- what finance receives
def test_payout_xlsx_for_finance_has_department_subtotals_as_formulas(tmp_path, soffice):
    from kpixl.excel.recalc import recalculate

    out = tmp_path / "in" / "pay.xlsx"
    out.parent.mkdir()
    r = kpixl("payout", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    ws = openpyxl.load_workbook(out)["奖金"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "制表（签字）：________" in cells and "批准（签字）：________" in cells
    header = [c.value for c in ws[4]]
    money = header.index("奖金") + 1
    subtotal_rows = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("小计 ")]
    assert len(subtotal_rows) == 2 and all(str(ws.cell(r, money).value).startswith("=SUM(") for r in subtotal_rows)
    assert ws.cell(4, header.index("绩效奖金占比") + 1).value == "绩效奖金占比" and ws.cell(5, money).number_format == "#,##0.00"
    setup = ws.page_setup  # one page wide (fitToWidth left at its default 1), as many tall as needed
    assert setup.orientation == "landscape" and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.freeze_panes == "C5"
    lo = openpyxl.load_workbook(recalculate([out], tmp_path / "lo")[0], data_only=True)["奖金"]
    # hand sums of the sample team at 20%: 客户支持一部 7 people 7970.00, 二部 5 people 7460.00, 15430.00 in all
    got = {lo.cell(r, 1).value: lo.cell(r, money).value for r in range(5, lo.max_row + 1) if lo.cell(r, 1).value}
    assert got["小计 客户支持一部"] == pytest.approx(7970) and got["小计 客户支持二部"] == pytest.approx(7460)
    assert got["合计"] == pytest.approx(15430)


def test_payout_csv_writes_cents_and_shares_as_people_read_them(tmp_path):
    out = tmp_path / "pay.csv"
    assert kpixl("payout", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", out).returncode == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    e001 = dict(zip(rows[0].split(","), rows[1].split(","), strict=False))
    assert (e001["奖金"], e001["绩效工资基数"], e001["绩效奖金占比"], e001["总分"]) == ("1440.00", "6000.00", "20%", "85")
    assert rows[-1].startswith("合计") and ",68500.00," in rows[-1] and ",15430.00," in rows[-1]


def test_payroll_profile_and_coefficients_only(tmp_path):
    profile = tmp_path / "payroll.yaml"
    profile.write_text("员工编号: 工号\n绩效奖金: 奖金\n", encoding="utf-8")
    out = tmp_path / "import.csv"
    args = ("samples/team.csv", "--scheme", "support-center-quarterly")
    assert kpixl("payout", *args, "--out", out, "--profile", profile).returncode == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "员工编号,绩效奖金" and lines[1] == "E001,1440.00"
    coef = tmp_path / "coef.csv"
    assert kpixl("payout", *args, "--out", coef, "--coefficients-only").returncode == 0
    lines = coef.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "工号,姓名,等级,奖金系数,状态" and lines[1] == "E001,王晓燕,良好,1.2,已评分" and len(lines) == 13
