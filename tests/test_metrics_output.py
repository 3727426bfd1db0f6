"""What `kpixl metrics` writes for ops analysts: headers with units and display formats (full
precision kept in the cells), CSV numbers without float noise, names from the log or the
roster (conflicts reported), the 全队 sheet with properly weighted team figures, and the 口径
sheet stating each formula in words. Every expected figure is hand-computed here."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

from kpixl.metrics import Options, Request, compute, run
from kpixl.metrics.run import plain_numbers
from kpixl.metrics.team import team_row
from kpixl.xlsx_out import column_format

COLS = ["客服工号", "客服姓名", "会话ID", "客户ID", "会话开始", "首次回复", "结束", "是否解决", "满意度评分", "是否投诉", "回复次数", "平均回复时长"]


def named_log() -> pd.DataFrame:
    """A: 王一, three sessions; B: two names in the log (李二 first); C: no name in the log."""
    d = "2024-03-0"
    return pd.DataFrame(
        [
            ["A", "王一", "s1", "c1", f"{d}1 09:00:00", f"{d}1 09:00:10", f"{d}1 09:05:00", "是", 5, "否", 3, 20],
            ["A", "王一", "s2", "c2", f"{d}1 10:00:00", f"{d}1 10:00:20", f"{d}1 10:10:00", "是", 4, "否", 1, 41],
            ["A", "王一", "s3", "c3", f"{d}2 10:00:00", f"{d}2 10:00:30", f"{d}2 10:20:00", "否", 2, "是", 3, 50],
            ["B", "李二", "s4", "c4", f"{d}1 11:00:00", f"{d}1 11:01:00", f"{d}1 11:10:00", "是", 5, "否", 2, 30],
            ["B", "李三", "s5", "c5", f"{d}3 11:00:00", None, f"{d}3 11:02:00", "否", None, "否", None, None],
            ["C", None, "s6", "c6", f"{d}4 09:00:00", f"{d}4 09:00:05", f"{d}4 09:01:05", "是", 3, "否", 1, 5],
        ],
        columns=COLS,
    )


@pytest.fixture
def written(tmp_path):
    """The log, a roster (A with another name, C's name, D not in the log) and the .xlsx run."""
    log = tmp_path / "march.csv"
    named_log().to_csv(log, index=False)
    roster = tmp_path / "staff.csv"
    roster.write_text("工号,姓名,岗位\nA,王壹,资深\nC,赵四,新员工\nD,孙五,新员工\n", encoding="utf-8")
    out = tmp_path / "kpi.xlsx"
    result = run(Request(logs=(str(log),), out_path=str(out), period="2024-03", roster_path=str(roster), targets={"新员工": "50"}))
    return out, result


def _row(ws, header: str, agent: str | None = None):
    """The cell of column ``header`` on ``agent``'s row (the first data row without an agent)."""
    col = [c.value for c in ws[1]].index(header) + 1
    row = 2 if agent is None else next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == agent)
    return ws.cell(row, col)


def test_roster_headers_carry_units_and_cells_keep_full_precision_with_a_display_format(written):
    out, _ = written
    ws = openpyxl.load_workbook(out)["名单"]
    # header → (A's value, display format); A: replies 3, 1, 3 at 20, 41, 50 s → ART = 251 / 7
    expected = {
        "接待量(次)": (3, "0"),
        "首次响应时间(秒)": ((10 + 20 + 30) / 3, "0.0"),
        "平均响应时长(秒)": ((20 * 3 + 41 * 1 + 50 * 3) / 7, "0.0"),
        "平均处理时长(秒·会话时长均值)": ((300 + 600 + 1200) / 3, "0.0"),  # a chat log: mean session length
        "一次解决率": (2 / 3, "0.0%"),
        "客户满意度(4–5分占比)": (2 / 3, "0.0%"),  # 5 and 4 of 5, 4, 2
        "评价率": (1.0, "0.0%"),
        "投诉率": (1 / 3, "0.0%"),
        "回复率": (1.0, "0.0%"),
        "日均接待量(次/天)": (3 / 2, "0.0"),  # 2024-03-01 and 03-02
        "有效服务占比": (1.0, "0.0%"),
        "样本数·首次响应时间": (3, "0"),
        "样本数·客户满意度": (3, "0"),
    }
    for header, (value, fmt) in expected.items():
        cell = _row(ws, header, "A")
        assert cell.value == pytest.approx(value, rel=1e-14), header  # full precision
        assert cell.number_format == fmt, header
    assert _row(ws, "平均响应时长(秒)", "A").value != round(251 / 7, 1)  # the cell is not the 35.9 shown
    assert _row(ws, "目标接待量(次/天)", "C").value == 50 and _row(ws, "目标接待量(次/天)", "C").number_format == "0.0"
    assert _row(ws, "NPS(−100~100)", "A").value is None  # no source: blank, never 0


def test_column_format_reads_the_unit_at_the_end_of_a_header():
    assert [column_format(h) for h in ("首次响应时间(秒)", "平均处理时长(秒·会话时长均值)", "平均应答速度ASA(秒)")] == ["0.0"] * 3
    assert column_format("服务水平(20秒内接起占比)") == "0.0%" and column_format("客户满意度(4–5分占比)") == "0.0%"
    assert column_format("客户满意度(平均分)") == "0.00" and column_format("在线时长(小时)") == "0.00"
    assert [column_format(h) for h in ("接待量(次)", "客服人数(人)", "样本数·客户满意度", "呼入量(次)")] == ["0"] * 4
    # a scheme's input header stays as the scheme names it (the roster contract): the format shows the unit
    assert column_format("首次响应时间") == '0.0"秒"' and column_format("平均响应时长") == '0.0"秒"'
    assert column_format("日均接待量·实际接待量") == "0.0" and column_format("一次解决率") == "0.0%"
    # the results and payout contracts are unchanged
    assert (column_format("奖金"), column_format("总分"), column_format("排名"), column_format("姓名")) == ("#,##0.00", "0.00", "0", None)


def test_names_from_the_log_else_the_roster_and_conflicts_reported(written):
    out, result = written
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine", dtype={"工号": str})
    names = sheets["名单"].set_index("工号")["姓名"].to_dict()
    assert names == {"A": "王一", "B": "李二", "C": "赵四"}  # the log's first name; C's from the roster
    conflicts = [
        "工号 B 在日志中有 2 个姓名：李二、李三，写出第一个 李二 / agent B has 2 names in the log; the first is written",
        "工号 A 的姓名：日志中为 王一，名单 staff.csv 中为 王壹，写出日志的 / "
        "agent A: the log's name differs from the roster's; the log's is written",
    ]
    assert result.problems == conflicts
    assert sheets["问题清单"]["问题 / problem"].tolist() == conflicts


def test_names_come_from_the_roster_when_the_log_has_no_name_column(tmp_path):
    log = tmp_path / "march.csv"
    named_log().drop(columns="客服姓名").to_csv(log, index=False)
    roster = tmp_path / "staff.csv"
    roster.write_text("工号,姓名\nA,王一\nB,李二\nC,赵四\nC,赵肆\n", encoding="utf-8")
    out = tmp_path / "kpi.csv"
    result = run(Request(logs=(str(log),), out_path=str(out), period="2024-03", roster_path=str(roster)))
    assert pd.read_csv(out, dtype={"工号": str})["姓名"].tolist() == ["王一", "李二", "赵四"]
    assert result.problems == ["名单 staff.csv 中工号 C 有两个姓名：赵四、赵肆，用第一个 / agent C has two names in the roster; the first is used"]


def test_team_sheet_is_always_there_with_totals_and_weighted_means(written):
    out, _ = written
    ws = openpyxl.load_workbook(out)["全队"]
    # A: 3 sessions (FRT 10, 20, 30; rated 5, 4, 2), B: 2 (FRT 60; the second has no reply and no
    # rating), C: 1 (FRT 5, rated 3); days worked: A 2, B 2, C 1
    expected = {
        "客服人数(人)": (3, "0"),
        "接待量(次)": (6, "0"),
        "首次响应时间(秒)": ((10 + 20 + 30 + 60 + 5) / 5, "0.0"),
        "平均响应时长(秒)": ((60 + 41 + 150 + 60 + 5) / (7 + 2 + 1), "0.0"),  # Σ(avg × replies) ÷ Σ replies
        "平均处理时长(秒·会话时长均值)": ((300 + 600 + 1200 + 600 + 120 + 65) / 6, "0.0"),
        "一次解决率": (4 / 6, "0.0%"),  # s1 s2 s4 s6 resolved, no customer came back
        "客户满意度(4–5分占比)": (3 / 5, "0.0%"),  # not the mean of 2/3, 1 and 0
        "评价率": (5 / 6, "0.0%"),
        "投诉率": (1 / 6, "0.0%"),
        "回复率": (5 / 6, "0.0%"),
        "日均接待量(次/天)": (6 / (2 + 2 + 1), "0.0"),  # handled ÷ agent-days, not the mean of 1.5, 1, 1
        "有效服务占比": (1.0, "0.0%"),
    }
    assert _row(ws, "范围 / scope").value == "全队 / team"
    for header, (value, fmt) in expected.items():
        cell = _row(ws, header)
        assert cell.value == pytest.approx(value), header
        assert cell.number_format == fmt, header
    assert "服务水平(20秒内接起占比)" not in [c.value for c in ws[1]]  # a chat log has no queue


def calls() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "客服工号": ["A", "A", "B", None],
            "通话ID": ["k1", "k2", "k3", "k4"],
            "来电时间": ["2024-03-01 09:00:00", "2024-03-01 10:00:00", "2024-03-01 11:00:00", "2024-03-01 12:00:00"],
            "排队时长": [10, 30, None, 40],
            "通话时长": [100, 200, 50, None],
            "保持时长": [20, 0, 10, None],
            "话后处理时长": [30, 10, 0, None],
            "是否放弃": ["否", "否", "否", "是"],
        }
    )


def test_team_figures_of_a_call_log_are_weighted_by_their_own_denominators(tmp_path):
    r = compute(calls(), Options())
    team = team_row(r.per_agent)
    # A: work 150 + 210, queue 10 and 30; B: work 60, no queue time
    assert team["aht"] == pytest.approx((150 + 210 + 60) / 3)
    assert team["asa"] == pytest.approx((10 + 30) / 2)  # B's call has no queue time: not in ASA
    assert team["hold_share"] == pytest.approx((20 + 0 + 10) / 420)  # not the mean of 20/360 and 10/60
    assert team["acw_share"] == pytest.approx((30 + 10 + 0) / 420)
    out = tmp_path / "calls.xlsx"
    log = tmp_path / "calls.csv"
    calls().to_csv(log, index=False)
    run(Request(logs=(str(log),), out_path=str(out)))
    ws = openpyxl.load_workbook(out)["全队"]
    # 3 answered (2 with a queue time, 1 within 20 s) + 1 abandon counted against = 3 offered
    assert _row(ws, "服务水平(20秒内接起占比)").value == pytest.approx(1 / 3)
    assert _row(ws, "服务水平(20秒内接起占比)").number_format == "0.0%"
    assert _row(ws, "放弃率").value == pytest.approx(1 / 4) and _row(ws, "呼入量(次)").value == 3
    assert _row(ws, "平均处理时长(秒)").value == pytest.approx(140) and _row(ws, "保持占比").number_format == "0.0%"


def test_the_settings_sheet_states_each_written_metric_in_words(written):
    out, _ = written
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    settings = sheets["口径"].set_index("项目 / setting")["取值 / value"]
    metrics = [c for c in sheets["名单"].columns if c not in ("工号", "姓名", "考核期间", "岗位")]
    assert all(isinstance(settings.get(c), str) for c in metrics)  # one row per column written
    assert settings["一次解决率"] == (
        "一次解决率 = (已解决的接待会话数 − 其中同一客户 72 小时内再来的) ÷ 接待量（再来：同一客户ID 之后的有效会话，同一时刻的互为再来；"
        "占位客户ID 不算）/ FCR = (resolved handled sessions − those whose customer came back within 72 h) ÷ handled "
        "(coming back: a later valid session of the same customer id, or one at the same instant; placeholder ids never)"
    )
    assert settings["客户满意度(4–5分占比)"].startswith("客户满意度 = 评分 ≥ 4（5 分制的 4–5 分）的接待会话数 ÷ 有评分的接待会话数 / CSAT")
    assert settings["平均处理时长(秒·会话时长均值)"].startswith("平均处理时长 = 会话时长均值 = Σ(结束 − 开始) ÷ 有结束时间的接待会话数")
    assert settings["首次响应时间(秒)"].endswith("自然时间 / calendar time")
    assert "Σ分子 ÷ Σ分母" in settings["全队 / team"]


def test_the_formulas_follow_the_switches(tmp_path):
    log = tmp_path / "march.csv"
    named_log().to_csv(log, index=False)
    out = tmp_path / "kpi.xlsx"
    run(Request(logs=(str(log),), out_path=str(out), csat="mean", repeat_hours=24, frt_mode="business", skew="2s"))
    settings = pd.read_excel(out, sheet_name="口径", engine="calamine").set_index("项目 / setting")["取值 / value"]
    assert settings["客户满意度(平均分)"].startswith("客户满意度 = Σ满意度评分 ÷ 有评分的接待会话数（平均分）")
    assert "24 小时内再来" in settings["一次解决率"]
    frt = settings["首次响应时间(秒)"]
    assert "只计工作时间内的秒数" in frt and "早于开始不超过 2 秒的回复按 0 秒计" in frt
    ws = openpyxl.load_workbook(out)["名单"]
    assert _row(ws, "客户满意度(平均分)", "A").value == pytest.approx((5 + 4 + 2) / 3)
    assert _row(ws, "客户满意度(平均分)", "A").number_format == "0.00"


def test_csv_numbers_have_no_float_noise_and_keep_every_comparison():
    df = pd.DataFrame({"工号": ["A", "B"], "x": [0.1 + 0.2, 251 / 7], "n": [3, 4], "y": [float("nan"), 0.85]})
    out = plain_numbers(df)
    assert out["x"].tolist() == [0.3, 35.8571428571] and out["n"].tolist() == [3, 4]
    assert math.isnan(out["y"][0]) and out["y"][1] == 0.85
    assert df["x"][0] == 0.30000000000000004  # the table itself is not changed


def test_a_csv_roster_holds_12_significant_digits(tmp_path):
    log = tmp_path / "march.csv"
    named_log().to_csv(log, index=False)
    out = tmp_path / "kpi.csv"
    result = run(Request(logs=(str(log),), out_path=str(out)))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header, a = lines[0].split(","), dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert header[:5] == ["工号", "姓名", "考核期间", "接待量(次)", "首次响应时间(秒)"]
    assert a["平均响应时长(秒)"] == "35.8571428571" and a["一次解决率"] == "0.666666666667"
    assert result.roster.set_index("工号").loc["A", "平均响应时长(秒)"] == 251 / 7  # full precision in memory


def test_a_scheme_roster_keeps_the_scheme_headers_and_scores_from_xlsx(tmp_path):
    log = tmp_path / "march.csv"
    named_log().to_csv(log, index=False)
    roster = tmp_path / "roster.xlsx"
    r = kpixl("metrics", log, "--period", "2024-03", "--scheme", "online-agent", "--default-target", "2", "--out", roster)
    assert r.returncode == 0, r.stdout + r.stderr
    ws = openpyxl.load_workbook(roster)["名单"]
    assert _row(ws, "首次响应时间", "A").value == 20 and _row(ws, "首次响应时间", "A").number_format == '0.0"秒"'
    assert _row(ws, "一次解决率", "A").number_format == "0.0%"
    scored = tmp_path / "scored.csv"
    r = kpixl("score", roster, "--scheme", "online-agent", "--out", scored)
    assert r.returncode == 0, r.stdout + r.stderr
    res = pd.read_csv(scored, dtype={"工号": str}).set_index("工号")
    # A: FRT 20 s ≤ 30 s → 5 points; FCR 2/3 < 75% → 1 point
    assert res.loc["A", "首次响应时间得分"] == 5 and res.loc["A", "一次解决率得分"] == 1 and res.loc["A", "姓名"] == "王一"


@pytest.mark.parametrize(
    ("scheme", "csat", "reads"),
    [("service-manager", "top2", "分"), ("online-agent", "mean", "%")],  # 百分制 score; a share
)
def test_a_figure_is_not_fed_to_a_scheme_input_read_in_another_unit(tmp_path, scheme, csat, reads):
    log = tmp_path / "march.csv"
    named_log().to_csv(log, index=False)
    out = tmp_path / "kpi.csv"
    result = run(Request(logs=(str(log),), out_path=str(out), period="2024-03", scheme_id=scheme, csat=csat))
    df = pd.read_csv(out, dtype={"工号": str}).set_index("工号")
    own = "客户满意度(4–5分占比)" if csat == "top2" else "客户满意度(平均分)"
    assert df["客户满意度"].isna().all()  # left blank: scored as missing and flagged, never as 0.67 分 or 4.33%
    assert df.loc["A", own] == pytest.approx(2 / 3 if csat == "top2" else 11 / 3)
    assert f"方案的「客户满意度」按 {reads} 读，日志算出的「{own}」单位不同：没有填入（评分时按缺失处理），写在「{own}」列" in result.problems[-1]
