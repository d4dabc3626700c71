"""A greedy scheduling baseline: the bench's peer and the CP-SAT warm start.

Agents are taken one at a time, most constrained first (fewest skills, fewest shift
options). Each picks, day after day, the allowed shift that covers the most remaining
requirement on its skilled queues, until its contract's minimum hours are met and further
shifts would mostly add idle time; rest, consecutive-day and day limits are respected.
Breaks go where the remaining requirement is lowest. The agent's time is then taken off
the remaining requirement, one queue per slot (the neediest it is skilled for).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np

from scheduling.problem import ScheduleProblem
from scheduling.solution import BreakPlacement, Solution

__all__ = ["greedy_schedule"]

# A shift beyond the contract minimum is added only when at least this share of its slots
# meets remaining requirement.
_MIN_USEFUL_FRAC = 0.5


def _fits(problem: ScheduleProblem, a: int, chosen: dict[int, int], k: int) -> bool:
    agent = problem.agents[a]
    o = problem.options[k]
    if o.day in chosen or len(chosen) >= agent.max_days:
        return False
    rest = problem.min_rest_slot
    for other in chosen.values():
        p = problem.options[other]
        if p.day < o.day and p.end_slot + rest > o.start_slot:
            return False
        if p.day > o.day and o.end_slot + rest > p.start_slot:
            return False
    # The previous week's last worked days count toward the consecutive days.
    days = sorted([*agent.prev_worked_days, *chosen, o.day])
    run = best = 1
    for before, after in itertools.pairwise(days):
        run = run + 1 if after == before + 1 else 1
        best = max(best, run)
    return best <= problem.max_consecutive_days


def _place_breaks(problem: ScheduleProblem, k: int, need: np.ndarray) -> tuple[BreakPlacement, ...]:
    o = problem.options[k]
    out = []
    for rule_no, rule in enumerate(problem.breaks[o.template_id]):
        best_off, best_cost = rule.earliest_offset_slot, np.inf
        for off in range(rule.earliest_offset_slot, rule.latest_offset_slot + 1):
            start = o.start_slot + off
            cost = need[start : start + rule.duration_slot].sum()
            if cost < best_cost:
                best_off, best_cost = off, cost
        out.append(
            BreakPlacement(
                rule_no, rule.kind, o.start_slot + best_off, rule.duration_slot, rule.paid
            )
        )
    return tuple(out)


def _take(residual: np.ndarray, skills: list[int], slots: Iterable[int]) -> None:
    """One agent's time off the remaining requirement, one queue per slot (the neediest)."""
    if not skills:
        return
    for t in slots:
        q = skills[int(np.argmax(residual[skills, t]))]
        if residual[q, t] > 0:
            residual[q, t] -= 1


def greedy_schedule(problem: ScheduleProblem) -> Solution:
    """Build a schedule greedily (see the module docstring).

    Returns:
        A Solution without flows; agents whose contract minimum cannot be reached greedily
        keep the shifts found (the checker reports them).
    """
    residual = problem.required.astype(float).copy()
    n_slots = problem.n_slots
    order = sorted(
        range(len(problem.agents)),
        key=lambda a: (
            len(problem.agents[a].skill_queues),
            sum(len(d) for d in problem.agents[a].options),
        ),
    )
    for a in order:
        # Agents still on a shift of the previous week cover first.
        _take(residual, list(problem.agents[a].skill_queues), problem.agents[a].carried_on_slots)
    shifts: dict[int, tuple[int, ...]] = {}
    breaks: dict[tuple[int, int], tuple[BreakPlacement, ...]] = {}
    for a in order:
        agent = problem.agents[a]
        skills = list(agent.skill_queues)
        chosen: dict[int, int] = {}
        paid = 0
        while True:
            need = residual[skills].max(axis=0) if skills else np.zeros(n_slots)
            useful = np.concatenate([[0.0], np.cumsum(np.minimum(need, 1.0))])
            best_k, best_gain = None, -1.0
            for day in range(7):
                for k in agent.options[day]:
                    o = problem.options[k]
                    if paid + o.paid_min > agent.max_paid_min or not _fits(problem, a, chosen, k):
                        continue
                    gain = useful[o.end_slot] - useful[o.start_slot]
                    if gain > best_gain:
                        best_k, best_gain = k, gain
            if best_k is None:
                break
            o = problem.options[best_k]
            if paid >= agent.min_paid_min and best_gain < _MIN_USEFUL_FRAC * (
                o.end_slot - o.start_slot
            ):
                break
            chosen[o.day] = best_k
            paid += o.paid_min
            placed = _place_breaks(problem, best_k, need)
            breaks[a, best_k] = placed
            on = np.zeros(n_slots, dtype=bool)
            on[o.start_slot : o.end_slot] = True
            for b in placed:
                on[b.start_slot : b.start_slot + b.duration_slot] = False
            _take(residual, skills, np.flatnonzero(on))
        shifts[a] = tuple(sorted(chosen.values(), key=lambda k: problem.options[k].start_slot))
    return Solution(shifts=shifts, breaks=breaks)
