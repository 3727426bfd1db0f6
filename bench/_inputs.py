"""The benchmarks' inputs, made as a user would have them and cached for one run.

* typed rows: tests/rosters.make_rows (every edge of every rule, fractions and points mixed,
  blanks, overrides), with a third of the numbers typed as text with their unit the way
  people type them: ``28秒``, ``88%``, ``24小时``, ``4分``;
* the 团队汇总 workbook: ``kpixl build --rows N``, filled with those rows (kpixl.excel.fill_team)
  and saved by LibreOffice (cached values, as the file a user sends);
* the same rows as a CSV; big CSVs made by repeating a 10,000-row pool of typed rows with
  fresh 工号 (a real roster also repeats few distinct spellings);
* personal forms: ``kpixl forms`` for N people, each filled (typed values, signatures, dates)
  with openpyxl and saved by LibreOffice (two soffice processes, half the files each);
* a month of session logs as Parquet (see _metrics.make_log).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import run_command
from rosters import make_rows

import kpixl
from kpixl.units import COUNT_UNITS

SCHEME = "support-center-quarterly"
DEPARTMENTS = ("客户支持一部", "客户支持二部", "投诉处理组", "在线客服组")
TEXT_SHARE = 0.33  # share of numbers typed as text with their unit


def _number_text(x: float) -> str:
    return format(Decimal(str(round(x, 6))).normalize(), "f")


def as_typed(v: object, unit: str, rng: random.Random) -> object:
    """A number sometimes typed as text with its unit (``28秒``, ``88%``, ``24小时``, ``4分``)."""
    if not isinstance(v, float | int) or isinstance(v, bool) or v != v or rng.random() >= TEXT_SHARE:
        return v
    if unit == "%":
        return f"{_number_text(v * 100 if abs(v) <= 1 else v)}%"
    if unit in ("秒", "小时", "分钟", "天", "分", *COUNT_UNITS):
        return f"{_number_text(v)}{unit}"
    return v


def typed_rows(n: int, seed: int = 1) -> list[dict]:
    """``n`` roster rows of the benchmark scheme as people type them (see the module doc)."""
    scheme = kpixl.load_scheme(SCHEME)
    rng = random.Random(seed)
    units = {h: ind.rule.input_unit(f) for ind in scheme.indicators for f, h in zip(ind.rule.fields, ind.columns(), strict=True)}
    rows = []
    for k, row in enumerate(make_rows(scheme, n, rng, blank=0.02, override=0.02)):
        typed = {h: as_typed(v, units.get(h, ""), rng) for h, v in row.items()}
        rows.append({"工号": typed.pop("工号"), "姓名": typed.pop("姓名"), "部门": DEPARTMENTS[k % 4], "考核期间": "2024Q1", **typed})
    return rows


def python() -> list[str]:
    return [sys.executable, "-m", "kpixl"]


class LibreOffice:
    """LibreOffice as kpixl.excel.recalc runs it (headless convert, OOXMLRecalcMode=0: always
    recalculate on load), but with one profile kept for the run, as an installed LibreOffice
    has: the first call (saving the inputs, untimed) sets the profile up, the timed ones reuse it."""

    def __init__(self, home: Path) -> None:
        from kpixl.excel.recalc import _XCU, find_soffice

        self.soffice, self.home = find_soffice(), home
        (home / "profile" / "user").mkdir(parents=True, exist_ok=True)
        (home / "profile" / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        (home / "tmp").mkdir(exist_ok=True)

    def recalculate(self, path: Path, outdir: Path) -> Path:
        env = {**os.environ, "HOME": str(self.home), "TMPDIR": str(self.home / "tmp"), "SAL_USE_VCLPLUGIN": "svp"}
        profile = f"-env:UserInstallation={(self.home / 'profile').as_uri()}"
        cmd = [self.soffice, profile, "--headless", "--norestore", "--nologo", "--nodefault"]
        subprocess.run(
            [*cmd, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(path)], env=env, check=True, capture_output=True
        )
        out = outdir / f"{path.stem}.xlsx"
        if not out.exists() or out.stat().st_size == 0:
            raise RuntimeError(f"LibreOffice did not write {out}")
        return out


def team_workbook(tmp: Path, rows: list[dict], lo: LibreOffice) -> Path:
    """The 团队汇总 of ``len(rows)`` rows, built by kpixl, filled, saved by LibreOffice."""
    from kpixl.excel import fill_team

    run_command([*python(), "build", "--scheme", SCHEME, "--rows", len(rows), "--out", tmp / "built"])
    filled = fill_team(tmp / "built" / f"{SCHEME}.xlsx", rows, tmp / "filled" / "team.xlsx")
    return lo.recalculate(filled, tmp / "saved")


def write_csv(rows: list[dict] | pd.DataFrame, path: Path) -> Path:
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8")
    return path


def big_roster(pool: list[dict], n: int) -> pd.DataFrame:
    """``n`` rows: the typed pool repeated, each person with their own 工号 and 姓名."""
    df = pd.DataFrame(pool)
    df = df.iloc[np.arange(n) % len(df)].reset_index(drop=True)
    ids = np.arange(1, n + 1).astype(str)
    df["工号"] = np.char.add("E", np.char.zfill(ids, 7))
    df["姓名"] = np.char.add("员工", ids)
    return df


def filled_forms(tmp: Path, rows: list[dict], batches: int = 2) -> Path:
    """``kpixl forms`` for the people of ``rows``, each form filled as its supervisor would
    (the typed values, signatures, dates) and saved by LibreOffice; returns the folder."""
    import openpyxl

    from kpixl import collect
    from kpixl.excel import FORM

    ids = ["工号", "姓名", "部门", "考核期间"]
    roster = write_csv([{h: r[h] for h in ids} for r in rows], tmp / "people.csv")
    run_command([*python(), "forms", roster, "--scheme", SCHEME, "--out", tmp / "sent"])
    layout = collect._form_layout(kpixl.load_scheme(SCHEME))
    by_id = {r["工号"]: r for r in rows}
    (tmp / "filled").mkdir()
    for path in sorted((tmp / "sent").iterdir()):
        wb = openpyxl.load_workbook(path)
        ws = wb[FORM]
        row = by_id[ws[layout["工号"]].value]
        for key, ref in layout.items():
            if key.startswith("签字"):
                ws[ref] = "张主管" if "考核人" in key else "已阅"
            elif key.startswith("日期"):
                ws[ref] = "2024-04-02"
            elif key not in ids and row.get(key) is not None:
                ws[ref] = row[key]
        wb.save(tmp / "filled" / path.name)
    files = sorted((tmp / "filled").iterdir())
    chunks = [files[k : k + FORMS_PER_SOFFICE] for k in range(0, len(files), FORMS_PER_SOFFICE)]
    with ThreadPoolExecutor(batches) as pool:  # soffice processes side by side, each with its own profile
        list(pool.map(lambda chunk: _save(chunk, tmp / "saved"), chunks))
    return tmp / "saved"


FORMS_PER_SOFFICE = 100  # one soffice over a long batch has been seen to stop part-way (exit 0)


def _save(files: list[Path], outdir: Path) -> None:
    """Save ``files`` through LibreOffice; the ones it did not write are tried once more."""
    from kpixl.errors import LibreOfficeError
    from kpixl.excel.recalc import recalculate

    try:
        recalculate(files, outdir)
    except LibreOfficeError:
        recalculate([f for f in files if not (outdir / f.name).exists()], outdir)
