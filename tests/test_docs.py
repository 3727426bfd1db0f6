"""The documentation keeps up with the code: every command and option is documented, the README stays
short and starts with the two fresh-machine commands, and `kpixl --help` speaks Chinese first."""

import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import kpixl
from kpixl.cli import MONTH_ORDER, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
PAGES = {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}
CJK = re.compile(r"[\u4e00-\u9fff]")


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main, info_name="kpixl")
    return {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


def test_readme_is_short_and_starts_with_the_two_commands():
    assert len(README) <= 8000, f"README has {len(README)} characters; move detail into docs/"
    first = README.splitlines()[:4]
    assert first[0] == "```sh" and first[3] == "```"
    assert first[1].startswith("python3 -m venv .venv && ") and "kpixl score samples/team.csv" in first[1]
    assert first[2] == "dev/setup && .venv/bin/python -m pytest -q"


def test_readme_links_to_every_docs_page_and_each_exists():
    linked = set(re.findall(r"\]\(docs/([\w-]+\.md)", README))
    assert linked == set(PAGES), set(PAGES) ^ linked
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert all(f": {name}" in nav for name in PAGES)  # every page is in the site's navigation
    for page, anchor in re.findall(r"\]\(docs/([\w-]+\.md)#([^)]+)\)", README):  # GitHub's slugs, which the site uses too
        headings = re.findall(r"^#+ (.+)$", PAGES[page], re.M)
        slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
        assert anchor in slugs, (page, anchor)


def _reference_directive() -> dict[str, str]:
    block = re.search(r"^::: mkdocs-click\n((?:    :\w+: .*\n)+)", PAGES["cli.md"], re.M)
    assert block, "docs/cli.md must hold the ::: mkdocs-click directive"
    return dict(re.findall(r":(\w+): (.*)", block.group(1)))


def test_cli_reference_is_generated_from_the_click_group():
    d = _reference_directive()
    assert (d["module"], d["command"], d["prog_name"]) == ("kpixl.cli", "main", "kpixl")
    assert d.get("show_hidden", "false") == "false"
    assert not any(c.hidden for c in commands().values())  # a hidden command would be left out of the reference
    assert not any(o.hidden for c in commands().values() for o in options(c))


def _generated_reference() -> str:
    """The CLI reference as mkdocs-click renders it for the site (the same call the site build makes)."""
    if os.environ.get("CI"):
        import mkdocs_click  # noqa: F401 — CI installs the dev extra, which has it: never skip there
    pytest.importorskip("mkdocs_click", reason="pip install -e '.[dev]' (mkdocs-click renders the CLI reference)")
    from mkdocs_click._extension import replace_command_docs

    d = _reference_directive()
    return "\n".join(replace_command_docs(has_attr_list=True, **d))


def test_every_command_and_option_is_in_the_docs():
    reference = _generated_reference()
    written = "\n".join(PAGES.values())
    missing = []
    for name, command in commands().items():
        heading = re.search(rf"^#+ kpixl {name} \{{.*$", reference, re.M)
        if heading is None or f"`kpixl {name}" not in written:  # generated, and also described by hand
            missing.append(f"kpixl {name}")
            continue
        section = reference[heading.end() :].split("\n## ")[0].split("\n### ")[0]
        for option in options(command):
            for opt in option.opts:
                if opt not in section and not re.search(rf"kpixl {name}\b[^\n]*{re.escape(opt)}\b", written):
                    missing.append(f"kpixl {name} {opt}")
    assert not missing, f"not in the docs: {missing}"


def test_every_command_and_option_is_described_chinese_first():
    for name, command in commands().items():
        helps = {f"kpixl {name}": command.get_short_help_str(limit=1000)}
        helps |= {f"kpixl {name} {o.opts[0]}": o.help or "" for o in options(command)}
        for where, text in helps.items():
            assert "/ " in text, f"{where}: no English beside the Chinese: {text!r}"
            zh, en = text.split("/ ", 1)
            assert CJK.search(zh), f"{where}: Chinese first: {text!r}"
            assert re.search(r"[A-Za-z]{3}", en), f"{where}: English beside: {text!r}"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="kpixl")


def test_help_lists_commands_in_the_order_of_the_month_with_whole_summaries():
    r = invoke("--help")
    assert r.exit_code == 0
    out = r.output
    assert out.startswith("用法 / Usage: kpixl [OPTIONS] COMMAND [ARGS]...")
    assert "选项 / Options:" in out and "命令 / Commands:" in out and "显示本帮助并退出 / show this help and exit" in out
    listed = re.findall(r"^  (\w+)  ", out.split("命令 / Commands:")[1], re.M)
    assert listed == list(MONTH_ORDER) == list(commands())
    flat = " ".join(out.split())
    for command in commands().values():
        summary = command.get_short_help_str(limit=1000)
        assert " ".join(summary.split()) in flat and not summary.endswith("...")


def test_option_notes_and_version_in_chinese():
    out = invoke("score", "--help").output
    assert "[必填 / required]" in out and "[默认 / default: 20]" in out and "[default: 20]" not in out.replace("[默认 / default: 20]", "")
    assert invoke("--version").output.strip() == f"kpixl 版本 / version {kpixl.__version__}"


def test_a_missing_option_is_reported_in_chinese():
    r = invoke("score", "samples/team.csv")
    assert r.exit_code == 2
    assert "用法 / Usage: kpixl score [OPTIONS] ROSTER" in r.output
    assert "帮助 / help: kpixl score --help" in r.output
    assert "错误 / Error: 缺少选项 / Missing option '--scheme'." in r.output
    assert "Try '" not in r.output


def test_other_usage_errors_are_reported_in_chinese():
    r = invoke("scor")
    assert r.exit_code == 2 and "错误 / Error: 没有这个命令 / No such command 'scor'" in r.output
    r = invoke("build", "--rows", "0")
    assert r.exit_code == 2 and "错误 / Error: 取值无效 / Invalid value for --rows: 至少 1 行 / at least 1 row" in r.output
    r = invoke("--bogus")
    assert r.exit_code == 2 and "用法 / Usage: kpixl" in r.output and "没有这个选项 / No such option '--bogus'" in r.output


def test_bare_kpixl_prints_the_help():
    r = invoke()
    assert r.output.startswith("用法 / Usage: kpixl [OPTIONS] COMMAND [ARGS]...") and "命令 / Commands:" in r.output
    assert "错误 / Error" not in r.output


def test_input_errors_keep_exit_code_1():
    r = invoke("explain", "--rule", "达到80%以上10分;低于75%,0分", "78%")
    assert r.exit_code == 1
