"""The README documents every command, and every command has help text with an example."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from wfm.cli.main import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _commands(group, prefix: str) -> list[tuple[str, object]]:
    # Typer ships its own click; walk groups by their `commands` mapping.
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            found += _commands(command, path)
        else:
            found.append((path, command))
    return found


COMMANDS = _commands(typer.main.get_command(app), "wfm")  # type: ignore[arg-type]


def test_the_cli_has_commands():
    assert len(COMMANDS) >= 1


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_documented_in_the_readme(path, command):
    assert f"`{path}" in README, f"README has no section for `{path}`"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and "Example:" in command.help, f"{path} needs help text with an Example"


def test_readme_quick_start_is_the_two_commands():
    assert "make demo" in README
    assert "make test" in README
