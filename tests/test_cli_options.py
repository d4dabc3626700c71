"""The CLI's shared options: one parser per value, the executor options, help texts."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from wfm.cli.main import app
from wfm.cli.options import executor_from_options, parse_horizon_days
from wfm.execution import InProcessExecutor, LocalProcessExecutor

runner = CliRunner()


def _help(command: str) -> str:
    """The command's help as one line of text (rich boxes and wrapping taken out)."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    return " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("cluster", "workers", "expected"),
    [
        (None, None, InProcessExecutor),
        (None, 1, InProcessExecutor),
        (None, 2, LocalProcessExecutor),
    ],
)
def test_executor_options_pick_the_executor(
    cluster: str | None, workers: int | None, expected: type
) -> None:
    with executor_from_options(cluster, workers=workers) as executor:
        assert type(executor) is expected


def test_cluster_and_workers_together_are_a_usage_error() -> None:
    with pytest.raises(typer.BadParameter, match="give --cluster or --workers, not both"):
        executor_from_options("local:2", workers=2)


@pytest.mark.parametrize(("text", "days"), [("6w", 42), ("10d", 10), (" 1W ", 7)])
def test_horizons_read_weeks_and_days(text: str, days: int) -> None:
    assert parse_horizon_days(text) == days


@pytest.mark.parametrize("text", ["0w", "6", "six weeks", "-1d"])
def test_bad_horizons_are_refused(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="expected e.g. 6w or 10d"):
        parse_horizon_days(text)


@pytest.mark.parametrize("command", ["schedule", "plan", "forecast"])
def test_cluster_help_shows_the_extra_to_install(command: str) -> None:
    assert "Needs pip install 'wfm[dask]'." in _help(command)


def test_every_center_option_has_the_same_help() -> None:
    commands = ("forecast", "backtest", "staff", "schedule", "plan", "adherence", "simulate")
    for command in commands:
        assert "--center <path> Center configuration (center.yaml). [required]" in _help(command)
