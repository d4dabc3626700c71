"""The simulation's intervals are the center's local grid (`wfm.grid`), not the UTC clock's:
a zone 5:45 ahead of UTC has its half-hours at :15 and :45 UTC, and a daylight-saving day has
its own number of intervals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from tests.wfm.simulation.conftest import TS, one_queue_center
from wfm.grid import grid, local_midnight_utc
from wfm.simulation import HandleTimeModel, arrival_plan, simulate

KATHMANDU = one_queue_center(timezone="Asia/Kathmandu", interval_min=30)
DAY = dt.date(2026, 1, 5)
MIDNIGHT = dt.datetime(2026, 1, 4, 18, 15, tzinfo=dt.UTC)  # local midnight starting DAY


def _agents(n_agents: int, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agent_id": [f"a{i:03d}" for i in range(n_agents)],
            "activity": ["work"] * n_agents,
            "start": pl.Series([start] * n_agents, dtype=TS),
            "end": pl.Series([end] * n_agents, dtype=TS),
            "queue_id": ["q"] * n_agents,
        }
    )


def _volumes(starts: list[dt.datetime], volume: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "queue_id": ["q"] * len(starts),
            "interval_start": pl.Series(starts, dtype=TS),
            "volume": [volume] * len(starts),
            "aht_s": [300.0] * len(starts),
        }
    )


def test_intervals_of_a_quarter_to_zone_start_on_its_local_half_hours():
    assert local_midnight_utc(DAY, KATHMANDU.tz) == MIDNIGHT
    starts = [MIDNIGHT + dt.timedelta(minutes=30 * j) for j in range(4)]
    # Two agents on the phones for the local half-hour 00:00-00:30 only.
    schedule = _agents(2, starts[0], starts[1])
    result = simulate(schedule, _volumes(starts, 5.0), KATHMANDU, replications=2)
    assert result.intervals["interval_start"].to_list() == starts
    local = result.intervals["interval_start"].dt.convert_time_zone(KATHMANDU.timezone)
    assert local.dt.minute().to_list() == [0, 30, 0, 30]
    assert result.intervals["staffed_agents"].to_list() == [2.0, 0.0, 0.0, 0.0]
    assert result.days["date"].to_list() == [DAY]


def test_arrival_timestamps_fall_in_the_local_half_hour_that_holds_them():
    at = [MIDNIGHT + dt.timedelta(minutes=m) for m in (10, 40, 65)]  # local 00:10, 00:40, 01:05
    frame = pl.DataFrame({"queue_id": ["q"] * 3, "ts": pl.Series(at, dtype=TS)})
    plan = arrival_plan(frame, KATHMANDU)
    assert plan.origin == MIDNIGHT
    assert plan.cell_interval.tolist() == [0, 1, 2]
    assert plan.interval_starts.to_list() == [
        MIDNIGHT + dt.timedelta(minutes=30 * j) for j in range(3)
    ]
    contacts = plan.draw(
        np.random.default_rng(0),
        handle_times=HandleTimeModel(),
        mean_patience_s=np.array([np.inf]),
    )
    assert contacts.arrival_s.tolist() == [600.0, 2400.0, 3900.0]


@pytest.mark.parametrize(
    ("day", "n_intervals", "hours"),
    [(dt.date(2026, 3, 8), 92, 23), (dt.date(2026, 11, 1), 100, 25)],
)
def test_a_daylight_saving_day_has_its_own_intervals_and_hours(day, n_intervals, hours):
    center = one_queue_center(timezone="America/New_York")
    starts = grid(day, day + dt.timedelta(days=2), center.tz, center.interval_s).to_list()
    # Three agents from the DST day's local midnight to the local midnight two days on.
    schedule = _agents(3, starts[0], local_midnight_utc(day + dt.timedelta(days=2), center.tz))
    result = simulate(schedule, _volumes(starts, 2.0), center, replications=2)
    assert result.intervals["interval_start"].to_list() == starts
    assert len(starts) == n_intervals + 96
    assert result.days["date"].to_list() == [day, day + dt.timedelta(days=1)]
    assert result.days["staffed_h"].to_list() == [3.0 * hours, 3.0 * 24]
