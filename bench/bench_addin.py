"""Benchmark: the add-in functions in-process, as Excel calls them.

Run: python bench/bench_addin.py
  * KPI_TEAM over a 10,000-row roster range (a 2-D list with a header row): target ≤ 50 ms;
  * 100,000 KPI_SCORE calls, one cell each, on a cached rule: target ≤ 1 s.
Each figure is the best of 3 runs, printed beside its target.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import best_of
from rosters import make_rows

import kpixl
from kpixl import addin

RULE = "≤30秒(5分);30-60秒(3分);>60秒(1分)"


def main() -> None:
    scheme = kpixl.load_scheme("support-center-quarterly")
    df = pd.DataFrame(make_rows(scheme, 10_000, random.Random(3), blank=0.02, override=0.02))
    grid = [list(df.columns)] + [[None if (isinstance(v, float) and v != v) else v for v in row] for row in df.itertuples(index=False)]
    out = addin.kpi_team(grid[:50], scheme.id)
    assert isinstance(out, list), out
    t_team = best_of(lambda: addin.kpi_team(grid, scheme.id))
    ok = "OK" if t_team <= 0.05 else "ABOVE TARGET"
    print(f"KPI_TEAM 10,000 rows        {t_team * 1000:7.1f} ms   target ≤ 50 ms   [{ok}]")

    rng = random.Random(4)
    values = [round(rng.uniform(0, 120), 1) for _ in range(100_000)]
    addin.kpi_score(values[0], RULE)

    def calls() -> None:
        for v in values:
            addin.kpi_score(v, RULE)

    t_calls = best_of(calls)
    ok = "OK" if t_calls <= 1.0 else "ABOVE TARGET"
    print(f"KPI_SCORE 100,000 calls     {t_calls:7.3f} s    target ≤ 1 s     [{ok}]")


if __name__ == "__main__":
    main()
