"""Every benchmark of kpixl, as users pay for it: ``python bench/run.py [--quick] [NAME ...]``.

Whole commands run as child processes (``python -m kpixl ...`` with this interpreter, so
start-up is included) on realistic typed inputs made first (see _inputs.py); each figure runs
alternately with its anchor in this process, and the table gives min / median (runs), the
anchor, the ratio of the medians, the target and whether the median met it. NAME is a group
(help, team, collect, engine, memory, metrics, addin) or a row name; none means all.
``--quick`` uses tiny sizes for a smoke run (figures then say nothing about the targets).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # xlwings' Office.js entry points, in-process
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _inputs
import _metrics
import _numpy_anchor
from _timing import Row, fmt_s, interleave, kpixl_command, markdown, run_command, table

import kpixl

MEMORY_TARGET = 1.5e9  # bytes (1.5 GB)


@dataclass(frozen=True)
class Sizes:
    team: int = 10_000  # rows of the 团队汇总 workbook and of its CSV
    forms: int = 1_000  # filled personal forms collected
    big: int = 1_000_000  # rows of the CSV scored against the engine alone and numpy
    memory: int = 5_000_000  # rows of the CSV whose peak memory is measured
    log: int = 10_000_000  # session-log rows for kpixl metrics
    addin: int = 10_000  # rows of the KPI_TEAM range
    calls: int = 100_000  # KPI_SCORE calls
    runs: int = 5  # runs of each figure and anchor
    slow_runs: int = 3  # runs of LibreOffice and of the 10M-row metrics command and its anchor
    memory_runs: int = 1  # runs of the 5M-row command (its figure is the peak RSS)


QUICK = Sizes(team=60, forms=6, big=20_000, memory=20_000, log=20_000, addin=300, calls=2_000, runs=2, slow_runs=1, memory_runs=1)


class Inputs:
    """Inputs made on first use and kept for the run; with ``--workdir`` kept across runs
    (each in a folder named after its size, made again only when its result is absent)."""

    def __init__(self, tmp: Path, sizes: Sizes) -> None:
        self.tmp, self.sizes = tmp, sizes

    def dir(self, name: str) -> Path:
        path = self.tmp / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _kept(self, path: Path, make: Callable[[Path], object]) -> Path:
        """``path``, made by ``make`` unless a finished one is there (made under a temporary name)."""
        if not path.exists():
            part = path.with_name(f"part-{path.name}")
            make(part)
            part.rename(path)
        return path

    @cached_property
    def team_rows(self) -> list[dict]:
        return _inputs.typed_rows(self.sizes.team)

    @cached_property
    def pool(self) -> list[dict]:
        return self.team_rows if self.sizes.team >= 10_000 else _inputs.typed_rows(min(10_000, self.sizes.big), seed=2)

    @cached_property
    def libreoffice(self) -> _inputs.LibreOffice:
        return _inputs.LibreOffice(self.dir("libreoffice"))

    @cached_property
    def team_xlsx(self) -> Path:
        def make(path: Path) -> None:
            _inputs.team_workbook(self.dir(f"team-{self.sizes.team}"), self.team_rows, self.libreoffice).rename(path)

        return self._kept(self.dir(f"team-{self.sizes.team}") / "team.xlsx", make)

    @cached_property
    def team_csv(self) -> Path:
        return self._kept(self.dir(f"team-csv-{self.sizes.team}") / "team.csv", lambda p: _inputs.write_csv(self.team_rows, p))

    @cached_property
    def forms(self) -> Path:
        def make(path: Path) -> None:
            _inputs.filled_forms(path, _inputs.typed_rows(self.sizes.forms, seed=3))

        return self._kept(self.dir(f"forms-{self.sizes.forms}") / "forms", make) / "saved"

    def _roster(self, n: int) -> Path:
        return self._kept(self.dir(f"roster-{n}") / "roster.csv", lambda p: _inputs.write_csv(_inputs.big_roster(self.pool, n), p))

    @cached_property
    def big_csv(self) -> Path:
        return self._roster(self.sizes.big)

    @cached_property
    def memory_csv(self) -> Path:
        return self._roster(self.sizes.memory)

    @cached_property
    def log(self) -> Path:
        return self._kept(self.dir(f"log-{self.sizes.log}") / "sessions.parquet", lambda p: _metrics.make_log(p, self.sizes.log))


def bench_help(inp: Inputs, s: Sizes) -> list[Row]:
    cmd = kpixl_command("--help")
    bare = lambda: run_command([sys.executable, "-c", "pass"])
    fig, anchor = interleave([(cmd, max(s.runs, 7)), (bare, max(s.runs, 7))])
    return [
        Row(
            "help",
            "`kpixl --help`, the whole process",
            fig,
            "≤ 0.25 s",
            fig.median <= 0.25,
            anchor=anchor,
            anchor_what="`python -c pass`: the interpreter's own start-up (no target)",
            ratio=fig.median / anchor.median,
        )
    ]


def bench_team(inp: Inputs, s: Sizes) -> list[Row]:
    xlsx, csv, out = inp.team_xlsx, inp.team_csv, inp.dir("team-out")
    sid = _inputs.SCHEME
    score_xlsx = kpixl_command("score", xlsx, "--scheme", sid, "--out", out / "r.xlsx")
    score_csv = kpixl_command("score", csv, "--scheme", sid, "--out", out / "r.csv")
    lo = lambda: inp.libreoffice.recalculate(xlsx, out / "lo")
    fx, fc, anchor = interleave([(score_xlsx, s.runs), (score_csv, s.runs), (lo, s.slow_runs)])
    what = f"LibreOffice headless, forced recalculation of the same {s.team:,}-row workbook"
    what += " (the whole soffice process; its profile set up by the untimed save of the inputs)"
    rows = []
    for name, fig, kind, source, need in (
        ("score-xlsx", fx, "xlsx → xlsx", "the 团队汇总 saved by LibreOffice", 10),
        ("score-csv", fc, "CSV → CSV", "the same rows as a CSV", 20),
    ):
        ratio = anchor.median / fig.median
        rows.append(
            Row(
                name,
                f"`kpixl score` {kind}, {s.team:,} typed rows: {source}",
                fig,
                f"≥ {need}× faster than LibreOffice",
                ratio >= need,
                anchor=anchor,
                anchor_what=what,
                ratio=ratio,
            )
        )
    return rows


CALAMINE_FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for p in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(p))
    for name in ("考核表", "指标库", "等级系数", "方案"):
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def bench_collect(inp: Inputs, s: Sizes) -> list[Row]:
    forms = inp.forms
    assert len(list(forms.glob("*.xlsx"))) == s.forms, "LibreOffice did not save every form"
    cmd = kpixl_command("collect", forms, "--out", inp.dir("collect-out") / "summary.xlsx")
    floor = lambda: run_command([sys.executable, "-c", CALAMINE_FLOOR, forms])
    fig, anchor = interleave([(cmd, s.runs), (floor, s.runs)])
    ratio = fig.median / anchor.median
    return [
        Row(
            "collect",
            f"`kpixl collect` of {s.forms:,} filled forms saved by LibreOffice",
            fig,
            "≤ 2.5× the calamine floor",
            ratio <= 2.5,
            anchor=anchor,
            anchor_what="python-calamine reading the sheets collect reads (考核表, 指标库, 等级系数, 方案) of the same files, in a child process",
            ratio=ratio,
        )
    ]


#: what `kpixl score` of a CSV to CSV does besides scoring, in a child process set up as the
#: command is (the same imports and malloc settings): read the roster with kpixl's reader as the
#: command reads it, and write the table read with kpixl's CSV writer (18 columns; the result has 20)
IO_FLOOR = """
import sys
from kpixl import load_scheme
from kpixl.cli._app import _keep_freed_memory
from kpixl.roster import read_table, write_table
from kpixl.scoring import carried
_keep_freed_memory()
scheme = load_scheme(sys.argv[2])
frame = read_table(sys.argv[1], text_as_categories=True, as_text=carried(scheme))
write_table(frame, sys.argv[3], inputs=(sys.argv[1],))
"""


def bench_engine(inp: Inputs, s: Sizes) -> list[Row]:
    sid = _inputs.SCHEME
    scheme = kpixl.load_scheme(sid)
    frame = kpixl.read_table(inp.big_csv)  # what the command reads, untimed here
    cmd = kpixl_command("score", inp.big_csv, "--scheme", sid, "--out", inp.dir("big-out") / "r.csv")
    engine = lambda: kpixl.score(scheme, frame)
    floor = lambda: run_command([sys.executable, "-c", IO_FLOOR, inp.big_csv, sid, inp.dir("big-out") / "floor.csv"])
    _numpy_anchor.same_as_engine(_numpy_anchor.score(frame), engine())
    numeric = frame.copy()
    for name, unit in _numpy_anchor.UNITS.items():
        numeric[name] = _numpy_anchor.numbers(frame[name], unit)
        if f"{name}·调整得分" in numeric:
            numeric[f"{name}·调整得分"] = _numpy_anchor.numbers(frame[f"{name}·调整得分"], "分")
    _numpy_anchor.same_as_engine(_numpy_anchor.score(numeric), kpixl.score(scheme, numeric))
    fig, eng, io, hand, eng_num, hand_num = interleave(
        [
            (cmd, s.runs),
            (engine, s.runs),
            (floor, s.runs),
            (lambda: _numpy_anchor.score(frame), s.runs),
            (lambda: kpixl.score(scheme, numeric), s.runs),
            (lambda: _numpy_anchor.score(numeric), s.runs),
        ]
    )
    n = f"{s.big:,}"
    return [
        Row(
            "score-big",
            f"`kpixl score` of a {n}-row typed CSV to CSV",
            fig,
            "≤ 3× the engine alone",
            fig.median / eng.median <= 3,
            anchor=eng,
            anchor_what="kpixl.score on the same rows already in memory (as read_table reads them)",
            ratio=fig.median / eng.median,
        ),
        Row(
            "io-floor",
            f"the same command without scoring: start-up, kpixl's CSV read and write of the {n} rows",
            io,
            "— (the floor under score-big)",
            None,
            anchor=eng,
            anchor_what="the engine alone, as for score-big",
            ratio=io.median / eng.median,
        ),
        Row(
            "engine-numpy",
            f"kpixl.score, {n} typed rows in memory",
            eng,
            "≤ 1.25× hand-written numpy",
            eng.median / hand.median <= 1.25,
            anchor=hand,
            anchor_what="np.select / np.where by hand for this one scheme, parsing only the spellings present (_numpy_anchor.py)",
            ratio=eng.median / hand.median,
        ),
        Row(
            "engine-numeric",
            f"kpixl.score, the same {n} rows as plain numbers",
            eng_num,
            "— (shows what parsing costs)",
            None,
            anchor=hand_num,
            anchor_what="the same hand-written numpy on the plain numbers",
            ratio=eng_num.median / hand_num.median,
        ),
    ]


def bench_memory(inp: Inputs, s: Sizes) -> list[Row]:
    cmd = kpixl_command("score", inp.memory_csv, "--scheme", _inputs.SCHEME, "--out", inp.dir("memory-out") / "r.csv")
    (fig,) = interleave([(cmd, s.memory_runs)])
    return [
        Row(
            "memory",
            f"peak memory (max RSS of the child) of `kpixl score`, {s.memory:,}-row typed CSV to CSV",
            fig,
            "≤ 1.5 GB peak RSS",
            fig.peak_rss <= MEMORY_TARGET,
            value=f"{fig.peak_rss / 2**20:,.0f} MiB in {fmt_s(fig.median)}",
        )
    ]


def bench_metrics(inp: Inputs, s: Sizes) -> list[Row]:
    import pandas as pd

    log, out = inp.log, inp.dir("metrics-out") / "roster.csv"
    cmd = kpixl_command("metrics", log, "--period", "2024-03", "--out", out)
    runs = s.slow_runs if s.log >= 5_000_000 else s.runs
    fig, anchor = interleave([(cmd, runs), (lambda: _metrics.hand_sql(log), runs)])
    ours, hand = pd.read_csv(out, dtype={"工号": str}), _metrics.hand_sql(log)
    handled = next(c for c in ours.columns if c.startswith("接待量"))  # 接待量(次) without a scheme
    assert ours[handled].sum() == hand["handled"].sum(), "the hand SQL does not count the same sessions"
    return [
        Row(
            "metrics",
            f"`kpixl metrics` of a {s.log:,}-row session log (Parquet) to a roster CSV",
            fig,
            "≤ 10 s",
            fig.median <= 10,
            anchor=anchor,
            anchor_what="one hand-written DuckDB query for the same per-agent figures (_metrics.py); no target on the ratio",
            ratio=fig.median / anchor.median,
        )
    ]


def bench_addin(inp: Inputs, s: Sizes) -> list[Row]:
    import _addin

    rows = inp.team_rows if s.addin == s.team else _inputs.typed_rows(s.addin, seed=4)
    return _addin.rows(rows, s.calls, s.runs)


GROUPS: dict[str, tuple[Callable[[Inputs, Sizes], list[Row]], tuple[str, ...]]] = {
    "help": (bench_help, ("help",)),
    "team": (bench_team, ("score-xlsx", "score-csv")),
    "collect": (bench_collect, ("collect",)),
    "engine": (bench_engine, ("score-big", "io-floor", "engine-numpy", "engine-numeric")),
    "memory": (bench_memory, ("memory",)),
    "metrics": (bench_metrics, ("metrics",)),
    "addin": (bench_addin, ("addin-team", "addin-protocol", "addin-calls")),
}


def _compile_kpixl() -> None:
    """Write kpixl's bytecode first, as pip does when it installs kpixl: the commands then start as
    they do for a user, not compiling every module from source on each run (which they do in a
    checkout run with PYTHONDONTWRITEBYTECODE set, as this machine's is: ≈ 0.1 s a command)."""
    import compileall

    compileall.compile_dir(Path(kpixl.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="groups or rows to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="tiny sizes, a smoke run of the harness")
    ap.add_argument("--runs", type=int, help="runs of each figure (default 5; 2 with --quick)")
    ap.add_argument("--workdir", type=Path, help="keep the generated inputs in this folder and reuse them in later runs")
    ap.add_argument("--markdown", action="store_true", help="also print the table in Markdown, for docs/development.md")
    args = ap.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    if args.runs:
        sizes = Sizes(**{**sizes.__dict__, "runs": args.runs})
    chosen = [g for g, (_, rows) in GROUPS.items() if not args.names or g in args.names or set(rows) & set(args.names)]
    unknown = set(args.names) - set(GROUPS) - {r for _, rows in GROUPS.values() for r in rows}
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    _compile_kpixl()
    print(f"kpixl {kpixl.__version__} benchmarks, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; sizes: {sizes}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kpixl-bench-") as tmp:
        inputs = Inputs(args.workdir or Path(tmp), sizes)
        for g in chosen:
            print(f"… {g}", file=sys.stderr, flush=True)
            done = GROUPS[g][0](inputs, sizes)
            print("\n".join(table(done).splitlines()[2:]), flush=True)  # each group's rows as soon as they are known
            rows += done
    print()
    print(table(rows))
    print()
    for r in rows:
        print(f"{r.name}: {r.what}" + (f"; anchor: {r.anchor_what}" if r.anchor_what else ""))
    if args.markdown:
        print()
        print(markdown(rows))
    if args.quick:
        print("\n--quick: tiny sizes; the figures check the harness, not the targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
