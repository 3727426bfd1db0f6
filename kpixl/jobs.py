"""The batch jobs behind the ``kpixl`` commands, one library call each: the CLI parses options,
calls one of these and prints what it returns. Scripts call them the same way.

    kpixl.jobs.score_file("team.csv", "support-center-quarterly", "results.xlsx")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import KpixlError, RosterError
from .scheme import NOT_HANDED_IN, Scheme
from .sources import load_scheme

if TYPE_CHECKING:
    from .audit import Finding
    from .history import HistoryReport

PathLike = str | Path


def _scheme(scheme: Scheme | str) -> Scheme:
    return load_scheme(scheme) if isinstance(scheme, str | Path) else scheme


@dataclass
class ScoreReport:
    results: pd.DataFrame  # every result; the first 1,000 when the roster was scored in parts
    rows: int
    flagged: int  # people with something in 标记


def score_file(roster: PathLike, scheme: Scheme | str, out: PathLike | None = None) -> ScoreReport:
    """Score a roster file (CSV or xlsx); write the results to ``out`` (never over the roster).
    A CSV larger than :data:`kpixl.stream.LARGE_CSV_BYTES` written to a CSV is scored in parts,
    in bounded memory, with the same results (:mod:`kpixl.stream`)."""
    from .roster import numbers_where_faithful, read_table, write_table
    from .scoring import carried, carried_as_typed, score
    from .stream import LARGE_CSV_BYTES, score_in_parts

    s = _scheme(scheme)
    p = Path(roster)
    text = p.suffix.lower() in (".csv", ".txt")
    large = text and p.is_file() and p.stat().st_size > LARGE_CSV_BYTES
    if large and out is not None and Path(out).suffix.lower() == ".csv":
        streamed = score_in_parts(p, s, out)
        return ScoreReport(streamed.head, streamed.rows, streamed.flagged)
    # a CSV's columns the scheme does not read are carried as typed: 007 stays 007
    frame = read_table(roster, text_as_categories=True, as_text=carried(s))
    results = score(s, frame)
    if out:
        typed = carried_as_typed(s, list(results.columns)) if text else []
        if Path(out).suffix.lower() == ".xlsx":  # numbers typed as numbers: number cells
            write_table(numbers_where_faithful(results, typed), out, inputs=(roster,))
        else:  # as typed: -200 is a number, no formula to neutralise
            write_table(results, out, inputs=(roster,), numbers_as_text=typed)
    return ScoreReport(results, len(results), int((results["标记"] != "").sum()))


@dataclass
class PayoutReport:
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    coefficients_only: bool = False

    @property
    def people(self) -> int:
        return len(self.table) if self.coefficients_only else len(self.table) - 1  # the last row is 合计

    @property
    def total(self) -> float:
        return 0.0 if self.coefficients_only else float(self.table["奖金"].iloc[-1])


def payout_file(
    results: PathLike,
    scheme: Scheme | str,
    out: PathLike,
    *,
    base_column: str = "绩效工资基数",
    share: float | None = None,
    limits: Mapping[str, float] | None = None,
    roster: PathLike | None = None,
    unpaid: Iterable[str] = (),
    profile: PathLike | None = None,
    coefficients_only: bool = False,
) -> PayoutReport:
    """The payout file from results (or from a roster, scored first); the base joined from ``roster``
    by 工号 when given. ``.xlsx``: the finance workbook (subtotals per 部门, SUM formulas, sign-off
    block); ``.csv``: the table for payroll import, in the columns of ``profile`` (a YAML mapping
    输出列名: 源列) when given. ``coefficients_only``: 工号, 姓名, 等级, 奖金系数 (no base needed).
    Forced-distribution ``limits`` are reported, never applied."""
    from .payout import coefficient_table, distribution_check, join_base, payout
    from .payout_out import csv_table, write_payout_xlsx
    from .roster import atomic_save, read_table, write_table
    from .safe import refuse_clobber
    from .scoring import score

    s = _scheme(scheme)
    inputs = tuple(p for p in (results, roster, profile) if p)
    df = read_table(results)
    if "奖金系数" not in df.columns:  # a roster: score it first
        df = score(s, df)
    warnings = distribution_check(df, dict(limits or {}))
    if coefficients_only:
        table = coefficient_table(df, unpaid=tuple(unpaid))
        write_table(table, out, inputs=inputs, sheet="奖金系数")
        return PayoutReport(table, warnings, coefficients_only=True)
    if roster:  # results of collected forms do not carry the base: join it by 工号
        df = join_base(df, read_table(roster), base_column)
    table = payout(df, s, base_column=base_column, share=share, unpaid=tuple(unpaid))
    if Path(out).suffix.lower() == ".xlsx":
        refuse_clobber(Path(out), inputs)
        atomic_save(Path(out), lambda tmp: write_payout_xlsx(tmp, table, scheme_name=f"{s.name}（{s.id}）", base_column=base_column))
    else:
        write_table(csv_table(table, base_column, _profile(profile) if profile else None), out, inputs=inputs, sheet="奖金")
    return PayoutReport(table, warnings)


def _profile(path: PathLike) -> dict[str, str]:
    """A payroll-import profile: a YAML mapping of output column → kpixl column, in order."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as exc:
        raise KpixlError(f"{path}: 无法读取工资导入模板（应为「输出列名: 源列」的 YAML）/ cannot read the payroll profile: {exc}") from None
    if not isinstance(data, Mapping) or not data:
        raise KpixlError(f"{path}: 工资导入模板应为「输出列名: 源列」的映射 / a profile maps output names to columns")
    return {str(k): str(v) for k, v in data.items()}


def check_paths(paths: Iterable[PathLike], scheme: Scheme | str | None = None, *, period: str | None = None) -> list[Finding]:
    """Audit filled files: CSV rosters (which need ``scheme``) and workbooks, forms, folders, globs
    and zips; every finding with its file, sheet and cell."""
    from .audit import audit_file
    from .collect import check
    from .collect_sources import problem

    paths = [str(p) for p in paths]
    tables = [p for p in paths if p.lower().endswith((".csv", ".txt"))]
    books = [p for p in paths if p not in tables]
    findings: list[Finding] = []
    for p in tables:
        try:
            findings += audit_file(p, scheme, period=period)
        except RosterError as exc:  # a table that cannot be read: each located problem a line, the run goes on
            findings += [problem(Path(p).name, str(issue)) for issue in exc.issues]
        except KpixlError as exc:  # the file is its own column: the message need not start with it again
            name, text = Path(p).name, str(exc)
            for prefix in (f"{p}: ", f"{name}: "):
                text = text.removeprefix(prefix)
            findings.append(problem(name, text))
    if books:
        findings += check(books, scheme, period=period).findings
    return findings


@dataclass
class Summary:
    """One scheme's people, recomputed, audited and written to ``path``."""

    scheme: Scheme
    results: pd.DataFrame
    findings: list[Finding]
    path: Path
    files_read: int

    @property
    def errors(self) -> int:
        from .audit import ERROR

        return sum(f.level == ERROR for f in self.findings)

    @property
    def not_handed_in(self) -> int:
        return int((self.results["标记"] == NOT_HANDED_IN).sum())


@dataclass
class CollectReport:
    summaries: list[Summary]
    findings: list[Finding]  # every finding of the run: files that could not be read, and each scheme's

    @property
    def results(self) -> pd.DataFrame | None:
        """The results when one scheme was read (None when nobody was)."""
        return self.summaries[0].results if len(self.summaries) == 1 else None

    @property
    def errors(self) -> int:
        from .audit import ERROR

        return sum(f.level == ERROR for f in self.findings)

    @property
    def not_handed_in(self) -> int:
        return sum(s.not_handed_in for s in self.summaries)

    @property
    def files_read(self) -> int:
        return sum(s.files_read for s in self.summaries)


def collect_forms(
    paths: Iterable[PathLike],
    out: PathLike,
    scheme: Scheme | str | None = None,
    *,
    period: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CollectReport:
    """Collect returned forms and team sheets: recompute every person, audit them, write the
    summary workbook. Forms of different schemes are kept apart: with more than one scheme,
    each gets its own summary beside ``out``, named ``<out>-<方案>.xlsx``. Nothing is written
    when nobody could be read."""
    from .collect import audit, gather, run_findings
    from .summary_out import write_summary

    paths = [str(p) for p in paths]
    g = gather(paths, scheme, progress=progress)
    audited = audit(g, period=period)
    out = Path(out)
    summaries = []
    for a in audited:
        path = out if len(audited) == 1 else out.with_name(f"{out.stem}-{_file_part(a.scheme.id)}{out.suffix}")
        write_summary(a.scheme, a.results, a.findings, path, inputs=paths)
        summaries.append(Summary(a.scheme, a.results, a.findings, path, a.files_read))
    return CollectReport(summaries, run_findings(g, audited))


def _file_part(text: str) -> str:
    """A scheme id as part of a file name (no path separators or characters Windows refuses)."""
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "scheme"


def history_files(paths: Iterable[PathLike], scheme: Scheme | str, out: PathLike, *, published: str | None = None) -> HistoryReport:
    """Rules over several periods from one results (or roster) file per period: rewards, 整改, 晋升."""
    from .history import history, write_report
    from .roster import read_table
    from .scoring import score

    s = _scheme(scheme)
    frames = []
    paths = [str(p) for p in paths]
    for p in paths:
        df = read_table(p)
        if "总分" not in df.columns:
            df = score(s, df)
        if "考核期间" not in df.columns or df["考核期间"].isna().all():
            df["考核期间"] = Path(p).stem  # one file per period, named after it
        if "文件" not in df.columns:
            df["文件"] = Path(p).name  # so that a problem names its file
        frames.append(df)
    try:
        day = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise KpixlError(f"--published 应为 YYYY-MM-DD，而不是 {published!r} / expected a date") from None
    report = history(s, pd.concat(frames, ignore_index=True), published=day)
    write_report(report, out, inputs=paths)
    return report
