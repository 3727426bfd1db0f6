"""Agents' names (姓名): from the log's name column, else from the roster (工号 → 姓名); two
names for one 工号 — in the log, in the roster or between them — are reported, never guessed."""

from __future__ import annotations

from typing import Any

import pandas as pd


def log_conflicts(con: Any, agents: pd.Series) -> list[str]:
    """Agents of ``agents`` whose usable rows carry more than one name (the first, by line, is
    the one written)."""
    rows = con.execute(
        """SELECT agent, name FROM (SELECT agent, name, min(line) AS first FROM t
            WHERE use AND name <> '' GROUP BY agent, name) ORDER BY agent, first"""
    ).fetchall()
    names: dict[str, list[str]] = {}
    for agent, name in rows:
        names.setdefault(agent, []).append(name)
    listed = set(agents)
    return [
        f"工号 {a} 在日志中有 {len(n)} 个姓名：{'、'.join(n)}，写出第一个 {n[0]} / agent {a} has {len(n)} names in the log; the first is written"
        for a, n in names.items()
        if len(n) > 1 and a in listed
    ]


def roster_names(roster: pd.DataFrame, name: str) -> tuple[dict[str, str], list[str]]:
    """工号 → 姓名 of a roster (blank names left out; the first of two names for one 工号 is
    kept and the pair reported)."""
    out: dict[str, str] = {}
    problems = []
    if "工号" not in roster.columns or "姓名" not in roster.columns:
        return out, problems
    for agent, person in zip(roster["工号"], roster["姓名"], strict=True):
        if pd.isna(agent) or pd.isna(person) or not str(person).strip():
            continue
        a, p = str(agent).strip(), str(person).strip()
        if a in out and out[a] != p:
            problems.append(f"名单 {name} 中工号 {a} 有两个姓名：{out[a]}、{p}，用第一个 / agent {a} has two names in the roster; the first is used")
        out.setdefault(a, p)
    return out, problems


def fill_names(per_agent: pd.DataFrame, known: dict[str, str], name: str) -> tuple[pd.DataFrame, list[str]]:
    """``per_agent`` with each blank 姓名 taken from ``known`` (the roster's); a log name that
    differs from the roster's is kept and reported."""
    names, problems = [], []
    for agent, logged in zip(per_agent["工号"], per_agent["姓名"], strict=True):
        listed = known.get(str(agent))
        if logged and listed and logged != listed:
            problems.append(
                f"工号 {agent} 的姓名：日志中为 {logged}，名单 {name} 中为 {listed}，写出日志的 / "
                f"agent {agent}: the log's name differs from the roster's; the log's is written"
            )
        names.append(logged or listed or "")
    out = per_agent.copy()
    out["姓名"] = pd.Series(names, index=out.index, dtype=object)
    return out, problems
