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
