"""The hand-written numpy anchor: support-center-quarterly scored by np.select / np.where
written out by hand, as a competent analyst would for this one scheme.

What it does, like the engine: reads the roster's typed cells (numbers, and text such as
``28秒``, ``88%``, ``24小时``, ``4分``) once per distinct spelling (pd.factorize, as the engine
does), applies the percent convention (a bare number > 1 is points), gives a blank the
lowest points, takes an override where one is given, rounds each indicator, each 小计 and the
total half away from zero to 2 places, and gives 等级, 奖金系数 and 排名.

What it does not do (the engine does all of it): any spelling not in this data (full-width
digits, 1分30秒, Chinese numerals, N/A words, other units), refusing an unreadable or
out-of-range cell with its row and column, the flags (missing, override, duplicate 工号),
未提交 rows, blank trailing rows, Excel's 15-digit snap before ROUND, any other scheme.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNITS = {"服务规范度": "分", "问题解决能力": "分", "平均响应时长": "秒", "一次解决率": "%", "客户满意度": "%", "投诉率": "%"}
UNITS["跨部门协作响应速度"] = "小时"
SECTIONS = {"服务质量": (("服务规范度", "问题解决能力"), 0.4), "工作效率": (("平均响应时长", "一次解决率"), 0.3)}
SECTIONS |= {"客户反馈": (("客户满意度", "投诉率"), 0.2), "团队协作": (("跨部门协作响应速度",), 0.1)}
GRADES = ((90, "优秀", 1.5), (80, "良好", 1.2), (70, "合格", 1.0), (60, "待改进", 0.8), (0, "不合格", 0.5))


def round_half_away(x: np.ndarray, digits: int = 2) -> np.ndarray:
    scale = 10.0**digits
    return np.copysign(np.floor(np.abs(x) * scale + 0.5), x) / scale


def _read_one(raw: object, unit: str) -> float:
    """One spelling as a number in the rule's unit (a percent as a fraction)."""
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text.endswith("%"):
        return float(text[:-1]) / 100
    if isinstance(text, str) and text.endswith(unit):
        text = text[: -len(unit)]
    x = float(text)
    return x / 100 if unit == "%" and abs(x) > 1 else x


def numbers(series: pd.Series, unit: str) -> np.ndarray:
    """A typed column as numbers, read once per distinct spelling."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        x = series.to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.abs(x) > 1, x / 100, x) if unit == "%" else x
    codes, uniques = pd.factorize(series)
    parsed = np.array([_read_one(u, unit) for u in uniques] + [np.nan])
    return parsed[codes]  # code -1 (blank) takes the last entry, NaN


def points(df: pd.DataFrame) -> dict[str, np.ndarray]:
    x = {name: numbers(df[name], unit) for name, unit in UNITS.items()}
    p = {
        "服务规范度": x["服务规范度"],
        "问题解决能力": x["问题解决能力"],
        "平均响应时长": np.select([x["平均响应时长"] <= 30, x["平均响应时长"] <= 60, x["平均响应时长"] > 60], [5.0, 3.0, 1.0], np.nan),
        "一次解决率": np.select([x["一次解决率"] >= 0.9, x["一次解决率"] >= 0.8, x["一次解决率"] < 0.8], [5.0, 3.0, 1.0], np.nan),
        "客户满意度": np.select([x["客户满意度"] >= 0.95, x["客户满意度"] >= 0.9, x["客户满意度"] < 0.9], [5.0, 3.0, 1.0], np.nan),
        "投诉率": np.select([x["投诉率"] == 0, x["投诉率"] < 0.01, x["投诉率"] >= 0.01], [5.0, 3.0, 1.0], np.nan),
        "跨部门协作响应速度": np.select(
            [x["跨部门协作响应速度"] <= 24, x["跨部门协作响应速度"] <= 48, x["跨部门协作响应速度"] > 48], [5.0, 3.0, 1.0], np.nan
        ),
    }
    out = {}
    for name, pts in p.items():
        pts = np.where(np.isnan(pts), 1.0, pts)  # blank: the lowest points
        over_col = f"{name}·调整得分"
        if over_col in df:
            over = numbers(df[over_col], "分")
            pts = np.where(np.isnan(over), pts, over)
        out[name] = round_half_away(pts)
    return out


def score(df: pd.DataFrame) -> pd.DataFrame:
    """The results the engine gives for this scheme, less the flags (see the module doc)."""
    p = points(df)
    res = {"工号": df["工号"].to_numpy(), "姓名": df["姓名"].to_numpy()}
    res |= {f"{name}得分": v for name, v in p.items()}
    total = np.zeros(len(df))
    for sec, (names, weight) in SECTIONS.items():
        sub = round_half_away(sum(p[n] for n in names) * (100 / 5 / len(names)))
        res[f"{sec}小计"] = sub
        total = total + sub * weight
    total = round_half_away(total)
    res["总分"] = total
    conds = [total >= lo for lo, _, _ in GRADES]
    res["等级"] = np.select(conds, [g for _, g, _ in GRADES], "")
    res["奖金系数"] = np.select(conds, [c for _, _, c in GRADES], np.nan)
    res["排名"] = pd.Series(total).rank(method="min", ascending=False).to_numpy(dtype=np.int64)
    return pd.DataFrame(res)


def same_as_engine(anchor: pd.DataFrame, engine: pd.DataFrame) -> None:
    """The anchor computes the same scheme: every points column, 小计, 总分, 等级, 奖金系数, 排名."""
    for col in anchor.columns:
        a, e = anchor[col].to_numpy(), engine[col].to_numpy()
        if col in ("工号", "姓名", "等级"):
            same = (a == e.astype(object)).all()
        else:
            same = np.array_equal(a.astype(float), e.astype(float), equal_nan=True)
        if not same:
            bad = np.flatnonzero(a != e)[:5]
            raise AssertionError(f"numpy anchor differs from the engine in {col} at rows {bad.tolist()}: {a[bad]} vs {e[bad]}")
