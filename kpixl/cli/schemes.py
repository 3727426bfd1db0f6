"""Commands about schemes and rubric text: schemes, show, roster, explain."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from ._app import main, out


@main.command("schemes")
def schemes_cmd() -> None:
    """列出内置考核方案 / list the built-in schemes."""
    from ..sources import builtin_ids, load_scheme

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
    from ..numeric import fmt_number
    from ..scheme import MISSING_ZH
    from ..sources import load_scheme
    from ..units import fmt_quantity

    s = load_scheme(scheme)
    out.print(Text.assemble((s.name, "bold"), f"  ({s.id})  {s.period}"))
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
    import pandas as pd

    from ..roster import write_table
    from ..sources import load_scheme

    s = load_scheme(scheme)
    p = write_table(pd.DataFrame(columns=s.roster_headers()), out_path, sheet="名单")
    out.print(f"已写出 {p}（{len(s.roster_headers())} 列）/ wrote {p}")


@main.command("explain")
@click.option("--rule", "rule_text", required=True, help="评分标准，如 '≤30秒(5分);30-60秒(3分);>60秒(1分)' / the rubric text")
@click.option("--max-points", type=float, default=None, help="该项满分（扣分类规则需要）/ the item's full points")
@click.argument("values", nargs=-1, required=True)
def explain_cmd(rule_text: str, max_points: float | None, values: tuple[str, ...]) -> None:
    """用一句话解释数值的得分 / explain, in words, the score of values under a rubric.

    VALUES：要解释的数值，如 28秒 1.5分钟 / the values. 多输入规则用 名称=值：kpixl explain --rule '…' 未提交=1 数据错误=2
    / a rule with several inputs takes NAME=VALUE.
    """
    from ..rubric import parse_rule

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
