"""Commands that make workbooks and paper: build, forms, pdf."""

from __future__ import annotations

import sys

import click

from ._app import err, main, out


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
    from ..excel import build
    from ..sources import builtin_ids

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
    from ..excel.forms import write_forms
    from ..roster import read_table
    from ..sources import load_scheme

    paths = write_forms(load_scheme(scheme_id), read_table(roster), out_dir)
    out.print(f"已生成 {len(paths)} 份个人考核表 → {out_dir} / wrote {len(paths)} forms")


@main.command("pdf")
@click.argument("files", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="PDF 输出目录 / folder for the PDFs")
@click.option(
    "--sheets",
    type=click.Choice(["form", "team", "all"]),
    default="form",
    show_default=True,
    help="打印哪些工作表：form 考核表；team 团队汇总（只打印有人的行）；all 全部可见工作表 / "
    "which sheets: form = 考核表, team = 团队汇总 (filled rows only), all = every visible sheet",
)
@click.option(
    "--merge",
    "merge",
    type=click.Path(dir_okay=False),
    help="另把全部 PDF 按输入顺序合并成这一个文件（需要 poppler 的 pdfunite）/ "
    "also merge all PDFs, in input order, into this file (needs poppler's pdfunite)",
)
def pdf_cmd(files: tuple[str, ...], out_dir: str, sheets: str, merge: str | None) -> None:
    """用 LibreOffice 把考核表打印成 PDF（供签字），先检查错误值和手填总分 / print forms and workbooks to PDF, for signing.

    FILES：考核表工作簿或个人考核表 .xlsx，也可以是文件夹或通配符（如 'forms/*.xlsx'）；不是 kpixl 工作簿的文件各报一行并跳过，
    最后退出码为 1。打印前，打印区域里的错误值（#N/A、#VALUE!、Err:…）和手填的小计/得分/总分/等级（本应是公式）各给一行警告。
    输入文件从不改动。

    FILES: workbooks or personal forms, folders or globs; a file that is not a kpixl workbook is one line, skipped, and
    the exit code is 1. Error values in the printed area and typed totals where the sheet has a formula are warned
    about, naming the cell. Inputs are never written.
    """
    from ..printing import print_pdfs

    run = print_pdfs(files, out_dir, sheets=sheets, merge=merge)
    for f in run.findings:
        where = f"{f.file}" + (f" {f.sheet}!{f.cell}" if f.cell else "")
        if f.level == "错误":
            err.print(f"跳过 / skipped {where}: {f.message}", markup=False, highlight=False, soft_wrap=True)
        else:
            err.print(f"警告 / warning {where}: {f.message}", markup=False, highlight=False, soft_wrap=True)
    for p in run.pdfs:
        out.print(f"已生成 / wrote {p}", markup=False, soft_wrap=True)
    if run.merged is not None:
        out.print(f"已合并 {len(run.pdfs)} 份 → {run.merged} / merged {len(run.pdfs)} PDFs", markup=False)
    if run.failed:
        sys.exit(1)
