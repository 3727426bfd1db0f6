"""Benchmark: build all workbooks, write 1,000 personal forms, and the engine against LibreOffice.

Run: python bench/bench_workbooks.py [--people 1000] [--team-rows 10000]
Prints each figure beside its target:
  * `kpixl build` of every built-in scheme + `kpixl forms` for 1,000 people: ≤ 10 s together;
  * the engine scoring a 10,000-row 团队汇总 vs LibreOffice recalculating the same sheet: ≥ 100×.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from rosters import make_rows

import kpixl
from kpixl.excel import build, fill_team
from kpixl.excel.forms import write_forms
from kpixl.excel.recalc import recalculate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--team-rows", type=int, default=10_000)
    args = ap.parse_args()
    sid = "support-center-quarterly"
    scheme = kpixl.load_scheme(sid)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        t0 = time.perf_counter()
        for s in kpixl.builtin_ids():
            build(s, t / "wb")
        t_build = time.perf_counter() - t0
        roster = pd.DataFrame(make_rows(scheme, args.people, rng, blank=0.02, override=0.02))
        t0 = time.perf_counter()
        write_forms(scheme, roster, t / "forms")
        t_forms = time.perf_counter() - t0
        total = t_build + t_forms
        print(f"kpixl build (9 schemes)        {t_build:6.2f} s")
        print(f"kpixl forms ({args.people:,} people)     {t_forms:6.2f} s")
        ok = "OK" if total <= 10 else "ABOVE TARGET"
        print(f"  together                     {total:6.2f} s   target ≤ 10 s   [{ok}]")

        rows = make_rows(scheme, args.team_rows, rng, blank=0.02, override=0.02)
        path = build(scheme, t / "big" / f"{sid}.xlsx", rows=args.team_rows)
        filled = fill_team(path, rows, t / "in" / f"{sid}.xlsx")
        t0 = time.perf_counter()
        recalculate([filled], t / "out")
        t_lo = time.perf_counter() - t0
        df = pd.DataFrame(rows)
        kpixl.score(scheme, df.head(10))
        t_engine = min(_timed(lambda: kpixl.score(scheme, df)) for _ in range(3))
        ratio = t_lo / t_engine
        ok = "OK" if ratio >= 100 else "BELOW TARGET"
        print(f"LibreOffice recalculates {args.team_rows:,} rows  {t_lo:6.2f} s (one soffice call, start-up included)")
        print(f"engine scores the same rows      {t_engine * 1000:6.1f} ms")
        print(f"  engine speed-up                {ratio:,.0f}×   target ≥ 100×   [{ok}]")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
