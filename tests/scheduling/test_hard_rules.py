"""Each hard rule, on an instance whose requirement pulls against it: the solved schedule
keeps the rule (checked by the independent checker and by a direct count)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import polars as pl
import pytest

from scheduling.check import check_schedule
from scheduling.report import schedule_frame
from scheduling.solution import allocate
from scheduling.solve import solve
from tests.scheduling.conftest import PARAMS, WEEK, flex_center, problem, tiny_center

BUSY = {("office", d, 8 * 60, 18 * 60): 3 for d in (0, 1)} | {
    ("triage", d, 0, 24 * 60): 2 for d in (0, 1)
}


def _shifts(schedule: pl.DataFrame, tz) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(agent, start, end) of each contiguous block of activities."""
    out = []
    for (agent,), rows in schedule.sort("start").group_by(["agent_id"], maintain_order=True):
        for row in rows.iter_rows(named=True):
            if out and out[-1][0] == agent and out[-1][2] == row["start"]:
                out[-1] = (agent, out[-1][1], row["end"])
            else:
                out.append((agent, row["start"], row["end"]))
    return out


def _solve(center, rows, need=BUSY):
    """Solved by both first passes (the MIP warm start, and CP-SAT alone); both schedules
    keep every rule; the MIP path's is returned for the rule's own count."""
    p = problem(center, rows, need)
    schedules = [
        schedule_frame(p, allocate(p, solve(p, params=params).solution))
        for params in (PARAMS, dataclasses.replace(PARAMS, mip_start=False))
    ]
    for schedule in schedules:
        assert check_schedule(p, schedule) == []
    return p, schedules[0], _shifts(schedules[0], center.tz)


def _paid_h(p, schedule, agent):
    rows = schedule.filter(pl.col("agent_id") == agent)
    total = (rows["end"] - rows["start"]).dt.total_minutes().sum()
    lunch = rows.filter(pl.col("activity") == "lunch")
    return (total - (lunch["end"] - lunch["start"]).dt.total_minutes().sum()) / 60


def test_an_agent_never_works_two_shifts_on_one_day(small):
    _p, _, shifts = _solve(small, [{"agent_id": "a", "skills": ["office", "triage"]}])
    days = [s.astimezone(small.tz).date() for _, s, _ in shifts]
    assert len(days) == len(set(days)) >= 1


def test_every_shift_takes_its_break_inside_the_window(small):
    _p, schedule, shifts = _solve(
        small, [{"agent_id": "a", "skills": ["office"]}, {"agent_id": "b", "skills": ["office"]}]
    )
    breaks = schedule.filter(pl.col("activity") == "break")
    assert breaks.height == len(shifts) >= 2
    for _, start, _ in shifts:
        inside = breaks.filter(
            pl.col("start") >= start, pl.col("start") <= start + dt.timedelta(minutes=150)
        )
        assert inside.height == 1
        assert inside["start"][0] >= start + dt.timedelta(minutes=60)


def test_weekly_hours_never_exceed_the_contract_maximum():
    center = flex_center(hours_min=0, hours_max=4, templates=("day4",), max_days=2)
    p, schedule, _ = _solve(center, [{"agent_id": "a", "skills": ["office"]}])
    assert _paid_h(p, schedule, "a") == 4


def test_weekly_hours_reach_the_contract_minimum_even_without_demand():
    center = flex_center(hours_min=8, hours_max=8, templates=("day4",), max_days=2)
    p, schedule, _ = _solve(center, [{"agent_id": "a", "skills": ["office"]}], need={})
    assert _paid_h(p, schedule, "a") == 8


def test_days_worked_never_exceed_the_contract_days():
    center = flex_center(hours_min=0, hours_max=8, templates=("day4",), max_days=1)
    _, _, shifts = _solve(center, [{"agent_id": "a", "skills": ["office"]}])
    assert len(shifts) == 1


def test_consecutive_days_never_exceed_the_labor_rule():
    center = tiny_center(labor_rules={"min_rest_h": 0, "max_consecutive_days": 1})
    _, _, shifts = _solve(center, [{"agent_id": "a", "skills": ["office"]}])
    assert len(shifts) == 1


def test_rest_between_shifts_is_at_least_the_minimum(small):
    need = {
        ("triage", 0, 22 * 60, 24 * 60): 1,
        ("triage", 1, 0, 2 * 60): 1,
        ("triage", 1, 8 * 60, 12 * 60): 1,
    }
    _, _, shifts = _solve(small, [{"agent_id": "a", "skills": ["triage"]}], need)
    ordered = sorted(shifts, key=lambda s: s[1])
    assert len(ordered) >= 1
    for (_, _, end), (_, start, _) in itertools.pairwise(ordered):
        assert start - end >= dt.timedelta(hours=11)


def test_no_shift_falls_outside_the_agents_availability(small):
    tuesday = [{"weekday": 1, "start_min": 0, "end_min": 1440}]
    _, _, shifts = _solve(small, [{"agent_id": "a", "skills": ["office"], "availability": tuesday}])
    assert shifts
    assert all(s.astimezone(small.tz).date() == WEEK + dt.timedelta(days=1) for _, s, _ in shifts)


def test_an_agent_serves_only_queues_it_is_skilled_for(small):
    _, schedule, _ = _solve(
        small,
        [{"agent_id": "a", "skills": ["office"]}],
        {("triage", 0, 0, 1440): 5, ("office", 0, 8 * 60, 9 * 60): 1},
    )
    served = set(schedule.filter(pl.col("activity") == "work")["queue_id"].drop_nulls())
    assert served <= {"office"}


def test_a_multi_skilled_agent_counts_once_per_interval(small):
    from scheduling.report import coverage_frame

    need = {("office", 0, 8 * 60, 18 * 60): 1, ("triage", 0, 8 * 60, 18 * 60): 1}
    p = problem(small, [{"agent_id": "a", "skills": ["office", "triage"]}], need)
    state = allocate(p, solve(p, params=PARAMS).solution)
    per_slot = coverage_frame(p, state).group_by("interval_start").agg(pl.col("scheduled").sum())
    assert per_slot["scheduled"].max() == 1


@pytest.mark.parametrize(
    ("rule", "mutate"),
    [
        ("overlap", lambda f: pl.concat([f, f.head(1)])),
        ("skills", lambda f: f.with_columns(pl.lit("triage").alias("queue_id"))),
        ("template", lambda f: f.with_columns(pl.col("end") + dt.timedelta(minutes=30))),
        (
            "availability",
            lambda f: f.with_columns(
                pl.col("start") - dt.timedelta(days=1), pl.col("end") - dt.timedelta(days=1)
            ),
        ),
        ("breaks", lambda f: f.with_columns(pl.lit("work").alias("activity"))),
    ],
)
def test_the_checker_flags_a_schedule_that_breaks_the_rule(rule, mutate):
    center = tiny_center()
    tuesday = [{"weekday": 1, "start_min": 0, "end_min": 1440}]
    p, schedule, _ = _solve(
        center, [{"agent_id": "a", "skills": ["office"], "availability": tuesday}]
    )
    broken = mutate(schedule.filter(pl.col("agent_id") == "a"))
    assert rule in {v.rule for v in check_schedule(p, broken)}


def test_a_labor_budget_caps_the_paid_hours_of_everyone_together(small):
    import dataclasses

    rows = [{"agent_id": "a", "skills": ["office"]}, {"agent_id": "b", "skills": ["office"]}]
    p = problem(small, rows, BUSY)
    result = solve(p, params=dataclasses.replace(PARAMS, max_total_paid_h=8))
    schedule = schedule_frame(p, allocate(p, result.solution))
    assert check_schedule(p, schedule) == []
    assert _paid_h(p, schedule, "a") + _paid_h(p, schedule, "b") <= 8
