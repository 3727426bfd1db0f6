"""The month's commands over filled files: collect, check, score, payout, history."""

from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, Progress, TextColumn
from rich.text import Text

from ._app import err, findings_table, main, out, pairs, print_results


@main.command("collect")
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="汇总工作簿 .xlsx / summary workbook")
@click.option("--scheme", "scheme_id", default=None, help="方案（kpixl 工作簿可省略）/ scheme, optional for kpixl workbooks")
@click.option("--period", default=None, help="应有的考核期间 / the expected period")
def collect_cmd(paths: tuple[str, ...], out_path: str, scheme_id: str | None, period: str | None) -> None:
    """收集填好的考核表：重新计算、校验、写出汇总 / collect filled forms, recompute, audit, write one summary.

    PATHS：文件、文件夹、通配符或 zip / files, folders, globs or zips.
    """
    from ..jobs import collect_forms

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("读取 / reading", total=None)
        report = collect_forms(paths, out_path, scheme_id, period=period, progress=lambda k, n: progress.update(task, completed=k, total=n))
    if not report.summaries:
        out.print(findings_table(report.findings))
        out.print("没有读到任何人员 / no people found")
        sys.exit(1)
    for summary in report.summaries:
        if len(report.summaries) > 1:
            out.print(f"方案 {summary.scheme.id}（{summary.scheme.name}）/ scheme {summary.scheme.id}")
        print_results(summary.results, 20)
        out.print(f"→ {summary.path}")
    n, errors = sum(len(s.results) for s in report.summaries), report.errors
    if len(report.summaries) > 1:
        out.print(f"{len(report.summaries)} 种方案的考核表已分开汇总 / forms of {len(report.summaries)} schemes summarised apart")
    out.print(f"读取 {report.files_read} 个文件，问题见「问题清单」/ {report.files_read} file(s) read, problems listed in 问题清单")
    out.print(
        f"{n} 人 · {report.not_handed_in} 份未提交 · {errors} 个错误 · {len(report.findings) - errors} 个提示"
        f" / {n} people, {report.not_handed_in} not handed in, {errors} error(s)"
    )
    if errors:
        sys.exit(1)


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--scheme", "scheme_id", default=None, help="方案（kpixl 工作簿可省略）/ scheme, optional for kpixl workbooks")
@click.option("--period", default=None, help="应有的考核期间，如 2024Q1 / the expected period")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式：表格或 JSON（供脚本）/ table or JSON for scripts",
)
def check_cmd(paths: tuple[str, ...], scheme_id: str | None, period: str | None, fmt: str) -> None:
    """校验：重新计算并列出问题（文件、工作表、单元格）/ audit filled files; exit code 1 on errors.

    PATHS：文件、文件夹、通配符或 zip；CSV 名单需要 --scheme / files, folders, globs or zips; a CSV roster needs --scheme.
    """
    import json

    from ..audit import ERROR
    from ..jobs import check_paths

    findings = check_paths(paths, scheme_id, period=period)
    errors = sum(f.level == ERROR for f in findings)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        out.print(findings_table(findings))
        out.print(f"{errors} 个错误，{len(findings) - errors} 个提示 / {errors} error(s), {len(findings) - errors} warning(s)")
    if errors:
        sys.exit(1)


@main.command("score")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id 或 .yaml 文件 / built-in id or YAML file")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="结果 .csv 或 .xlsx / results file")
@click.option("--show", "show_rows", default=20, show_default=True, help="屏幕上显示的行数 / rows to print")
def score_cmd(roster: str, scheme_id: str, out_path: str | None, show_rows: int) -> None:
    """为整个名单评分：得分、总分、等级、奖金系数、排名、标记 / score every person of a roster.

    ROSTER：名单或结果 .csv / .xlsx；--out 不能是输入文件 / the roster (CSV or xlsx); --out must be another file.
    """
    from ..jobs import score_file

    with err.status("读取、评分、写出 / reading, scoring, writing"):
        report = score_file(roster, scheme_id, out_path)
    print_results(report.results, show_rows, total=report.rows)
    out.print(f"{report.rows} 人已评分；{report.flagged} 人有标记 / {report.rows} scored, {report.flagged} flagged")
    if out_path:
        out.print(f"结果已写出 / results written: {out_path}")


@main.command("payout")
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id、.yaml 或工作簿 / built-in id, YAML file or workbook")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .csv 或 .xlsx / payout file")
@click.option("--base-column", default="绩效工资基数", show_default=True, help="基数所在列 / the base column")
@click.option("--share", default=None, help="绩效奖金占比，如 20%（默认取方案的设置）/ bonus share")
@click.option("--max-share", "limits", multiple=True, help="强制分布上限，如 优秀=20%（只报告）/ e.g. 优秀=20%, reported only")
@click.option(
    "--roster", "roster_path", default=None, type=click.Path(dir_okay=False, exists=True), help="基数取自此名单（按工号）/ base from this roster"
)
@click.option(
    "--unpaid",
    multiple=True,
    help="确认不发放的人的工号（未提交或结果有误者须逐个列出，否则拒绝导出）/ 工号 of people listed unpaid (未提交 or doubtful results), one each",
)
@click.option(
    "--profile",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="工资导入模板（YAML：输出列名: 源列），CSV 只写这些列 / payroll-import profile: which columns, in which order, under which names",
)
@click.option("--coefficients-only", is_flag=True, help="只导出 工号、姓名、等级、奖金系数（不需要基数）/ 工号, 姓名, 等级, 奖金系数 only")
def payout_cmd(
    results: str,
    scheme_id: str,
    out_path: str,
    base_column: str,
    share: str | None,
    limits: tuple[str, ...],
    roster_path: str | None,
    unpaid: tuple[str, ...],
    profile: str | None,
    coefficients_only: bool,
) -> None:
    """导出奖金：基数 × 绩效奖金占比 × 奖金系数（到分）/ the payout table for finance.

    RESULTS：kpixl score / collect 的结果，或名单（先评分）/ results, or a roster (scored first).
    """
    from ..jobs import payout_file
    from ..units import parse_value

    caps = {g: parse_value(v, "%") for g, v in pairs(limits, "--max-share", "等级=比例，如 优秀=20%", "GRADE=SHARE").items()}
    report = payout_file(
        results,
        scheme_id,
        out_path,
        base_column=base_column,
        share=parse_value(share, "%") if share else None,
        limits=caps,
        roster=roster_path,
        unpaid=unpaid,
        profile=profile,
        coefficients_only=coefficients_only,
    )
    for warning in report.warnings:
        out.print(Text.assemble(("提示 / note:", "yellow"), f" {warning}"))
    if coefficients_only:
        out.print(f"{report.people} 人的奖金系数 → {out_path} / coefficients written")
    else:
        out.print(f"{report.people} 人，奖金合计 {report.total:,.2f} 元 → {out_path} / payout written")


@main.command("history")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--scheme", "scheme_id", required=True, help="方案（含多期规则）/ scheme with period rules")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .xlsx 或 .csv / the report to write")
@click.option("--published", default=None, help="成绩通报日期 YYYY-MM-DD（整改截止日由此计算，默认今天）/ publication date")
def history_cmd(paths: tuple[str, ...], scheme_id: str, out_path: str, published: str | None) -> None:
    """多期规则：连续排名奖励、后几名整改、连续优秀晋升 / rules over several periods (rewards, 整改, 晋升).

    PATHS：每期一个结果或名单文件 / one results or roster file per period.
    """
    from ..jobs import history_files

    report = history_files(paths, scheme_id, out_path, published=published)
    out.print(f"期间 / periods: {'、'.join(report.periods)}")
    for note in report.notes:
        out.print(Text.assemble(("提示 / note:", "yellow"), f" {note}"))
    out.print(
        f"奖励 {len(report.rewards)} 人，整改 {len(report.improvement)} 人，优先晋升 {len(report.promotion)} 人 → {out_path} / "
        f"{len(report.rewards)} rewarded, {len(report.improvement)} to improve, {len(report.promotion)} promoted"
    )
