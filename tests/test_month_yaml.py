"""A month on a scheme written in YAML, as HR, supervisors and finance run it: build → forms from
a plain staff list → forms filled as people fill them (unit text, text numbers, 无, one untouched,
one with a hand-typed total)
→ saved by LibreOffice → collect → check → payout. Every number is computed by hand below."""

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

SCHEME = """\
id: hotline-team
名称: 热线组月度考核
绩效奖金占比: 20%
部分:
  - 名称: 业绩
    指标:
      - {名称: 接通率, 权重: 50%, 评分标准: "≥90%(100分);80%-90%(80分);<80%(50分)"}
      - {名称: 差错, 权重: 30%, 评分标准: "满分100分;发现一次扣20分;扣完为止"}
      - {名称: 服务态度, 权重: 20%, 评分标准: "1分:差;3分:一般;5分:好"}
等级:
  - {等级: 优秀, 下限: 90, 系数: 1.5}
  - {等级: 合格, 下限: 60, 系数: 1.0}
  - {等级: 不合格, 下限: 0, 系数: 0.5}
"""
STAFF = "工号,姓名,部门,绩效工资基数\nH1,甲,热线一组,6000\nH2,乙,热线一组,5000\nH3,丙,热线二组,5500\nH4,丁,热线二组,4800\n"
# H1: 95% → 100 × 50% = 50; 1 差错 → 80 × 30% = 24; 态度 4 → 4 × (20 / 5) = 16; total 90 → 优秀 1.5
# H2: 85% → 80 × 50% = 40; 2 差错 → 60 × 30% = 18; 态度 3 → 12; total 70 → 合格 1.0 (88 typed over the total)
# H3: untouched → 未提交: no total, no grade, unpaid
# H4, typed as text the way people type: "88%" → 80 × 50% = 40; "无" 差错 → 100 × 30% = 30; "5" → 20;
#     total 90 → 优秀 1.5 (H1's 差错 is typed "1次", with its unit)
FILLED = {
    "H1": {"接通率": 0.95, "差错": "1次", "服务态度": 4},
    "H2": {"接通率": 0.85, "差错": 2, "服务态度": 3},
    "H4": {"接通率": "88%", "差错": "无", "服务态度": "5"},
}


@pytest.fixture(scope="module")
def month(tmp_path_factory, soffice) -> Path:
    tmp = tmp_path_factory.mktemp("month")
    (tmp / "hotline.yaml").write_text(SCHEME, encoding="utf-8")
    (tmp / "staff.csv").write_text(STAFF, encoding="utf-8")
    assert kpixl("build", "--scheme", tmp / "hotline.yaml", "--out", tmp / "wb").returncode == 0
    r = kpixl("forms", tmp / "staff.csv", "--scheme", tmp / "hotline.yaml", "--out", tmp / "sent")
    assert r.returncode == 0, r.stdout + r.stderr
    layout = collect._form_layout(k.load_scheme(tmp / "hotline.yaml"))
    (tmp / "filled").mkdir()
    for path in sorted((tmp / "sent").iterdir()):
        wb = openpyxl.load_workbook(path)
        ws = wb[FORM]
        for header, value in FILLED.get(ws[layout["工号"]].value, {}).items():
            ws[layout[header]] = value
        wb.save(tmp / "filled" / path.name)
    saved = recalculate(sorted((tmp / "filled").iterdir()), tmp / "saved")
    h2 = next(p for p in saved if p.name.startswith("H2"))
    wb = openpyxl.load_workbook(h2)
    wb[FORM][layout["总分"]] = 88  # typed over the total formula after the spreadsheet saved it
    wb.save(h2)
    return tmp


def test_the_recalculated_forms_show_the_hand_computed_totals_and_a_blank_form_stays_blank(month):
    layout = collect._form_layout(k.load_scheme(month / "hotline.yaml"))
    shown = {}
    for path in sorted((month / "saved").iterdir()):
        ws = openpyxl.load_workbook(path, data_only=True)[FORM]
        shown[ws[layout["工号"]].value] = (ws[layout["总分"]].value, ws[layout["等级"]].value)
    assert shown["H1"] == (90, "优秀") and shown["H4"] == (90, "优秀")  # unit text and text numbers, read by the sheet
    assert shown["H2"][0] == 88  # the typed total, as the person left it
    assert shown["H3"][0] in (None, "") and shown["H3"][1] in (None, "")


def test_collect_and_check_find_the_typed_total_and_count_the_untouched_form(month):
    out = month / "summary.xlsx"
    r = kpixl("collect", month / "saved", "--out", out)
    assert r.returncode == 1, r.stdout  # the typed total is an error
    assert "1 份未提交" in r.stdout.strip().splitlines()[-1]
    summary = pd.read_excel(out, sheet_name="汇总", dtype={"工号": str}, engine="calamine").set_index("工号")
    assert summary.loc["H1", "总分"] == 90 and summary.loc["H1", "等级"] == "优秀"
    assert summary.loc["H2", "总分"] == 70 and summary.loc["H2", "等级"] == "合格"  # never the typed 88
    assert summary.loc["H4", "总分"] == 90 and summary.loc["H4", "等级"] == "优秀"
    assert pd.isna(summary.loc["H3", "总分"]) and summary.loc["H3", "标记"] == "未提交"
    top = pd.read_excel(out, sheet_name="问题清单", engine="calamine", header=None).iloc[0, 0]
    assert top.startswith("1 份未提交 · 1 处手填总分/等级与计算不符"), top
    layout = collect._form_layout(k.load_scheme(month / "hotline.yaml"))
    r = kpixl("check", month / "saved", "--format", "json")
    assert r.returncode == 1
    import json

    typed = [f for f in json.loads(r.stdout) if "总分填写为 88" in f["message"]]
    assert typed and typed[0]["cell"] == layout["总分"] and typed[0]["file"].endswith(".xlsx") and "H2" in typed[0]["file"]


def test_payout_refuses_the_untouched_person_unless_named_and_pays_the_others(month):
    summary = month / "summary.xlsx"
    if not summary.exists():
        kpixl("collect", month / "saved", "--out", summary)
    out = month / "pay.csv"
    r = kpixl("payout", summary, "--scheme", month / "hotline.yaml", "--roster", month / "staff.csv", "--out", out)
    assert r.returncode == 1 and "H3" in r.stdout + r.stderr and "--unpaid" in r.stdout + r.stderr
    assert not out.exists()
    r = kpixl("payout", summary, "--scheme", month / "hotline.yaml", "--roster", month / "staff.csv", "--out", out, "--unpaid", "H3")
    assert r.returncode == 0, r.stdout + r.stderr
    table = pd.read_csv(out, dtype={"工号": str}).set_index("工号")
    assert table.loc["H1", "奖金"] == 1800  # 6000 × 20% × 1.5
    assert table.loc["H2", "奖金"] == 1000  # 5000 × 20% × 1.0
    assert table.loc["H4", "奖金"] == 1440  # 4800 × 20% × 1.5
    assert table.loc["H3", "状态"] == "未提交" and pd.isna(table.loc["H3", "奖金"])
    assert table.loc["合计", "奖金"] == 4240 and table.loc["合计", "绩效工资基数"] == 15800
