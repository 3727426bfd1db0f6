"""The ``kpixl`` command: a thin skin over the library, with the same verbs.

Exit codes: 0 success, 1 input errors (listed), 2 usage errors.
"""

from __future__ import annotations

import functools
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
from .scheme import MISSING_ZH
from .scoring import score as score_team
from .sources import builtin_ids, load_scheme
from .units import fmt_quantity


def _console(**kw) -> Console:
    c = Console(highlight=False, **kw)
    return c if c.is_terminal else Console(highlight=False, width=160, **kw)


out = _console()
err = _console(stderr=True)
PROGRESS_ROWS = 20_000  # show a progress bar from this many rows on


# `kpixl --help` lists the commands in the order of the month, not alphabetically: set up once
# (schemes → workbooks), then each period (logs → forms → collected → checked → scored → paid →
# compared with earlier periods); explain is the everyday helper. A command missing here comes last.
MONTH_ORDER = ("schemes", "show", "roster", "build", "metrics", "forms", "pdf", "collect", "check", "score", "payout", "history", "explain")

# click's own messages, Chinese first (click writes them in English; the English stays beside).
_ZH_ERRORS = (
    ("Missing option", "缺少选项"),
    ("Missing argument", "缺少参数"),
    ("Missing parameter", "缺少参数"),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Invalid value", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"),
    ("requires an argument", "选项缺少取值"),
)


def _show_error(exc: click.ClickException, file=None) -> None:
    """click's error display with Chinese headings: usage, where to get help, then 错误 / Error."""
    message = exc.format_message()
    zh = next((z for en, z in _ZH_ERRORS if en in message), "")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), file=file, err=True, color=ctx.color)
        click.echo(f"帮助 / help: {ctx.command_path} --help\n", file=file, err=True, color=ctx.color)
    click.echo(f"错误 / Error: {zh + ' / ' if zh else ''}{message}", file=file, err=True)


def _in_chinese(exc: click.ClickException) -> None:
    if not isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):  # bare `kpixl` prints the help as it is
        exc.show = functools.partial(_show_error, exc)


class _Chinese:
    """Usage / Options / help-option lines in Chinese with the English beside, for the group and each command."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法 / Usage: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [r for p in self.get_params(ctx) if not isinstance(p, click.Argument) and (r := p.get_help_record(ctx)) is not None]
        rows = [(name, text.replace("[default: ", "[默认 / default: ").replace("[required]", "[必填 / required]")) for name, text in rows]
        if rows:
            with formatter.section("选项 / Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出 / show this help and exit"
        return option


class _Command(_Chinese, click.Command):
    pass


class _Group(_Chinese, click.Group):
    command_class = _Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        rank = {n: i for i, n in enumerate(MONTH_ORDER)}
        return sorted(self.commands, key=lambda n: rank.get(n, len(rank)))  # stable: a new command keeps its place at the end

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's whole summary line, never cut short."""
        rows = [(n, c.get_short_help_str(limit=1000)) for n in self.list_commands(ctx) if (c := self.get_command(ctx, n)) and not c.hidden]
        if rows:
            with formatter.section("命令 / Commands"):
                formatter.write_dl(rows)

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:  # `kpixl --bogus`
            _in_chinese(exc)
            raise

    def invoke(self, ctx: click.Context):  # one place that turns kpixl errors into exit code 1
        try:
            return super().invoke(ctx)
        except KpixlError as exc:
            err.print(f"[bold red]错误 / error:[/] {exc}", markup=True)
            sys.exit(1)
        except click.ClickException as exc:  # usage errors of a command: shown in Chinese, exit code unchanged
            _in_chinese(exc)
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="kpixl", message="%(prog)s 版本 / version %(version)s", help="显示版本并退出 / show the version and exit"
)
def main() -> None:
    """kpixl：客服绩效考核表的计算器 / customer-service appraisal (客服绩效考核表), calculated.

    命令按每月的顺序排列：先准备方案和工作簿，再从日志、个人考核表到评分、奖金和多期规则。
    退出码：0 成功，1 输入有误（逐条列出），2 用法错误。

    Commands are listed in the order of the month. Exit codes: 0 success, 1 input errors (each listed), 2 usage errors.
    """


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
    """显示方案：指标、规范化规则、名单表头、方案说明 / show a scheme's indicators, canonical rules, roster headers and notes.

    SCHEME：内置方案 id 或 .yaml 文件 / a built-in id or a YAML file.
    """
    s = load_scheme(scheme)
    out.print(f"[bold]{s.name}[/]  ({s.id})  {s.period}")
    if s.source:
        out.print(f"来源 / source: {s.source}")
    if s.raters:
        out.print("评价人 / raters: " + "、".join(f"{r} {fmt_quantity(w, '%')}" for r, w in s.raters.items()))
    for sec in s.sections:
        w = f" 权重 {fmt_quantity(sec.weight, '%')}" if sec.weight is not None else ""
        table = Table(title=f"{sec.name}{w}", title_justify="left", show_lines=True)
        for col in ("指标", "权重/分值", "目标值", "类型", "规则（规范写法）", "名单列", "缺失", "说明"):
            table.add_column(col, overflow="fold")
        for ind in sec.indicators:
            wp = fmt_quantity(ind.weight, "%") if ind.weight is not None else f"{fmt_number(ind.points)}分"
            about = "\n".join(x for x in (f"单位 {ind.unit}" if ind.unit else "", ind.period, ind.source, ind.note) if x)
            cols = "\n".join(ind.input_columns())
            table.add_row(ind.name, wp, ind.target, ind.rule.kind_zh, ind.rule.canonical(), cols, MISSING_ZH[ind.missing], about)
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
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出名单 .csv 或 .xlsx / the roster file to write")
def roster_cmd(scheme: str, out_path: str) -> None:
    """写出空白名单（表头即方案需要的列）/ write an empty roster with exactly the scheme's headers.

    SCHEME：内置方案 id 或 .yaml 文件 / a built-in id or a YAML file.
    """
    s = load_scheme(scheme)
    p = write_table(pd.DataFrame(columns=s.roster_headers()), out_path, sheet="名单")
    out.print(f"已写出 {p}（{len(s.roster_headers())} 列）/ wrote {p}")


@main.command("score")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.option("--scheme", "scheme_id", required=True, help="内置方案 id 或 .yaml 文件 / built-in id or YAML file")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="结果 .csv 或 .xlsx / results file")
@click.option("--show", "show_rows", default=20, show_default=True, help="屏幕上显示的行数 / rows to print")
def score_cmd(roster: str, scheme_id: str, out_path: str | None, show_rows: int) -> None:
    """为整个名单评分：得分、总分、等级、奖金系数、排名、标记 / score every person of a roster.

    ROSTER：名单或结果 .csv / .xlsx；--out 不能是输入文件 / the roster (CSV or xlsx); --out must be another file.
    """
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
@click.option(
    "--scheme", "scheme_ids", multiple=True, help="方案 id 或 .yaml（可多次；默认全部内置方案）/ scheme(s), repeatable; default all built-ins"
)
@click.option("--out", "out_dir", default="workbooks", show_default=True, type=click.Path(file_okay=False), help="输出目录 / output folder")
@click.option(
    "--edition",
    type=click.Choice(["standard", "addin", "all"]),
    default="standard",
    show_default=True,
    help="standard：.xlsx；addin：带 xlwings VBA 的 .xlsm；all：两者 / .xlsx, .xlsm with xlwings' VBA, or both",
)
@click.option("--rows", default=300, show_default=True, help="团队汇总的行数 / rows in 团队汇总")
def build_cmd(scheme_ids: tuple[str, ...], out_dir: str, edition: str, rows: int) -> None:
    """生成带公式的考核表工作簿 <方案id>.xlsx（不需要 Python 即可计算）/ write the live workbooks (Excel formulas)."""
    from .excel import build

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
    """为名单中每个人生成预填的个人考核表 工号_姓名.xlsx / one prefilled 考核表 per person.

    ROSTER：名单 .csv 或 .xlsx / the roster.
    """
    from .excel.forms import write_forms

    paths = write_forms(load_scheme(scheme_id), read_table(roster), out_dir)
    out.print(f"已生成 {len(paths)} 份个人考核表 → {out_dir} / wrote {len(paths)} forms")


@main.command("pdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="PDF 输出目录 / folder for the PDFs")
def pdf_cmd(files: tuple[str, ...], out_dir: str) -> None:
    """用 LibreOffice 把考核表打印成 PDF（供签字）/ print the 考核表 of each file to PDF, for signing.

    FILES：考核表工作簿或个人考核表 .xlsx / workbooks or personal forms.
    """
    from .excel.recalc import form_pdfs

    for p in form_pdfs(files, out_dir):
        out.print(f"已生成 / wrote {p}")


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
def payout_cmd(
    results: str, scheme_id: str, out_path: str, base_column: str, share: str | None, limits: tuple[str, ...], roster_path: str | None
) -> None:
    """导出奖金：基数 × 绩效奖金占比 × 奖金系数（到分）/ the payout table for finance.

    RESULTS：kpixl score / collect 的结果，或名单（先评分）/ results, or a roster (scored first).
    """
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
    write_table(table, out_path, inputs=(results,), sheet="奖金")
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
    """收集填好的考核表：重新计算、校验、写出汇总 / collect filled forms, recompute, audit, write one summary.

    PATHS：文件、文件夹、通配符或 zip / files, folders, globs or zips.
    """
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
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出 .xlsx 或 .csv / the report to write")
@click.option("--published", default=None, help="成绩通报日期 YYYY-MM-DD（整改截止日由此计算，默认今天）/ publication date")
def history_cmd(paths: tuple[str, ...], scheme_id: str, out_path: str, published: str | None) -> None:
    """多期规则：连续排名奖励、后几名整改、连续优秀晋升 / rules over several periods (rewards, 整改, 晋升).

    PATHS：每期一个结果或名单文件 / one results or roster file per period.
    """
    import datetime as dt

    from .history import history, report_table
    from .roster import atomic_save

    s = load_scheme(scheme_id)
    frames = []
    for p in paths:
        df = read_table(p)
        if "总分" not in df.columns:
            df = score_team(s, df)
        if "考核期间" not in df.columns or df["考核期间"].isna().all():
            df["考核期间"] = Path(p).stem  # one file per period, named after it
        frames.append(df)
    try:
        day = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise KpixlError(f"--published 应为 YYYY-MM-DD，而不是 {published!r} / expected a date") from None
    report = history(s, pd.concat(frames, ignore_index=True), published=day)
    if out_path.lower().endswith(".csv"):
        write_table(report_table(report), out_path, inputs=paths)
    else:

        def save(tmp: str) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, frame in (("奖励", report.rewards), ("整改", report.improvement), ("优先晋升", report.promotion)):
                    frame.to_excel(xw, sheet_name=name, index=False)
                notes = ["期间 / periods: " + "、".join(report.periods), *report.notes]
                pd.DataFrame({"说明": notes}).to_excel(xw, sheet_name="说明", index=False)

        atomic_save(out_path, save)
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
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出名单 .csv 或 .xlsx / the roster to write")
@click.option("--scheme", "scheme_id", default=None, help="按此方案的表头输出 / headers of this scheme")
@click.option("--map", "maps", multiple=True, help="列映射，如 agent=坐席编号 / column mapping FIELD=HEADER")
@click.option("--map-file", default=None, type=click.Path(dir_okay=False, exists=True), help="列映射文件（YAML：字段: 表头）/ mapping file")
@click.option("--repeat-hours", default=72.0, show_default=True, help="FCR：同一客户多少小时内再来算未解决 / FCR repeat window")
@click.option(
    "--csat",
    "csat_mode",
    type=click.Choice(["top2", "mean"]),
    default="top2",
    show_default=True,
    help="满意度：4–5 分占比或平均分 / top-2-box share or mean",
)
@click.option("--sl", "sl_seconds", default=20.0, show_default=True, help="服务水平的 X 秒 / service level threshold")
@click.option(
    "--abandon",
    "abandon_mode",
    type=click.Choice(["against", "ignore", "short"]),
    default="against",
    show_default=True,
    help="服务水平中放弃的计法：计入未达标、不计、N 秒内的短放弃不计 / abandons count against, are ignored, or short ones ignored",
)
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
@click.option("--skew", default=None, help="时钟误差容许，如 2s：早于开始不超过此数的回复按 0 秒计 / clock-skew tolerance")
@click.option("--date-format", default=None, help="日志的日期写法：MDY（月/日/年）、DMY 或如 %d.%m.%Y / date order of the export")
@click.option("--max-excluded", default=None, help="排除的行超过此比例时报错、不输出，如 5% / fail when more rows are excluded")
@click.option("--unknown-customer", "unknown_customers", multiple=True,
              help="表示未知客户的客户ID（另加于 0、匿名 等），不算再来 / placeholder customer ids, never repeats")  # fmt: skip
@click.option(
    "--presence",
    "presence_paths",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="坐席在线记录（登录/登出或在线时长），用于占用率 / agent presence export, for occupancy",
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
    unknown_customers: tuple[str, ...],
    max_excluded: str | None,
    date_format: str | None,
    skew: str | None,
) -> None:
    """从会话/通话日志计算每个客服的 KPI，输出可评分的名单 / KPI metrics per agent from session logs, as a roster.

    LOGS：客服系统导出的 CSV、xlsx 或 Parquet / CSV, xlsx or Parquet exports.
    """
    from .metrics import Request, run

    request = Request(
        logs=logs, out_path=out_path, period=period, scheme_id=scheme_id, map_file=map_file,
        mapping=_pairs(maps, "--map", "字段=表头，如 agent=坐席编号", "FIELD=HEADER"),
        repeat_hours=repeat_hours, csat=csat_mode, sl_seconds=sl_seconds, abandon_mode=abandon_mode,
        short_abandon_seconds=short_abandon, targets=_pairs(targets, "--target", "岗位=目标，如 新员工=50", "ROLE=TARGET"),
        default_target=default_target, roster_path=roster_path, frt_mode=frt_mode, business_hours=business_hours,
        workdays=workdays, holidays=holidays, extra_workdays=extra_workdays, presence=presence_paths,
        problems_path=problems_path, unknown_customers=unknown_customers, max_excluded=max_excluded,
        date_format=date_format, skew=skew,
    )  # fmt: skip
    result = run(request)
    problems = result.problems
    for problem in problems[:20]:
        out.print(f"[yellow]问题 / problem:[/] {problem}")
    if len(problems) > 20:
        out.print(f"… 另有 {len(problems) - 20} 条，用 --problems 文件 保存清单 / {len(problems) - 20} more: --problems FILE lists them")
    if result.metrics.team:
        t = result.metrics.team
        sl, ab = (f"{t[k]:.1%}" if t[k] == t[k] else "—" for k in ("service_level", "abandon_rate"))
        out.print(f"服务水平 {sl}（{sl_seconds:g} 秒内接起），放弃率 {ab} / service level {sl}, abandonment {ab}")
    if result.metrics.repeated:
        n = result.metrics.repeated
        out.print(
            f"[yellow]会话ID 重复的 {n} 行未计入[/]（一次会话有多段记录时可用 --map session=会话ID+段号）/ "
            f"{n} rows repeat an earlier session id and are not counted (for legs of one call: --map session=CallID+Leg)"
        )
    if result.no_source:
        names = "、".join(result.no_source)
        out.print(f"[yellow]无来源（日志没有对应列，留空）/ no source in the log, left blank:[/] {names}")
    excluded, partly = result.metrics.excluded, sum(result.metrics.left_out.values())
    zh, en = (f"，{partly} 行只在一项指标中不计", f", {partly} left out of one figure only") if partly else ("", "")
    out.print(f"{result.agents} 名客服 → {out_path}（{excluded} 行已排除{zh}）/ {result.agents} agents written, {excluded} rows excluded{en}")


@main.command("explain")
@click.option("--rule", "rule_text", required=True, help="评分标准，如 '≤30秒(5分);30-60秒(3分);>60秒(1分)' / the rubric text")
@click.option("--max-points", type=float, default=None, help="该项满分（扣分类规则需要）/ the item's full points")
@click.argument("values", nargs=-1, required=True)
def explain_cmd(rule_text: str, max_points: float | None, values: tuple[str, ...]) -> None:
    """用一句话解释数值的得分 / explain, in words, the score of values under a rubric.

    VALUES：要解释的数值，如 28秒 1.5分钟 / the values. 多输入规则用 名称=值：kpixl explain --rule '…' 未提交=1 数据错误=2
    / a rule with several inputs takes NAME=VALUE.
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
