"""`wfm erlang` and `wfm staff` through the CLI: output, files, and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import with_cells
from tests.wfm.staffing.test_requirements_frame import history_frame
from wfm.cli.main import app
from wfm.loaders import load_requirements

runner = CliRunner()

AGENTS = [
    "erlang",
    "--contacts",
    "100",
    "--aht",
    "180",
    "--interval",
    "30m",
    "--answer-within",
    "20",
]


def _erlang_json(*args: str) -> dict:
    """The JSON answer of `wfm erlang` on the AGENTS case with more options."""
    result = runner.invoke(app, [*AGENTS, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_erlang_with_agents_prints_the_figures_as_json():
    got = _erlang_json("--agents", "12")
    assert got["agents"] == 12
    assert got["service_level"] == pytest.approx(0.6401580403740066, rel=1e-12)
    assert got["asa_s"] == pytest.approx(40.44494018684438, rel=1e-12)
    assert got["p_wait"] == pytest.approx(0.44938822429827086, rel=1e-12)
    assert got["occupancy"] == pytest.approx(10 / 12)
    assert got["abandon_rate"] is None


def test_erlang_with_a_target_prints_the_agents_needed():
    got = _erlang_json("--service-level", "0.8")
    assert got["agents"] == 14
    assert got["service_level"] == pytest.approx(0.8884, abs=5e-5)


def test_erlang_with_patience_uses_erlang_a_and_reports_abandonment():
    got = _erlang_json("--patience", "120", "--max-abandon", "0.05", "--max-asa", "30")
    assert got["model"] == "erlang_a"
    assert got["abandon_rate"] <= 0.05 and got["asa_s"] <= 30


def test_erlang_table_output_says_unstable_instead_of_a_number():
    result = runner.invoke(app, [*AGENTS, "--agents", "9"])
    assert result.exit_code == 0, result.output
    assert "unstable" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contacts", "-5", "--aht", "180", "--agents", "3"], "contacts must be >= 0"),
        (["--contacts", "5", "--aht", "0", "--agents", "3"], "aht_s must be > 0"),
        (["--contacts", "5", "--aht", "180", "--service-level", "80"], "between 0 and 1"),
        (["--contacts", "5", "--aht", "180"], "give an agent count, or a target"),
        (["--contacts", "5", "--aht", "180", "--max-abandon", "0.05"], "needs the callers'"),
        (["--contacts", "5", "--aht", "180", "--agents", "3", "--interval", "soon"], "duration"),
    ],
)
def test_erlang_bad_input_is_one_error_line_and_exit_1(args, message):
    result = runner.invoke(app, ["erlang", *args])
    assert result.exit_code == 1
    assert "Error:" in result.output and message in result.output
    assert "Traceback" not in result.output


def _staff(center_dir: Path, history: str, out: Path, *args: str):
    """`wfm staff` on a history file of the center folder, with more options."""
    files = ["--input", str(center_dir / history), "--center", str(center_dir / "center.yaml")]
    return runner.invoke(app, ["staff", *files, "--out", str(out), *args])


def test_staff_writes_the_requirements_of_the_last_week_and_a_summary(center, center_dir):
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(9)]
    history_frame(center, days).write_parquet(center_dir / "history.parquet")
    out = center_dir / "out" / "requirements.csv"
    result = _staff(center_dir, "history.parquet", out, "--last-week")
    assert result.exit_code == 0, result.output
    assert "sched_voice" in result.output and "2026-11-10" in result.output
    # The sample center builds requirements for life; this folder has no states to measure.
    assert "built for life" in result.output and "no states" in result.output
    assert "not applied (history staffed)" in result.output
    req = load_requirements(out, center)
    local = req["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
    assert (local.min(), local.max()) == (days[2], days[8])
    assert req.height == 7 * 96 * len(center.queues)


def test_staff_reads_the_forecast_weekly_errors_beside_it_and_staffs_at_the_quantile(
    center, center_dir
):
    """The sample staffs a forecast at the 90 % quantile of its weekly error: the errors
    `wfm forecast` writes beside the table scale each queue's volume (13 weeks, all under-
    forecasts: the largest ratio), and without them `wfm staff` says what is missing."""
    history = history_frame(center, [dt.date(2026, 11, 2)])
    forecast = history.select(
        "queue_id",
        "interval_start",
        pl.col("offered").cast(pl.Float64).alias("volume"),
        (pl.col("offered") * 0.8).alias("volume_lo"),
        (pl.col("offered") * 1.2).alias("volume_hi"),
        "aht_s",
        pl.lit("m").alias("model"),
    )
    path = center_dir / "forecast.csv"
    forecast.write_csv(path)
    args = ["staff", "--input", str(path), "--center", str(center_dir / "center.yaml")]
    missing = runner.invoke(app, [*args, "--out", str(center_dir / "r.csv")])
    assert missing.exit_code == 1 and "forecast_weekly_errors.csv: missing" in missing.output
    top = {q.id: 1.0 + 0.01 * (k + 1) for k, q in enumerate(center.queues)}
    pl.DataFrame(
        [(q, 1 + (r - 1) * (1 - w / 13)) for q, r in top.items() for w in range(13)],
        schema={"queue_id": pl.Utf8, "actual_over_forecast": pl.Float64},
        orient="row",
    ).write_csv(center_dir / "forecast_weekly_errors.csv")
    result = runner.invoke(app, [*args, "--out", str(center_dir / "r.csv")])
    assert result.exit_code == 0, result.output
    assert "90% quantile of the backtest's weekly errors (13 weeks)" in result.output
    staffed = load_requirements(center_dir / "r.csv", center).join(
        forecast.select("queue_id", "interval_start", pl.col("volume").alias("point")),
        on=["queue_id", "interval_start"],
    )
    expected = staffed["queue_id"].replace_strict(top, return_dtype=pl.Float64) * staffed["point"]
    assert staffed["volume"].to_list() == pytest.approx(expected.to_list())


def test_staff_with_an_unknown_queue_names_the_file_row_and_column(center, center_dir):
    frame = history_frame(center, [dt.date(2026, 11, 2)])
    frame = with_cells(frame, 4, queue_id="ghost_q")
    frame.write_parquet(center_dir / "history.parquet")
    result = _staff(center_dir, "history.parquet", center_dir / "r.csv")
    assert result.exit_code == 1
    assert "history.parquet row 5, column queue_id" in result.output
    assert "Traceback" not in result.output


def test_staff_refuses_both_last_week_and_dates(center, center_dir):
    history_frame(center, [dt.date(2026, 11, 2)]).write_parquet(center_dir / "h.parquet")
    result = _staff(
        center_dir, "h.parquet", center_dir / "r.csv", "--last-week", "--start", "2026-11-02"
    )
    assert result.exit_code == 2
    assert "either --last-week or --start/--end" in result.output
