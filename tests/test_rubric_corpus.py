"""The rubric corpus (tests/data/rubric_corpus.yaml): lines in the style of real appraisal forms,
each with values and points computed by hand. Every line is scored right or refused with an error
that says why (a refusal only where the corpus marks the text ambiguous or unread); wrong is 0.
Run with ``-s`` to see the counts."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from kpixl import parse_rule
from kpixl.errors import KpixlError

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "rubric_corpus.yaml").read_text(encoding="utf-8"))


def _judge(entry: dict) -> tuple[str, str]:
    """("right" | "refused" | "wrong", why)."""
    try:
        rule = parse_rule(entry["t"], max_points=entry.get("max"))
    except KpixlError as exc:
        if "refused" in entry and entry["refused"] in str(exc):
            return "refused", str(exc)
        return "wrong", f"refused: {exc}"
    if "refused" in entry:
        return "wrong", f"read as {rule.canonical()!r}, expected a refusal mentioning {entry['refused']!r}"
    for value, points in entry["cases"]:
        try:
            got = rule.score(value)
        except KpixlError as exc:
            return "wrong", f"{value!r}: {exc}"
        if not math.isclose(got, points, abs_tol=1e-9):
            return "wrong", f"{value!r} → {got}, by hand {points} (read as {rule.canonical()!r})"
    if parse_rule(rule.canonical(), max_points=entry.get("max")) != rule:
        return "wrong", f"canonical text {rule.canonical()!r} reads back as another rule"
    return "right", ""


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 150
    assert sum(len(e.get("cases", ())) for e in CORPUS) >= 500


def test_corpus_right_refused_wrong():
    tally = {"right": 0, "refused": 0, "wrong": 0}
    wrong = []
    for entry in CORPUS:
        verdict, why = _judge(entry)
        tally[verdict] += 1
        if verdict == "wrong":
            wrong.append(f"{entry['t']} (max {entry.get('max')}): {why}")
    print(f"\nrubric corpus: {len(CORPUS)} lines — right {tally['right']}, refused {tally['refused']}, wrong {tally['wrong']}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("entry", [e for e in CORPUS if "refused" in e], ids=lambda e: e["t"][:20])
def test_a_refusal_names_what_it_could_not_decide(entry):
    with pytest.raises(KpixlError, match=entry["refused"].replace("(", r"\(").replace(")", r"\)")):
        parse_rule(entry["t"], max_points=entry.get("max"))
