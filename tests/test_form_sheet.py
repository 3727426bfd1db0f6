"""The printed form (考核表) as a person sees it after LibreOffice recalculates: the weights it
prints are the ones in force in 指标库, and weights that stop totalling 100% show a warning on
screen and on paper. These tests need LibreOffice: without it they fail, never skip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import kpixl as k
from kpixl.excel import FORM, LIBRARY, build
from kpixl.excel.recalc import recalculate

SCHEME = "support-center-quarterly"  # 服务质量 25%: 服务规范度 50%, 问题解决能力 50%


def _edited(src: Path, dst: Path, weights: dict[str, float]) -> Path:
    """A copy with 指标库 weights changed by key (kp name without the prefix: i1.weight …)."""
    wb = openpyxl.load_workbook(src)
    ws = wb[LIBRARY]
    for row in ws.iter_rows(min_row=2):
        if row[5].value in weights:
            row[3].value = weights[row[5].value]
    wb.save(dst)
    return dst


def test_form_prints_the_weights_in_force_and_warns_when_they_stop_totalling_100(soffice, tmp_path):
    built = build(SCHEME, tmp_path / "wb")
    (tmp_path / "in").mkdir()
    good = _edited(built, tmp_path / "in" / "good.xlsx", {"i1.weight": 0.4, "i2.weight": 0.6})
    bad = _edited(built, tmp_path / "in" / "bad.xlsx", {"i1.weight": 0.4})  # 40% + 50% = 90%
    out_good, out_bad = recalculate([good, bad], tmp_path / "out")
    form = openpyxl.load_workbook(out_good, data_only=True)[FORM]
    by_name = {form.cell(r, 2).value: form.cell(r, 3).value for r in range(6, 20)}
    assert by_name["服务规范度"] == pytest.approx(0.4) and by_name["问题解决能力"] == pytest.approx(0.6)
    assert form["A4"].value in (None, "")
    warned = openpyxl.load_workbook(out_bad, data_only=True)
    assert "权重合计不是100%" in warned[FORM]["A4"].value
    assert "权重合计不是100%" in warned[LIBRARY]["H1"].value
    with pytest.raises(k.SchemeError, match="指标权重合计为 90%"):  # the engine refuses the same workbook
        k.load_scheme(bad)
