"""The ``kpixl`` command: a thin skin over the library, with the same verbs.

Exit codes: 0 success, 1 input errors (listed), 2 usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import KpixlError
from .numeric import fmt_number
from .roster import read_table, write_table
from .rubric import parse_rule
from .scheme import MISSING_ZH, builtin_ids, load_scheme
from .scoring import score as score_team
from .units import fmt_quantity


def _console(**kw) -> Console:
    c = Console(highlight=False, **kw)
    return c if c.is_terminal else Console(highlight=False, width=160, **kw)


out = _console()
err = _console(stderr=True)
PROGRESS_ROWS = 20_000  # show a progress bar from this many rows on


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # one place that turns kpixl errors into exit code 1
        try:
            return super().invoke(ctx)
        except KpixlError as exc:
            err.print(f"[bold red]错误 / error:[/] {exc}", markup=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kpixl")
def main() -> None:
    """kpixl：客服绩效考核 — 评分、方案、名单 / customer-service appraisal from the command line."""


@main.command("schemes")
def schemes_cmd() -> None:
    """列出内置考核方案 / list the built-in schemes."""
    table = Table("id", "名称", "周期", "指标数", "等级")
    for sid in builtin_ids():
        s = load_scheme(sid)
        table.add_row(sid, s.name, s.period, str(len(s.indicators)), " / ".join(t.name for t in s.grades))
    out.print(table)


@main.command("show")
@click.argument("scheme")
def show_cmd(scheme: str) -> None:
    """显示方案：指标、规范化规则、名单表头 / show a scheme's indicators, rules and roster headers."""
    s = load_scheme(scheme)
    out.print(f"[bold]{s.name}[/]  ({s.id})  {s.period}")
    if s.source:
        out.print(f"来源 / source: {s.source}")
    if s.raters:
        out.print("评价人 / raters: " + "、".join(f"{r} {fmt_quantity(w, '%')}" for r, w in s.raters.items()))
    for sec in s.sections:
        w = f" 权重 {fmt_quantity(sec.weight, '%')}" if sec.weight is not None else ""
        table = Table(title=f"{sec.name}{w}", title_justify="left", show_lines=True)
        for col in ("指标", "权重/分值", "类型", "规则（规范写法）", "名单列", "缺失"):
            table.add_column(col, overflow="fold")
        for ind in sec.indicators:
            wp = fmt_quantity(ind.weight, "%") if ind.weight is not None else f"{fmt_number(ind.points)}分"
            table.add_row(ind.name, wp, ind.rule.kind_zh, ind.rule.canonical(), "\n".join(ind.input_columns()), MISSING_ZH[ind.missing])
        out.print(table)
    if s.adjustments:
        out.print("调整项 / adjustments:")
        for a in s.adjustments:
            out.print(f"  {a.name}: {a.rule.canonical()}  列: {'、'.join(a.columns())}")
    if s.vetoes:
        out.print("否定项 / vetoes:")
        for v in s.vetoes:
            out.print(f"  {v.rule.canonical()}（未达到则总分为0）  列: {v.column}")
    grades = Table("等级", "总分下限", "奖金系数", title="等级系数 / grades", title_justify="left")
    for t in s.grades:
        grades.add_row(t.name, f"≥{fmt_number(t.lower)}", fmt_number(t.coefficient))
    out.print(grades)
    out.print("名单表头 / roster headers:")
    out.print("  " + ", ".join(s.roster_headers()))
    out.print("可选列 / optional: <指标>·调整得分 (评价人调整后的得分 / a rater's override)")
    if s.notes:
        out.print("说明 / notes:")
        out.print(s.notes.rstrip())


@main.command("roster")
@click.argument("scheme")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .csv 或 .xlsx")
def roster_cmd(scheme: str, out_path: str) -> None:
    """写出空白名单（表头即方案需要的列）/ write an empty roster with the scheme's headers."""
    s = load_scheme(scheme)
    p = write_table(pd.DataFrame(columns=s.roster_headers()), out_path, sheet="名单")
    out.print(f"已写出 {p}（{len(s.roster_headers())} 列）/ wrote {p}")


@main.command("score")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id 或 .yaml 文件 / built-in id or YAML file")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="结果 .csv 或 .xlsx / results file")
@click.option("--show", "show_rows", default=20, show_default=True, help="屏幕上显示的行数 / rows to print")
def score_cmd(roster: str, scheme_id: str, out_path: str | None, show_rows: int) -> None:
    """为整个名单评分 / score every person of a roster."""
    s = load_scheme(scheme_id)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal
    ) as progress:
        task = progress.add_task("读取名单 / reading", total=3)
        df = read_table(roster)
        if len(df) >= PROGRESS_ROWS:
            progress.update(task, advance=1, description=f"评分 {len(df):,} 行 / scoring")
        results = score_team(s, df)
        progress.update(task, advance=1, description="写出结果 / writing")
        if out_path:
            write_table(results, out_path, inputs=(roster,))
        progress.update(task, advance=1)
    _print_results(results, show_rows)
    flagged = int((results["标记"] != "").sum())
    out.print(f"{len(results)} 人已评分（{s.name}）；{flagged} 人有标记 / {len(results)} scored, {flagged} flagged")
    if out_path:
        out.print(f"结果已写出 / results written: {out_path}")


def _print_results(results: pd.DataFrame, rows: int) -> None:
    cols = [c for c in ("工号", "姓名", "总分", "等级", "奖金系数", "排名", "标记") if c in results.columns]
    table = Table(*cols)
    for _, r in results.head(rows).iterrows():
        table.add_row(*[fmt_number(v) if isinstance(v, float) else str(v) for v in r[cols]])
    out.print(table)
    if len(results) > rows:
        out.print(f"…（共 {len(results)} 行 / {len(results)} rows）")


def _pairs(items: tuple[str, ...], option: str, shape_zh: str, shape_en: str) -> dict[str, str]:
    """NAME=VALUE options (--max-share 优秀=20%, --target 新员工=50, --map agent=坐席编号) as a dict."""
    out_: dict[str, str] = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep:
            raise KpixlError(f"{option} 应写成 {shape_zh}，而不是 {item!r} / expected {shape_en}")
        out_[k.strip()] = v.strip()
    return out_


@main.command("build")
@click.option("--scheme", "scheme_ids", multiple=True, help="方案 id 或 .yaml（可多次；默认全部内置方案）/ scheme(s), default all built-ins")
@click.option("--out", "out_dir", default="workbooks", show_default=True, type=click.Path(file_okay=False), help="输出目录 / folder")
@click.option(
    "--edition",
    type=click.Choice(["standard", "addin", "all"]),
    default="standard",
    show_default=True,
    help="standard: .xlsx；addin: 带 xlwings VBA 的 .xlsm / .xlsm with xlwings' VBA",
)
@click.option("--rows", default=300, show_default=True, help="团队汇总的行数 / rows in 团队汇总")
def build_cmd(scheme_ids: tuple[str, ...], out_dir: str, edition: str, rows: int) -> None:
    """生成带公式的考核表工作簿 <方案id>.xlsx / write the live workbooks."""
    from .excel.writer import build

    if rows < 1:
        raise click.BadParameter("至少 1 行 / at least 1 row", param_hint="--rows")
    editions = ["standard", "addin"] if edition == "all" else [edition]
    for sid in scheme_ids or tuple(builtin_ids()):
        for ed in editions:
            path = build(sid, out_dir, edition=ed, rows=rows)
            out.print(f"已生成 / built {path}")


@main.command("forms")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id 或 .yaml 文件 / built-in id or YAML file")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="输出目录 / folder for the forms")
def forms_cmd(roster: str, scheme_id: str, out_dir: str) -> None:
    """为名单中每个人生成预填的个人考核表 / one prefilled 考核表 per person."""
    from .excel.forms import write_forms

    paths = write_forms(load_scheme(scheme_id), read_table(roster), out_dir)
    out.print(f"已生成 {len(paths)} 份个人考核表 → {out_dir} / wrote {len(paths)} forms")


@main.command("pdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="PDF 输出目录 / folder for the PDFs")
def pdf_cmd(files: tuple[str, ...], out_dir: str) -> None:
    """用 LibreOffice 把考核表打印成 PDF（供签字）/ print the 考核表 of each file to PDF."""
    from .excel.recalc import form_pdfs

    for p in form_pdfs(files, out_dir):
        out.print(f"已生成 / wrote {p}")


@main.command("payout")
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id、.yaml 或工作簿 / scheme")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .csv 或 .xlsx / payout file")
@click.option("--base-column", default="绩效工资基数", show_default=True, help="基数所在列 / the base column")
@click.option("--share", default=None, help="绩效奖金占比，如 20%（默认取方案的设置）/ bonus share")
@click.option("--max-share", "limits", multiple=True, help="强制分布上限，如 优秀=20%（只报告）/ e.g. 优秀=20%, reported only")
@click.option(
    "--roster", "roster_path", default=None, type=click.Path(dir_okay=False, exists=True), help="基数取自此名单（按工号）/ base from this roster"
)
def payout_cmd(
    results: str, scheme_id: str, out_path: str, base_column: str, share: str | None, limits: tuple[str, ...], roster_path: str | None
) -> None:
    """导出奖金：基数 × 占比 × 奖金系数 / the payout table for finance."""
    from .payout import distribution_check, payout
    from .units import parse_value

    caps = {g: parse_value(v, "%") for g, v in _pairs(limits, "--max-share", "等级=比例，如 优秀=20%", "GRADE=SHARE").items()}

    s = load_scheme(scheme_id)
    df = read_table(results)
    if "奖金系数" not in df.columns:  # a roster: score it first
        df = score_team(s, df)
    if roster_path:  # results of collected forms do not carry the base: join it by 工号
        from .payout import join_base

        df = join_base(df, read_table(roster_path), base_column)
    table = payout(df, s, base_column=base_column, share=parse_value(share, "%") if share else None)
    write_table(table, out_path, inputs=(results, roster_path), sheet="奖金")
    for warning in distribution_check(df, caps):
        out.print(f"[yellow]提示 / note:[/] {warning}")
    out.print(f"{len(table) - 1} 人，奖金合计 {fmt_number(float(table['奖金'].iloc[-1]))} 元 → {out_path} / payout written")


def _findings_table(findings) -> Table:
    table = Table("级别", "文件", "工作表", "单元格", "问题")
    for f in findings:
        table.add_row(f.level, f.file, f.sheet, f.cell, f.message)
    return table


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--scheme", "scheme_id", default=None, help="方案（kpixl 工作簿可省略）/ scheme, optional for kpixl workbooks")
@click.option("--period", default=None, help="应有的考核期间，如 2024Q1 / the expected period")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_cmd(paths: tuple[str, ...], scheme_id: str | None, period: str | None, fmt: str) -> None:
    """校验：重新计算并列出问题（文件、工作表、单元格）/ audit filled files; exit 1 on errors.

    PATH 可以是文件、文件夹、通配符或 zip；CSV 名单需要 --scheme。
    """
    import json

    from .audit import ERROR, audit_file
    from .collect import check

    tables = [p for p in paths if p.lower().endswith((".csv", ".txt"))]
    books = [p for p in paths if p not in tables]
    findings = [f for p in tables for f in audit_file(p, scheme_id, period=period)]
    if books:
        findings += check(books, scheme_id, period=period)[0].findings
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        out.print(_findings_table(findings))
        errors = sum(f.level == ERROR for f in findings)
        out.print(f"{errors} 个错误，{len(findings) - errors} 个提示 / {errors} error(s), {len(findings) - errors} warning(s)")
    if any(f.level == ERROR for f in findings):
        sys.exit(1)


@main.command("collect")
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="汇总工作簿 .xlsx / summary workbook")
@click.option("--scheme", "scheme_id", default=None, help="方案（kpixl 工作簿可省略）/ scheme, optional for kpixl workbooks")
@click.option("--period", default=None, help="应有的考核期间 / the expected period")
def collect_cmd(paths: tuple[str, ...], out_path: str, scheme_id: str | None, period: str | None) -> None:
    """收集填好的考核表：重新计算、校验、写出汇总 / collect filled forms into one summary."""
    from .audit import ERROR, audit_people
    from .collect import gather, write_summary

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("读取 / reading", total=None)
        g = gather(paths, scheme_id, progress=lambda k, n: progress.update(task, completed=k, total=n))
    if g.scheme is None or not g.people:
        out.print(_findings_table(g.findings))
        out.print("没有读到任何人员 / no people found")
        sys.exit(1)
    results, findings = audit_people(g.scheme, pd.DataFrame(g.people), g.stated, period=period)
    g.findings += findings
    write_summary(g, results, out_path, inputs=paths)
    _print_results(results, 20)
    errors = sum(f.level == ERROR for f in g.findings)
    out.print(
        f"读取 {g.files_read} 个文件，{len(results)} 人；{errors} 个错误，{len(g.findings) - errors} 个提示（见「问题清单」）→ {out_path} / "
        f"{g.files_read} file(s), {len(results)} people, {errors} error(s)"
    )


@main.command("history")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--scheme", "scheme_id", required=True, help="方案（含多期规则）/ scheme with period rules")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .xlsx 或 .csv / output")
@click.option("--published", default=None, help="成绩通报日期 YYYY-MM-DD（整改截止日由此计算，默认今天）/ publication date")
def history_cmd(paths: tuple[str, ...], scheme_id: str, out_path: str, published: str | None) -> None:
    """多期规则：连续排名奖励、后几名整改、连续优秀晋升 / rules over several periods."""
    import datetime as dt

    from .history import history, write_report

    s = load_scheme(scheme_id)
    frames = []
    for p in paths:
        df = read_table(p)
        if "总分" not in df.columns:
            df = score_team(s, df)
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
    write_report(report, out_path, inputs=paths)
    out.print(f"期间 / periods: {'、'.join(report.periods)}")
    for note in report.notes:
        out.print(f"[yellow]提示 / note:[/] {note}")
    out.print(
        f"奖励 {len(report.rewards)} 人，整改 {len(report.improvement)} 人，优先晋升 {len(report.promotion)} 人 → {out_path} / "
        f"{len(report.rewards)} rewarded, {len(report.improvement)} to improve, {len(report.promotion)} promoted"
    )


@main.command("metrics")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--period", default=None, help="考核期间，如 2024-03、2024Q1 或 2024-03-01..2024-03-15 / period")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="名单 .csv 或 .xlsx / roster out")
@click.option("--scheme", "scheme_id", default=None, help="按此方案的表头输出 / headers of this scheme")
@click.option("--map", "maps", multiple=True, help="列映射，如 agent=坐席编号 / column mapping FIELD=HEADER")
@click.option("--map-file", default=None, type=click.Path(dir_okay=False, exists=True), help="列映射文件（YAML：字段: 表头）/ mapping file")
@click.option("--repeat-hours", default=72.0, show_default=True, help="FCR：同一客户多少小时内再来算未解决 / FCR repeat window")
@click.option("--csat", "csat_mode", type=click.Choice(["top2", "mean"]), default="top2", show_default=True)
@click.option("--sl", "sl_seconds", default=20.0, show_default=True, help="服务水平的 X 秒 / service level threshold")
@click.option("--abandon", "abandon_mode", type=click.Choice(["against", "ignore", "short"]), default="against", show_default=True)
@click.option("--short-abandon", default=5.0, show_default=True, help="短放弃秒数（--abandon short）/ short-abandon seconds")
@click.option("--target", "targets", multiple=True, help="日均接待目标，如 新员工=50 / daily target by 岗位")
@click.option("--default-target", type=float, default=None, help="其余人的日均接待目标 / target for everyone else")
@click.option("--roster", "roster_path", default=None, type=click.Path(dir_okay=False, exists=True), help="名单（取岗位）/ roster for 岗位")
@click.option("--frt", "frt_mode", type=click.Choice(["calendar", "business"]), default=None,
              help="首次响应时间按自然时间（默认）或工作时间计；给了工作时间选项即为 business / FRT clock")  # fmt: skip
@click.option("--business-hours", default=None, help="工作时间，默认 09:00-18:00；如 09:00-12:00,13:30-18:00 / business hours")
@click.option("--workdays", default=None, help="工作日，默认 1-5（1=周一 … 7=周日）/ working weekdays")
@click.option("--holiday", "holidays", multiple=True, help="节假日，如 2024-10-01..2024-10-07 / holidays")
@click.option("--workday", "extra_workdays", multiple=True, help="调休上班日，如 2024-10-12 / make-up working days")
@click.option("--problems", "problems_path", default=None, type=click.Path(dir_okay=False), help="排除的行写入此文件 / excluded rows list")
@click.option(
    "--presence",
    "presence_paths",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="坐席在线记录（登录/登出或在线时长），用于占用率 / agent presence export, for occupancy",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "pandas", "duckdb"]),
    default="auto",
    show_default=True,
    help="auto：Parquet 或大于 100 MB 的日志用 DuckDB / DuckDB for Parquet or logs over 100 MB",
)
def metrics_cmd(
    logs: tuple[str, ...],
    period: str | None,
    out_path: str,
    scheme_id: str | None,
    maps: tuple[str, ...],
    map_file: str | None,
    repeat_hours: float,
    csat_mode: str,
    sl_seconds: float,
    abandon_mode: str,
    short_abandon: float,
    targets: tuple[str, ...],
    default_target: float | None,
    roster_path: str | None,
    frt_mode: str | None,
    business_hours: str | None,
    workdays: str | None,
    holidays: tuple[str, ...],
    extra_workdays: tuple[str, ...],
    presence_paths: tuple[str, ...],
    problems_path: str | None,
    engine: str,
) -> None:
    """从会话/通话日志计算每个客服的 KPI，输出可评分的名单 / KPI metrics from logs into a roster."""
    from .metrics import BusinessHours, Options, add_occupancy, compute, load_mapping, read_log, staffed_seconds, to_roster
    from .units import parse_value

    daily_targets = {k: parse_value(v, "") for k, v in _pairs(targets, "--target", "岗位=目标，如 新员工=50", "ROLE=TARGET").items()}
    business_options = business_hours is not None or workdays is not None or holidays or extra_workdays
    if frt_mode == "calendar" and business_options:
        raise click.UsageError("--frt calendar 与工作时间选项不能同时使用 / business-hours options need --frt business")
    hours = None
    if frt_mode == "business" or business_options:
        hours = BusinessHours.parse(business_hours or "09:00-18:00", workdays or "1-5", holidays, extra_workdays)
    o = Options(
        period=period, repeat_hours=repeat_hours, csat=csat_mode, sl_seconds=sl_seconds, abandon_mode=abandon_mode,
        short_abandon_seconds=short_abandon, targets=daily_targets,
        default_target=default_target, business_hours=hours,
    )  # fmt: skip
    mapping = {**(load_mapping(map_file) if map_file else {}), **_pairs(maps, "--map", "字段=表头，如 agent=坐席编号", "FIELD=HEADER")}
    big = any(Path(p).suffix.lower() == ".parquet" for p in logs) or sum(Path(p).stat().st_size for p in logs) > 100 * 2**20
    if engine == "duckdb" or (engine == "auto" and big):
        from .metrics_sql import compute_duckdb

        result = compute_duckdb(list(logs), o, mapping=mapping)
    else:
        read = [read_log(p) for p in logs]
        frames, origins = [f for f, _ in read], [origin for _, origin in read]
        log = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        result = compute(log, o, mapping=mapping, origins=origins)
    problems = list(result.problems)
    if presence_paths:
        staffed = pd.Series(dtype=float)
        for p in presence_paths:
            seconds, found = staffed_seconds(read_log(p)[0], period, name=Path(p).name)
            staffed = staffed.add(seconds, fill_value=0)
            problems += found
        result = add_occupancy(result, staffed)
    roles = None
    if roster_path:
        r = read_table(roster_path)
        if "工号" in r.columns and "岗位" in r.columns:
            roles = dict(zip(r["工号"].astype(str), r["岗位"].astype(str), strict=True))
    roster = to_roster(result, load_scheme(scheme_id) if scheme_id else None, o, roles)
    sheets = {"口径": _metrics_settings(o, logs, presence_paths)}
    if result.team:
        t = result.team
        names = ["服务水平 service level", "放弃率 abandonment", "呼入量 offered"]
        sheets["全队"] = pd.DataFrame({"指标 / metric": names, "值 / value": [t["service_level"], t["abandon_rate"], t["offered"]]})
    if problems:
        sheets["问题清单"] = pd.DataFrame({"问题 / problem": problems})
    write_table(roster, out_path, inputs=(*logs, *presence_paths), sheet="名单", more=sheets)
    if problems_path:
        write_table(pd.DataFrame({"问题 / problem": problems}), problems_path, inputs=(*logs, *presence_paths), sheet="问题清单")
    for problem in problems[:20]:
        out.print(f"[yellow]已排除 / excluded:[/] {problem}")
    if len(problems) > 20:
        out.print(f"… 另有 {len(problems) - 20} 条，用 --problems 文件 保存清单 / {len(problems) - 20} more: --problems FILE lists them")
    if result.team:
        t = result.team
        sl, ab = f"{t['service_level']:.1%}", f"{t['abandon_rate']:.1%}"
        out.print(f"服务水平 {sl}（{sl_seconds:g} 秒内接起），放弃率 {ab} / service level {sl}, abandonment {ab}")
    out.print(f"{len(roster)} 名客服 → {out_path}（{result.excluded} 行已排除）/ {len(roster)} agents written, {result.excluded} rows excluded")


def _metrics_settings(o, logs: tuple[str, ...], presence: tuple[str, ...]) -> pd.DataFrame:
    """The definitions a metrics run used, so a roster says how its figures were made."""
    bh = o.business_hours
    clock = "自然时间 / calendar"
    if bh is not None:
        windows = ",".join(f"{int(a) // 3600:02d}:{int(a) % 3600 // 60:02d}-{int(b) // 3600:02d}:{int(b) % 3600 // 60:02d}" for a, b in bh.windows)
        days = "".join(map(str, sorted(bh.weekdays)))
        clock = f"工作时间 / business: {windows}；工作日 {days}；节假日 {len(bh.holidays)} 天；调休上班 {len(bh.workdays)} 天"
    rows = [
        ("日志 / logs", "、".join(Path(p).name for p in logs)),
        ("考核期间 / period", o.period or "全部 / all"),
        ("首次响应时间计时 / FRT clock", clock),
        ("一次解决率再来窗口 / FCR repeat window", f"{o.repeat_hours:g} 小时"),
        ("客户满意度 / CSAT", "4–5 分占比 / top-2-box" if o.csat == "top2" else "平均分 / mean"),
        ("服务水平 / service level", f"{o.sl_seconds:g} 秒内接起；放弃 {o.abandon_mode}（短放弃 ≤{o.short_abandon_seconds:g} 秒）"),
        ("在线记录 / presence", "、".join(Path(p).name for p in presence) or "无 / none"),
    ]
    return pd.DataFrame(rows, columns=["项目 / setting", "取值 / value"])


@main.command("explain")
@click.option("--rule", "rule_text", required=True, help="评分标准，如 '≤30秒(5分);30-60秒(3分);>60秒(1分)'")
@click.option("--max-points", type=float, default=None, help="该项满分（扣分类规则需要）/ the item's full points")
@click.argument("values", nargs=-1, required=True)
def explain_cmd(rule_text: str, max_points: float | None, values: tuple[str, ...]) -> None:
    """解释一个值的得分 / explain the score of values under a rubric.

    多输入规则用 名称=值：kpixl explain --rule '…' 未提交=1 数据错误=2
    """
    rule = parse_rule(rule_text, max_points=max_points)
    out.print(f"规则 / rule: {rule.canonical()}")
    named = dict(v.split("=", 1) for v in values if "=" in v and not v.startswith(("=", "≥", "≤", "<", ">")))
    if rule.fields != ("",):
        out.print(rule.explain(named))
        return
    for v in values:
        out.print(f"{v}: {rule.explain(v)}")


if __name__ == "__main__":  # pragma: no cover
    main()
