"""`wfm intraday` on the sample's files: the tables it prints and writes are the engine's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from wfm.center import load_center
from wfm.cli.main import app
from wfm.loaders import load_history
from wfm.usecases.intraday import morning_forecast, run_intraday

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"
AT = dt.datetime(2026, 11, 12, 16, 0, tzinfo=dt.UTC)  # 11:00 New York


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not (SAMPLE / "history.parquet").exists():
        pytest.skip("data/sample is missing (wfm data generate --seed 7)")
    center = load_center(SAMPLE / "center.yaml")
    # The morning forecast once for both runs (made as the command makes it without one).
    history = load_history(SAMPLE / "history.parquet", center)
    path = tmp_path_factory.mktemp("intraday") / "forecast.parquet"
    morning_forecast(history, center, AT.date()).write_parquet(path)
    names = ("history", "schedule", "states")
    return {n: str(SAMPLE / f"{n}.parquet") for n in names} | {
        "roster": str(SAMPLE / "roster.csv"),
        "center": str(SAMPLE / "center.yaml"),
        "forecast": str(path),
    }


def test_the_command_prints_and_writes_the_engines_tables(files, tmp_path):
    args = ["intraday", "--at", "2026-11-12T11:00", "--out", str(tmp_path), "--format", "csv"]
    for name, path in files.items():
        args += [f"--{name}", path]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Intraday 2026-11-12 at 11:00 local" in result.output
    assert "Moves that would help" in result.output
    written = pl.read_csv(tmp_path / "intraday_queues.csv")
    center = load_center(files["center"])
    direct = run_intraday(
        files["history"], center, at=AT, forecast_path=files["forecast"],
        schedule=files["schedule"], states=files["states"], roster=files["roster"],
    ).result  # fmt: skip
    assert written["queue_id"].to_list() == direct.queues["queue_id"].to_list()
    assert written["volume_rest_reforecast"].to_list() == pytest.approx(
        direct.queues["volume_rest_reforecast"].to_list()
    )
    moves = pl.read_csv(tmp_path / "intraday_moves.csv")
    assert moves.height == direct.moves.height > 0
    assert set(moves["kind"]) <= {"overtime", "move_break", "voluntary_time_off"}
    assert (tmp_path / "intraday_intervals.csv").exists()


def test_history_without_a_center_is_a_usage_error(files):
    result = CliRunner().invoke(app, ["intraday", "--history", files["history"]])
    assert result.exit_code == 2
    assert "--history needs --center" in result.output
