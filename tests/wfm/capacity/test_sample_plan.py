"""The sample center's plan end to end (slow: a weekly forecast and its long backtests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from wfm.center import Center
from wfm.usecases.capacity import run_capacity

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


@pytest.mark.slow
def test_a_class_is_suggested_in_time_for_the_flu_season(center: Center, tmp_path: Path) -> None:
    run = run_capacity(
        center,
        SAMPLE / "history.parquet",
        SAMPLE / "roster.csv",
        out_dir=tmp_path,
        plan=SAMPLE / "capacity.yaml",
        scenarios=SAMPLE / "scenarios.yaml",
        drivers=SAMPLE / "drivers.csv",
        events=SAMPLE / "events.csv",
        start=dt.date(2026, 8, 3),
        fmt="csv",
    )
    hiring = run.outcome.result.hiring.filter(pl.col("scenario") == "base")
    flu = hiring.filter(pl.col("peak").str.contains("Flu season 2026-27") & (pl.col("size") > 0))
    assert flu.height >= 1 and flu["on_time"].all()
    assert (flu["productive_from"] <= flu["first_short_week"]).all()
    names = {p.name for p in run.files}
    assert {"capacity.xlsx", "capacity.png", "groups.csv", "hiring.csv"} <= names
    assert run.outcome.coverage["coverage"].is_between(0.7, 0.9).all()
