"""Rules over several periods: rewards, 整改方案, 优先晋升 (the scheme's 多期规则).

* 奖励 — over the last N consecutive periods, people ranked by their average 总分 (综合排名,
  ties share a rank like RANK.EQ); ranks 1, 2, 3 … get the scheme's amounts, and everyone
  sharing a rewarded rank is rewarded (名次并列的同时奖励). Only people with results in all N
  periods take part.
* 整改 — the bottom N of the latest period (ties at the edge included) must file an 整改方案,
  due the scheme's number of days after the results are published.
* 晋升 — people whose grade is the scheme's grade in each of the last N consecutive periods.

Periods are the 考核期间 values (or the file names); ``2024-01``/``202401`` months and
``2024Q1`` quarters are checked for gaps — a rule over "consecutive" periods is not applied
across a gap, and that is said.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import KpixlError
from .numeric import excel_round
from .scheme import Scheme
from .vocab import is_blank


@dataclass
class HistoryReport:
    periods: list[str]
    rewards: pd.DataFrame
    improvement: pd.DataFrame
    promotion: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _ordinal(period: str) -> int | None:
    """A month or quarter as a number that steps by 1 between consecutive periods."""
    p = period.strip()
    m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})月?", p)
    if m and 1 <= int(m[2]) <= 12:
        return int(m[1]) * 12 + int(m[2]) - 1
    m = re.fullmatch(r"(\d{4})\s*[-年]?\s*(?:Q|q|第)?([1-4])(?:季度)?", p)
    if m:
        return int(m[1]) * 4 + int(m[2]) - 1
    return None


def _consecutive(periods: list[str]) -> bool | None:
    nums = [_ordinal(p) for p in periods]
    if any(n is None for n in nums):
        return None  # unknown format: taken as given
    return all(b - a == 1 for a, b in itertools.pairwise(nums))


def _last(periods: list[str], n: int, what: str, notes: list[str]) -> list[str] | None:
    if len(periods) < n:
        notes.append(f"{what}：需要连续 {n} 期，只有 {len(periods)} 期 / {what} needs {n} periods, found {len(periods)}")
        return None
    window = periods[-n:]
    ok = _consecutive(window)
    if ok is False:
        notes.append(f"{what}：{'、'.join(window)} 不连续，本次不适用 / periods are not consecutive; not applied")
        return None
    return window


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if is_blank(v) else str(v).strip())


def _people(results: pd.DataFrame) -> pd.DataFrame:
    """The rows that are people: empty rows and a payout file's 合计 (totals) row are left out;
    a blank 考核期间 or an unreadable 总分 is an error naming the person."""
    df = results.copy()
    df["工号"] = _text(df["工号"])
    df["考核期间"] = _text(df["考核期间"])
    total = _text(df["总分"])
    keep = ~((df["工号"] == "") & (total == "")) & (df["工号"] != "合计")
    df, total = df[keep].copy(), total[keep]

    def where(i: object) -> str:
        who = f"工号 {df.at[i, '工号'] or '(空)'}"
        return f"{df.at[i, '文件']} {who}" if "文件" in df.columns else who

    problems = [f"{where(i)}: 工号为空 / blank staff id" for i in df.index[df["工号"] == ""]]
    problems += [f"{where(i)}: 考核期间为空 / blank period" for i in df.index[df["考核期间"] == ""]]
    score = pd.to_numeric(total, errors="coerce")
    problems += [f"{where(i)}: 总分「{total[i]}」不是数字 / the total is not a number" for i in df.index[score.isna()]]
    if problems:
        more = f"\n  … 另有 {len(problems) - 20} 处 / {len(problems) - 20} more" if len(problems) > 20 else ""
        raise KpixlError("多期结果中有无法使用的行 / unusable rows in the results:\n  " + "\n  ".join(problems[:20]) + more)
    df["总分"] = score.astype(float)
    return df


def history(scheme: Scheme, results: pd.DataFrame, *, published: dt.date | None = None) -> HistoryReport:
    """Apply the scheme's 多期规则 to results of several periods (columns 考核期间, 工号, 姓名, 总分, 等级)."""
    rules = scheme.period_rules
    if rules is None:
        raise KpixlError(f"方案 {scheme.id} 没有「多期规则」/ the scheme has no period rules")
    for need in ("考核期间", "工号", "总分", "等级"):
        if need not in results.columns:
            raise KpixlError(f"结果中缺少「{need}」列 / the results lack the {need} column")
    df = _people(results)
    if "姓名" not in df.columns:
        df["姓名"] = ""
    periods = sorted(df["考核期间"].unique(), key=lambda p: (_ordinal(p) is None, _ordinal(p) or 0, p))
    published = published or dt.date.today()
    notes: list[str] = []
    names = df.drop_duplicates("工号", keep="last").set_index("工号")["姓名"]

    rewards = pd.DataFrame(columns=["工号", "姓名", "平均总分", "综合排名", "奖励金额", "期间"])
    if rules.reward_periods:
        window = _last(periods, rules.reward_periods, "奖励", notes)
        if window:
            part = df[df["考核期间"].isin(window)]
            counts = part.groupby("工号")["考核期间"].nunique()
            full = counts[counts == len(window)].index
            mean = part[part["工号"].isin(full)].groupby("工号")["总分"].mean()
            avg = pd.Series(excel_round(mean.to_numpy(dtype=float), 2), index=mean.index)
            rank = avg.rank(method="min", ascending=False).astype(int)
            won = rank[rank <= len(rules.reward_amounts)].sort_values()
            rewards = pd.DataFrame(
                {
                    "工号": won.index,
                    "姓名": [names.get(i, "") for i in won.index],
                    "平均总分": avg[won.index].to_numpy(),
                    "综合排名": won.to_numpy(),
                    "奖励金额": [rules.reward_amounts[r - 1] for r in won.to_numpy()],
                    "期间": "、".join(window),
                }
            )
    improvement = pd.DataFrame(columns=["工号", "姓名", "总分", "倒数名次", "整改方案截止日期", "期间"])
    if rules.bottom_count and periods:
        latest = periods[-1]
        part = df[df["考核期间"] == latest].set_index("工号")["总分"].astype(float)
        from_bottom = part.rank(method="min", ascending=True).astype(int)
        low = from_bottom[from_bottom <= rules.bottom_count].sort_values()
        due = published + dt.timedelta(days=rules.bottom_due_days)
        improvement = pd.DataFrame(
            {
                "工号": low.index,
                "姓名": [names.get(i, "") for i in low.index],
                "总分": part[low.index].to_numpy(),
                "倒数名次": low.to_numpy(),
                "整改方案截止日期": due.isoformat(),
                "期间": latest,
            }
        )
    promotion = pd.DataFrame(columns=["工号", "姓名", "等级", "期间"])
    if rules.promote_periods:
        window = _last(periods, rules.promote_periods, "晋升", notes)
        if window:
            part = df[df["考核期间"].isin(window)]
            hits = part[part["等级"] == rules.promote_grade].groupby("工号")["考核期间"].nunique()
            ids = sorted(hits[hits == len(window)].index)
            promotion = pd.DataFrame({"工号": ids, "姓名": [names.get(i, "") for i in ids], "等级": rules.promote_grade, "期间": "、".join(window)})
    return HistoryReport(list(periods), rewards, improvement, promotion, notes)


def report_table(report: HistoryReport) -> pd.DataFrame:
    """One table for CSV: 类别 (奖励 / 整改 / 优先晋升) then the columns of each part."""
    parts = []
    for label, frame in (("奖励", report.rewards), ("整改", report.improvement), ("优先晋升", report.promotion)):
        if len(frame):
            f = frame.copy()
            f.insert(0, "类别", label)
            parts.append(f)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["类别", "工号", "姓名"])


def write_report(report: HistoryReport, path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The report as ``.csv`` (one table) or ``.xlsx`` (奖励, 整改, 优先晋升, 说明), never over an input,
    every text cell neutralised (:mod:`kpixl.safe`)."""
    from .roster import atomic_save, write_table
    from .safe import neutralise_frame, refuse_clobber

    if str(path).lower().endswith(".csv"):
        return write_table(report_table(report), path, inputs=tuple(inputs))
    refuse_clobber(path, inputs)
    notes = ["期间 / periods: " + "、".join(report.periods), *report.notes]
    sheets = {"奖励": report.rewards, "整改": report.improvement, "优先晋升": report.promotion, "说明": pd.DataFrame({"说明": notes})}

    def save(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, frame in sheets.items():
                neutralise_frame(frame).to_excel(xw, sheet_name=name, index=False)

    return atomic_save(path, save)


__all__ = ["HistoryReport", "history", "report_table", "write_report"]
