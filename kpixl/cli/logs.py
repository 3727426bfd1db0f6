"""The metrics command: per-agent KPIs from session and call logs."""

from __future__ import annotations

import click
from rich.text import Text

from ._app import main, out, pairs


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
@click.option("--roster", "roster_path", default=None, type=click.Path(dir_okay=False, exists=True),
              help="名单（取岗位；日志没有姓名时取姓名）/ roster for 岗位 and names")  # fmt: skip
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
    from ..metrics import Request, run

    request = Request(
        logs=logs, out_path=out_path, period=period, scheme_id=scheme_id, map_file=map_file,
        mapping=pairs(maps, "--map", "字段=表头，如 agent=坐席编号", "FIELD=HEADER"),
        repeat_hours=repeat_hours, csat=csat_mode, sl_seconds=sl_seconds, abandon_mode=abandon_mode,
        short_abandon_seconds=short_abandon, targets=pairs(targets, "--target", "岗位=目标，如 新员工=50", "ROLE=TARGET"),
        default_target=default_target, roster_path=roster_path, frt_mode=frt_mode, business_hours=business_hours,
        workdays=workdays, holidays=holidays, extra_workdays=extra_workdays, presence=presence_paths,
        problems_path=problems_path, unknown_customers=unknown_customers, max_excluded=max_excluded,
        date_format=date_format, skew=skew,
    )  # fmt: skip
    result = run(request)
    problems = result.problems
    for problem in problems[:20]:
        out.print(Text.assemble(("问题 / problem:", "yellow"), f" {problem}"))
    if len(problems) > 20:
        out.print(f"… 另有 {len(problems) - 20} 条，用 --problems 文件 保存清单 / {len(problems) - 20} more: --problems FILE lists them")
    if result.metrics.team:
        t = result.metrics.team
        sl, ab = (f"{t[k]:.1%}" if t[k] == t[k] else "—" for k in ("service_level", "abandon_rate"))
        out.print(f"服务水平 {sl}（{sl_seconds:g} 秒内接起），放弃率 {ab} / service level {sl}, abandonment {ab}")
    if result.metrics.repeated:
        n = result.metrics.repeated
        out.print(
            Text.assemble(
                (f"会话ID 重复的 {n} 行未计入", "yellow"),
                "（一次会话有多段记录时可用 --map session=会话ID+段号）/ "
                f"{n} rows repeat an earlier session id and are not counted (for legs of one call: --map session=CallID+Leg)",
            )
        )
    if result.no_source:
        names = "、".join(result.no_source)
        out.print(Text.assemble(("无来源（日志没有对应列，留空）/ no source in the log, left blank:", "yellow"), f" {names}"))
    excluded, partly = result.metrics.excluded, sum(result.metrics.left_out.values())
    zh, en = (f"，{partly} 行只在一项指标中不计", f", {partly} left out of one figure only") if partly else ("", "")
    out.print(f"{result.agents} 名客服 → {out_path}（{excluded} 行已排除{zh}）/ {result.agents} agents written, {excluded} rows excluded{en}")
