"""The add-in functions in-process, as Excel calls them (run through bench/run.py addin).

* KPI_TEAM over a roster range (a 2-D list with a header row): target ≤ 50 ms for 10,000 rows;
* KPI_TEAM through xlwings' Office.js protocol (the JSON Excel posts, every cell as Office.js
  sends it, run by xlwings.server's own entry point), alternately with the direct call:
  target median ≤ 3× the direct call;
* 100,000 KPI_SCORE calls, one cell each, on a cached rule: target ≤ 1 s.
The environment for xlwings' server mode is set by run.py before xlwings is imported.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from _timing import Row, alternate, runs

RULE = "≤30秒(5分);30-60秒(3分);>60秒(1分)"


def rows(team_rows: list[dict], calls: int, repeat: int) -> list[Row]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "udfs"))
    from kpixl import addin

    sid = "support-center-quarterly"
    headers = list(dict.fromkeys(h for r in team_rows for h in r))
    grid = [headers] + [[r.get(h) for h in headers] for r in team_rows]
    out = addin.kpi_team(grid[:50], sid)
    assert isinstance(out, list) and len(out) == 50, out  # header + 49 people, no error text
    n = len(team_rows)
    t_team = runs(lambda: addin.kpi_team(grid, sid), repeat)
    protocol, direct = alternate(lambda: _protocol(grid, sid), lambda: addin.kpi_team(grid, sid), repeat)
    ratio = protocol.median / direct.median
    result = [
        Row("addin-team", f"KPI_TEAM on {n:,} rows, direct call", t_team, "≤ 50 ms (10,000 rows)", t_team.median <= 0.05),
        Row(
            "addin-protocol",
            f"KPI_TEAM on {n:,} rows through xlwings' Office.js protocol",
            protocol,
            "≤ 3× direct",
            ratio <= 3,
            anchor=direct,
            anchor_what="the direct call, alternately",
            ratio=ratio,
        ),
    ]
    rng = random.Random(4)
    values = [round(rng.uniform(0, 120), 1) for _ in range(calls)]
    addin.kpi_score(values[0], RULE)

    def many() -> None:
        for v in values:
            addin.kpi_score(v, RULE)

    t_calls = runs(many, repeat)
    result.append(Row("addin-calls", f"{calls:,} KPI_SCORE calls", t_calls, "≤ 1 s (100,000 calls)", t_calls.median <= 1.0))
    return result


def _protocol(grid: list[list], sid: str) -> object:
    """KPI_TEAM as Excel calls it through xlwings Server: the JSON payload, empty cells as ""."""
    import anyio
    import kpixl_udfs
    import xlwings
    from xlwings.server import custom_functions_call

    cells = [["" if v is None else v for v in row] for row in grid]
    payload = {
        "func_name": "kpi_team",
        "args": [cells, [[sid]], [[None]], [[None]]],
        "caller_address": "Sheet1!A1",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/M/d",
        "version": xlwings.__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }
    return anyio.run(lambda: custom_functions_call(payload, kpixl_udfs))
