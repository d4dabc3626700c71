"""`wfm forecast` and `wfm backtest` through the CLI: files, tables and error messages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import SAMPLE_CENTER_YAML
from wfm.cli.main import app
from wfm.loaders import FORECAST_COLUMNS

runner = CliRunner()


def _run(files: dict[str, Path], command: str, *args: str):
    """`wfm forecast` or `wfm backtest` on the test files, with more options."""
    base = [command, "--history", str(files["history"]), "--center", str(files["center"])]
    return runner.invoke(app, [*base, *args])


def _forecast(files: dict[str, Path], out: Path, *args: str, start: str | None = "2026-03-16"):
    """`wfm forecast` from `start` (None: the default) into `out`, with more options."""
    first = [] if start is None else ["--start", start]
    return _run(files, "forecast", *first, *args, "--out", str(out))


@pytest.fixture
def files(tmp_path: Path, short_history: pl.DataFrame) -> dict[str, Path]:
    shutil.copy(SAMPLE_CENTER_YAML, tmp_path / "center.yaml")
    short_history.write_csv(tmp_path / "history.csv")
    return {"center": tmp_path / "center.yaml", "history": tmp_path / "history.csv"}


def test_forecast_writes_the_table_and_the_plots(files, tmp_path):
    out = tmp_path / "fc.csv"
    result = _forecast(files, out, "--horizon", "1w", "--model", "weighted_avg")
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert tuple(table.columns) == FORECAST_COLUMNS
    assert table.height == 2 * 7 * 96
    assert (tmp_path / "fc.png").stat().st_size > 1000
    assert "data:image/png;base64," in (tmp_path / "fc.html").read_text()


def test_weekly_granularity_gives_one_row_per_queue_and_week(files, tmp_path):
    out = tmp_path / "weekly.csv"
    result = _forecast(
        files, out, "--horizon", "3w", "--granularity", "week", "--model", "ets", "--no-plot"
    )
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert table.height == 2 * 3
    assert (table["volume"] > 0).all()
    # FTE through the staffing engine: gross agent hours over a 40-hour week.
    assert (table["fte_needed"] > 0).all()
    assert (table["fte_needed"] * 40 - table["agent_h_gross"]).abs().max() < 1e-9


def test_start_defaults_to_the_day_after_the_history(files, tmp_path):
    out = tmp_path / "fc.csv"
    result = _forecast(
        files, out, "--horizon", "2d", "--model", "seasonal_naive", "--no-plot", start=None
    )
    assert result.exit_code == 0, result.output
    first = pl.read_csv(out, try_parse_dates=True)["interval_start"].min()
    assert first == dt.datetime(2026, 3, 16, 4, tzinfo=dt.UTC)  # local midnight, EDT


def test_unknown_model_is_a_one_line_error(files, tmp_path):
    result = _forecast(files, tmp_path / "x.csv", "--horizon", "1w", "--model", "magic")
    assert result.exit_code == 1
    assert "Error: unknown model 'magic'; choose auto or one of" in result.output


def test_bad_horizon_is_rejected(files, tmp_path):
    result = _forecast(files, tmp_path / "x.csv", "--horizon", "six weeks")
    assert result.exit_code == 2
    assert "expected e.g. 6w or 10d" in result.output


def test_backtest_prints_errors_per_queue_model_and_level(files, tmp_path, center):
    out = tmp_path / "bt.csv"
    result = _run(files, "backtest", "--horizon", "1w", "--folds", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert set(table["level"]) == {"interval", "daily"}
    assert set(table["queue_id"]) == {"sched_voice", "triage_voice"}
    assert {"seasonal_naive", "weighted_avg", "ets", "sarimax", "prophet"} <= set(table["model"])
    assert (table["n_folds"] == 2).all()
    assert table["wape"].is_between(0, 1).all()
