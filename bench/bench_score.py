"""Benchmark: score 1,000,000 roster rows of support-center-quarterly.

Run: python bench/bench_score.py [--rows N]
Prints rows/s beside the target (≥1,000,000 rows/s on a 2-core machine) and the ratio
to a naive per-row loop measured in the same run (rule.score called cell by cell).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from _timing import best_of

import kpixl

TARGET_ROWS_PER_S = 1_000_000


def make_roster(n: int, seed: int = 1) -> pd.DataFrame:
    """A roster as pandas reads it from a CSV of numbers (rates as fractions, times in seconds)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "工号": np.char.add("E", np.arange(n).astype(str)),
            "姓名": "员工",
            "服务规范度": rng.integers(1, 6, n).astype(float),
            "问题解决能力": rng.integers(2, 11, n) / 2,
            "平均响应时长": rng.integers(5, 120, n).astype(float),
            "一次解决率": rng.integers(60, 101, n) / 100,
            "客户满意度": rng.integers(80, 101, n) / 100,
            "投诉率": rng.choice([0.0, 0.005, 0.01, 0.02], n),
            "跨部门协作响应速度": rng.integers(1, 72, n).astype(float),
        }
    )


def naive(scheme: kpixl.Scheme, df: pd.DataFrame) -> list[float]:
    """The per-row loop people write first: every cell through rule.score, one at a time."""
    totals = []
    for _, row in df.iterrows():
        total = 0.0
        for sec in scheme.sections:
            sub = 0.0
            for ind in sec.indicators:
                sub += ind.rule.score(row[ind.name]) * ind.scale
            total += sub * (sec.weight or 1)
        totals.append(kpixl.excel_round(total, 2))
    return totals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=2_000)
    args = ap.parse_args()
    scheme = kpixl.load_scheme("support-center-quarterly")
    df = make_roster(args.rows)
    kpixl.score(scheme, df.head(1000))  # warm caches
    t = best_of(lambda: kpixl.score(scheme, df), 3)
    rate = args.rows / t
    small = df.head(args.naive_rows)
    t_naive = best_of(lambda: naive(scheme, small), 1)
    naive_rate = args.naive_rows / t_naive
    check = kpixl.score(scheme, small)["总分"].tolist()
    assert check == naive(scheme, small), "vectorised and per-row totals differ"
    ok = "OK" if rate >= TARGET_ROWS_PER_S else "BELOW TARGET"
    print(f"score {args.rows:,} rows of support-center-quarterly: {t:.3f} s")
    print(f"  throughput      {rate:,.0f} rows/s   target ≥ {TARGET_ROWS_PER_S:,} rows/s   [{ok}]")
    print(f"  naive per-row   {naive_rate:,.0f} rows/s (measured on {args.naive_rows:,} rows)")
    print(f"  speed-up        {rate / naive_rate:,.0f}× over the per-row loop")


if __name__ == "__main__":
    main()
