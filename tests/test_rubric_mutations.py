"""A changed rubric is a changed rule or an error, never a rule that ignores the change: drop a
clause, add a cap or a clause, change a unit — the parser must notice (issue 12)."""

from __future__ import annotations

import re

import pytest

from kpixl import parse_rule
from kpixl.errors import KpixlError
from kpixl.rubric.limits import is_limit_clause

SEEDS = [
    ("≤30秒(5分);30-60秒(3分);>60秒(1分)", None),
    ("≥90%(5分);80%-90%(3分);<80%(1分)", None),
    ("迟到每次扣1分，旷工每天扣3分", 10),
    ("发现一次扣2分,最高扣6分", 10),
    ("8起不扣分，每超一起扣0.5分，每降一起加0.5分", None),
    ("目标90%(5分);每少1%扣1分", None),
    ("准确率98%得满分，每降低1%扣2分", 10),
    ("95分以上15分，90分以上10分，85分以上5分，85分以下不得分", None),
    ("5个及以上加4分，3-4个加2分", None),
    ("70以下不得分，95以上得10分，70-95之间按比例计分", None),
    ("优5分良4分中3分差1分", None),
    ("全责扣10分、主责6分、同责3分、次责1分", 10),
    ("按时提交得5分，未按时提交得0分", None),
    ("得分=实际完成量/目标量×100%,最高不超过120分", None),
    ("第一名10分，依次递减2分", None),
    ("完成所有要求20分;任一项没有满足扣5分", None),
]
ADDED = ["最高扣3分", "最高加3分", "最高不超过3分", "另加2分", "超过60家另计", "每次加1分", "≥99(1分)"]
UNITS = [("%", "秒"), ("秒", "分钟"), ("起", "%"), ("个", "秒"), ("分", "秒")]


def _outcome(text: str, max_points: float | None):
    try:
        return parse_rule(text, max_points=max_points)
    except KpixlError as exc:
        return exc


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[;,，；、]", text) if c]


def _mutations(text: str) -> list[tuple[str, str]]:
    out = []
    clauses = _clauses(text)
    if len(clauses) > 1:
        for c in clauses:
            if not is_limit_clause(c):  # dropping a floor that is the default anyway changes nothing
                out.append((f"drop {c}", text.replace(c, "", 1).strip(";,，；、").replace(";;", ";").replace(",,", ",")))
    for a in ADDED:
        out.append((f"add {a}", f"{text},{a}"))
    for old, new in UNITS:
        if old in text:
            out.append((f"unit {old}→{new}", text.replace(old, new)))
    return out


@pytest.mark.parametrize(("text", "max_points"), SEEDS, ids=[s[0][:16] for s in SEEDS])
def test_a_changed_rubric_is_a_changed_rule_or_an_error(text, max_points):
    rule = parse_rule(text, max_points=max_points)
    for what, mutated in _mutations(text):
        got = _outcome(mutated, max_points)
        assert isinstance(got, KpixlError) or got != rule, f"{what}: {mutated!r} still reads as {rule.canonical()!r}"


# clauses that can never restate a rubric: each holds a number the rule would have to use
FOREIGN = ["另加2分", "超过60家另计", "≥99(1分)", "第一名10分", "优5分", "目标9家", "是(1分)", "3次以上扣2分", "迟到一次扣1分"]


def test_every_corpus_line_notices_a_foreign_clause():
    from test_rubric_corpus import CORPUS

    ignored = []
    for entry in CORPUS:
        if "cases" not in entry:
            continue
        rule = parse_rule(entry["t"], max_points=entry.get("max"))
        for clause in FOREIGN:
            for mutated in (f"{entry['t']},{clause}", f"{clause};{entry['t']}"):
                got = _outcome(mutated, entry.get("max"))
                if not isinstance(got, KpixlError) and got == rule:
                    ignored.append(mutated)
    assert not ignored, ignored[:10]
