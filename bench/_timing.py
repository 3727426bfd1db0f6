"""Timing for the benchmarks: min and median of several runs, with an anchor run alternately
in the same process (the machine is shared and noisy, so a ratio taken run by run is fairer)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    runs: tuple[float, ...]

    @property
    def min(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def runs(fn: Callable[[], object], repeat: int = 5) -> Timing:
    """``fn`` run ``repeat`` times."""
    return Timing(tuple(timed(fn) for _ in range(repeat)))


def alternate(fn: Callable[[], object], anchor: Callable[[], object], repeat: int = 5) -> tuple[Timing, Timing]:
    """``fn`` and its ``anchor`` run one after the other, ``repeat`` times each."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(fn))
        b.append(timed(anchor))
    return Timing(tuple(a)), Timing(tuple(b))


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds (kept for the older benchmarks)."""
    return runs(fn, repeat).min


def line(label: str, t: Timing, unit: str, target: str, ok: bool) -> str:
    """One benchmark line: min and median, the target beside them, and whether the median met it."""
    scale = {"ms": 1000.0, "s": 1.0}[unit]
    return (
        f"{label:<34} min {t.min * scale:8.1f} {unit}  median {t.median * scale:8.1f} {unit}   target {target:<28} [{'OK' if ok else 'ABOVE TARGET'}]"
    )
