"""Benchmark: the add-in functions in-process, as Excel calls them.

Run: python bench/bench_addin.py
  * KPI_TEAM over a 10,000-row roster range (a 2-D list with a header row): target ≤ 50 ms;
  * KPI_TEAM through xlwings' Office.js protocol (the JSON Excel posts, every cell as Office.js
    sends it), run alternately with the direct call: target median ≤ 3× the direct call;
  * 100,000 KPI_SCORE calls, one cell each, on a cached rule: target ≤ 1 s.
Each figure is the min and median of 5 runs, printed beside its target.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pandas as pd

os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # xlwings' Office.js entry points, in-process
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "udfs"))
from _timing import alternate, line, runs
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
    t_team = runs(lambda: addin.kpi_team(grid, scheme.id))
    print(line("KPI_TEAM 10,000 rows (direct)", t_team, "ms", "≤ 50 ms", t_team.median <= 0.05))
    protocol, direct = alternate(lambda: _protocol(grid, scheme.id), lambda: addin.kpi_team(grid, scheme.id))
    ratio = protocol.median / direct.median
    print(line("KPI_TEAM via Office.js protocol", protocol, "ms", f"≤ 3× direct (now {ratio:.1f}×)", ratio <= 3))

    rng = random.Random(4)
    values = [round(rng.uniform(0, 120), 1) for _ in range(100_000)]
    addin.kpi_score(values[0], RULE)

    def calls() -> None:
        for v in values:
            addin.kpi_score(v, RULE)

    t_calls = runs(calls)
    print(line("KPI_SCORE 100,000 calls", t_calls, "s", "≤ 1 s", t_calls.median <= 1.0))


def _protocol(grid: list[list], sid: str) -> object:
    """KPI_TEAM as Excel calls it through xlwings Server: the JSON payload, empty cells as ""."""
    import anyio
    import kpixl_udfs
    from xlwings.server import custom_functions_call

    cells = [["" if v is None else v for v in row] for row in grid]
    payload = {
        "func_name": "kpi_team",
        "args": [cells, [[sid]], [[None]], [[None]]],
        "caller_address": "Sheet1!A1",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/M/d",
        "version": __import__("xlwings").__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }
    return anyio.run(lambda: custom_functions_call(payload, kpixl_udfs))


if __name__ == "__main__":
    main()
