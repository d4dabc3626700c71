"""`wfm plan`: forecast -> staff -> schedule on the sample center, every stage's table written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from wfm.cli.main import app

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
runner = CliRunner()


def _plan(out: Path, week: str, *args: str):
    base = ["plan", "--center", str(SAMPLE / "center.yaml"), "--week", week, "--out", str(out)]
    return runner.invoke(app, [*base, *args])


def test_plan_writes_forecast_requirements_and_a_checked_schedule(tmp_path):
    result = _plan(
        tmp_path, "2026-11-16", "--model", "seasonal_naive", "--time-limit", "5", "--workers", "1"
    )
    assert result.exit_code == 0, result.output
    forecast = pl.read_csv(tmp_path / "forecast.csv")
    assert set(forecast["model"].unique()) == {"seasonal_naive"}
    requirements = pl.read_csv(tmp_path / "requirements.csv")
    assert requirements["queue_id"].n_unique() == 8
    schedule = pl.read_parquet(tmp_path / "schedule.parquet")
    assert schedule["agent_id"].n_unique() > 100
    assert (tmp_path / "coverage.png").exists()


def test_plan_refuses_a_week_that_is_not_a_monday(tmp_path):
    result = _plan(tmp_path, "2026-11-17")
    assert result.exit_code != 0
    assert "not a Monday" in result.output
