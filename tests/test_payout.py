"""kpixl payout: 奖金 = 基数 × 占比 × 奖金系数 to the cent as Excel rounds, safe CSV for finance."""

from __future__ import annotations

from pathlib import Path

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
