"""`wfm simulate` through the CLI: files written, summary printed, errors named."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml
from typer.testing import CliRunner

from tests.wfm.simulation.conftest import constant_agents, constant_volumes, one_queue_config
from wfm.cli.main import app

RUNNER = CliRunner()


def _center_yaml(path: Path) -> Path:
    config = one_queue_config(timezone="America/New_York", patience_s=120)
    path.write_text(yaml.safe_dump(config))
    return path


def _files(tmp_path: Path) -> list[str]:
    center = _center_yaml(tmp_path / "center.yaml")
    constant_agents(4, 3).write_parquet(tmp_path / "schedule.parquet")
    forecast = constant_volumes(10.0, 8).with_columns(
        volume_lo=pl.col("volume") * 0.8, volume_hi=pl.col("volume") * 1.2, model=pl.lit("test")
    )
    forecast.write_csv(tmp_path / "forecast.csv")
    return [
        "simulate",
        "--schedule", str(tmp_path / "schedule.parquet"),
        "--arrivals", str(tmp_path / "forecast.csv"),
        "--center", str(center),
        "--replications", "3",
        "--out", str(tmp_path / "out"),
    ]  # fmt: skip


def test_simulate_writes_tables_and_picture_and_prints_the_summary(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, _files(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Simulating local days 2026-01-04 to 2026-01-04" in result.output
    assert "Simulated service, 3 replications" in result.output
    out = tmp_path / "out"
    for name in ("sim_intervals", "sim_days", "sim_summary"):
        assert (out / f"{name}.csv").exists()
        assert (out / f"{name}.parquet").exists()
    assert (out / "sim_service_level.png").stat().st_size > 1000
    intervals = pl.read_parquet(out / "sim_intervals.parquet")
    assert intervals.height == 8
    assert {"service_level", "service_level_lo", "service_level_hi", "asa_s", "occupancy"} <= set(
        intervals.columns
    )


def test_simulate_names_a_bad_arrivals_file(tmp_path: Path) -> None:
    args = _files(tmp_path)
    pl.DataFrame({"queue_id": ["q"], "when": ["x"]}).write_csv(tmp_path / "bad.csv")
    args[args.index("--arrivals") + 1] = str(tmp_path / "bad.csv")
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 1
    assert "bad.csv" in result.output
    assert "not an arrivals table" in result.output


def test_simulate_uses_only_arrivals_on_the_days_asked(tmp_path: Path) -> None:
    # The arrivals fall on 2026-01-04 local (New York); asking for the 5th leaves none.
    args = [*_files(tmp_path), "--start", "2026-01-05", "--days", "1"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 1
    assert "Simulating local days 2026-01-05 to 2026-01-05" in result.output
    assert "no arrivals: the table is empty" in result.output


def test_simulate_refuses_a_bad_start_day(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, [*_files(tmp_path), "--start", "next monday"])
    assert result.exit_code == 2
    text = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--start': expected YYYY-MM-DD, got 'next monday'" in text


SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


def _sample_day(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "simulate",
        "--schedule",
        str(SAMPLE / "schedule.parquet"),
        "--arrivals",
        str(SAMPLE / "history.parquet"),
        "--center",
        str(SAMPLE / "center.yaml"),
        "--roster",
        str(SAMPLE / "roster.csv"),
        "--replications",
        "2",
        "--start",
        "2026-11-10",
        "--days",
        "1",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "sim"),
        *extra,
    ]


def test_simulate_life_prints_the_settings_that_produced_the_figures(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, _sample_day(tmp_path, "--life"))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Simulated as lived" in out
    assert "5.0% of shifts missed whole (triage_b 6.0%)" in out
    assert "10.0% of scheduled work, in 30-minute blocks" in out
    assert "deviations of 591 shifts of states 2026-11-09 to 2026-11-15" in out


def test_simulate_replay_uses_the_states_as_availability(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, _sample_day(tmp_path, "--replay", str(SAMPLE / "states.parquet")))
    assert result.exit_code == 0, result.output
    assert "Simulated replay of states" in result.output
    summary = pl.read_csv(tmp_path / "sim" / "sim_summary.csv")
    assert summary["offered"].sum() > 0


def test_simulate_life_without_states_names_what_is_missing(tmp_path: Path) -> None:
    center = tmp_path / "center.yaml"
    center.write_text((SAMPLE / "center.yaml").read_text())
    args = _sample_day(tmp_path, "--life")
    args[args.index("--center") + 1] = str(center)
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 1
    assert "life.adherence_from_states needs a states table" in result.output
