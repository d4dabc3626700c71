"""Each exception kind, with its start, end and duration to the minute."""

from __future__ import annotations

import pytest

from tests.wfm.adherence.conftest import DAY_SHIFT, at, on_plan, schedule, states
from wfm.adherence import EXCEPTION_COLUMNS, EXCEPTION_KINDS, adherence

ON_PLAN = on_plan(DAY_SHIFT)


A = "Available"
CASES = [
    # kind, actual states (local clock), expected exception (start, end)
    (
        "late_start",
        [("a1", "Logged Out", "07:00", "08:20"), ("a1", A, "08:20", "10:00"), *ON_PLAN[1:]],
        ("08:00", "08:20"),
    ),
    (
        "early_leave",
        [*ON_PLAN[:-1], ("a1", A, "12:30", "15:40"), ("a1", "Logged Out", "15:40", "18:00")],
        ("15:40", "16:30"),
    ),
    (
        "long_break",
        [ON_PLAN[0], ("a1", "Break", "10:00", "10:30"), ("a1", A, "10:30", "12:00"), *ON_PLAN[3:]],
        ("10:15", "10:30"),
    ),
    (
        "missed_break",
        [ON_PLAN[0], ("a1", "On Call", "10:00", "10:15"), *ON_PLAN[2:]],
        ("10:00", "10:15"),
    ),
    (
        "long_lunch",
        [*ON_PLAN[:3], ("a1", "Lunch", "12:00", "12:50"), ("a1", A, "12:50", "16:30")],
        ("12:30", "12:50"),
    ),
    (
        "unscheduled_state",
        [
            *ON_PLAN[:4],
            ("a1", A, "12:30", "14:00"),
            ("a1", "Meeting", "14:00", "14:30"),
            ("a1", A, "14:30", "16:30"),
        ],
        ("14:00", "14:30"),
    ),
    ("worked_while_off", [*ON_PLAN, ("a1", A, "16:30", "17:10")], ("16:30", "17:10")),
]


@pytest.mark.parametrize(("kind", "rows", "span"), CASES, ids=[c[0] for c in CASES])
def test_each_exception_kind_is_found_with_exact_span(center, kind, rows, span):
    result = adherence(schedule(DAY_SHIFT), states(rows), center, as_of=at("20:00"))
    exc = result.exceptions
    assert tuple(exc.columns) == EXCEPTION_COLUMNS
    assert exc.get_column("kind").to_list() == [kind]
    row = exc.row(0, named=True)
    assert (row["start"], row["end"]) == (at(span[0]), at(span[1]))
    expected_s = (at(span[1]) - at(span[0])).total_seconds()
    assert row["duration_s"] == expected_s
    if kind != "worked_while_off":
        day = result.agent_days.row(0, named=True)
        assert day["scheduled_s"] - day["in_adherence_s"] == expected_s


def test_the_cases_cover_every_kind():
    assert {c[0] for c in CASES} == set(EXCEPTION_KINDS)


def test_a_break_taken_late_is_not_a_missed_break(center):
    actual = states(
        [
            ("a1", "Available", "08:00", "10:10"),
            ("a1", "Break", "10:10", "10:25"),
            ("a1", "Available", "10:25", "12:00"),
        ]
    )
    shift = DAY_SHIFT[:3]
    result = adherence(schedule(shift), actual, center, as_of=at("12:00"))
    assert result.exceptions.select("kind", "duration_s").rows() == [
        ("unscheduled_state", 600.0),
        ("long_break", 600.0),
    ]


def test_no_show_is_one_late_start_over_the_whole_shift(center):
    actual = states([("other", "Available", "08:00", "09:00")])
    result = adherence(schedule(DAY_SHIFT), actual, center, as_of=at("20:00"))
    exc = result.exceptions.filter(agent_id="a1")
    assert exc.select("kind", "duration_s").rows() == [("late_start", 510 * 60.0)]
    day = result.agent_days.filter(agent_id="a1").row(0, named=True)
    assert day["adherence"] == 0.0
    assert day["worked_s"] == 0.0
