"""A center whose week starts on Sunday: the scheduler's week, templates, availability and
days off count from that Sunday."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from scheduling.check import check_schedule
from scheduling.problem import from_frames
from scheduling.report import schedule_frame
from scheduling.solution import allocate
from scheduling.solve import solve
from tests.scheduling.conftest import PARAMS, requirements, roster, tiny_config
from wfm.center import Center
from wfm.errors import ScheduleError

SUNDAY = dt.date(2026, 11, 29)


def _sunday_center() -> Center:
    config = tiny_config(week_start="sun")
    for template in config["shift_templates"]:
        template["days"] = ["sun", "sat"]
    config["queues"][1]["open_hours"] = {"sun": "08:00-18:00", "sat": "08:00-18:00"}
    return Center.model_validate(config)


def _requirements(center: Center) -> pl.DataFrame:
    frame = requirements(center, {})
    local = pl.col("interval_start").dt.convert_time_zone(center.timezone)
    # The tiny helper lays out Monday 30 November's week; move it to the Sunday before.
    frame = frame.with_columns(pl.col("interval_start") - pl.duration(days=1))
    need = (
        (pl.col("queue_id") == "office")
        & local.dt.weekday().is_in([6, 7])
        & (local.dt.hour() >= 8)
        & (local.dt.hour() < 16)
    )
    return frame.with_columns(
        pl.when(need).then(1.0).otherwise(0.0).alias("agents_gross")
    ).with_columns(pl.col("agents_gross").ceil().cast(pl.Int64).alias("agents_net"))


def test_a_sunday_week_schedules_its_sunday_and_saturday() -> None:
    center = _sunday_center()
    rows = [
        {"agent_id": "a1", "skills": ["office"]},
        {
            "agent_id": "a2",
            "skills": ["office"],
            # Available on the week's Saturday only: its last day, not its first.
            "availability": [{"weekday": 5, "start_min": 8 * 60, "end_min": 18 * 60}],
        },
    ]
    problem = from_frames(_requirements(center), roster(rows), center, week_start=SUNDAY)
    days = {o.day for o in problem.options}
    assert days == {0, 6}  # the week's Sunday (its first day) and Saturday (its last)
    starts = {problem.slot_at(o.start_slot).astimezone(center.tz).date() for o in problem.options}
    assert starts == {SUNDAY, SUNDAY + dt.timedelta(days=6)}
    result = solve(problem, params=PARAMS)
    schedule = schedule_frame(problem, allocate(problem, result.solution))
    assert check_schedule(problem, schedule) == []
    local_days = schedule.with_columns(
        pl.col("start").dt.convert_time_zone(center.timezone).dt.date().alias("day")
    )
    assert set(local_days["day"].to_list()) <= {SUNDAY, SUNDAY + dt.timedelta(days=6)}
    a2 = local_days.filter(pl.col("agent_id") == "a2")["day"].unique().to_list()
    assert a2 == [SUNDAY + dt.timedelta(days=6)]


def test_a_sunday_week_refuses_a_monday() -> None:
    center = _sunday_center()
    with pytest.raises(ScheduleError, match="must start on a Sunday"):
        from_frames(
            _requirements(center), roster([]), center, week_start=SUNDAY + dt.timedelta(days=1)
        )
