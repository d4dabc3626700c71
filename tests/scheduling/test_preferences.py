"""Stability and preference weights from the center file, and the figures that report them."""

from __future__ import annotations

import pytest
import yaml
from ortools.sat.python import cp_model

from scheduling.model import build_model
from scheduling.problem import ScheduleProblem
from scheduling.quality import agent_stability, stability_by_team
from scheduling.solution import Solution
from tests.scheduling.conftest import flex_center, problem, tiny_center, tiny_config
from wfm.center import ScheduleWeights, load_center
from wfm.errors import ConfigError

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _week_center(**weights) -> object:
    """The tiny center with its 4-hour day template on every day, one contract of 20 h in
    exactly 5 shifts, and these schedule weights."""
    config = tiny_config()
    day4 = dict(config["shift_templates"][0], days=ALL_WEEK)
    return tiny_center(
        shift_templates=[day4],
        contracts=[
            {
                "id": "flex",
                "weekly_hours_min": 20,
                "weekly_hours_max": 20,
                "shift_templates": ["day4"],
                "max_days_per_week": 5,
            }
        ],
        schedule_weights=weights,
    )


def _optimal_days(p: ScheduleProblem) -> set[int]:
    """Days the only agent works in an optimal schedule of the full model (no time limit:
    the model is tiny)."""
    built = build_model(p)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return {p.options[k].day for (_, k), var in built.v.shift.items() if solver.value(var)}


def test_the_weights_default_to_the_costs_the_model_had():
    weights = tiny_center().schedule_weights
    assert weights == ScheduleWeights(
        start_change_cost_per_h=4,
        days_off_split_cost_per_block=50,
        preferred_start_miss_cost_per_h=10,
        preferred_day_off_miss_cost_per_day=100,
        both_weekend_days_cost=30,
        max_nights_cost_per_night=20,
    )


def test_the_weights_load_from_the_center_file(tmp_path):
    path = tmp_path / "center.yaml"
    path.write_text(yaml.safe_dump(tiny_config(schedule_weights={"start_change_cost_per_h": 40})))
    weights = load_center(path).schedule_weights
    assert weights.start_change_cost_per_h == 40
    assert weights.preferred_day_off_miss_cost_per_day == 100


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (
            {"preferred_day_off_miss_cost_per_day": -1},
            "schedule_weights.preferred_day_off_miss_cost_per_day: Input should be greater",
        ),
        ({"days_off_split_cost": 5}, "schedule_weights.days_off_split_cost: Extra inputs"),
        ({"preferred_start_miss_cost_per_h": 2.5}, "preferred_start_miss_cost_per_h: Input"),
        (
            {"start_change_cost_per_h": 3},
            "3 per hour is 1.5 per 30-minute interval; the solver needs a whole number per "
            "interval: give a multiple of 2",
        ),
    ],
)
def test_a_bad_weight_is_refused_naming_the_file_and_the_field(tmp_path, weights, expected):
    path = tmp_path / "center.yaml"
    path.write_text(yaml.safe_dump(tiny_config(schedule_weights=weights)))
    with pytest.raises(ConfigError) as err:
        load_center(path)
    assert "center.yaml: " in str(err.value)
    assert expected in str(err.value)


def test_a_high_preferred_day_off_weight_gives_the_agent_that_day_off():
    # One 4-hour shift on Monday or Tuesday, nothing required: Monday starts at the preferred
    # 08:00, Tuesday's availability allows 11:00 at the earliest (3 h away), and Monday is
    # the preferred day off.
    tuesday_late = [
        {"weekday": 0, "start_min": 0, "end_min": 1440},
        {"weekday": 1, "start_min": 11 * 60, "end_min": 1440},
    ]
    rows = [
        {
            "agent_id": "a",
            "skills": ["office"],
            "availability": tuesday_late,
            "preferred_start": "08:00",
            "preferred_days_off": ["mon"],
        }
    ]

    def days(day_off_cost: int) -> set[int]:
        center = flex_center(hours_min=4, hours_max=4).model_copy(
            update={
                "schedule_weights": ScheduleWeights(
                    preferred_start_miss_cost_per_h=50,
                    preferred_day_off_miss_cost_per_day=day_off_cost,
                )
            }
        )
        return _optimal_days(problem(center, rows, {}))

    assert days(100) == {0}  # 3 h from the preferred start (150) costs more than Monday (100)
    assert days(1000) == {1}


def test_a_days_off_split_weight_puts_the_days_off_in_one_block():
    # Five of seven days, nothing required; Tuesday and Thursday are preferred off.
    rows = [{"agent_id": "a", "skills": ["office"], "preferred_days_off": ["tue", "thu"]}]
    apart = _optimal_days(problem(_week_center(days_off_split_cost_per_block=0), rows, {}))
    assert apart == {0, 2, 4, 5, 6}
    together = _optimal_days(problem(_week_center(days_off_split_cost_per_block=1000), rows, {}))
    off = sorted(set(range(7)) - together)
    assert len(off) == 2 and off[1] == off[0] + 1
    assert len({1, 3} & set(off)) == 1


def _hand_made() -> tuple[ScheduleProblem, Solution]:
    """Two agents on the all-week center: b cannot start before 10:00 on Wednesday and is
    never available on Sunday."""
    b_availability = [
        {"weekday": d, "start_min": 10 * 60 if d == 2 else 0, "end_min": 1440} for d in range(6)
    ]
    rows = [
        {
            "agent_id": "a",
            "skills": ["office"],
            "preferred_start": "08:00",
            "preferred_days_off": ["thu", "sat"],
        },
        {
            "agent_id": "b",
            "skills": ["office"],
            "availability": b_availability,
            "preferred_start": "08:00",
            "preferred_days_off": ["sun", "mon"],
        },
    ]
    p = problem(_week_center(), rows, {})

    def option(a: int, day: int, hhmm: str) -> int:
        minute = int(hhmm[:2]) * 60 + int(hhmm[3:])
        (k,) = [k for k in p.agents[a].options[day] if p.options[k].start_local_min == minute]
        return k

    shifts = {
        # a: Mon 08, Tue 08, Wed 10, Fri 08, Sat 11; off Thu and Sun.
        0: tuple(
            option(0, d, t)
            for d, t in ((0, "08:00"), (1, "08:00"), (2, "10:00"), (4, "08:00"), (5, "11:00"))
        ),
        # b: Mon 09, Tue 09, Wed 10, Thu 09, Fri 09; off Sat and Sun.
        1: tuple(
            option(1, d, t)
            for d, t in ((0, "09:00"), (1, "09:00"), (2, "10:00"), (3, "09:00"), (4, "09:00"))
        ),
    }
    return p, Solution(shifts=shifts, breaks={})


def test_the_stability_figures_match_a_count_by_hand():
    p, solution = _hand_made()
    a, b = agent_stability(p, solution)
    # a: 4 successive pairs; 08->08 same, 08->10, 10->08, 08->11 change, all by more than 1 h.
    assert (a.n_successive, a.start_changes, a.start_changes_over_1h) == (4, 3, 3)
    assert a.n_start_times == 3
    assert a.days_off_runs == 2  # Thursday, then Sunday
    # Every day offers 08:00: 5 starts feasible, 3 at 08:00; Thursday off honoured,
    # Saturday worked.
    assert (a.start_feasible, a.start_honoured) == (5, 3)
    assert (a.day_off_feasible, a.day_off_honoured) == (2, 1)
    # b: 09->09 same, 09->10 and 10->09 one hour (not more), 09->09 same.
    assert (b.n_successive, b.start_changes, b.start_changes_over_1h) == (4, 2, 0)
    assert b.n_start_times == 2
    assert b.days_off_runs == 1  # Saturday and Sunday
    # Wednesday cannot start at 08:00: 4 feasible, none honoured. Sunday cannot be worked
    # (no preference to honour); Monday off would leave 5 shifts for 20 h: feasible, worked.
    assert (b.start_feasible, b.start_honoured) == (4, 0)
    assert (b.day_off_feasible, b.day_off_honoured) == (1, 0)


def test_the_team_table_sums_the_agents_and_shares_what_was_feasible():
    p, solution = _hand_made()
    table = stability_by_team(agent_stability(p, solution))
    assert table["team"].to_list() == ["t", "all"]
    row = table.row(1, named=True)
    assert row["n_agents"] == 2
    assert (row["successive_shifts"], row["start_changes"], row["start_changes_over_1h"]) == (
        8,
        5,
        3,
    )
    assert (row["agents_3plus_starts"], row["agents_days_off_split"]) == (1, 1)
    assert row["preferred_start_feasible"] == 9
    assert row["preferred_start_honoured_frac"] == pytest.approx(3 / 9)
    assert row["preferred_day_off_feasible"] == 3
    assert row["preferred_day_off_honoured_frac"] == pytest.approx(1 / 3)


def test_a_preferred_day_off_the_contract_cannot_spare_is_not_feasible():
    # 20 h in exactly 5 shifts on exactly 5 available days: no day of them can be spared.
    five_days = [{"weekday": d, "start_min": 0, "end_min": 1440} for d in range(5)]
    rows = [
        {
            "agent_id": "c",
            "skills": ["office"],
            "availability": five_days,
            "preferred_days_off": ["wed"],
        }
    ]
    p = problem(_week_center(), rows, {})
    shifts = {0: tuple(p.agents[0].options[d][0] for d in range(5))}
    (c,) = agent_stability(p, Solution(shifts=shifts, breaks={}))
    assert (c.day_off_feasible, c.day_off_honoured) == (0, 0)
    assert c.days_off_runs == 1
