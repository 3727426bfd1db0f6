"""Rules over several periods (seed 002: 连续3个月综合排名前三 500/300/200, 后三名整改; seed 000: 连续3季度优秀)."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl.history import history


def months(rows: dict[str, list[float]], periods=("2024-01", "2024-02", "2024-03")) -> pd.DataFrame:
    out = []
    for pid, totals in rows.items():
        for p, t in zip(periods, totals, strict=True):
            if t is not None:
                out.append({"考核期间": p, "工号": pid, "姓名": f"员工{pid}", "总分": t, "等级": "优秀" if t >= 90 else "良好"})
    return pd.DataFrame(out)


def test_rewards_by_average_with_ties_all_rewarded():
    staff = k.load_scheme("service-staff")
    df = months(
        {
            "A": [95, 95, 95],  # average 95 → 1st
            "B": [90, 92, 94],  # 92 → 2nd (tied)
            "C": [94, 92, 90],  # 92 → 2nd (tied): 名次并列的同时奖励
            "D": [91, 91, 91],  # 91 → 4th: not rewarded
            "E": [99, 99, None],  # missing March: not in the 3-month ranking
            "F": [60, 61, 62],
            "G": [70, 50, 65],
        }
    )
    r = history(staff, df, published=dt.date(2024, 4, 5))
    got = dict(zip(r.rewards["工号"], r.rewards["奖励金额"], strict=True))
    assert got == {"A": 500, "B": 300, "C": 300}
    assert r.rewards.set_index("工号").loc["B", "综合排名"] == 2
    # bottom three of the latest month (March: A 95, B 94, D 91, C 90, G 65, F 62) → F, G, C,
    # due 4 days after publication
    low = r.improvement.set_index("工号")
    assert set(low.index) == {"F", "G", "C"} and set(low["整改方案截止日期"]) == {"2024-04-09"}
    assert low.loc["F", "倒数名次"] == 1


def test_a_gap_in_months_means_no_reward_and_says_so():
    staff = k.load_scheme("service-staff")
    df = months({"A": [95, 95, 95], "B": [80, 80, 80]}, periods=("2024-01", "2024-02", "2024-04"))
    r = history(staff, df, published=dt.date(2024, 5, 1))
    assert r.rewards.empty and any("不连续" in n for n in r.notes)


def test_three_excellent_quarters_promote():
    quarterly = k.load_scheme("support-center-quarterly")
    df = months({"A": [95, 92, 90], "B": [95, 85, 99], "C": [91, 93, 94]}, periods=("2024Q2", "2024Q3", "2024Q4"))
    r = history(quarterly, df)
    assert r.promotion["工号"].tolist() == ["A", "C"]
    assert r.rewards.empty and r.improvement.empty  # this scheme sets no rewards or 整改


def test_amounts_are_scheme_settings(tmp_path):
    text = resources.files("kpixl.schemes").joinpath("service-staff.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "mine.yaml"
    custom.write_text(text.replace("金额: [500, 300, 200]", "金额: [800, 400]").replace("id: service-staff", "id: mine"), encoding="utf-8")
    df = months({"A": [95, 95, 95], "B": [90, 90, 90], "C": [85, 85, 85]})
    r = history(k.load_scheme(custom), df)
    assert dict(zip(r.rewards["工号"], r.rewards["奖励金额"], strict=True)) == {"A": 800, "B": 400}


def test_bad_settings_are_located():
    base = {"id": "x", "名称": "x", "部分": [{"名称": "p", "指标": [{"名称": "i", "权重": "100%", "评分标准": "≥1(1分);<1(0分)"}]}],
            "等级": [{"等级": "好", "下限": 0, "系数": 1}]}  # fmt: skip
    with pytest.raises(k.SchemeError, match=r"多期规则.奖励.连续期数"):
        k.scheme_from_dict({**base, "多期规则": {"奖励": {"连续期数": 0, "金额": [1]}}}, "x")
    with pytest.raises(k.SchemeError, match="没有等级「优秀」"):
        k.scheme_from_dict({**base, "多期规则": {"晋升": {"等级": "优秀", "连续期数": 3}}}, "x")


def test_history_cli_over_month_files(tmp_path):
    for p, totals in (("2024-01", [95, 90, 60]), ("2024-02", [95, 91, 61]), ("2024-03", [95, 92, 62])):
        pd.DataFrame({"工号": ["A", "B", "C"], "姓名": ["甲", "乙", "丙"], "总分": totals, "等级": ["优秀", "优秀", "不合格"]}).to_csv(
            tmp_path / f"{p}.csv", index=False
        )
    out = tmp_path / "history.xlsx"
    files = [tmp_path / f"2024-0{m}.csv" for m in (1, 2, 3)]
    r = kpixl("history", *files, "--scheme", "service-staff", "--out", out, "--published", "2024-04-05")
    assert r.returncode == 0, r.stderr
    rewards = pd.read_excel(out, sheet_name="奖励", engine="calamine")
    assert rewards["奖励金额"].tolist() == [500, 300, 200]
    fix = pd.read_excel(out, sheet_name="整改", engine="calamine")
    assert fix["整改方案截止日期"].tolist()[0] == "2024-04-09"


def test_docs_period_rules_block_is_valid():
    import re
    from pathlib import Path

    import yaml

    text = (Path(__file__).parents[1] / "docs" / "month.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("多期规则:"))
    base = {"id": "x", "名称": "x", "部分": [{"名称": "p", "指标": [{"名称": "i", "权重": "100%", "评分标准": "≥1(1分);<1(0分)"}]}],
            "等级": [{"等级": "优秀", "下限": 90, "系数": 1}, {"等级": "其他", "下限": 0, "系数": 0}]}  # fmt: skip
    rules = k.scheme_from_dict({**base, **yaml.safe_load(block)}, "README").period_rules
    assert rules.reward_amounts == (500, 300, 200) and rules.bottom_due_days == 4 and rules.promote_periods == 3
