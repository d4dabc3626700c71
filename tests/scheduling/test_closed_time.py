"""Paid time when none of the agent's queues is open: the model's cost and the figure."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduling import constraints as c
from scheduling.model import add_variables
from scheduling.quality import quality
from scheduling.solution import Solution, allocate
from tests.scheduling.conftest import problem, tiny_center


def test_a_shift_running_past_its_queues_closing_costs_each_closed_slot():
    # Office needs an agent on Monday 08:00-12:00 only; day4 shifts start 08:00-12:00.
    p = problem(
        tiny_center(), [{"agent_id": "a1", "skills": ["office"]}], {("office", 0, 480, 720): 1}
    )
    v = add_variables(cp_model.CpModel(), p)
    by_option = {
        int(pen.label.split("k=")[1].rstrip("]")): pen.coeff
        for pen in c.closed_time_penalties(v, p)
    }
    monday = {p.options[k].start_local_min: k for k in p.agents[0].options[0]}
    # 08:00-12:00 is all open; 10:00-14:00 has 2 closed hours, 4 half-hour slots.
    assert monday[8 * 60] not in by_option
    assert by_option[monday[10 * 60]] == 4 * c.CLOSED_SLOT_COST
    assert by_option[monday[12 * 60]] == 8 * c.CLOSED_SLOT_COST
    # Tuesday the office needs nobody: every slot of a Tuesday shift is closed time.
    tuesday = p.agents[0].options[1]
    assert tuesday and all(by_option[k] == 8 * c.CLOSED_SLOT_COST for k in tuesday)
    solution = Solution(shifts={0: (monday[10 * 60],)}, breaks={})
    assert quality(p, solution, allocate(p, solution)).paid_closed_h == 2.0
