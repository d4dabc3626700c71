import dataclasses

import pytest

from scheduling.baseline import greedy_schedule
from scheduling.check import check_schedule
from scheduling.report import schedule_frame
from scheduling.solution import allocate
from scheduling.solve import SolveStatus, solve
from tests.scheduling.conftest import NEED, PARAMS, problem
from wfm.errors import ScheduleError

ROWS = [
    {"agent_id": "a1", "skills": ["office"]},
    {"agent_id": "a2", "skills": ["office", "triage"]},
    {"agent_id": "a3", "skills": ["triage"]},
]


def test_solve_returns_a_schedule_that_keeps_every_hard_rule(small):
    p = problem(small, ROWS, NEED)
    result = solve(p, params=PARAMS)
    schedule = schedule_frame(p, allocate(p, result.solution))
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert schedule.height > 0
    assert check_schedule(p, schedule) == []


def test_solve_reports_a_bound_no_better_than_its_objective(small):
    result = solve(problem(small, ROWS, NEED), params=PARAMS)
    assert result.best_bound <= result.objective + 1e-6
    assert result.shortfall_bound <= result.shortfall_cost + 1e-6
    assert 0 <= result.gap <= 1


def test_greedy_baseline_keeps_every_hard_rule(small):
    p = problem(small, ROWS, NEED)
    schedule = schedule_frame(p, allocate(p, greedy_schedule(p)))
    assert check_schedule(p, schedule) == []


def test_solver_shortfall_is_no_worse_than_the_greedy_baseline(small):
    from scheduling.report import summarize

    p = problem(small, ROWS, NEED)
    greedy = greedy_schedule(p)
    solved = solve(p, params=PARAMS, hint=greedy).solution
    ours = summarize(p, solved, allocate(p, solved))
    theirs = summarize(p, greedy, allocate(p, greedy))
    assert ours.shortfall_cost <= theirs.shortfall_cost


def test_without_a_solver_schedule_the_warm_start_is_returned_and_keeps_every_hard_rule(
    small, stalled_cp_sat
):
    from scheduling.report import summarize

    p = problem(small, ROWS, NEED)
    greedy = greedy_schedule(p)
    result = solve(p, params=PARAMS, hint=greedy)
    assert result.status is SolveStatus.WARM_START_ONLY
    assert f"{result.status}" == "WARM_START_ONLY"
    assert (result.objective, result.gap) == (None, None)
    # The MIP warm start is kept as it is: no worse than the greedy hint, its own cost.
    cost = summarize(p, result.solution, allocate(p, result.solution)).shortfall_cost
    assert result.shortfall_cost == cost
    assert cost <= summarize(p, greedy, allocate(p, greedy)).shortfall_cost
    assert result.shortfall_bound == result.best_bound <= cost
    schedule = schedule_frame(p, allocate(p, result.solution))
    assert schedule.height > 0
    assert check_schedule(p, schedule) == []


def test_without_a_solver_schedule_the_greedy_hint_stands_in_for_the_mip(small, stalled_cp_sat):
    p = problem(small, ROWS, NEED)
    greedy = greedy_schedule(p)
    result = solve(p, params=dataclasses.replace(PARAMS, mip_start=False), hint=greedy)
    assert result.status is SolveStatus.WARM_START_ONLY
    assert result.solution == greedy


def test_without_a_solver_schedule_or_a_warm_start_solve_says_so(small, stalled_cp_sat):
    with pytest.raises(ScheduleError, match="no schedule found within 2 s"):
        solve(problem(small, ROWS, NEED), params=dataclasses.replace(PARAMS, mip_start=False))
