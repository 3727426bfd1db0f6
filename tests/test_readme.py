"""The README's examples are runnable: every `kpixl` line in its shell examples, and its Python block."""

import re
import shlex
import shutil
from pathlib import Path

import numpy as np
from test_cli import kpixl

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_lines_are_the_two_fresh_machine_commands():
    lines = README.splitlines()
    assert lines[0] == "```sh"
    assert "kpixl score samples/team.csv --scheme support-center-quarterly --out results.xlsx" in lines[1]
    assert "pytest" in lines[2] and lines[3] == "```"
    assert README.splitlines()[2] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_example_runs(tmp_path):
    for name in ("samples",):
        shutil.copytree(ROOT / name, tmp_path / name)
    examples = [m for m in re.findall(r"^\.venv/bin/kpixl (.+)$", README, re.M)]
    assert len(examples) >= 7
    for line in examples:
        command, _, comment = line.partition("#")
        args = shlex.split(command)
        r = kpixl(*args, cwd=tmp_path)
        expected = 1 if "exit 1" in comment else 0
        assert r.returncode == expected, (line, r.stdout, r.stderr)
    assert (tmp_path / "my-team.xlsx").exists() and (tmp_path / "results.csv").exists()


def test_python_api_example_says_what_it_does():
    import kpixl as k

    rule = k.parse_rule("≤30秒(5分);30-60秒(3分);>60秒(1分)")
    assert np.array_equal(rule.score([28, 30, 45, 61]), [5, 5, 3, 1])
    assert rule.score("1.5分钟") == 1.0
    assert rule.canonical() == "≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)"
    assert rule.explain(28) == "28秒 ≤ 30秒 → 5分"
    assert k.parse_rule("发现一次扣2分", max_points=5).explain(3) == "扣2分×3次=6分，得分 0（扣完为止）"
    for claim in ("'≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)'", "'28秒 ≤ 30秒 → 5分'", "'扣2分×3次=6分，得分 0（扣完为止）'"):
        assert claim in README
