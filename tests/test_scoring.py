"""Team scoring: ranks, missing values, overrides, located errors, the results contract."""

import numpy as np
import pandas as pd
import pytest

from kpixl import RosterError, load_scheme, read_table, score

SCQ = "support-center-quarterly"
FULL = {"服务规范度": 5, "问题解决能力": 5, "平均响应时长": 20, "一次解决率": "95%", "客户满意度": "96%", "投诉率": 0, "跨部门协作响应速度": 10}


def roster(*rows):
    return pd.DataFrame([{"工号": f"E{i:03d}", "姓名": f"员工{i}", **r} for i, r in enumerate(rows, 1)])


def test_results_follow_the_contract():
    res = score(SCQ, roster(FULL))
    s = load_scheme(SCQ)
    assert list(res.columns) == s.result_headers()


def test_rank_ties_share_a_rank_like_rank_eq():
    low = {**FULL, "服务规范度": 3}  # 3/5×20 = 12 instead of 20 → 92
    res = score(SCQ, roster(FULL, low, FULL, {**FULL, "服务规范度": 1}))
    assert res["总分"].tolist() == [100, 92, 100, 84]
    assert res["排名"].tolist() == [1, 3, 1, 4]


def test_roster_columns_are_carried_through():
    res = score(SCQ, roster({**FULL, "部门": "一部", "绩效工资基数": 6000}))
    assert res.loc[0, "部门"] == "一部" and res.loc[0, "绩效工资基数"] == 6000
    assert list(res.columns[:4]) == ["工号", "姓名", "部门", "绩效工资基数"]


def test_missing_value_scored_by_policy_and_flagged_never_silent():
    res = score(SCQ, roster({**FULL, "客户满意度": ""}))
    # policy 最低分: the 1–5 band rule's lowest is 1 → 1/5×10 = 2 instead of 10 → 92
    assert res.loc[0, "客户满意度得分"] == 1 and res.loc[0, "总分"] == 92
    assert res.loc[0, "标记"] == "缺失:客户满意度（按最低分1计）"


def test_error_policy_lists_the_blank_cell():
    s = load_scheme(SCQ)
    from dataclasses import replace

    strict = replace(s, sections=tuple(replace(sec, indicators=tuple(replace(i, missing="error") for i in sec.indicators)) for sec in s.sections))
    with pytest.raises(RosterError, match="第3行 列「客户满意度」"):
        score(strict, roster(FULL, {**FULL, "客户满意度": None}))


def test_error_policy_spares_a_form_nobody_filled():
    """A required blank is an error only where something was written in an input; a row of empty
    cells is 未提交. A blank word (N/A) is written — as the sheet's COUNTA counts it — and an
    override alone is an input too."""
    s = load_scheme(SCQ)
    from dataclasses import replace

    strict = replace(s, sections=tuple(replace(sec, indicators=tuple(replace(i, missing="error") for i in sec.indicators)) for sec in s.sections))
    nobody = {k: None for k in FULL}
    res = score(strict, roster(FULL, nobody))
    assert res["标记"].tolist() == ["", "未提交"] and pd.isna(res.loc[1, "总分"])
    for written in ({"服务规范度": "N/A"}, {"服务规范度·调整得分": 4}):
        with pytest.raises(RosterError) as info:
            score(strict, roster(FULL, nobody | written))
        assert {(i.row, i.column) for i in info.value.issues} == {(3, c) for c in FULL}  # the override does not fill the input


def test_unreadable_values_are_located_errors_not_zero():
    with pytest.raises(RosterError) as exc:
        score(SCQ, roster(FULL, {**FULL, "一次解决率": "九十"}, {**FULL, "服务规范度": 7}))
    issues = exc.value.issues
    assert [(i.row, i.column) for i in issues] == [(3, "一次解决率"), (4, "服务规范度")]
    text = str(exc.value)
    assert "无法识别的数值 '九十'" in text and "1–5 之间的分数" in text


def test_missing_columns_are_listed():
    with pytest.raises(RosterError, match="缺少 2 列"):
        score(SCQ, roster(FULL).drop(columns=["投诉率", "姓名"]))


def test_override_outside_the_scale_is_an_error():
    with pytest.raises(RosterError, match="调整得分应在 1–5 分之间"):
        score(SCQ, roster({**FULL, "一次解决率·调整得分": 6}))


def test_override_equal_to_rule_is_not_flagged():
    res = score(SCQ, roster({**FULL, "一次解决率·调整得分": 5}))
    assert res.loc[0, "标记"] == ""


def test_blank_rows_are_not_people():
    df = pd.concat([roster(FULL), pd.DataFrame([{c: None for c in roster(FULL).columns}] * 3)], ignore_index=True)
    assert len(score(SCQ, df)) == 1


def test_headers_typed_with_full_width_or_spaces_are_found():
    df = roster(FULL).rename(columns={"服务规范度": " 服务规范度 ", "一次解决率": "一次解决率"})
    df["一次解决率・调整得分"] = [4]
    res = score(SCQ, df)
    assert res.loc[0, "一次解决率得分"] == 4


def test_vectorised_equals_row_by_row():
    rng = np.random.default_rng(7)
    rows = [
        {
            "服务规范度": int(rng.integers(1, 6)),
            "问题解决能力": float(rng.integers(2, 11) / 2),
            "平均响应时长": int(rng.integers(0, 120)),
            "一次解决率": round(float(rng.uniform(0.6, 1)), 2),
            "客户满意度": round(float(rng.uniform(0.8, 1)), 2),
            "投诉率": float(rng.choice([0, 0.005, 0.01, 0.02])),
            "跨部门协作响应速度": int(rng.integers(0, 80)),
        }
        for _ in range(40)
    ]
    team = score(SCQ, roster(*rows))
    for i, r in enumerate(rows):
        alone = score(SCQ, roster(r))
        assert alone.loc[0, "总分"] == team.loc[i, "总分"]
        assert alone.loc[0, "等级"] == team.loc[i, "等级"]


def test_sample_team_file(tmp_path):
    res = score(SCQ, read_table("samples/team.csv"))
    by = res.set_index("工号")
    # hand calculations (weights 20/20/15/15/10/10/10 of points/5):
    # E001 = seed 000's person: 85 ; E003: 3,3,45秒→3,85%→3,91%→3,0.5%→3,2天→3 = 12+12+9+9+6+6+6 = 60
    # E005: 4,4,1分钟→3,80%→3,90%→3,1%→1,48小时→3 = 16+16+9+9+6+2+6 = 64
    # E009: 4.5,4,29秒→5,87%→3,95%→5,0%→5,1天→5 = 18+16+15+9+10+10+10 = 88
    assert by.loc["E001", "总分"] == 85 and by.loc["E003", "总分"] == 60
    assert by.loc["E005", "总分"] == 64 and by.loc["E009", "总分"] == 88
    assert by.loc["E012", "等级"] == "不合格"


# ----------------------------------------------------------------------------- the fast paths agree with the definitions
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kpixl.scoring import _ranks  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.integers(-10_000, 10_000), st.just(None), st.integers(-(10**13), 10**13)), max_size=60),
    st.sampled_from([0, 1, 2]),
)
def test_ranks_are_one_plus_how_many_are_higher(steps, decimals):
    """RANK.EQ by its definition, on totals rounded to the scheme's decimals: counted per step when the
    range is narrow, sorted when it is wide (the huge integers), NaN (未提交) without a rank."""
    total = np.array([np.nan if s is None else s / 10**decimals for s in steps], dtype=float)
    got = _ranks(total, decimals).tolist()
    want = [None if np.isnan(t) else 1 + sum(1 for u in total if u > t) for t in total]
    assert [None if g is pd.NA else g for g in got] == want


def test_blank_word_ids_in_any_case_are_errors_and_not_repeats():
    rows = roster(FULL, FULL, FULL, FULL, FULL)
    rows["工号"] = ["N/a", "E2", "nUlL", "#n/A", "E2"]  # an all-ASCII column without spaces
    with pytest.raises(RosterError) as info:
        score(SCQ, rows)
    assert sorted((i.row, i.column) for i in info.value.issues) == [(2, "工号"), (4, "工号"), (5, "工号")]
    rows["工号"] = ["E1", "E2", "E3", "E4", "E2"]
    flags = score(SCQ, rows)["标记"].tolist()
    assert [("重复工号:E2（第3、6行）" in f) for f in flags] == [False, True, False, False, True]


def test_rows_of_spaces_are_blank_rows_and_a_row_of_blank_words_is_scored_by_the_policy():
    """Rows of spaces are not people. A row with N/A or a dash in every input was written in (the
    sheet counts it with COUNTA), so it is no 未提交: each item gets the policy's lowest points and a
    缺失 flag — 1 of 5 everywhere is 20 of 100, computed by hand."""
    blank_row = {c: "  " if c in ("姓名", "部门") else None for c in [*roster(FULL).columns, "部门"]}
    words = {**{k: "N/A" for k in FULL}, "服务规范度": "-", "投诉率": " n/a ", "客户满意度": "——"}
    df = pd.concat([roster(FULL, words), pd.DataFrame([blank_row] * 2)], ignore_index=True)
    res = score(SCQ, df)
    assert len(res) == 2  # the two rows of spaces are not people
    assert res.loc[1, "总分"] == 20 and res.loc[1, "标记"].count("缺失:") == len(FULL)
