"""ScheduleProblem: slots on the center's grid, DST-safe, options filtered by availability."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduling.problem import from_frames
from tests.scheduling.conftest import requirements, roster, tiny_center
from wfm.errors import DataError, ScheduleError

DST_WEEK = dt.date(2026, 10, 26)  # its Sunday, 2026-11-01, has 25 hours in New York


def _problem(center, week, rows=None):
    rows = rows or [{"agent_id": "a", "skills": ["triage"]}]
    return from_frames(requirements(center, {}), roster(rows), center, week_start=week)


def _saturday_night_center():
    """One template: Saturday 22:00 for 4 h, over the fall-back night of DST_WEEK."""
    night = {
        "id": "night4",
        "earliest_start": "22:00",
        "latest_start": "22:00",
        "start_step_min": 60,
        "length_h": 4,
        "days": ["sat"],
    }
    contract = {"id": "flex", "weekly_hours_min": 0, "weekly_hours_max": 8,
                "shift_templates": ["night4"]}  # fmt: skip
    return tiny_center(shift_templates=[night], contracts=[contract])


def test_a_week_with_the_fall_back_sunday_has_two_extra_half_hour_slots():
    center = _saturday_night_center()
    p = _problem(center, DST_WEEK)
    assert p.n_week_slots == 7 * 48 + 2
    assert p.day_start_slot[6] == 6 * 48
    assert p.day_start_slot[7] == 7 * 48 + 2


def test_a_night_shift_over_the_clock_change_lasts_its_elapsed_length():
    center = _saturday_night_center()
    p = _problem(center, DST_WEEK)
    (option,) = p.options
    assert option.end_slot - option.start_slot == 8
    start = p.slot_at(option.start_slot).astimezone(center.tz)
    end = p.slot_at(option.end_slot).astimezone(center.tz)
    assert (start.hour, end.hour) == (22, 1)  # 4 elapsed hours, 3 on the wall clock


def test_shift_options_respect_availability_and_template_days():
    center = tiny_center()
    tuesday = [{"weekday": 1, "start_min": 9 * 60, "end_min": 14 * 60}]
    p = _problem(
        center,
        dt.date(2026, 11, 30),
        [{"agent_id": "a", "skills": ["office"], "availability": tuesday}],
    )
    (agent,) = p.agents
    assert [len(day) for day in agent.options] == [0, 2, 0, 0, 0, 0, 0]
    starts = sorted(p.options[k].start_local_min for k in agent.options[1])
    assert starts == [9 * 60, 10 * 60]


def test_the_week_must_start_on_a_monday():
    with pytest.raises(ScheduleError, match="must start on a Monday"):
        _problem(tiny_center(), dt.date(2026, 12, 1))


def test_an_unknown_contract_is_a_data_error_naming_the_row():
    rows = [{"agent_id": "a", "skills": ["office"], "contract": "nope"}]
    with pytest.raises(DataError, match="row 1, column contract: unknown contract 'nope'"):
        _problem(tiny_center(), dt.date(2026, 11, 30), rows)


def test_coverage_target_is_the_ceiling_of_agents_gross():
    center = tiny_center()
    need = {("office", 0, 8 * 60, 9 * 60): 1.2, ("office", 0, 9 * 60, 10 * 60): 2.0}
    p = from_frames(
        requirements(center, need),
        roster([{"agent_id": "a", "skills": ["office"]}]),
        center,
        week_start=dt.date(2026, 11, 30),
    )
    q = p.queue_ids.index("office")
    assert p.required[q, 16] == 2 and p.required[q, 18] == 2 and p.required[q, 20] == 0
