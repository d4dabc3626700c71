"""A schedule in slots, and the allocation of each on-the-phone agent-slot to one queue.

Each on-the-phone agent-slot is given one queue (its time is split, never counted twice).
With the model's flows, a skill group's flows are handed out to its agents, keeping an
agent on the queue it served the slot before where possible; without flows (the greedy
baseline) each slot is allocated greedily, least-skilled agents first, to their neediest
queue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from scheduling.problem import ScheduleProblem

__all__ = [
    "BREAK",
    "IDLE",
    "LUNCH",
    "OFF",
    "BreakPlacement",
    "Solution",
    "allocate",
    "on_phone_states",
]

OFF, LUNCH, BREAK, IDLE = -4, -3, -2, -1


@dataclass(frozen=True)
class BreakPlacement:
    """A break or lunch: the template's rule number, kind, first slot, length in slots, paid."""

    rule_no: int
    kind: str
    start_slot: int
    duration_slot: int
    paid: bool


@dataclass(frozen=True)
class Solution:
    """A schedule in slots.

    Attributes:
        shifts: per agent index, the option ids worked (at most one per day).
        breaks: (agent index, option id) -> the shift's breaks and lunches.
        flow: (group, queue, slot) -> agents of the skill group serving the queue; empty
            when the solution did not come from the model (the report allocates then).
    """

    shifts: dict[int, tuple[int, ...]]
    breaks: dict[tuple[int, int], tuple[BreakPlacement, ...]]
    flow: dict[tuple[int, int, int], int] = field(default_factory=dict)


def on_phone_states(problem: ScheduleProblem, solution: Solution) -> np.ndarray:
    """(n_agents, n_slots): OFF, BREAK, LUNCH or IDLE (on the phones); a previous-week shift
    that runs into the week is IDLE on the phones and BREAK elsewhere."""
    state = np.full((len(problem.agents), problem.n_slots), OFF, dtype=np.int64)
    for a, agent in enumerate(problem.agents):
        # A shift of the previous week still running: on the phones, or on a break.
        state[a, list(agent.carried_busy_slots)] = BREAK
        state[a, list(agent.carried_on_slots)] = IDLE
    for a, ks in solution.shifts.items():
        for k in ks:
            o = problem.options[k]
            state[a, o.start_slot : o.end_slot] = IDLE
            for b in solution.breaks.get((a, k), ()):
                code = LUNCH if b.kind == "lunch" else BREAK
                state[a, b.start_slot : b.start_slot + b.duration_slot] = code
    return state


def allocate(problem: ScheduleProblem, solution: Solution) -> np.ndarray:
    """Queue index per agent x slot, or OFF / BREAK / LUNCH / IDLE."""
    state = on_phone_states(problem, solution)
    if solution.flow:
        group_of: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for a, agent in enumerate(problem.agents):
            group_of[agent.skill_queues].append(a)
        groups = list(group_of.values())
        by_gt: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for (g, q, t), n in solution.flow.items():
            by_gt[g, t].append((q, n))
        for (g, t), flows in sorted(by_gt.items(), key=lambda item: item[0][1]):
            free = [a for a in groups[g] if state[a, t] == IDLE]
            for q, n in flows:
                keep = [a for a in free if t > 0 and state[a, t - 1] == q]
                rest = [a for a in free if a not in keep]
                for a in (keep + rest)[:n]:
                    state[a, t] = q
                    free.remove(a)
        return state
    residual = problem.required.copy()
    order = sorted(range(len(problem.agents)), key=lambda a: len(problem.agents[a].skill_queues))
    for t in range(problem.n_slots):
        for a in order:
            skills = list(problem.agents[a].skill_queues)
            if state[a, t] != IDLE or not skills:
                continue
            q = skills[int(np.argmax(residual[skills, t]))]
            if residual[q, t] > 0:
                residual[q, t] -= 1
                state[a, t] = q
    return state
