"""A rule kind is one module: every registered kind implements every part of the interface,
and a kind defined entirely here (never seen by kpixl's own code) is scored the same by the
engine, by a generated workbook recalculated in LibreOffice, and by the add-in's KPI_SCORE.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import anyio
import kpixl_udfs
import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwings as xw
from xlwings.server import custom_functions_call

import kpixl
from kpixl import addin
from kpixl.errors import RubricSyntaxError
from kpixl.excel import TEAM, build, fill_team
from kpixl.excel.recalc import recalculate
from kpixl.rules import KINDS, Param, Rule, register, unregister
from kpixl.rules.base import pts
from kpixl.scheme_file import scheme_from_dict
from kpixl.xl import FUNCTIONS, functions_used

BUILT_IN = ("bands", "scale", "choice", "counter", "per_unit", "stepped", "checklist", "ratio", "veto", "linear", "rank")


# ----------------------------------------------------------------------------- every kind
def test_the_registry_holds_every_built_in_kind():
    assert set(BUILT_IN) <= set(KINDS)


@pytest.mark.parametrize("kind", BUILT_IN)
def test_each_kind_implements_every_part(kind):
    cls = KINDS[kind]
    assert not getattr(cls, "__abstractmethods__", None), f"{kind} leaves {cls.__abstractmethods__} unimplemented"
    assert cls.EXAMPLES, f"{kind} has no example rubric"
    assert cls.kind_zh
    for text in cls.EXAMPLES:
        rule = kpixl.parse_rule(text)
        assert type(rule) is cls, f"{text!r} read as {type(rule).__name__}, not {cls.__name__}"
        # canonical text reads back as the same rule
        assert kpixl.parse_rule(rule.canonical()) == rule, text
        # parameters: keys unique, and with_params of the same values gives the same rule
        params = rule.params()
        keys = [p.key for p in params]
        assert len(keys) == len(set(keys)), text
        assert rule.with_params({p.key: p.value for p in params}) == rule
        # the formula asks only for parameters the rule has, and uses only portable functions
        asked: set[str] = set()

        def ref(key: str, asked: set[str] = asked) -> str:
            asked.add(key)
            return f"P_{len(asked)}"

        formula = rule.excel_points({f: f"X{k}" for k, f in enumerate(rule.fields, 1)}, ref)
        assert asked and asked <= set(keys), (text, asked - set(keys))
        assert functions_used(formula) <= FUNCTIONS, (text, functions_used(formula) - FUNCTIONS)
        for f in rule.fields:
            assert functions_used(rule.excel_value(f, "A1")) <= FUNCTIONS
            assert rule.edge_values(f), (text, f)
            rule.validation(f)  # a spec or None, never an exception
        # every edge value is readable and scores (or explains) without error
        values = {f: rule.edge_values(f)[0] for f in rule.fields}
        got = rule.score(values) if len(rule.fields) > 1 else rule.score(values[""])
        assert not (isinstance(got, float) and math.isnan(got)) or not rule.gives_points, text
        assert rule.explain(values) if len(rule.fields) > 1 else rule.explain(values[""])


def test_a_changed_parameter_changes_the_rule_and_its_points():
    rule = kpixl.parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    edges = {p.key: 40 for p in rule.params() if p.value == 30}  # the edge both neighbours name
    edited = rule.with_params(edges)
    assert len(edges) == 2 and edited != rule
    assert (rule.score(35), edited.score(35)) == (3.0, 5.0)  # 35 s: 30 < 35 ≤ 60 → 3; ≤ 40 → 5
    with pytest.raises(kpixl.RubricOverlapError):  # moving one side only overlaps: re-validated
        rule.with_params({next(iter(edges)): 40})


# ----------------------------------------------------------------------------- a toy kind
@dataclass(frozen=True)
class HalfCapped(Rule):
    """``玩具:半分封顶8`` — half the value as points, at most ``cap``; values below 0 are refused."""

    cap: float

    kind = "toy_half"
    kind_zh = "玩具"
    EXAMPLES = ("玩具:半分封顶8",)

    @classmethod
    def from_text(cls, text: str, max_points: float | None) -> Rule | None:
        if not text.startswith("玩具:"):
            return None
        if not text.startswith("玩具:半分封顶") or not text.removeprefix("玩具:半分封顶").isdigit():
            raise RubricSyntaxError(f"未能理解：「{text}」/ cannot read {text!r}")
        return cls(float(text.removeprefix("玩具:半分封顶")))

    @property
    def full(self) -> float:
        return self.cap

    @property
    def lowest(self) -> float:
        return 0.0

    def points(self, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.minimum(np.asarray(inputs[""], dtype=float) / 2, self.cap)

    def invalid(self, field: str, values: np.ndarray) -> np.ndarray:
        return values < 0

    def canonical(self) -> str:
        return f"玩具:半分封顶{self.cap:g}"

    def explain_one(self, values: Mapping[str, float]) -> str:
        return f"{values['']:g}/2 → {pts(min(values[''] / 2, self.cap))}"

    def edge_values(self, field: str = "") -> list[object]:
        return [0, 1, 2 * self.cap - 1, 2 * self.cap, 2 * self.cap + 1, 100]

    def params(self) -> list[Param]:
        return [Param("cap", "封顶", self.cap)]

    def with_params(self, values: Mapping[str, float]) -> HalfCapped:
        return replace(self, cap=values.get("cap", self.cap))

    def excel_points(self, x: Mapping[str, str], p, *, domain: bool = True) -> str:
        v = x[""]
        return f"IF({v}<0,NA(),MIN({v}/2,{p('cap')}))"


# hand-computed: half the value, capped at 8; 15 → 7.5, 16 → 8 (the edge), 17 → 8
TOY_EXPECTED = {0: 0.0, 1: 0.5, 15: 7.5, 16: 8.0, 17: 8.0, 100: 8.0}


@pytest.fixture
def toy():
    register(HalfCapped)
    try:
        yield HalfCapped
    finally:
        unregister(HalfCapped.kind)


def test_toy_kind_through_the_engine_and_the_parser(toy):
    rule = kpixl.parse_rule("玩具:半分封顶8")
    assert isinstance(rule, toy)
    assert list(rule.score(list(TOY_EXPECTED))) == list(TOY_EXPECTED.values())
    assert rule.score("16") == 8.0
    with pytest.raises(kpixl.ValueParseError):
        rule.score(-1)
    with pytest.raises(RubricSyntaxError, match="未能理解"):
        kpixl.parse_rule("玩具:半分封顶八")


def test_toy_kind_through_kpi_score_as_excel_calls_it(toy):
    for value, points in TOY_EXPECTED.items():
        assert addin.kpi_score(value, "玩具:半分封顶8") == points

    async def run():
        payload = {
            "func_name": "kpi_score",
            "args": [[[v] for v in TOY_EXPECTED], [["玩具:半分封顶8"]], [[None]]],
            "caller_address": "Sheet1!B1",
            "culture_info_name": "zh-CN",
            "date_format": "yyyy/M/d",
            "version": xw.__version__,
            "client": "Office.js",
            "runtime": "1.4",
        }
        return await custom_functions_call(payload, kpixl_udfs)

    assert anyio.run(run) == [[p] for p in TOY_EXPECTED.values()]


def test_toy_kind_in_a_workbook_recalculated_by_libreoffice(toy, tmp_path, soffice):
    scheme = scheme_from_dict(
        {
            "id": "toy",
            "名称": "玩具方案",
            "部分": [{"名称": "业绩", "指标": [{"名称": "玩具项", "分值": 8, "评分标准": "玩具:半分封顶8"}]}],
            "等级": [{"等级": "好", "下限": 6, "系数": 1}, {"等级": "差", "下限": 0, "系数": 0}],
        }
    )
    built = build(scheme, tmp_path / "toy.xlsx")
    rows = [{"工号": f"E{k}", "姓名": f"员工{k}", "玩具项": v} for k, v in enumerate(TOY_EXPECTED, 1)]
    filled = fill_team(built, rows, tmp_path / "filled.xlsx")
    out = recalculate([filled], tmp_path / "out")[0]
    ws = openpyxl.load_workbook(out, data_only=True)[TEAM]
    header = [c.value for c in ws[1]]
    engine = kpixl.score(scheme, pd.DataFrame(rows))
    for i, points in enumerate(TOY_EXPECTED.values()):
        got = dict(zip(header, [c.value for c in ws[i + 2]], strict=False))
        assert got["玩具项得分"] == points == engine.loc[i, "玩具项得分"], (i, got)
        assert got["总分"] == engine.loc[i, "总分"] and got["等级"] == engine.loc[i, "等级"]
    # the cap is an editable 指标库 number behind a defined name, not a literal
    lib = openpyxl.load_workbook(out)["指标库"]
    assert any(row[2].value == "封顶" and row[3].value == 8 for row in lib.iter_rows(min_row=2) if len(row) > 3)
