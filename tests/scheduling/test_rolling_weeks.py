"""Rolling weeks: the published previous week carries into the week being planned, and the
week's last night shifts count for the next Monday (README, `wfm schedule`, Rolling weeks)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from scheduling.check import check_schedule
from scheduling.effort import Effort
from scheduling.previous import PreviousWeek
from scheduling.problem import from_frames
from scheduling.run import schedule_week
from scheduling.warmstart import roster_counts, type_shift_counts
from tests.scheduling.conftest import PARAMS, WEEK, requirements, roster, tiny_center
from wfm.errors import DataError
from wfm.grid import local_minute_utc
from wfm.loaders import SCHEMAS

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SUNDAY_BEFORE = WEEK - dt.timedelta(days=1)


def _center(**labor):
    """Day shifts 08:00-12:00 and night shifts 22:00-02:00 on every day."""
    center = tiny_center()
    templates = [t.model_copy(update={"days": tuple(ALL_DAYS)}) for t in center.shift_templates]
    contract = center.contracts[0].model_copy(
        update={"weekly_hours_max": 40, "max_days_per_week": 7}
    )
    rules = center.labor_rules.model_copy(update=labor)
    return center.model_copy(
        update={"shift_templates": tuple(templates), "contracts": (contract,), "labor_rules": rules}
    )


def _at(center, day: dt.date, hour: float) -> dt.datetime:
    return local_minute_utc(day, round(hour * 60), center.tz)


def _night(center, agent_id: str, day: dt.date) -> list[dict]:
    """A published night shift 22:00-02:00 starting on `day`, lunch 23:00-23:30."""
    return [
        {"agent_id": agent_id, "activity": "work", "start": _at(center, day, 22),
         "end": _at(center, day, 23), "queue_id": "triage"},
        {"agent_id": agent_id, "activity": "lunch", "start": _at(center, day, 23),
         "end": _at(center, day, 23.5), "queue_id": None},
        {"agent_id": agent_id, "activity": "work", "start": _at(center, day, 23.5),
         "end": _at(center, day, 26), "queue_id": "triage"},
    ]  # fmt: skip


def _day(center, agent_id: str, day: dt.date) -> list[dict]:
    """A published day shift 08:00-12:00 on `day`, break 09:00-09:30."""
    return [
        {"agent_id": agent_id, "activity": "work", "start": _at(center, day, 8),
         "end": _at(center, day, 9), "queue_id": None},
        {"agent_id": agent_id, "activity": "break", "start": _at(center, day, 9),
         "end": _at(center, day, 9.5), "queue_id": None},
        {"agent_id": agent_id, "activity": "work", "start": _at(center, day, 9.5),
         "end": _at(center, day, 12), "queue_id": None},
    ]  # fmt: skip


def _previous(rows: list[dict]) -> PreviousWeek:
    frame = pl.DataFrame(rows, schema=SCHEMAS["schedule"].dtypes)
    return PreviousWeek(frame.with_row_index("row", offset=1), "previous.csv")


def _week(center, need: dict, agents: list[dict], *, previous: PreviousWeek | None = None):
    """The week of WEEK scheduled for these needs and agents."""
    reqs = requirements(center, need)
    return schedule_week(
        reqs, roster(agents), center, week_start=WEEK, params=PARAMS, previous=previous
    )


def _shift_starts(schedule: pl.DataFrame, center, agent_id: str) -> list[dt.datetime]:
    rows = schedule.filter(pl.col("agent_id") == agent_id).sort("start").to_dicts()
    starts = [r["start"] for i, r in enumerate(rows) if i == 0 or rows[i - 1]["end"] != r["start"]]
    return [s.astimezone(center.tz) for s in starts]


def test_a_sunday_night_shift_of_the_previous_week_covers_monday_and_is_not_republished():
    center = _center()
    need = {("triage", 0, 0, 120): 1}
    agents = [{"agent_id": "n1", "skills": ["triage"]}]
    week = _week(center, need, agents, previous=_previous(_night(center, "n1", SUNDAY_BEFORE)))
    monday = week.coverage.filter(
        (pl.col("queue_id") == "triage") & (pl.col("interval_start") < _at(center, WEEK, 2))
    )
    assert monday["scheduled"].to_list() == [1, 1, 1, 1]
    assert monday["shortfall"].sum() == 0
    assert week.schedule.filter(pl.col("start") < _at(center, WEEK, 2)).is_empty()


def test_without_the_previous_week_the_cause_says_it_was_not_given():
    center = _center()
    need = {("triage", 0, 0, 120): 1}
    agents = [{"agent_id": "n1", "skills": ["triage"]}]
    week = _week(center, need, agents)
    assert len(week.causes) == 1
    assert "only shifts started the day before" in week.causes[0]
    assert "previous week's schedule was not given" in week.causes[0]
    assert "no triage-skilled agent has a shift template" not in week.causes[0]


def test_no_shift_starts_within_the_minimum_rest_after_the_previous_week():
    center = _center(min_rest_h=11)
    need = {("office", 0, 8 * 60, 12 * 60): 1}
    agents = [{"agent_id": "n1", "skills": ["triage", "office"]}]
    previous = _previous(_night(center, "n1", SUNDAY_BEFORE))
    week = _week(center, need, agents, previous=previous)
    assert all(s >= _at(center, WEEK, 13) for s in _shift_starts(week.schedule, center, "n1"))
    assert check_schedule(week.problem, week.schedule, previous=previous.schedule) == []
    assert week.summary.shortfall_h == 4
    assert "minimum rest (11 h) after their last shift of the previous week" in week.causes[0]


def test_consecutive_days_count_the_previous_weeks_tail():
    center = _center(max_consecutive_days=6)
    need = {("office", d, 8 * 60, 12 * 60): 1 for d in range(7)}
    agents = [{"agent_id": "d1", "skills": ["office"]}]
    tail = [row for back in range(1, 7) for row in _day(center, "d1", WEEK - dt.timedelta(back))]
    previous = _previous(tail)
    week = _week(center, need, agents, previous=previous)
    starts = _shift_starts(week.schedule, center, "d1")
    assert starts and all(s.date() != WEEK for s in starts)
    assert check_schedule(week.problem, week.schedule, previous=previous.schedule) == []


def test_the_checker_finds_rest_overlap_and_consecutive_days_across_the_boundary():
    center = _center(max_consecutive_days=6)
    need = {("office", 0, 8 * 60, 12 * 60): 1}
    agents = [{"agent_id": "d1", "skills": ["triage", "office"]}]
    problem = from_frames(requirements(center, need), roster(agents), center, week_start=WEEK)
    tail = [row for back in range(1, 7) for row in _day(center, "d1", WEEK - dt.timedelta(back))]
    night = _night(center, "d1", SUNDAY_BEFORE)[-1:]
    previous = pl.DataFrame(tail + night, schema=SCHEMAS["schedule"].dtypes)
    monday = pl.DataFrame(_day(center, "d1", WEEK), schema=SCHEMAS["schedule"].dtypes)
    rules = {v.rule for v in check_schedule(problem, monday, previous=previous)}
    assert {"min_rest", "max_consecutive"} <= rules
    # A published shift that runs into Monday 09:00 overlaps a Monday 08:00 shift.
    long_night = [
        {"agent_id": "d1", "activity": "work", "start": _at(center, SUNDAY_BEFORE, 22),
         "end": _at(center, WEEK, 9), "queue_id": None}
    ]  # fmt: skip
    previous = pl.DataFrame(long_night, schema=SCHEMAS["schedule"].dtypes)
    assert "overlap" in {v.rule for v in check_schedule(problem, monday, previous=previous)}


def test_the_weeks_last_night_shift_is_valued_for_the_next_monday():
    center = _center()
    # Only the next Monday 00:00-02:00 needs an agent: a row set past the week's end.
    need_next = requirements(center, {}).with_columns(pl.lit(0.0).alias("agents_gross"))
    next_monday = requirements(center, {("triage", 0, 0, 120): 1}).with_columns(
        pl.col("interval_start") + pl.duration(days=7)
    )
    reqs = pl.concat([need_next, next_monday])
    agents = [{"agent_id": "n1", "skills": ["triage"]}]
    week = schedule_week(reqs, roster(agents), center, week_start=WEEK, params=PARAMS)
    starts = _shift_starts(week.schedule, center, "n1")
    assert [s.strftime("%a %H:%M") for s in starts] == ["Sun 22:00"]
    assert week.problem.spill_required_from == "requirements"
    assert week.summary.spill_shortfall_h == 0


def test_without_rows_after_the_week_its_own_monday_stands_in():
    center = _center()
    need = {("triage", 0, 0, 120): 1}
    agents = [{"agent_id": "n1", "skills": ["triage"]}]
    week = _week(center, need, agents)
    assert week.problem.spill_required_from == "cyclic"
    assert "Sun 22:00" in [
        s.strftime("%a %H:%M") for s in _shift_starts(week.schedule, center, "n1")
    ]


def test_a_previous_week_shift_outside_the_week_before_names_the_row_and_rule():
    center = _center()
    rows = _day(center, "d1", SUNDAY_BEFORE) + _day(center, "d1", WEEK - dt.timedelta(days=9))
    with pytest.raises(DataError) as error:
        from_frames(
            requirements(center, {}), roster([{"agent_id": "d1", "skills": ["office"]}]),
            center, week_start=WEEK, previous=_previous(rows),
        )  # fmt: skip
    message = str(error.value)
    assert message.startswith("previous.csv line 5, column start: agent d1: a shift starting")
    assert "is not in the week before 2026-11-30 (2026-11-23 to 2026-11-29)" in message


def test_the_shift_counts_of_a_lone_agent_keep_the_previous_weeks_tail():
    center = _center(max_consecutive_days=6)
    need = {("office", d, 8 * 60, 12 * 60): 1 for d in range(7)}
    tail = [row for back in range(1, 7) for row in _day(center, "d1", WEEK - dt.timedelta(back))]
    previous = _previous(tail)
    reqs = requirements(center, need)
    agents = roster([{"agent_id": "d1", "skills": ["office"]}])
    problem = from_frames(reqs, agents, center, week_start=WEEK, previous=previous)
    counts, _ = type_shift_counts(problem, effort=Effort(10))
    assert counts and all(problem.options[k].day != 0 for _, k in counts)
    rostered = roster_counts(problem, counts, effort=Effort(5))
    assert rostered is not None and rostered[1] == set()
