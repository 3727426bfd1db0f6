"""The CLI driven as a user drives it: real `kpixl` processes, real files, exit codes."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def kpixl(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "kpixl", *map(str, args)], cwd=cwd, capture_output=True, text=True, encoding="utf-8")


def test_schemes_lists_the_nine():
    r = kpixl("schemes")
    assert r.returncode == 0
    for sid in ("support-center-quarterly", "kpi-pay-tier", "service-staff", "online-agent"):
        assert sid in r.stdout


def test_show_prints_canonical_rules_and_headers():
    r = kpixl("show", "support-center-quarterly")
    assert r.returncode == 0
    assert "≥90%(5分);≥80%且<90%(3分);<80%(1分)" in r.stdout
    assert "工号, 姓名, 部门, 岗位, 考核期间, 服务规范度" in r.stdout


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_roster_then_score_round_trip(tmp_path, suffix):
    empty = tmp_path / f"roster{suffix}"
    assert kpixl("roster", "kpi-pay-tier", "--out", empty).returncode == 0
    df = pd.read_csv(empty) if suffix == ".csv" else pd.read_excel(empty, engine="openpyxl")
    assert list(df.columns) == [
        "工号",
        "姓名",
        "部门",
        "岗位",
        "考核期间",
        "指标完成率·实际销售额",
        "指标完成率·计划销售额",
        "最终咨询付款转化率·最终下单付款人数",
        "最终咨询付款转化率·咨询人数",
        "客单价",
        "客服回复率",
        "客服响应时间",
        "出勤",
    ]
    filled = pd.DataFrame([["007", "小王", "", "", "2024-03", 100, 100, 45, 100, 250, "98%", 35, 0]], columns=df.columns)
    src = tmp_path / f"filled{suffix}"
    filled.to_csv(src, index=False, encoding="utf-8-sig") if suffix == ".csv" else filled.to_excel(src, index=False)
    out = tmp_path / f"results{suffix}"
    r = kpixl("score", src, "--scheme", "kpi-pay-tier", "--out", out)
    assert r.returncode == 0, r.stderr
    res = pd.read_csv(out, dtype={"工号": str}) if suffix == ".csv" else pd.read_excel(out, dtype={"工号": str}, engine="openpyxl")
    assert res.loc[0, "工号"] == "007"  # leading zeros kept
    assert res.loc[0, "总分"] == 100 and res.loc[0, "等级"] == "金牌客服"


def test_score_sample_team_prints_table(tmp_path):
    r = kpixl("score", "samples/team.csv", "--scheme", "support-center-quarterly", "--out", tmp_path / "r.csv")
    assert r.returncode == 0
    assert "王晓燕" in r.stdout and "良好" in r.stdout and "12 人已评分" in r.stdout
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM so Excel in China opens it


def test_input_errors_exit_1_and_are_listed(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "工号,姓名,服务规范度,问题解决能力,平均响应时长,一次解决率,客户满意度,投诉率,跨部门协作响应速度\n1,甲,4,5,28,九十,92%,0,30\n",
        encoding="utf-8",
    )
    r = kpixl("score", bad, "--scheme", "support-center-quarterly")
    assert r.returncode == 1
    assert "第2行 列「一次解决率」" in r.stderr and "九十" in r.stderr


def test_gbk_csv_from_chinese_excel(tmp_path):
    src = tmp_path / "gbk.csv"
    src.write_bytes(
        ("工号,姓名,服务规范度,问题解决能力,平均响应时长,一次解决率,客户满意度,投诉率,跨部门协作响应速度\n1,张三,5,5,20,95%,96%,0,10\n").encode("gbk")
    )
    r = kpixl("score", src, "--scheme", "support-center-quarterly")
    assert r.returncode == 0 and "张三" in r.stdout


def test_usage_errors_exit_2():
    assert kpixl("score", "samples/team.csv").returncode == 2
    assert kpixl("no-such-verb").returncode == 2


def test_unknown_scheme_exits_1():
    r = kpixl("show", "nope")
    assert r.returncode == 1 and "没有内置方案" in r.stderr


def test_never_overwrites_the_input(tmp_path):
    src = tmp_path / "team.csv"
    src.write_bytes((ROOT / "samples/team.csv").read_bytes())
    before = src.read_bytes()
    r = kpixl("score", src, "--scheme", "support-center-quarterly", "--out", src)
    assert r.returncode == 1 and "不会覆盖输入文件" in r.stderr
    assert src.read_bytes() == before


def test_explain():
    r = kpixl("explain", "--rule", "≤30秒(5分);30-60秒(3分);>60秒(1分)", "28秒", "45")
    assert r.returncode == 0
    assert "28秒 ≤ 30秒 → 5分" in r.stdout and "30秒 < 45秒 ≤ 60秒 → 3分" in r.stdout
    r = kpixl("explain", "--rule", "发现一次扣2分", "--max-points", "5", "3")
    assert "扣2分×3次=6分，得分 0（扣完为止）" in r.stdout
    r = kpixl("explain", "--rule", "达到80%以上10分;低于75%,0分", "0.78")
    assert r.returncode == 1 and "75%–80% 没有对应分值" in r.stderr
