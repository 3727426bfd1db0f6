"""Every rubric family of issue 12 scored three ways — the engine, a generated workbook
recalculated by LibreOffice, and KPI_SCORE (the add-in) — on and beside every boundary, all in ONE
workbook. The expected points are computed by hand from the rubric text and written here."""

from __future__ import annotations

import math
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import kpixl
from kpixl import addin
from kpixl.excel import TEAM, build, fill_team
from kpixl.excel.recalc import recalculate
from kpixl.scheme_file import scheme_from_dict

# name: (rubric, 分值, [(value, hand-computed points), …]); a value is a dict for several inputs
FAMILIES: dict[str, tuple[str, float, list[tuple[object, float]]]] = {
    # several counted items, 10 points: 迟到 −1 each, 旷工 −3 each, down to 0
    "考勤": (
        "迟到每次扣1分，旷工每天扣3分",
        10,
        [
            ({"迟到": 0, "旷工": 0}, 10),
            ({"迟到": 2, "旷工": 1}, 5),
            ({"迟到": 1, "旷工": 3}, 0),
            ({"迟到": 9, "旷工": 0}, 1),
            ({"迟到": 10, "旷工": 0}, 0),
            ({"迟到": 11, "旷工": 0}, 0),
        ],
    ),
    # a deduction cap: at most 6 of 10 deducted
    "差错": ("发现一次扣2分,最高扣6分", 10, [(0, 10), (1, 8), (2, 6), (3, 4), (4, 4), (10, 4)]),
    # a bonus cap
    "建议": ("每次加1分，最高不超过5分", 5, [(0, 0), (4, 4), (5, 5), (6, 5)]),
    # may go below 0
    "违规": ("违规一次扣2分,可扣为负分", 5, [(0, 5), (2, 1), (3, -1), (9, -13)]),
    # a target that costs nothing, 5 points: 8 → 5, ±0.5 per incident
    "工单": ("8起不扣分，每超一起扣0.5分，每降一起加0.5分", 5, [(0, 9), (7, 5.5), (8, 5), (9, 4.5), (12, 3), (30, 0)]),
    # a percent target: 1 point per percentage point short
    "达成": ("目标90%(5分);每少1%扣1分", 5, [("95%", 5), ("90%", 5), ("89%", 4), ("85.5%", 0.5), ("85%", 0), ("80%", 0)]),
    # full marks at ≥98%, 2 per 1% (or part) below
    "准确": ("准确率98%得满分，每降低1%扣2分", 10, [("100%", 10), ("98%", 10), ("97.5%", 8), ("97%", 8), ("96.9%", 6), ("80%", 0)]),
    # full marks at ≤1%, 1 per 3% (or part) above, down to 0
    "投诉": ("投诉率1%以内得满分，每高出3%扣1分，直至扣完", 5, [("0%", 5), ("1%", 5), ("1.5%", 4), ("4%", 4), ("4.01%", 3), ("30%", 0)]),
    # a ladder of thresholds
    "质检": (
        "95分以上15分，90分以上10分，85分以上5分，85分以下不得分",
        15,
        [
            (100, 15),
            (95, 15),
            (94.9, 10),
            (90, 10),
            (89.9, 5),
            (85, 5),
            (84.9, 0),
            (0, 0),
        ],
    ),
    "表扬": ("5个及以上加4分，3-4个加2分", 4, [(0, 0), (2, 0), (3, 2), (4, 2), (5, 4), (9, 4)]),
    "响应": ("30秒以内5分,60秒以内3分,60秒以上0分", 5, [(0, 5), (30, 5), (30.5, 3), (60, 3), (61, 0)]),
    # linear between two anchors
    "满意": (
        "70以下不得分，95以上得10分，70-95之间按比例计分",
        10,
        [
            (0, 0),
            (69.9, 0),
            (70, 0),
            (75, 2),
            (82.5, 5),
            (95, 10),
            (100, 10),
        ],
    ),
    # word scales, yes/no prose, everything at once
    "评价": ("优5分良4分中3分差1分", 5, [("优", 5), ("良", 4), ("中", 3), ("差", 1)]),
    "责任": ("全责扣10分、主责6分、同责3分、次责1分", 10, [("全责", 0), ("主责", 4), ("同责", 7), ("次责", 9), ("无", 10)]),
    "提交": ("按时提交得5分，未按时提交得0分", 5, [("按时提交", 5), ("未按时提交", 0), ("是", 5), ("否", 0)]),
    "红线": ("发生一起全扣", 5, [(0, 5), (1, 0), (2, 0)]),
    # a formula as points, capped at 120
    "完成": (
        "得分=实际完成量/目标量×100%,最高不超过120分",
        120,
        [
            ({"实际完成量": 0, "目标量": 100}, 0),
            ({"实际完成量": 95, "目标量": 100}, 95),
            ({"实际完成量": 100, "目标量": 100}, 100),
            ({"实际完成量": 119, "目标量": 100}, 119),
            ({"实际完成量": 120, "目标量": 100}, 120),
            ({"实际完成量": 130, "目标量": 100}, 120),
        ],
    ),
    # rank: 10, 8, 6, … down to 0
    "排名": ("第一名10分，依次递减2分", 10, [(1, 10), (2, 8), (3, 6), (5, 2), (6, 0), (7, 0), (20, 0)]),
}
ROWS = max(len(cases) for _, _, cases in FAMILIES.values())


def _scheme() -> kpixl.Scheme:
    inds = [{"名称": name, "分值": full, "评分标准": text} for name, (text, full, _) in FAMILIES.items()]
    return scheme_from_dict(
        {
            "id": "families",
            "名称": "评分标准写法",
            "部分": [{"名称": "全部", "指标": inds}],
            "等级": [{"等级": "好", "下限": 100, "系数": 1}, {"等级": "差", "下限": -1000, "系数": 0}],
        }
    )


def _typed(value: object) -> object:
    """A cell as Excel holds what a person types: ``95%`` is the number 0.95."""
    if isinstance(value, str) and value.endswith("%"):
        return float(Decimal(value[:-1]) / 100)
    return value


def _rows(scheme: kpixl.Scheme) -> tuple[list[dict], dict[tuple[int, str], float]]:
    rows, expected = [], {}
    for i in range(ROWS):
        row: dict[str, object] = {"工号": f"E{i}", "姓名": f"员工{i}"}
        for ind in scheme.indicators:
            value, points = FAMILIES[ind.name][2][i % len(FAMILIES[ind.name][2])]
            for field, col in zip(ind.rule.fields, ind.columns(), strict=True):
                row[col] = _typed(value[field] if isinstance(value, dict) else value)
            expected[(i, ind.name)] = points
        rows.append(row)
    return rows, expected


def test_every_family_by_hand_through_the_engine():
    scheme = _scheme()
    rows, expected = _rows(scheme)
    got = kpixl.score(scheme, pd.DataFrame(rows))
    for (i, name), points in expected.items():
        assert got.loc[i, f"{name}得分"] == pytest.approx(points, abs=1e-9), (name, rows[i])


def test_every_single_input_family_through_kpi_score():
    for name, (text, full, cases) in FAMILIES.items():
        for value, points in cases:
            if not isinstance(value, dict):
                assert addin.kpi_score(value, text, full) == pytest.approx(points, abs=1e-9), (name, value)


def test_every_family_in_one_workbook_recalculated_by_libreoffice(tmp_path, soffice):
    scheme = _scheme()
    rows, expected = _rows(scheme)
    filled = fill_team(build(scheme, tmp_path / "families.xlsx"), rows, tmp_path / "filled.xlsx")
    out = recalculate([filled], tmp_path / "out")[0]
    ws = openpyxl.load_workbook(out, data_only=True)[TEAM]
    header = [c.value for c in ws[1]]
    engine = kpixl.score(scheme, pd.DataFrame(rows))
    for i in range(ROWS):
        got = dict(zip(header, [c.value for c in ws[i + 2]], strict=False))
        for ind in scheme.indicators:
            col = f"{ind.name}得分"
            hand = expected[(i, ind.name)]
            assert isinstance(got[col], int | float), (col, got[col], rows[i])
            assert math.isclose(got[col], hand, abs_tol=1e-9) and math.isclose(engine.loc[i, col], hand, abs_tol=1e-9), (
                col,
                got[col],
                engine.loc[i, col],
                hand,
            )
        assert math.isclose(got["总分"], engine.loc[i, "总分"], abs_tol=1e-9)
