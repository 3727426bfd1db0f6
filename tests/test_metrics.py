"""KPI metrics from session logs: every figure hand-computed in the test, every switch, bad rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_cli import kpixl

from kpixl import KpixlError
from kpixl.metrics import Options, compute, period_bounds

COLS = ["客服工号", "会话ID", "客户ID", "会话开始", "首次回复", "结束", "是否解决", "满意度评分", "是否投诉", "回复次数", "平均回复时长"]


def chat_log() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["A", "s1", "c1", "2024-03-01 09:00:00", "2024-03-01 09:00:20", "2024-03-01 09:10:00", "是", 5, "否", 4, 30],
            ["A", "s2", "c2", "2024-03-01 10:00:00", "2024-03-01 10:00:40", "2024-03-01 10:05:00", "是", 3, "否", 2, 60],
            # c1 comes back 24 h later: s1 was not resolved at first contact
            ["A", "s3", "c1", "2024-03-02 09:00:00", "2024-03-02 09:01:00", "2024-03-02 09:20:00", "否", None, "是", 1, 90],
            ["B", "s4", "c3", "2024-03-01 11:00:00", "2024-03-01 11:00:10", "2024-03-01 11:02:00", "是", 4, "否", 1, 10],
            ["B", "s5", "c4", "2024-03-05 11:00:00", "2024-03-05 10:59:00", "2024-03-05 11:02:00", "是", 4, "否", 1, 10],  # reply before start
            ["B", "s6", "c5", "bad time", None, None, "是", 4, "否", 1, 10],  # unreadable
            ["A", "s7", "c9", "2024-04-01 09:00:00", "2024-04-01 09:00:05", "2024-04-01 09:05:00", "是", 5, "否", 1, 5],  # April
            # spans midnight, counts in March where it began; c7 contacts again 80 h later (outside 72 h)
            ["B", "s8", "c7", "2024-03-31 23:50:00", "2024-03-31 23:50:30", "2024-04-01 00:20:00", "是", 5, "否", 2, 20],
            ["B", "s4", "c3", "2024-03-01 11:00:00", "2024-03-01 11:00:10", "2024-03-01 11:02:00", "是", 4, "否", 1, 10],  # duplicate id
        ],
        columns=COLS,
    )


def test_chat_metrics_hand_computed():
    r = compute(chat_log(), Options(period="2024-03"))
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["handled"] == 3
    assert a["frt"] == 40  # (20 + 40 + 60) / 3
    assert a["art"] == pytest.approx(330 / 7)  # (30×4 + 60×2 + 90×1) / (4 + 2 + 1)
    assert a["fcr"] == pytest.approx(1 / 3)  # s2 only (s1 repeated within 72 h, s3 unresolved)
    assert a["csat"] == 0.5 and a["csat_rate"] == pytest.approx(2 / 3)  # top-2-box: 5 yes, 3 no; 2 of 3 rated
    assert a["complaint_rate"] == pytest.approx(1 / 3)
    assert a["daily"] == 1.5  # 3 sessions on 2 days
    b = r.per_agent.set_index("工号").loc["B"]
    assert b["handled"] == 3  # s4, s5 and s8 (s6 excluded; the repeated s4 is a duplicate)
    # s5's reply "before" its start leaves it out of FRT only: (10 + 30) / 2; all three resolved, no repeat
    assert b["frt"] == 20 and b["frt_n"] == 2 and b["fcr"] == 1.0
    assert b["valid_share"] == pytest.approx(3 / 4)  # 4 usable March rows, one a duplicate
    assert r.problems == [
        "第7行「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
        "第6行: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
    ]
    assert r.excluded_by == {"「会话开始」无法识别的时间": 1}
    assert r.left_out == {"首次回复早于会话开始，不计入首次响应时间": 1}
    assert (r.rows, r.excluded, r.usable) == (9, 1, 7)  # s1 s2 s3 s4 s5 s8 and the repeated s4; s7 is April


def test_csat_mean_and_repeat_window_switches():
    r = compute(chat_log(), Options(period="2024-03", csat="mean", repeat_hours=12))
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["csat"] == 4  # (5 + 3) / 2
    assert a["fcr"] == pytest.approx(2 / 3)  # with a 12 h window c1's return after 24 h no longer counts


def calls() -> pd.DataFrame:
    rows = [
        # agent, start, queue s, abandoned, talk, hold, acw, nps
        ["A", "2024-03-01 09:00", 10, "否", 300, 30, 60, 10],
        ["A", "2024-03-01 09:10", 25, "否", 200, 0, 40, 9],
        ["B", "2024-03-01 09:20", 5, "否", 100, 20, 30, 3],
        [None, "2024-03-01 09:30", 3, "是", None, None, None, None],  # short abandon (≤5 s)
        [None, "2024-03-01 09:40", 40, "是", None, None, None, None],  # abandon after 40 s
    ]
    return pd.DataFrame(rows, columns=["坐席", "开始时间", "排队时长", "是否放弃", "通话时长", "保持时长", "话后处理时长", "推荐评分"])


@pytest.mark.parametrize(
    ("mode", "sl", "abandon"),
    [
        ("against", 2 / 5, 2 / 5),  # within 20 s: 2 of 3 answered; offered = 3 answered + 2 abandons
        ("ignore", 2 / 3, 2 / 5),  # offered = answered only
        ("short", 2 / 4, 1 / 4),  # the 3 s abandon is not an offered call
    ],
)
def test_service_level_variants(mode, sl, abandon):
    r = compute(calls(), Options(sl_seconds=20, abandon_mode=mode, short_abandon_seconds=5), mapping={"agent": "坐席"})
    assert r.team["service_level"] == pytest.approx(sl)
    assert r.team["abandon_rate"] == pytest.approx(abandon)


def test_aht_nps_and_all_abandoned():
    r = compute(calls(), Options(), mapping={"agent": "坐席"})
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["aht"] == (300 + 30 + 60 + 200 + 0 + 40) / 2
    assert a["nps"] == 100  # two promoters (10, 9)
    assert r.per_agent.set_index("工号").loc["B", "nps"] == -100  # one detractor
    only_abandons = calls().iloc[3:]
    r = compute(only_abandons, Options(), mapping={"agent": "坐席"})
    assert r.per_agent.empty and r.team["service_level"] == 0 and r.team["abandon_rate"] == 1


def test_periods_and_missing_columns():
    assert period_bounds("2024Q1") == (pd.Timestamp(2024, 1, 1), pd.Timestamp(2024, 4, 1))
    assert period_bounds("2024-03-01..2024-03-15")[1] == pd.Timestamp(2024, 3, 16)
    with pytest.raises(KpixlError, match="考核期间"):
        period_bounds("三月")
    with pytest.raises(KpixlError, match="客服工号"):
        compute(pd.DataFrame({"x": [1]}))


def test_end_to_end_log_to_scored_team(tmp_path):
    log = tmp_path / "march.csv"
    chat_log().to_csv(log, index=False)
    roster = tmp_path / "roster.csv"
    r = kpixl("metrics", log, "--period", "2024-03", "--scheme", "online-agent", "--default-target", "2", "--out", roster)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "第7行" in r.stdout and "1 行已排除，1 行只在一项指标中不计" in r.stdout  # the bad time; s5's FRT
    df = pd.read_csv(roster, dtype={"工号": str})
    assert {"首次响应时间", "平均响应时长", "日均接待量·实际接待量", "日均接待量·目标接待量", "一次解决率", "客户满意度", "投诉率"} <= set(df.columns)
    assert df.set_index("工号").loc["A", "首次响应时间"] == 40 and df["样本数·首次响应时间"].tolist() == [3, 2]
    scored = tmp_path / "scored.csv"
    r = kpixl("score", roster, "--scheme", "online-agent", "--out", scored)
    assert r.returncode == 0, r.stdout + r.stderr
    res = pd.read_csv(scored, dtype={"工号": str}).set_index("工号")
    # A: FRT 40 s → 4 points; 操作规范 and 二次跟进完成率 are not in any log: scored as missing and flagged
    assert res.loc["A", "首次响应时间得分"] == 4 and "缺失:操作规范" in res.loc["A", "标记"]
    assert not math.isnan(res.loc["A", "总分"])


# ----------------------------------------------------------------------------- one engine, any input
def _same(a, b) -> None:
    assert a.problems == b.problems
    assert a.excluded == b.excluded
    assert a.team.keys() == b.team.keys()
    for k in a.team:
        assert a.team[k] == pytest.approx(b.team[k], nan_ok=True)
    pa, pb = a.per_agent.reset_index(drop=True), b.per_agent.reset_index(drop=True)
    assert list(pa.columns) == list(pb.columns)
    for c in pa.columns:
        if pa[c].dtype.kind in "fi":
            assert pa[c].to_numpy(dtype=float) == pytest.approx(pb[c].to_numpy(dtype=float), nan_ok=True), c
        else:
            assert pa[c].tolist() == pb[c].tolist(), c


@pytest.mark.parametrize(
    ("make", "options", "mapping"),
    [
        (chat_log, Options(period="2024-03"), {}),
        (chat_log, Options(period="2024-03", csat="mean", repeat_hours=12), {}),
        (calls, Options(abandon_mode="short"), {"agent": "坐席"}),
        (calls, Options(abandon_mode="ignore", sl_seconds=10), {"agent": "坐席"}),
    ],
)
def test_a_table_and_its_csv_file_give_the_same_result(tmp_path, make, options, mapping):
    path = tmp_path / "log.csv"
    make().to_csv(path, index=False)
    _same(compute(pd.read_csv(path, dtype=str), options, mapping=mapping), compute([path], options, mapping=mapping))


def _random_log(seed: int, n: int = 400) -> pd.DataFrame:
    import random

    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        start = pd.Timestamp(2024, 2, 27) + pd.Timedelta(minutes=rng.randrange(60 * 24 * 40) // rng.choice([1, 1, 720]))
        first = start + pd.Timedelta(seconds=rng.randrange(-30, 300))
        end = start + pd.Timedelta(seconds=rng.randrange(-60, 3600))
        fmt = rng.choice(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"])
        rows.append(
            {
                "客服工号": rng.choice(["A", "B", "C", " A", "B\t"]) if rng.random() < 0.92 else rng.choice(["", None]),
                "会话ID": f"s{rng.randrange(n)}" + rng.choice(["", "", "", " ", "\t"]),
                "客户ID": rng.choice(["", "", "\t", "\u3000"]) + f"c{rng.randrange(n // 4)}" if rng.random() < 0.9 else None,
                "会话开始": start.strftime(fmt) if rng.random() < 0.97 else rng.choice(["坏", "", None]),
                "首次回复": first.strftime(fmt) if rng.random() < 0.9 else None,
                "结束": end.strftime(fmt) if rng.random() < 0.97 else "x",
                "是否解决": rng.choice(["是", "否", "", "1", "0", " 是", "YES"]) if rng.random() < 0.97 else "已处理",
                "满意度评分": rng.choice(["5", "4", "3", "1", "", None, " 4 ", "未评价"]) if rng.random() < 0.96 else rng.choice(["五星", "inf"]),
                "推荐评分": rng.choice(["10", "9", "7", "3", None]),
                "是否投诉": rng.choice(["是", "否", None]),
                "是否放弃": rng.choice(["否"] * 8 + ["是"]),
                "是否测试": rng.choice(["否"] * 15 + ["是"]),
                "排队时长": str(rng.randrange(0, 60)) if rng.random() < 0.8 else None,
                "回复次数": str(rng.randrange(1, 6)) if rng.random() < 0.8 else None,
                "平均回复时长": str(rng.randrange(1, 120)) if rng.random() < 0.8 else None,
                "首次回复为机器人": rng.choice(["否"] * 6 + ["是"]),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("period", [None, "2024-03"])
def test_a_table_and_its_csv_file_agree_on_random_logs(tmp_path, seed, period):
    from kpixl.metrics import BusinessHours

    path = tmp_path / "log.csv"
    _random_log(seed).to_csv(path, index=False)
    hours = BusinessHours.parse("08:30-12:00,13:00-17:30", "1-6", ("2024-03-08",), ("2024-03-10",)) if seed == 3 else None
    options = Options(period=period, abandon_mode="short", business_hours=hours)
    _same(compute(pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None}), options), compute([path], options))


def test_csv_xlsx_and_parquet_give_the_same_figures_and_problems(tmp_path):
    import duckdb

    csv = tmp_path / "log.csv"
    chat_log().to_csv(csv, index=False)
    xlsx = tmp_path / "log.xlsx"
    chat_log().to_excel(xlsx, index=False)
    parquet = tmp_path / "log.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv}', all_varchar=true)) TO '{parquet}' (FORMAT PARQUET)")
    rows = {
        csv: [
            "第7行「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
            "第6行: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
        ],
        xlsx: [
            "第7行「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
            "第6行: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
        ],
        parquet: [  # Parquet rows are numbered as records, from 1
            "第6条记录「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
            "第5条记录: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
        ],
    }
    outs = []
    for src, problems in rows.items():
        r = compute(src, Options(period="2024-03"))
        assert r.problems == problems, src.name
        a = r.per_agent.set_index("工号").loc["A"]
        assert (a["handled"], a["frt"], a["daily"]) == (3, 40, 1.5)  # as in test_chat_metrics_hand_computed
        out = tmp_path / f"{src.suffix[1:]}.csv"
        run = kpixl("metrics", src, "--period", "2024-03", "--out", out)
        assert run.returncode == 0, run.stdout + run.stderr
        outs.append(pd.read_csv(out, dtype={"工号": str}))
    pd.testing.assert_frame_equal(outs[0], outs[1], check_dtype=False)
    pd.testing.assert_frame_equal(outs[0], outs[2], check_dtype=False)


def test_bad_target_is_a_clear_error(tmp_path):
    log = tmp_path / "log.csv"
    chat_log().to_csv(log, index=False)
    r = kpixl("metrics", log, "--target", "新员工=五十", "--out", tmp_path / "r.csv")
    assert r.returncode == 1 and "五十" in r.stdout + r.stderr and "Traceback" not in r.stderr


# ----------------------------------------------------------------------------- what a real export holds
def test_unreadable_flags_and_numbers_are_reported_never_scored_as_no():
    log = chat_log().iloc[:4].astype(object)
    log.loc[1, "是否解决"] = "已处理"  # neither yes nor no
    log.loc[2, "满意度评分"] = "五星"  # not a number
    log.loc[3, "满意度评分"] = "未评价"  # not rated: a blank, not a problem
    r = compute(log, Options(period="2024-03"))
    assert r.problems == [
        "第3行「是否解决」: 无法识别的是/否 '已处理' / not a yes/no value",
        "第4行「满意度评分」: 无法识别的数值 '五星' / not a number",
    ]
    assert r.excluded == 2
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["handled"] == 1  # s1 only
    b = r.per_agent.set_index("工号").loc["B"]
    assert b["handled"] == 1 and b["csat_rate"] == 0  # 未评价 is not rated


def test_numeric_yes_no_columns_from_xlsx():
    times = ["2024-03-01 09:00", "2024-03-01 10:00", "2024-03-01 11:00", "2024-03-01 12:00"]
    log = pd.DataFrame({"客服工号": "A", "会话开始": times, "是否解决": [1.0, 0.0, None, 2.0]})
    r = compute(log)
    assert r.problems == ["第5行「是否解决」: 无法识别的是/否 2 / not a yes/no value"]
    a = r.per_agent.loc[0]
    assert a["handled"] == 3 and a["fcr"] == pytest.approx(1 / 3)  # 1 yes, 0 and blank no, 2 left out


def test_a_table_with_category_columns_reads_as_text():
    log = chat_log().astype({"客服工号": "category", "是否解决": "category"})
    a = compute(log, Options(period="2024-03")).per_agent.set_index("工号").loc["A"]
    assert a["handled"] == 3 and a["fcr"] == pytest.approx(1 / 3)  # as in test_chat_metrics_hand_computed


def test_contacts_at_the_same_instant_are_repeats_of_each_other():
    log = chat_log().iloc[:2].copy()
    log.loc[1, ["客户ID", "会话开始"]] = ["c1", "2024-03-01 09:00:00"]  # c1 twice at 09:00
    log.loc[1, "首次回复"] = "2024-03-01 09:00:40"
    r = compute(log, Options(period="2024-03"))
    assert r.per_agent.loc[0, "fcr"] == 0  # both resolved, neither at first contact


def _bh_log() -> pd.DataFrame:
    rows = [
        ["A", "b1", "c1", "2024-03-01 17:50:00", "2024-03-04 09:10:00"],  # Friday evening → Monday morning
        ["A", "b2", "c2", "2024-03-02 10:00:00", "2024-03-02 10:05:00"],  # Saturday
        ["A", "b3", "c3", "2024-03-04 08:30:00", "2024-03-04 09:02:00"],  # before opening
        ["B", "b4", "c4", "2024-03-05 11:55:00", "2024-03-05 13:40:00"],  # across lunch
    ]
    return pd.DataFrame(rows, columns=["客服工号", "会话ID", "客户ID", "会话开始", "首次回复"])


@pytest.mark.parametrize(
    ("hours", "holidays", "workdays", "frt_a", "frt_b"),
    [
        # A: Fri 17:50→Mon 09:10 = 10 + 10 min; Saturday counts nothing; 08:30→09:02 = 2 min. B: 11:55→13:40
        ("09:00-18:00", (), (), (600 + 600 + 0 + 120) / 3, 6300),
        ("09:00-18:00", ("2024-03-04",), (), (600 + 0 + 0) / 3, 6300),  # Monday a holiday
        # Saturday a make-up working day: its 9 hours count inside b1's wait, b2 waits 5 minutes
        ("09:00-18:00", (), ("2024-03-02",), (600 + 9 * 3600 + 600 + 300 + 120) / 3, 6300),
        ("09:00-12:00,13:30-18:00", (), (), (1200 + 0 + 120) / 3, 300 + 600),  # lunch 12:00-13:30 does not count
    ],
)
def test_frt_in_business_hours(tmp_path, hours, holidays, workdays, frt_a, frt_b):
    from kpixl.metrics import BusinessHours

    o = Options(period="2024-03", business_hours=BusinessHours.parse(hours, "1-5", holidays, workdays))
    r = compute(_bh_log(), o)
    frt = r.per_agent.set_index("工号")["frt"]
    assert frt["A"] == pytest.approx(frt_a) and frt["B"] == pytest.approx(frt_b)
    path = tmp_path / "bh.csv"
    _bh_log().to_csv(path, index=False)
    _same(r, compute([path], o))


def test_business_hours_options_are_checked():
    from kpixl.metrics import BusinessHours

    for bad in ("9-18", "18:00-09:00", "09:00-12:00,11:00-13:00"):
        with pytest.raises(KpixlError, match="工作时间"):
            BusinessHours.parse(bad)
    with pytest.raises(KpixlError, match="--holiday"):
        BusinessHours.parse(holidays=("十一",))
    with pytest.raises(KpixlError, match="工作日"):
        BusinessHours.parse(weekdays="Mon-Fri")
    import datetime as dt

    with pytest.raises(KpixlError, match="写错年份"):  # a reply typed in year 9024 would build a 7,000-year calendar
        BusinessHours.parse().calendar(dt.date(2024, 3, 1), dt.date(9024, 3, 1))


def test_occupancy_from_login_times_and_from_online_hours(tmp_path):
    from kpixl.metrics import add_occupancy, staffed_seconds

    r = compute(calls(), Options(period="2024-03"), mapping={"agent": "坐席"})
    logins = pd.DataFrame(
        [
            ["A", "2024-03-01 09:00", "2024-03-01 10:00", 600],  # 3600 s less 600 s of breaks
            ["A", "2024-02-29 23:00", "2024-03-01 00:30", 0],  # only the 30 minutes in March count
            ["B", "2024-03-01 12:00", "2024-03-01 11:00", 0],  # logout before login: reported, left out
            ["B", "2024-03-01 09:00", "2024-03-01 09:30", None],
        ],
        columns=["工号", "登录时间", "登出时间", "小休时长"],
    )
    staffed, problems = staffed_seconds(logins, "2024-03", name="login.csv")
    assert staffed.to_dict() == {"A": 3000 + 1800, "B": 1800}
    assert problems == ["在线记录 login.csv 第4行: 登出早于登录 / logout before login"]
    occ = add_occupancy(r, staffed).per_agent.set_index("工号")
    assert occ.loc["A", "occupancy"] == pytest.approx((300 + 30 + 60 + 200 + 0 + 40) / 4800)
    assert occ.loc["B", "occupancy"] == pytest.approx((100 + 20 + 30) / 1800)
    hours = pd.DataFrame({"客服工号": ["A", "A", "B"], "日期": ["2024-03-01", "2024-04-01", "2024-03-02"], "在线时长": ["1.5小时", 3600, "半天"]})
    staffed, problems = staffed_seconds(hours, "2024-03")
    assert staffed.to_dict() == {"A": 5400}  # April left out; B's 半天 is not a duration
    assert len(problems) == 1 and problems[0].startswith("在线记录 第4行「在线时长」")


def test_cli_occupancy_business_hours_and_problems_file(tmp_path):
    log = tmp_path / "calls.csv"
    calls().to_csv(log, index=False)
    presence = tmp_path / "login.csv"
    logins = {"工号": ["A", "B"], "登录时间": ["2024-03-01 08:00"] * 2, "登出时间": ["2024-03-01 18:00", "2024-03-01 08:30"]}
    pd.DataFrame(logins).to_csv(presence, index=False)
    out, problems = tmp_path / "roster.xlsx", tmp_path / "problems.csv"
    r = kpixl("metrics", log, "--map", "agent=坐席", "--period", "2024-03", "--presence", presence, "--problems", problems, "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    df = pd.read_excel(out, dtype={"工号": str}, engine="calamine").set_index("工号")
    assert df.loc["A", "占用率"] == pytest.approx(630 / 36000) and df.loc["B", "在线时长(小时)"] == 0.5
    assert pd.read_csv(problems).empty  # nothing was excluded
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(sheets) == ["名单", "口径", "全队"]  # how the figures were made; the team's service level
    assert sheets["全队"].loc[0, "服务水平(20秒内接起占比)"] == pytest.approx(2 / 5)  # 2 of 3 answered within 20 s, 2 abandons counted against
    settings = sheets["口径"].set_index("项目 / setting")["取值 / value"]
    assert "calendar" in settings["首次响应时间计时 / FRT clock"]
    assert settings["列映射 / columns read"] == (
        # 坐席 (an alias of agent_name) is mapped to agent: the agents' ids are not taken for their names
        "agent ← 坐席；created_at ← 开始时间；nps ← 推荐评分；queue_seconds ← 排队时长；abandoned ← 是否放弃；"
        "talk_seconds ← 通话时长；hold_seconds ← 保持时长；acw_seconds ← 话后处理时长"
    )
    assert settings["日均接待目标 / daily targets"] == "无 / none"


def test_presence_ids_with_leading_zeros_match_the_log(tmp_path):
    log = tmp_path / "calls.csv"
    calls().assign(坐席=["007", "007", "010", None, None]).to_csv(log, index=False)
    presence = tmp_path / "login.csv"
    logins = {"客服工号": ["007", "010"], "登录时间": ["2024-03-01 08:00"] * 2, "登出时间": ["2024-03-01 09:00", "2024-03-01 08:30"]}
    pd.DataFrame(logins).to_csv(presence, index=False)
    out = tmp_path / "r.csv"
    r = kpixl("metrics", log, "--map", "agent=坐席", "--presence", presence, "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    occupancy = pd.read_csv(out, dtype={"工号": str}).set_index("工号")["占用率"]
    assert occupancy["007"] == pytest.approx(630 / 3600) and occupancy["010"] == pytest.approx(150 / 1800)


def test_several_files_name_the_file_and_its_own_line(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    chat_log().iloc[:3].to_csv(a, index=False)
    chat_log().iloc[3:].to_csv(b, index=False)  # its bad rows are its lines 3 and 4
    r = kpixl("metrics", a, b, "--period", "2024-03", "--out", tmp_path / "r.csv")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "b.csv 第4行「会话开始」" in r.stdout and "b.csv 第3行: 首次回复早于会话开始" in r.stdout
    db = compute([a, b], Options(period="2024-03"))
    assert db.problems == [
        "b.csv 第4行「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
        "b.csv 第3行: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
    ]
    import duckdb  # Parquet rows are numbered as records, from 1

    pa, pb = tmp_path / "a.parquet", tmp_path / "b.parquet"
    for src, dst in ((a, pa), (b, pb)):
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{src}', all_varchar=true)) TO '{dst}' (FORMAT PARQUET)")
    assert compute([pa, pb], Options(period="2024-03")).problems == [
        "b.parquet 第3条记录「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp",
        "b.parquet 第2条记录: 首次回复早于会话开始，不计入首次响应时间 / reply before the session started: left out of FRT only",
    ]


def test_leading_zero_agent_ids_and_gbk_exports(tmp_path):
    log = chat_log()
    log["客服工号"] = log["客服工号"].map({"A": "007", "B": "010"})
    path = tmp_path / "gbk.csv"
    log.to_csv(path, index=False, encoding="gb18030")
    out = tmp_path / "r.csv"
    r = kpixl("metrics", path, "--period", "2024-03", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert pd.read_csv(out, dtype=str)["工号"].tolist() == ["007", "010"]
    assert compute([path], Options(period="2024-03")).per_agent["工号"].tolist() == ["007", "010"]


def test_english_headers_equal_to_internal_names(tmp_path):
    log = chat_log().rename(columns={"客服工号": "agent", "会话ID": "session_id", "客户ID": "customer", "会话开始": "created_at",
                                     "首次回复": "first_reply_at", "结束": "ended_at", "是否解决": "resolved", "满意度评分": "csat",
                                     "是否投诉": "complaint", "回复次数": "replies", "平均回复时长": "avg_reply_seconds"})  # fmt: skip
    path = tmp_path / "en.csv"
    log.to_csv(path, index=False)
    o = Options(period="2024-03")
    _same(compute(pd.read_csv(path, dtype=str), o), compute([path], o))
    assert compute([path], o).per_agent.set_index("工号").loc["A", "frt"] == 40


def test_mapping_file_and_unknown_fields(tmp_path):
    log = tmp_path / "calls.csv"
    calls().rename(columns={"开始时间": "进线时间"}).to_csv(log, index=False)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("# 字段: 导出表头\nagent: 坐席\ncreated_at: 进线时间\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    r = kpixl("metrics", log, "--map-file", mapping, "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert pd.read_csv(out, dtype={"工号": str})["接待量(次)"].tolist() == [2, 1]
    r = kpixl("metrics", log, "--map-file", mapping, "--map", "agnet=坐席", "--out", out)
    assert r.returncode == 1 and "agnet" in r.stdout + r.stderr and "Traceback" not in r.stderr
    mapping.write_text("- agent\n", encoding="utf-8")
    r = kpixl("metrics", log, "--map-file", mapping, "--out", out)
    assert r.returncode == 1 and "字段: 表头" in r.stdout + r.stderr


def test_timestamp_forms_both_engines_read_alike(tmp_path):
    forms = ["2024-03-01 10:00:00+08", "2024-03-01T10:00:00+08:00", "2024-03-01T10:00:00Z", "2024-03-01 10:00:00 UTC",
             "2024-3-1 10:0:0", "2024/03/01 10:00", "2024-03-01T10:00", " 2024-03-01 10:00:00\t", "2024-03-01"]  # fmt: skip
    log = pd.DataFrame({"客服工号": "A", "会话开始": forms, "首次回复": "2024-03-01 10:00:30"})
    path = tmp_path / "forms.csv"
    log.to_csv(path, index=False)
    o = Options(period="2024-03")
    r = compute(pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None}), o)
    _same(r, compute([path], o))
    # a zone suffix is dropped and the time kept as written; a bare date is midnight
    assert r.problems == [] and r.per_agent.loc[0, "handled"] == 9
    assert r.per_agent.loc[0, "frt"] == pytest.approx((8 * 30 + (10 * 3600 + 30)) / 9)


def test_xlsx_export_with_number_ids_date_cells_and_number_flags(tmp_path):
    import datetime as dt

    rows = [
        [1001, "s1", 5001, dt.datetime(2024, 3, 1, 9, 0, 0), dt.datetime(2024, 3, 1, 9, 0, 30), 1, 5],
        [1001, "s2", 5002, dt.datetime(2024, 3, 2, 9, 0, 0), dt.datetime(2024, 3, 2, 9, 1, 0), 0, None],
        [1002, "s3", 5001, dt.datetime(2024, 3, 2, 10, 0, 0), dt.datetime(2024, 3, 2, 10, 0, 10), 1, 4],  # 5001 again
        [1002, "s4", 5004, "2024-03-05 08:00", "2024-03-05 08:00:20", 2, 4],  # 2 is not a yes/no
    ]
    path = tmp_path / "export.xlsx"
    pd.DataFrame(rows, columns=["客服工号", "会话ID", "客户ID", "会话开始", "首次回复", "是否解决", "满意度评分"]).to_excel(path, index=False)
    out = tmp_path / "r.csv"
    r = kpixl("metrics", path, "--period", "2024-03", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "第5行「是否解决」: 无法识别的是/否 2 /" in r.stdout
    df = pd.read_csv(out, dtype={"工号": str}).set_index("工号")
    assert list(df.index) == ["1001", "1002"]
    assert df.loc["1001", "首次响应时间(秒)"] == 45 and df.loc["1001", "一次解决率"] == 0  # s1's customer came back; s2 unresolved
    assert df.loc["1002", "接待量(次)"] == 1 and df.loc["1002", "一次解决率"] == 1


def test_chat_aht_is_the_mean_session_length_and_says_so(tmp_path):
    r = compute(chat_log(), Options(period="2024-03"))
    assert r.aht_basis == "sessions"
    aht = r.per_agent.set_index("工号")["aht"]
    assert aht["A"] == (600 + 300 + 1200) / 3  # s1 09:00→09:10, s2 10:00→10:05, s3 09:00→09:20
    # s4 11:00→11:02; s5 11:00→11:02 (its reply time is bad, its length is not); s8 23:50→00:20 (across midnight)
    assert aht["B"] == (120 + 120 + 1800) / 3
    log = chat_log()
    log.loc[1, "结束"] = None  # s2 has no end: not in the mean (never as 0)
    assert compute(log, Options(period="2024-03")).per_agent.set_index("工号").loc["A", "aht"] == (600 + 1200) / 2
    path = tmp_path / "chats.csv"
    chat_log().to_csv(path, index=False)
    out = tmp_path / "r.xlsx"
    run = kpixl("metrics", path, "--period", "2024-03", "--out", out)
    assert run.returncode == 0, run.stdout + run.stderr
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine", dtype={"工号": str})
    assert sheets["名单"].set_index("工号").loc["A", "平均处理时长(秒·会话时长均值)"] == 700
    settings = sheets["口径"].set_index("项目 / setting")["取值 / value"]
    assert settings["平均处理时长 / AHT"].startswith("会话时长均值（结束 − 开始）")


def test_call_aht_basis_is_talk_hold_and_after_call_work():
    r = compute(calls(), Options(), mapping={"agent": "坐席"})
    assert r.aht_basis == "calls"
    no_end = chat_log().drop(columns=["结束"])
    r = compute(no_end, Options(period="2024-03"))
    assert r.aht_basis is None and r.per_agent["aht"].isna().all()


def test_flag_and_blank_words_are_the_input_vocabulary_plus_the_logs_own():
    # 是否解决 in the words people type (vocab.py) and in the words exports write (已解决/未解决)
    resolved = ["√", "×", "Y", "no", "达标", "ＹＥＳ", " 已解决 ", "未解决", "", "N/A"]
    times = [f"2024-03-01 {9 + i:02d}:00" for i in range(len(resolved))]
    csat = ["5", "未评价", "无", "-", "Ｎ／Ａ", "4", "3", "5", "5", "1"]  # 未评价, 无, -, N/A: not rated
    log = pd.DataFrame({"客服工号": "A", "会话开始": times, "是否解决": resolved, "满意度评分": csat})
    r = compute(log)
    assert r.problems == []
    a = r.per_agent.loc[0]
    assert a["handled"] == 10
    assert a["fcr"] == pytest.approx(5 / 10)  # √, Y, 达标, ＹＥＳ, 已解决; blank and N/A are "no"
    assert a["csat_rate"] == pytest.approx(6 / 10) and a["csat"] == pytest.approx(4 / 6)  # 5, 4, 5, 5 of 5, 4, 3, 5, 5, 1


# ----------------------------------------------------------------------------- exports as they come (issue 17)
def test_a_metric_with_no_source_is_blank_never_0(tmp_path):
    log = chat_log().drop(columns=["是否投诉", "是否解决", "满意度评分"])
    r = compute(log, Options(period="2024-03"))
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["handled"] == 3 and a["frt"] == 40  # what the log holds is still computed
    for m in ("complaint_rate", "fcr", "csat", "csat_rate", "nps"):
        assert math.isnan(a[m]), m
    assert r.no_source == ("fcr", "csat", "csat_rate", "nps", "complaint_rate")
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    roster = tmp_path / "roster.xlsx"
    run = kpixl("metrics", path, "--period", "2024-03", "--scheme", "online-agent", "--out", roster)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "无来源" in run.stdout and "投诉率" in run.stdout
    sheets = pd.read_excel(roster, sheet_name=None, engine="calamine", dtype={"工号": str})
    assert sheets["名单"]["投诉率"].isna().all() and sheets["名单"]["一次解决率"].isna().all()
    settings = sheets["口径"].set_index("项目 / setting")["取值 / value"]
    assert settings["无来源的指标（留空）/ metrics with no source (blank)"] == "一次解决率、客户满意度、评价率、NPS、投诉率"
    csv = tmp_path / "roster.csv"
    assert kpixl("metrics", path, "--period", "2024-03", "--scheme", "online-agent", "--out", csv).returncode == 0
    scored = tmp_path / "scored.csv"
    assert kpixl("score", csv, "--scheme", "online-agent", "--out", scored).returncode == 0
    flags = pd.read_csv(scored, dtype={"工号": str}).set_index("工号").loc["A", "标记"]
    assert "缺失:投诉率" in flags and "缺失:一次解决率" in flags  # missing, not full marks


def calls_without_queue_times_for_abandons() -> pd.DataFrame:
    rows = [
        # agent, start, queue s, abandoned
        ["A", "2024-03-01 09:00", 10, "N"],
        ["A", "2024-03-01 09:10", 25, "N"],
        ["B", "2024-03-01 09:20", 5, "N"],
        [None, "2024-03-01 09:30", None, "Y"],  # dropped in the IVR: no queue time
        [None, "2024-03-01 09:40", None, "Y"],
        [None, "2024-03-01 09:50", 3, "Y"],  # a 3 s abandon after queueing
    ]
    return pd.DataFrame(rows, columns=["坐席", "开始时间", "排队时长", "是否放弃"])


@pytest.mark.parametrize(
    ("mode", "sl", "abandon", "offered"),
    [
        ("against", 2 / 6, 3 / 6, 6),  # within 20 s: 10 and 5 of 3 answered; all 3 abandons offered
        ("ignore", 2 / 3, 3 / 6, 3),  # offered = answered; abandonment still 3 of 6 calls
        ("short", 2 / 5, 2 / 5, 5),  # the 3 s abandon is not offered; the two without a queue time are
    ],
)
def test_abandons_without_queue_time_are_offered_calls(mode, sl, abandon, offered):
    r = compute(calls_without_queue_times_for_abandons(), Options(abandon_mode=mode), mapping={"agent": "坐席"})
    assert r.team["service_level"] == pytest.approx(sl)
    assert r.team["abandon_rate"] == pytest.approx(abandon)
    assert r.team["offered"] == offered


def test_abandonment_without_any_queue_time_and_service_level_blank():
    log = calls_without_queue_times_for_abandons().drop(columns=["排队时长"])
    r = compute(log, Options(), mapping={"agent": "坐席"})
    assert r.team["abandon_rate"] == pytest.approx(3 / 6) and math.isnan(r.team["service_level"])


def test_no_agent_written_is_an_error_with_the_reason(tmp_path):
    log = tmp_path / "log.csv"
    chat_log().to_csv(log, index=False)
    out = tmp_path / "r.csv"
    r = kpixl("metrics", log, "--period", "2023-01", "--out", out)  # nothing in that period
    assert r.returncode == 1 and not out.exists()
    # 9 rows: the bad time may be in any period (excluded); the reply before the start is in March, not counted
    reason = "没有可写出的客服：日志 9 行，1 行已排除（「会话开始」无法识别的时间 1 行），考核期间 2023-01 内可用 0 行"
    assert reason in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    abandons = tmp_path / "abandons.csv"
    calls().iloc[3:].to_csv(abandons, index=False)  # two abandoned calls, no agent answered
    r = kpixl("metrics", abandons, "--map", "agent=坐席", "--out", out)
    assert r.returncode == 1 and not out.exists()
    assert "没有可写出的客服：日志 2 行，0 行已排除，可用 2 行，都不是客服接待的会话（放弃、测试或重复）" in r.stdout + r.stderr


def test_durations_as_clock_times_and_in_chinese(tmp_path):
    import datetime as dt

    talk = ["0:02:23", "02:30", "2分30秒", "1小时5分", "90秒", "75", "两分钟"]
    rows = [["A", f"2024-03-01 09:{i:02d}", t, "0:00:10"] for i, t in enumerate(talk)]
    log = pd.DataFrame(rows, columns=["坐席", "开始时间", "通话时长", "话后处理时长"])
    r = compute(log, Options(), mapping={"agent": "坐席"})
    assert r.problems == ["第8行「通话时长」: 无法识别的数值 '两分钟' / not a number"]
    # 143 + 150 + 150 + 3900 + 90 + 75 talk, and 10 s of after-call work each, over 6 calls
    assert r.per_agent.loc[0, "aht"] == pytest.approx((143 + 150 + 150 + 3900 + 90 + 75 + 6 * 10) / 6)
    # an xlsx export with Excel time cells (read as times of day)
    cells = pd.DataFrame(
        {"坐席": ["A", "A"], "开始时间": ["2024-03-01 09:00", "2024-03-01 10:00"], "通话时长": [dt.time(0, 2, 23), dt.time(1, 0, 0)]}
    )
    path = tmp_path / "calls.xlsx"
    cells.to_excel(path, index=False)
    assert compute(path, Options(), mapping={"agent": "坐席"}).per_agent.loc[0, "aht"] == pytest.approx((143 + 3600) / 2)


def test_date_and_time_in_separate_columns(tmp_path):
    import datetime as dt

    log = pd.DataFrame(
        {
            "Agent": ["A", "A", "B", "B"],
            "Date": ["2024-03-01", "2024-03-01", "2024-03-31", "2024-03-02"],
            "Time": ["09:00:00", "10:00:00", "23:59:00", ""],  # the last has no time: not a start
            "Answered": ["2024-03-01 09:00:30", "2024-03-01 10:01:00", "2024-04-01 00:00:10", "2024-03-02 09:00:00"],
        }
    )
    mapping = {"agent": "Agent", "created_at": "Date+Time", "first_reply_at": "Answered"}
    r = compute(log, Options(period="2024-03"), mapping=mapping)
    assert r.problems == ["第5行: 没有会话开始时间 / no start time"]
    frt = r.per_agent.set_index("工号")["frt"]
    assert frt["A"] == (30 + 60) / 2 and frt["B"] == 70  # 23:59:00 → 00:00:10 the next day
    # the same as an xlsx export with date cells and time cells, through the command line
    cells = log.iloc[:3].copy()
    cells["Date"] = [dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 31)]
    cells["Time"] = [dt.time(9, 0), dt.time(10, 0), dt.time(23, 59)]
    path = tmp_path / "calls.xlsx"
    cells.to_excel(path, index=False)
    out = tmp_path / "r.csv"
    run = kpixl("metrics", path, "--map", "agent=Agent", "--map", "created_at=Date+Time", "--map", "first_reply_at=Answered", "--out", out)
    assert run.returncode == 0, run.stdout + run.stderr
    assert pd.read_csv(out).set_index("工号")["首次响应时间(秒)"].to_dict() == {"A": 45, "B": 70}
    with pytest.raises(KpixlError, match="Clock"):
        compute(log, Options(), mapping={"agent": "Agent", "created_at": "Date+Clock"})
    bad = tmp_path / "bad.csv"
    log.assign(Date=["2024-03-01", "2024-13-01", "2024-03-31", "2024-03-02"]).to_csv(bad, index=False)
    r = compute(bad, Options(period="2024-03"), mapping=mapping)
    assert r.problems[0] == "第3行「Date+Time」: 无法识别的时间 '2024-13-01 10:00:00' / unreadable timestamp"


def test_importing_kpixl_does_not_load_duckdb():
    import subprocess
    import sys

    code = "import sys, kpixl, kpixl.cli, kpixl.metrics; print('duckdb' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"


def test_speed_of_answer_and_hold_and_after_call_work_shares_for_calls():
    r = compute(calls(), Options(), mapping={"agent": "坐席"})
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["asa"] == (10 + 25) / 2  # queue time of A's two answered calls
    assert a["hold_share"] == pytest.approx(30 / 630) and a["acw_share"] == pytest.approx(100 / 630)  # of 390 + 240 s
    b = r.per_agent.set_index("工号").loc["B"]
    assert (b["asa"], b["hold_share"], b["acw_share"]) == (5, pytest.approx(20 / 150), pytest.approx(30 / 150))
    no_hold = compute(calls().drop(columns=["保持时长"]), Options(), mapping={"agent": "坐席"})
    assert no_hold.per_agent["hold_share"].isna().all() and "hold_share" in no_hold.no_source
    assert "asa" not in compute(chat_log(), Options()).per_agent.columns  # a chat log has no calls


def test_placeholder_customer_ids_are_unknown_customers_not_repeats(tmp_path):
    log = chat_log().iloc[:2].copy()  # s1 (resolved) and s2 (resolved), an hour apart
    log["客户ID"] = ["0", "0"]
    assert compute(log, Options(period="2024-03")).per_agent.loc[0, "fcr"] == 1  # "0" is no one in particular
    log["客户ID"] = ["c1", "c1"]
    assert compute(log, Options(period="2024-03")).per_agent.loc[0, "fcr"] == 0.5  # s1's customer came back
    log["客户ID"] = ["Anonymous", "匿名"]
    assert compute(log, Options(period="2024-03")).per_agent.loc[0, "fcr"] == 1
    log["客户ID"] = ["访客000", "访客000"]
    options = Options(period="2024-03", placeholder_customers=frozenset({"访客000"}))
    assert compute(log, options).per_agent.loc[0, "fcr"] == 1
    path, out = tmp_path / "log.csv", tmp_path / "r.xlsx"
    log.to_csv(path, index=False)
    r = kpixl("metrics", path, "--period", "2024-03", "--unknown-customer", "访客000", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert sheets["名单"].loc[0, "一次解决率"] == 1
    assert sheets["口径"].set_index("项目 / setting").loc["未知客户的客户ID / placeholder customer ids", "取值 / value"].endswith("、访客000")


def test_flags_from_category_values_and_inverted_flags():
    rows = [
        # agent, start, queue s, outcome, answered
        ["A", "2024-03-01 09:00", 10, "AGENT", "Y"],
        ["A", "2024-03-01 09:10", 30, "AGENT", "Y"],
        [None, "2024-03-01 09:20", 40, "HANG", "N"],
        [None, "2024-03-01 09:30", 2, " phantom ", "N"],
        ["B", "2024-03-01 09:40", 5, "AGENT", "maybe"],
    ]
    log = pd.DataFrame(rows, columns=["Agent", "Start", "Queue", "Outcome", "Answered (Y/N)"])
    base = {"agent": "Agent", "created_at": "Start", "queue_seconds": "Queue"}
    by_category = compute(log, Options(), mapping={**base, "abandoned": "Outcome:HANG,PHANTOM"})
    # answered: A 10 s and 30 s, B 5 s; abandoned: HANG and PHANTOM; within 20 s: 10 and 5
    assert by_category.problems == []
    assert by_category.team["abandon_rate"] == pytest.approx(2 / 5) and by_category.team["service_level"] == pytest.approx(2 / 5)
    inverted = compute(log, Options(), mapping={**base, "abandoned": "!Answered (Y/N)"})
    assert inverted.problems == ["第6行「!Answered (Y/N)」: 无法识别的是/否 'maybe' / not a yes/no value"]
    # B's row is left out: 2 answered (10, 30 s; one within 20 s) and 2 abandons
    assert inverted.team["abandon_rate"] == pytest.approx(2 / 4) and inverted.team["service_level"] == pytest.approx(1 / 4)
    with pytest.raises(KpixlError, match="Result"):
        compute(log, Options(), mapping={**base, "abandoned": "Result:HANG"})


def test_repeated_session_ids_are_counted_and_a_composite_key_keeps_legs_apart(tmp_path):
    rows = [
        # call id repeats across IVR legs: each leg is its own handled call
        ["A", "c1", 1, "2024-03-01 09:00:00", "2024-03-01 09:00:10"],
        ["B", "c1", 2, "2024-03-01 09:01:00", "2024-03-01 09:01:30"],
        ["B", "c2", 1, "2024-03-01 09:05:00", "2024-03-01 09:05:20"],
        ["B", "c2", 1, "2024-03-01 09:05:00", "2024-03-01 09:05:20"],  # exported twice
    ]
    log = pd.DataFrame(rows, columns=["客服工号", "CallID", "Leg", "会话开始", "首次回复"])
    by_call = compute(log, Options(), mapping={"session": "CallID"})
    assert by_call.repeated == 2 and by_call.per_agent.set_index("工号")["handled"].to_dict() == {"A": 1, "B": 1}
    by_leg = compute(log, Options(), mapping={"session": "CallID+Leg"})
    assert by_leg.repeated == 1 and by_leg.per_agent.set_index("工号")["handled"].to_dict() == {"A": 1, "B": 2}
    assert by_leg.per_agent.set_index("工号").loc["B", "frt"] == (30 + 20) / 2
    path = tmp_path / "legs.csv"
    log.to_csv(path, index=False)
    r = kpixl("metrics", path, "--map", "session=CallID", "--out", tmp_path / "r.csv")
    assert r.returncode == 0 and "会话ID 重复的 2 行未计入" in r.stdout


def test_too_many_excluded_rows_fail_with_the_reason(tmp_path):
    log = tmp_path / "log.csv"
    chat_log().to_csv(log, index=False)  # 1 of 9 rows excluded (the bad time): 11.1%
    out = tmp_path / "r.csv"
    r = kpixl("metrics", log, "--max-excluded", "10%", "--out", out)
    assert r.returncode == 1 and not out.exists()
    assert "已排除 1 行，占日志 9 行的 11.1%，超过 --max-excluded 10.0%（「会话开始」无法识别的时间 1 行）" in r.stdout + r.stderr
    assert kpixl("metrics", log, "--max-excluded", "0.12", "--out", out).returncode == 0 and out.exists()
    r = kpixl("metrics", log, "--max-excluded", "两成", "--out", out)
    assert r.returncode == 1 and "两成" in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_us_dates_need_a_date_format_and_are_read_with_it(tmp_path):
    starts = ["1/13/2021 9:05", "1/2/2021 10:00:00", "01-02-2021 11:00 PM"]
    replies = ["1/13/2021 9:05:30", "1/2/2021 10:01:00", "01-02-2021 11:00:20 PM"]
    log = pd.DataFrame({"客服工号": "A", "会话开始": starts, "首次回复": replies})
    with pytest.raises(KpixlError, match=r"--date-format MDY（月/日/年）"):  # 13 cannot be a month
        compute(log)
    with pytest.raises(KpixlError, match=r"MDY（月/日/年）或 --date-format DMY"):
        compute(log.iloc[1:])  # 1/2 and 01-02: either order
    r = compute(log, Options(period="2021-01", date_format="MDY"))
    assert r.problems == [] and r.per_agent.loc[0, "handled"] == 3
    assert r.per_agent.loc[0, "frt"] == (30 + 60 + 20) / 3 and r.per_agent.loc[0, "daily"] == 3 / 2  # Jan 13 and Jan 2
    r = compute(log.iloc[1:], Options(period="2021-02", date_format="%d/%m/%Y"))  # the 1st of February
    assert r.per_agent.loc[0, "handled"] == 2
    path = tmp_path / "us.csv"
    log.to_csv(path, index=False)
    out = tmp_path / "r.csv"
    run = kpixl("metrics", path, "--out", out)
    assert run.returncode == 1 and "--date-format" in run.stdout + run.stderr and not out.exists()
    assert kpixl("metrics", path, "--date-format", "MDY", "--out", out).returncode == 0


def test_clock_skew_tolerance_counts_a_reply_just_before_the_start_as_0(tmp_path):
    # s5: reply at 10:59:00 for a start at 11:00:00, 60 s "before"
    r = compute(chat_log(), Options(period="2024-03", skew_seconds=60))
    assert r.problems == ["第7行「会话开始」: 无法识别的时间 'bad time' / unreadable timestamp"]
    b = r.per_agent.set_index("工号").loc["B"]
    assert b["handled"] == 3 and b["frt"] == pytest.approx((10 + 0 + 30) / 3)  # s4, s5 (skew, 0 s), s8
    r = compute(chat_log(), Options(period="2024-03", skew_seconds=59))  # beyond the tolerance: out of FRT only
    b = r.per_agent.set_index("工号").loc["B"]
    assert b["handled"] == 3 and b["frt"] == (10 + 30) / 2
    path, out = tmp_path / "log.csv", tmp_path / "r.csv"
    chat_log().to_csv(path, index=False)
    run = kpixl("metrics", path, "--period", "2024-03", "--skew", "1分钟", "--out", out)
    assert run.returncode == 0, run.stdout + run.stderr
    assert pd.read_csv(out).set_index("工号").loc["B", "首次响应时间(秒)"] == pytest.approx(40 / 3)


def test_exclusions_are_counted_within_the_period():
    log = chat_log().astype(object)
    log.loc[6, "首次回复"] = "2024-04-01 08:59:00"  # s7 (April): reply before its start
    log.loc[6, "满意度评分"] = "五星"  # and an unreadable score
    march = compute(log, Options(period="2024-03"))
    assert march.excluded == 1 and len(march.problems) == 2  # the bad time (period unknown); s5 out of FRT, as before
    whole = compute(log)
    assert whole.excluded == 2 and len(whole.problems) == 3  # and s7, left out for its score
    assert "第8行「满意度评分」: 无法识别的数值 '五星' / not a number" in whole.problems


def test_a_call_centre_export_as_it_comes_with_a_short_mapping_file(tmp_path):
    export = pd.DataFrame(
        {
            "Agent ID": ["A7", "A7", "B2", "", "B2"],
            "Call ID": ["k1", "k1", "k2", "k3", "k4"],
            "Leg": [1, 2, 1, 1, 1],
            "Date": ["2021-01-04"] * 5,
            "Time": ["09:00:00", "09:03:00", "10:00:00", "10:05:00", "11:00:00"],
            "Queue": ["0:00:12", "0:00:30", "0:00:05", "", "0:01:00"],
            "Talk": ["0:02:00", "0:01:30", "0:03:20", "", "0:00:40"],
            "Answered (Y/N)": ["Y", "Y", "Y", "N", "Y"],
        }
    )
    path = tmp_path / "january.csv"
    export.to_csv(path, index=False)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "agent: Agent ID\nsession: Call ID+Leg\ncreated_at: Date+Time\nqueue_seconds: Queue\ntalk_seconds: Talk\nabandoned: !Answered (Y/N)\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.xlsx"
    r = kpixl("metrics", path, "--map-file", mapping, "--period", "2021-01", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine", dtype={"工号": str})
    roster = sheets["名单"].set_index("工号")
    # A7 answered both legs of k1: talk 120 + 90 s over 2 calls; queue 12 and 30 s
    assert roster.loc["A7", "接待量(次)"] == 2 and roster.loc["A7", "平均处理时长(秒)"] == (120 + 90) / 2
    assert roster.loc["A7", "平均应答速度ASA(秒)"] == (12 + 30) / 2
    assert roster.loc["B2", "接待量(次)"] == 2 and roster.loc["B2", "平均处理时长(秒)"] == (200 + 40) / 2
    team = sheets["全队"].iloc[0]
    # 4 answered (12, 30, 5, 60 s in queue) + 1 abandon without a queue time = 5 offered; within 20 s: 12 and 5
    assert team["服务水平(20秒内接起占比)"] == pytest.approx(2 / 5) and team["放弃率"] == pytest.approx(1 / 5)
    assert "问题 / problem" not in r.stdout  # nothing left out


def test_an_end_before_the_start_leaves_the_session_out_of_its_length_only():
    log = chat_log()
    log.loc[1, "结束"] = "2024-03-01 09:59:00"  # s2 starts at 10:00
    r = compute(log, Options(period="2024-03"))
    assert "第3行: 结束早于开始，不计入会话时长 / ended before it started: left out of the session length only" in r.problems
    a = r.per_agent.set_index("工号").loc["A"]
    assert a["handled"] == 3 and a["frt"] == 40  # s2 still handled, its reply time still counts
    assert a["aht"] == (600 + 1200) / 2  # s1 and s3 only
    assert r.excluded == 1 and r.left_out == {"首次回复早于会话开始，不计入首次响应时间": 1, "结束早于开始，不计入会话时长": 1}


def test_a_longer_row_in_a_csv_log_is_named_not_a_missing_column(tmp_path):
    """One row with a cell past the header made DuckDB's sniffer take the file for one column:
    the error said 客服工号 was missing. The separator now comes from the header line, and the
    longer row is named (the file's line 4: header, two rows, then it)."""
    path = tmp_path / "chat.csv"
    chat_log().to_csv(path, index=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",多出来的"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KpixlError) as err:
        compute([path], Options(period="2024-03"))
    text = str(err.value)
    assert "chat.csv" in text and "第4行" in text and "多出来的" in text and "缺少" not in text
    r = kpixl("metrics", path, "--period", "2024-03", "--out", tmp_path / "r.csv")
    assert r.returncode != 0 and "第4行" in r.stdout + r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("sep", [",", "\t", ";", "|"])
def test_a_log_reads_the_same_with_any_separator_and_trailing_empty_cells(tmp_path, sep):
    want = compute(chat_log(), Options(period="2024-03")).per_agent
    path = tmp_path / "chat.txt"
    chat_log().to_csv(path, index=False, sep=sep)
    got = compute([path], Options(period="2024-03")).per_agent
    pd.testing.assert_frame_equal(got, want)
    trailing = tmp_path / "trailing.csv"  # every row ends in a separator: an empty cell, ignored
    trailing.write_text("\n".join(line + sep for line in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    pd.testing.assert_frame_equal(compute([trailing], Options(period="2024-03")).per_agent, want)


_QUOTED = [(",", '"' + "备注;" * 12 + '"'), (";", '"' + "金额, 元, " * 6 + '"'), ("\t", '"a|b|c|d|e|f|g|h|i|j|k|l|m"')]


@pytest.mark.parametrize(("sep", "quoted"), _QUOTED, ids=["comma", "semicolon", "tab"])
def test_a_separator_inside_a_quoted_header_is_not_the_logs_separator(tmp_path, sep, quoted):
    """A header cell in quotes may hold the other separators (a European export's ``"金额, 元"``);
    they are text, not separators: here the quoted cell has more of them (12) than the header has
    separators (11), and the log still reads as it does without that column."""
    want = compute(chat_log(), Options(period="2024-03")).per_agent
    lines = chat_log().to_csv(index=False, sep=sep).splitlines()
    path = tmp_path / "chat.csv"
    path.write_text("\n".join([lines[0] + sep + quoted, *(line + sep + "x" for line in lines[1:])]) + "\n", encoding="utf-8")
    pd.testing.assert_frame_equal(compute([path], Options(period="2024-03")).per_agent, want)
