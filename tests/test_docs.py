"""The README documents every setting and every command and option of the `wpc` command line."""

from __future__ import annotations

import re

import typer.main

from wpc.cli import app
from wpc.config import ROOT, setting_help

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for name in setting_help():
        assert f"`{name}`" in README, name
        assert f"`WPC_{name.upper()}`" in README, name


def test_every_command_and_option_is_in_the_readme():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"`wpc {name}" in README, name
        row = next(line for line in README.splitlines() if line.startswith(f"| `wpc {name}"))
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in row, f"{name} {option}"


def test_quick_start_is_exactly_two_commands():
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./run.sh", "./test.sh"]
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("exec ./test.sh")


def where_things_live() -> str:
    return re.search(r"## Where things live\n(.*?)\n## ", README, re.S).group(1)


def test_where_things_live_lists_every_folder_of_wpc_and_wpc_sql():
    listed = set(re.findall(r"^\| `([^`]+)/`", where_things_live(), re.M))
    folders = {f"wpc/{p.name}" for p in (ROOT / "wpc").iterdir() if p.is_dir() and p.name != "__pycache__"}
    folders |= {f"wpc/sql/{p.name}" for p in (ROOT / "wpc" / "sql").iterdir() if p.is_dir()}
    assert folders - listed == set()
    assert {"wpc/views", "wpc/sql/presets", "wpc/measures"} <= folders  # the check reads real folders


def tracked_text_files():
    import subprocess

    names = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.sql", "*.toml", "*.sh", "*.txt"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in names if (ROOT / name).is_file()]


def test_references_name_documents_in_the_repository():
    """No reference points at a design document outside the repository; every
    'docs/methods.md section N' names a section that exists."""
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", methods, re.M)}
    outside, missing = [], []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        outside += [f"{path.name}: {m}" for m in re.findall(r"DESIGN(?:\.md)?[ \s]+(?:section )?\d[\d.]*b?", text)]
        for first, rest in re.findall(r"docs/methods\.md sections? (\d+)((?:(?:, | and | to )\d+)*)", text):
            missing += [f"{path.name}: {n}" for n in (first, *re.findall(r"\d+", rest)) if int(n) not in sections]
    assert outside == [] and missing == []
    assert len(sections) >= 14
