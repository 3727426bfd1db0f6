"""Timing for the benchmarks: min and median of several runs; figures and their anchors run
alternately in the same process (the machine is shared and noisy, so a ratio of figures taken
side by side is fairer); whole commands run as child processes, timed with their start-up and
measured for peak memory (the child's max RSS, from wait4)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    runs: tuple[float, ...]
    peak_rss: int = 0  # bytes, the largest max RSS of a child process over the runs (0: in-process)

    @property
    def min(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


class CommandFailed(RuntimeError):
    pass


def run_command(args: Sequence[object], *, ok_codes: tuple[int, ...] = (0,), cwd: Path | None = None) -> tuple[float, int]:
    """Run ``python -m kpixl ...`` style ``args`` (the first item the executable) as a child;
    return (wall seconds including start-up, the child's max RSS in bytes)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(a) for a in args], stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            err.seek(0)
            out.seek(0)
            tail = (out.read()[-1500:] + err.read()[-1500:]).decode("utf-8", "replace")
            raise CommandFailed(f"{' '.join(map(str, args))} exited {code}:\n{tail}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    return elapsed, usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def kpixl_command(*args: object, ok_codes: tuple[int, ...] = (0,)) -> Callable[[], tuple[float, int]]:
    """A measured ``kpixl`` command with the current interpreter (start-up included)."""
    return lambda: run_command([sys.executable, "-m", "kpixl", *args], ok_codes=ok_codes)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _measure(fn: Callable[[], object]) -> tuple[float, int]:
    """(seconds, peak RSS): a command measures itself (a (seconds, rss) pair), a function is timed."""
    t0 = time.perf_counter()
    got = fn()
    elapsed = time.perf_counter() - t0
    if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], int):
        return got
    return elapsed, 0


def runs(fn: Callable[[], object], repeat: int = 5) -> Timing:
    """``fn`` run ``repeat`` times."""
    return interleave([(fn, repeat)])[0]


def interleave(jobs: Sequence[tuple[Callable[[], object], int]]) -> list[Timing]:
    """Each ``(fn, repeat)`` run in turn, round after round, until each has run ``repeat`` times:
    a figure and its anchors see the same machine load."""
    times: list[list[float]] = [[] for _ in jobs]
    rss = [0] * len(jobs)
    for r in range(max(n for _, n in jobs)):
        for k, (fn, n) in enumerate(jobs):
            if r < n:
                t, m = _measure(fn)
                times[k].append(t)
                rss[k] = max(rss[k], m)
    return [Timing(tuple(t), m) for t, m in zip(times, rss, strict=True)]


def alternate(fn: Callable[[], object], anchor: Callable[[], object], repeat: int = 5) -> tuple[Timing, Timing]:
    """``fn`` and its ``anchor`` run one after the other, ``repeat`` times each."""
    a, b = interleave([(fn, repeat), (anchor, repeat)])
    return a, b


@dataclass
class Row:
    """One line of the table: a figure, its anchor, the target and whether the median met it."""

    name: str
    what: str
    figure: Timing | None
    target: str
    ok: bool | None  # None: no target (informational)
    anchor: Timing | None = None
    anchor_what: str = ""
    ratio: float | None = None
    value: str = ""  # a figure that is not a time (peak memory)
    notes: list[str] = field(default_factory=list)


def fmt_s(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def fmt_timing(t: Timing | None) -> str:
    if t is None:
        return "—"
    return f"{fmt_s(t.min)} / {fmt_s(t.median)} ({len(t.runs)}×)"


def fmt_bytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n else "—"


HEAD = ("benchmark", "figure min / median (runs)", "anchor min / median (runs)", "ratio", "target", "peak RSS", "")


def _cells(rows: Sequence[Row]) -> list[tuple[str, ...]]:
    body = []
    for r in rows:
        status = "—" if r.ok is None else "OK" if r.ok else "ABOVE TARGET"
        figure = r.value or fmt_timing(r.figure)
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        rss = fmt_bytes(r.figure.peak_rss if r.figure else 0)
        body.append((r.name, figure, fmt_timing(r.anchor), ratio, r.target, rss, status))
    return body


def markdown(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (the one in docs/development.md)."""
    head = (*HEAD[:-1], "status")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in _cells(rows)]
    return "\n".join(lines)


def table(rows: Sequence[Row]) -> str:
    """The rows as a plain-text table (min / median, runs), targets beside them."""
    head, body = HEAD, _cells(rows)
    widths = [max(_width(x[i]) for x in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(x, widths, strict=True)).rstrip() for x in (head, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
