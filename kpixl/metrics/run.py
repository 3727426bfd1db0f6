"""One metrics run as the command line asks for it: options as typed, logs and presence files
in, the roster with its 口径/全队/问题清单 sheets out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import KpixlError
from .calendar import BusinessHours
from .columns import load_mapping
from .names import fill_names, roster_names
from .options import MetricsResult, Options
from .presence import add_occupancy, staffed_seconds
from .report import headers, metric_name, problems_sheet, settings_sheet, team_sheet, to_roster, unit_mismatches
from .sources import read_frame
from .sql import compute


@dataclass
class Request:
    """Everything a run needs, as typed on the command line (texts not yet parsed)."""

    logs: tuple[str, ...]
    out_path: str
    period: str | None = None
    scheme_id: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # FIELD → HEADER, over the map file's
    map_file: str | None = None
    repeat_hours: float = 72.0
    csat: str = "top2"
    sl_seconds: float = 20.0
    abandon_mode: str = "against"
    short_abandon_seconds: float = 5.0
    targets: dict[str, str] = field(default_factory=dict)  # 岗位 → daily target as typed
    default_target: float | None = None
    roster_path: str | None = None
    frt_mode: str | None = None  # "calendar" | "business" | None (business when hours are given)
    business_hours: str | None = None
    workdays: str | None = None
    holidays: tuple[str, ...] = ()
    extra_workdays: tuple[str, ...] = ()
    presence: tuple[str, ...] = ()
    problems_path: str | None = None
    unknown_customers: tuple[str, ...] = ()  # placeholder customer ids besides the usual ones
    max_excluded: str | None = None  # the largest share of excluded rows that still writes ("5%")
    date_format: str | None = None  # the export's date order: "%m/%d/%Y", MDY, DMY
    skew: str | None = None  # clock-skew tolerance as typed ("2s")

    def options(self) -> Options:
        """The parsed options (daily targets as numbers, the business-hours calendar)."""
        from ..units import parse_value

        business = self.business_hours is not None or self.workdays is not None or self.holidays or self.extra_workdays
        if self.frt_mode == "calendar" and business:
            raise KpixlError("--frt calendar 与工作时间选项不能同时使用 / business-hours options need --frt business")
        hours = None
        if self.frt_mode == "business" or business:
            hours = BusinessHours.parse(self.business_hours or "09:00-18:00", self.workdays or "1-5", self.holidays, self.extra_workdays)
        return Options(
            period=self.period, repeat_hours=self.repeat_hours, csat=self.csat, sl_seconds=self.sl_seconds,
            abandon_mode=self.abandon_mode, short_abandon_seconds=self.short_abandon_seconds,
            targets={k: parse_value(v, "") for k, v in self.targets.items()},
            default_target=self.default_target, business_hours=hours,
            placeholder_customers=frozenset(self.unknown_customers), date_format=self.date_format,
            skew_seconds=parse_value(self.skew, "秒") if self.skew else 0.0,
        )  # fmt: skip


@dataclass
class RunResult:
    roster: pd.DataFrame  # as written to the output (full precision; a CSV holds it to 12 significant digits)
    metrics: MetricsResult
    options: Options
    problems: list[str]  # the log's and the presence files'

    @property
    def agents(self) -> int:
        return len(self.roster)

    @property
    def no_source(self) -> list[str]:
        """The labels of the metrics the log had no column for (left blank)."""
        return [metric_name(m) for m in self.metrics.no_source]


def run(request: Request) -> RunResult:
    """Compute the metrics of ``request.logs`` and write the roster (``.csv``, or ``.xlsx`` with
    the sheets 口径, 全队 and 问题清单 after it) and, if asked, the problems file."""
    from ..roster import read_table, write_table
    from ..sources import load_scheme

    o = request.options()
    mapping = {**(load_mapping(request.map_file) if request.map_file else {}), **request.mapping}
    result = compute(list(request.logs), o, mapping=mapping)
    problems = list(result.problems)
    if request.presence:
        staffed = pd.Series(dtype=float)
        for p in request.presence:
            seconds, found = staffed_seconds(read_frame(p), o.period, name=Path(p).name)
            staffed = staffed.add(seconds, fill_value=0)
            problems += found
        result = add_occupancy(result, staffed)
    roles = None
    if request.roster_path:
        r = read_table(request.roster_path)
        if "工号" in r.columns and "岗位" in r.columns:
            roles = dict(zip(r["工号"].astype(str), r["岗位"].astype(str), strict=True))
        known, found = roster_names(r, Path(request.roster_path).name)
        per_agent, differ = fill_names(result.per_agent, known, Path(request.roster_path).name)
        result = dataclasses.replace(result, per_agent=per_agent)
        problems += found + differ
    if result.per_agent.empty:
        raise KpixlError(_nobody(result, o))
    if request.max_excluded is not None:
        _check_excluded(result, request.max_excluded)
    scheme = load_scheme(request.scheme_id) if request.scheme_id else None
    roster = to_roster(result, scheme, o, roles)
    problems += unit_mismatches(result, scheme, o)
    sheets = {
        "口径": settings_sheet(result, o, request.logs, request.presence, headers(result, scheme, o)),
        "全队": team_sheet(result, o),
    }
    if problems:
        sheets["问题清单"] = problems_sheet(problems)
    inputs = (*request.logs, *request.presence, *(p for p in (request.roster_path, request.map_file) if p))
    csv = Path(request.out_path).suffix.lower() == ".csv"
    write_table(plain_numbers(roster) if csv else roster, request.out_path, inputs=inputs, sheet="名单", more=sheets)
    if request.problems_path:
        write_table(problems_sheet(problems), request.problems_path, inputs=inputs, sheet="问题清单")
    return RunResult(roster, result, o, problems)


#: significant digits of the numbers in a CSV roster: float noise (0.30000000000000004) goes,
#: moving a value by at most 5e-12 (relatively), while a figure made of counts and whole
#: seconds over fewer than a million sessions is at least 1e-9 from any band edge it does
#: not equal (85%, 30 s): no score changes
CSV_DIGITS = 12


def plain_numbers(roster: pd.DataFrame, digits: int = CSV_DIGITS) -> pd.DataFrame:
    """``roster`` with every float held to ``digits`` significant digits (a CSV's numbers:
    47.14285714285715 → 47.1428571429, 0.30000000000000004 → 0.3); other columns as they are."""
    out = roster.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = [float(f"{v:.{digits}g}") if v == v else v for v in out[c]]
    return out


def _nobody(result: MetricsResult, o: Options) -> str:
    """Why no agent is written (nothing is written then, and the command fails)."""
    where = f"考核期间 {o.period} 内" if o.period else ""
    kinds = "、".join(f"{kind} {n} 行" for kind, n in sorted(result.excluded_by.items(), key=lambda kv: -kv[1]))
    why = f"（{kinds}）" if kinds else ""
    rest = f"{where}可用 {result.usable} 行" + ("，都不是客服接待的会话（放弃、测试或重复）" if result.usable else "")
    return (
        f"没有可写出的客服：日志 {result.rows} 行，{result.excluded} 行已排除{why}，{rest} / no agent to write: "
        f"{result.rows} rows, {result.excluded} excluded, {result.usable} usable{' in the period' if o.period else ''}"
    )


def _share(text: str) -> float:
    """``5%`` or ``0.05`` (a bare number ≤ 1 is a fraction, as everywhere in kpixl)."""
    from ..vocab import percent_of_bare

    raw = text.strip()
    try:
        return float(raw.rstrip("%％")) / 100 if raw.endswith(("%", "％")) else percent_of_bare(float(raw))
    except ValueError:
        raise KpixlError(f"--max-excluded 应为比例，如 5%，而不是 {text!r} / expected a share like 5%") from None


def _check_excluded(result: MetricsResult, limit: str) -> None:
    """Fail (nothing written) when more than ``limit`` of the log's rows were excluded."""
    share = _share(limit)
    if result.rows and result.excluded / result.rows > share:
        kinds = "、".join(f"{kind} {n} 行" for kind, n in sorted(result.excluded_by.items(), key=lambda kv: -kv[1]))
        raise KpixlError(
            f"已排除 {result.excluded} 行，占日志 {result.rows} 行的 {result.excluded / result.rows:.1%}，超过 --max-excluded {share:.1%}"
            f"（{kinds}）/ {result.excluded} of {result.rows} rows excluded, more than {share:.1%}"
        )
