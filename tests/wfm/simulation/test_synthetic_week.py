"""The synthetic week of the bench passes the loaders and has the volume and staff asked for."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wfm.center import Center
from wfm.loaders import load_roster, load_schedule
from wfm.synthetic import synthetic_week


def test_synthetic_week_is_valid_and_sized_as_asked(center: Center) -> None:
    week = synthetic_week(center, start=dt.date(2026, 11, 9), n_agents=30, weekly_contacts=5_000)
    roster = load_roster(week.roster, center)
    schedule = load_schedule(week.schedule, center, agent_ids=set(roster["agent_id"].to_list()))
    assert roster.height == 30
    assert schedule["agent_id"].n_unique() == 30
    assert week.volumes["volume"].sum() == pytest.approx(5_000)
    assert set(week.volumes["queue_id"].unique()) == set(center.queue_ids)
    work_h = (
        schedule.filter(pl.col("activity") == "work")
        .select(((pl.col("end") - pl.col("start")).dt.total_seconds() / 3600).sum())
        .item()
    )
    workload_h = week.volumes.select((pl.col("volume") * pl.col("aht_s")).sum()).item() / 3600
    assert workload_h == pytest.approx(0.8 * work_h)
