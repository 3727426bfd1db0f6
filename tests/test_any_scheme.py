"""A workbook carries its scheme: forms made from a scheme written in YAML (not a built-in) are
shown, scored and collected with no built-in id and with the YAML file gone."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import kpixl

import kpixl as k
from kpixl.excel import build

#: a small team's scheme, written as HR would; hand-computed below
HR_TEAM = """\
id: hr-team
名称: 人事专员月度考核
部分:
  - 名称: 业绩
    指标:
      - 名称: 招聘到岗率
        权重: 60%
        评分标准: "≥90%(100分);80%-90%(80分);<80%(50分)"
      - 名称: 差错
        权重: 40%
        评分标准: "满分100分;发现一次扣20分;扣完为止"
等级:
  - {等级: 优秀, 下限: 90, 系数: 1.5}
  - {等级: 合格, 下限: 60, 系数: 1.0}
  - {等级: 不合格, 下限: 0, 系数: 0.5}
"""


def _scheme_file(tmp: Path) -> Path:
    path = tmp / "hr-team.yaml"
    path.write_text(HR_TEAM, encoding="utf-8")
    return path


def test_a_workbook_carries_its_scheme_and_reads_it_back_without_the_file(tmp_path):
    yaml_path = _scheme_file(tmp_path)
    scheme = k.load_scheme(yaml_path)
    book = build(scheme, tmp_path / "hr.xlsx")
    yaml_path.unlink()  # the file is gone: the workbook alone must say what the scheme is
    assert k.load_scheme(book) == scheme
    carried = openpyxl.load_workbook(book)["方案"]
    assert carried.sheet_state == "hidden" and carried["A1"].value == "kpixl 方案 v1"
    r = kpixl("show", book)
    assert r.returncode == 0 and "人事专员月度考核" in r.stdout and "招聘到岗率" in r.stdout


def test_forms_of_a_yaml_scheme_are_collected_with_no_built_in_id(tmp_path):
    yaml_path = _scheme_file(tmp_path)
    roster = tmp_path / "team.csv"
    # 甲: 95% → 100, 1 error → 80: 100×0.6 + 80×0.4 = 92 优秀; 乙: 85% → 80, 3 errors → 40: 48 + 16 = 64 合格
    pd.DataFrame({"工号": ["H1", "H2"], "姓名": ["甲", "乙"], "招聘到岗率": ["95%", "85%"], "差错": [1, 3]}).to_csv(roster, index=False)
    r = kpixl("forms", roster, "--scheme", yaml_path, "--out", tmp_path / "forms")
    assert r.returncode == 0, r.stderr
    yaml_path.unlink()
    out = tmp_path / "summary.xlsx"
    r = kpixl("collect", tmp_path / "forms", "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    summary = pd.read_excel(out, sheet_name="汇总", dtype={"工号": str}, engine="calamine").set_index("工号")
    assert summary.loc["H1", "总分"] == 92 and summary.loc["H1", "等级"] == "优秀"
    assert summary.loc["H2", "总分"] == 64 and summary.loc["H2", "等级"] == "合格"


def test_a_rubric_starting_with_equals_is_stored_as_text(tmp_path):
    scheme = k.load_scheme("kpi-pay-tier")
    book = build(scheme, tmp_path / "kpi.xlsx")
    wb = openpyxl.load_workbook(book)
    table = [c for row in wb["指标库"].iter_rows(max_col=6) for c in row] + [c for row in wb["方案"].iter_rows() for c in row]
    assert [c.coordinate for c in table if c.data_type == "f"] == []  # (H1 beside the table is the weight warning)
    assert any(str(c.value).startswith("=") for c in table)  # such rubrics exist there


@pytest.mark.parametrize("sid", k.builtin_ids())
def test_no_text_cell_of_a_built_workbook_can_turn_into_a_formula(sid, tmp_path):
    """Rubrics (=0%), YAML list items (- 名称), shown deductions (-2): stored as text with Excel's
    quote prefix, so editing the cell cannot make it a formula."""
    wb = openpyxl.load_workbook(build(sid, tmp_path / "wb.xlsx"))
    risky = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.data_type == "s"]
    risky = [c for c in risky if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky and all(c.quotePrefix for c in risky), [(c.parent.title, c.coordinate) for c in risky if not c.quotePrefix]


def test_forms_neutralise_roster_text(tmp_path):
    roster = tmp_path / "team.csv"
    roster.write_text('工号,姓名,部门\nE1,"=HYPERLINK(""http://x"")",-一部\n', encoding="utf-8")
    assert kpixl("forms", roster, "--scheme", "support-center-quarterly", "--out", tmp_path / "f").returncode == 0
    ws = openpyxl.load_workbook(next((tmp_path / "f").iterdir()))["考核表"]
    texts = [c.value for row in ws.iter_rows(max_row=3) for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in texts and "'-一部" in texts
