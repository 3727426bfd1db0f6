"""The ``kpixl`` command group: Chinese-first help and errors, the month order, the consoles and
the printing helpers the commands share. Exit codes: 0 success, 1 input errors, 2 usage errors.

Exit codes: 0 success, 1 input errors (listed), 2 usage errors.
"""

from __future__ import annotations

import functools
import sys

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..errors import KpixlError


def _console(**kw) -> Console:
    # no markup: what is printed carries people's text (cells, file names, rubric text), and a
    # "[x]" or "[/]" in it would be taken for markup, dropped or refused; styles are given as styles
    c = Console(highlight=False, markup=False, **kw)
    return c if c.is_terminal else Console(highlight=False, markup=False, width=160, **kw)


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
            err.print(Text.assemble(("错误 / error:", "bold red"), f" {exc}"))
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
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let a command reuse the memory it frees instead of giving it back to the system.

    glibc's malloc hands each large block (a column of a million rows: 8 MB) to the system when
    it is freed and maps fresh pages for the next, and a page seen for the first time costs a
    fault: scoring a 1,000,000-row roster spent a third of its time in the kernel doing that.
    With the thresholds raised, freed blocks stay in the process and are reused (measured in
    docs/development.md). A command is short-lived, so nothing is held for long; the engine
    imported as a library (the add-in) is left as it is.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 256 * 2**20)  # M_MMAP_THRESHOLD: blocks up to 256 MB come from the heap
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: freed heap memory is kept for reuse
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to tune
        pass


def print_results(results, rows: int, total: int | None = None) -> None:
    """The first ``rows`` results as a table: 工号, 姓名, 总分, 等级, 奖金系数, 排名, 标记."""
    import pandas as pd

    from ..numeric import fmt_number

    cols = [c for c in ("工号", "姓名", "总分", "等级", "奖金系数", "排名", "标记") if c in results.columns]
    table = Table(*cols)
    for _, r in results.head(rows).iterrows():
        table.add_row(*["" if v is None or v is pd.NA or v != v else fmt_number(v) if isinstance(v, float) else str(v) for v in r[cols]])
    out.print(table)
    total = len(results) if total is None else total
    if total > rows:
        out.print(f"…（共 {total} 行 / {total} rows）")


def pairs(items: tuple[str, ...], option: str, shape_zh: str, shape_en: str) -> dict[str, str]:
    """NAME=VALUE options (--max-share 优秀=20%, --target 新员工=50, --map agent=坐席编号) as a dict."""
    out_: dict[str, str] = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep:
            raise KpixlError(f"{option} 应写成 {shape_zh}，而不是 {item!r} / expected {shape_en}")
        out_[k.strip()] = v.strip()
    return out_


def findings_table(findings) -> Table:
    table = Table("级别", "文件", "工作表", "单元格", "问题")
    for f in findings:
        table.add_row(f.level, f.file, f.sheet, f.cell, f.message)
    return table
