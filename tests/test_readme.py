"""The README and the docs run as written: every `kpixl` line of their shell examples, and the Python API block."""

import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from test_cli import kpixl

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

FIRST = ".venv/bin/pip install -q -e . && .venv/bin/kpixl score samples/team.csv --scheme support-center-quarterly --out results.xlsx"


def test_first_lines_are_the_two_fresh_machine_commands():
    lines = README.splitlines()
    assert lines[0] == "```sh"
    assert lines[1] == f"python3 -m venv .venv && {FIRST}"
    assert lines[2] == "dev/setup && .venv/bin/python -m pytest -q"
    assert lines[3] == "```"
    ci_lines = CI.splitlines()
    assert lines[1] in ci_lines and lines[2] in ci_lines  # CI runs exactly what the README promises


def _windows(line: str) -> str:
    return line.replace(".venv/bin/", ".venv\\Scripts\\").replace("/", "\\")


def test_every_shell_block_has_its_windows_twin():
    assert f"py -m venv .venv && {_windows(FIRST)}" in README
    pairs = re.findall(r"```sh\n([^`]*)```\n```bat\n([^`]*)```", README)
    assert len(pairs) == 5  # HR, supervisor, finance, ops analyst, IT
    for sh, bat in pairs:
        assert bat.splitlines() == [_windows(line) for line in sh.splitlines()]


def _run_examples(text: str, cwd: Path) -> dict[str, str]:
    outputs = {}
    for line in re.findall(r"^\.venv/bin/kpixl (.+)$", text, re.M):
        command, _, comment = line.partition("#")
        r = kpixl(*shlex.split(command), cwd=cwd)
        expected = 1 if "exit 1" in comment else 0
        assert r.returncode == expected, (line, r.stdout, r.stderr)
        outputs[command.strip()] = r.stdout + r.stderr
    return outputs


def test_every_readme_example_runs(tmp_path):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    outputs = _run_examples(README, tmp_path)
    assert len(outputs) == 13
    for made in (
        "my-team.xlsx",
        "my-workbooks/support-center-quarterly.xlsx",
        "my-workbooks/support-center-quarterly.xlsm",
        "forms/E001_王晓燕.xlsx",
        "summary.xlsx",
        "payout.xlsx",
        "payout.csv",
        "chats-roster.csv",
        "chats-results.xlsx",
    ):
        assert (tmp_path / made).exists(), made
    explained = outputs['explain --rule "≤30秒(5分);30-60秒(3分);>60秒(1分)" 28秒 45秒 1.5分钟']
    for said in ("28秒: 28秒 ≤ 30秒 → 5分", "45秒: 30秒 < 45秒 ≤ 60秒 → 3分", "1.5分钟: 90秒 > 60秒 → 1分"):
        assert said in explained
    assert len(pd.read_csv(tmp_path / "payout.csv", encoding="utf-8-sig")) >= 12


def test_every_example_of_the_front_page_runs(tmp_path):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    outputs = _run_examples((ROOT / "docs" / "index.md").read_text(encoding="utf-8"), tmp_path)
    assert len(outputs) >= 15
    assert (tmp_path / "my-team.xlsx").exists() and (tmp_path / "results.csv").exists() and (tmp_path / "pdf" / "E001_王晓燕.pdf").exists()
    assert "75%–80% 没有对应分值" in outputs['explain --rule "达到80%以上10分;低于75%,0分" 78%']


def test_python_api_block_runs_as_written(tmp_path, monkeypatch):
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", page, re.S)
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    exec(compile(block, "docs/api.md", "exec"), ns)

    assert np.array_equal(ns["points"], [5, 5, 3, 1])
    assert ns["minutes"] == 1.0
    assert ns["canonical"] == "≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)"
    assert ns["why"] == "28秒 ≤ 30秒 → 5分"
    assert ns["deduction"] == "扣2分×3次=6分，得分 0（扣完为止）"
    results = ns["results"]
    assert len(results) == 12
    e001 = results.set_index("工号").loc["E001"]
    assert (e001["姓名"], e001["总分"], e001["等级"], e001["奖金系数"], e001["排名"]) == ("王晓燕", 85, "良好", 1.2, 6)
    assert (tmp_path / "results.xlsx").stat().st_size > 0
    # what the block's comments promise is what the hand-written values above say
    claims = ("array([5., 5., 3., 1.])", "# 1.0", "'≤30秒(5分);>30秒且≤60秒(3分);>60秒(1分)'", "'28秒 ≤ 30秒 → 5分'")
    claims += ("'扣2分×3次=6分，得分 0（扣完为止）'",)
    assert all(claim in block for claim in claims)
