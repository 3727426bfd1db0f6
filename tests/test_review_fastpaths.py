"""Review of the speed changes: inputs where the faster code gives something else than the code
before it did (each test states the answer the code before gave, worked out by hand)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from kpixl import RosterError, load_scheme, score
from kpixl.addin import frame_from_range
from kpixl.numeric import excel_round

SCQ = "support-center-quarterly"
FULL = {"服务规范度": 5, "问题解决能力": 5, "平均响应时长": 20, "一次解决率": "95%", "客户满意度": "96%", "投诉率": 0, "跨部门协作响应速度": 10}


def test_a_number_in_a_mixed_id_column_is_read_as_text():
    """Excel hands a typed 1002 over as 1002.0; beside text ids the column is of mixed types, and
    the id must still be the text "1002" (never 1002.0)."""
    frame = frame_from_range([["工号", "姓名"], ["E1", "甲"], [1002.0, "乙"]])
    assert frame["工号"].tolist() == ["E1", "1002"]


def test_an_id_typed_as_a_number_and_as_text_is_a_repeated_id_in_kpi_team():
    """1002 (a number) and "1002" (text) are the same person: both rows are flagged."""
    header = ["工号", "姓名", *FULL]
    rows = [header, ["E1", "甲", *FULL.values()], [1002.0, "乙", *FULL.values()], ["1002", "丙", *FULL.values()]]
    res = score(SCQ, frame_from_range(rows))
    assert res["工号"].tolist() == ["E1", "1002", "1002"]
    assert res["标记"].tolist() == ["", "重复工号:1002（第3、4行）", "重复工号:1002（第3、4行）"]


def _strict():
    s = load_scheme(SCQ)
    return replace(s, sections=tuple(replace(sec, indicators=tuple(replace(i, missing="error") for i in sec.indicators)) for sec in s.sections))


@pytest.mark.parametrize("dash", ["–", "——", "−", "‐"])
def test_a_row_of_dashes_is_not_taken_for_a_form_nobody_filled(dash):
    """A dash typed in every input was read as typed (vocab.is_blank does not know these dashes),
    so under the 报错 policy each of the 7 inputs of row 3 is a required blank, not 未提交."""
    roster = pd.DataFrame([{"工号": "E1", "姓名": "甲", **FULL}, {"工号": "E2", "姓名": "乙", **{k: dash for k in FULL}}])
    with pytest.raises(RosterError) as info:
        score(_strict(), roster)
    assert {(i.row, i.column) for i in info.value.issues} == {(3, c) for c in FULL}


def test_round_of_a_tiny_value_beside_a_large_one_is_zero():
    """ROUND(1E-300, 0) = 0 whatever else is in the column (was NaN when another value passed 5E8)."""
    assert excel_round(np.array([1e-300, 1e9]), 0).tolist() == [0.0, 1e9]
    assert excel_round(np.array([5e-324, 12345678.0]), 2).tolist() == [0.0, 12345678.0]


def test_an_empty_office_js_cell_in_a_column_of_text_is_blank():
    """Office.js hands an empty cell over as "": in a column holding only text it is still a blank
    cell (pandas reads such a column as str, not object)."""
    frame = frame_from_range([["工号", "部门"], ["E1", "一部"], ["E2", ""]])
    assert frame["部门"].tolist()[0] == "一部" and pd.isna(frame["部门"].tolist()[1])


def test_an_empty_office_js_cell_in_a_label_choice_is_missing_not_unreadable():
    """客户档案管理 (options by label, policy 最低分) left empty in KPI_TEAM: scored by the policy and
    flagged 缺失, never refused as an unreadable option ''."""
    h = ["工号", "姓名", "部门", "岗位", "考核期间", "客户信息管理", "客户档案管理", "客户回访"]
    h += ["投诉处理·2小时内响应", "投诉处理·3个工作日内解决", "投诉处理·解决率100%", "服务意识", "以客户为中心"]
    filled = ["95%", "完整无缺失", "95%", "是", "是", "是", "3级", "3级"]
    empty = ["95%", "", "95%", "是", "是", "是", "3级", "3级"]
    rows = [h, ["E1", "甲", "", "", "", *filled], ["E2", "乙", "", "", "", *empty]]
    res = score("phone-agent-monthly", frame_from_range(rows))
    assert res["标记"].tolist()[0] == "" and res["标记"].tolist()[1].startswith("缺失:客户档案管理")


def test_neutralising_leaves_an_integer_too_long_to_print_alone():
    """A column mixing text and an integer of over 4300 digits: the integer is a number and stays
    as it is (str() of it raises ValueError, so the formula check may not print every value)."""
    from kpixl.safe import neutralise_frame

    huge = 10**5000
    out = neutralise_frame(pd.DataFrame({"备注": pd.Series([huge, "=1+1"], dtype=object)}))
    assert out["备注"].tolist() == [huge, "'=1+1"]


def test_ranks_of_a_large_result_with_unranked_people_are_written_as_whole_numbers(tmp_path):
    """排名 is Int64 with <NA> for 未提交; on 10,000+ rows it must still be written 1, 2 — not 1.0, 2.0
    (to_numpy of an Int64 column holding <NA> is float64)."""
    from kpixl.csv_out import write_csv

    n = 12_000
    ranks = pd.array([1, 2, None] * (n // 3), dtype="Int64")
    write_csv(pd.DataFrame({"工号": [f"E{i}" for i in range(n)], "排名": ranks}), tmp_path / "r.csv")
    lines = (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[:5] == ["工号,排名", "E0,1", "E1,2", "E2,", "E3,1"]
