"""How workable a schedule is, beyond its coverage: figures for the summary and the bench.

- switches per multi-skilled shift: changes of queue between successive on-the-phone slots
  of a shift that serve a queue (breaks and idle time skipped), for agents with two or more
  skills, forced changes (a queue closing) included;
- idle while short: agent-hours on the phones but not needed where they are (idle, or
  beyond their queue's requirement) while one of the agent's own queues is short;
- paid with no queue open: paid agent-hours of shifts when none of the agent's queues
  requires agents (unpaid breaks left out);
- preferences honoured: the share of shifts of agents with a preferred start that start at
  it, among those whose day has an option starting then; the share of preferred days off
  the agent has off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduling.problem import ScheduleProblem
from scheduling.report import coverage_counts
from scheduling.solution import IDLE, Solution

__all__ = ["ScheduleQuality", "quality"]


@dataclass(frozen=True)
class ScheduleQuality:
    """Workability figures of one schedule (see the module docstring).

    Attributes:
        n_multi_shifts: shifts worked by agents with two or more skills.
        switches_per_multi_shift / max_switches: their queue changes, mean and most.
        idle_while_short_h: agent-hours not needed where they are while an own queue is short.
        paid_closed_h: paid agent-hours when none of the agent's queues requires agents.
        preferred_start_frac: share of preferred starts honoured (None when none asked).
        preferred_day_off_frac: share of preferred days off honoured (None when none asked).
    """

    n_multi_shifts: int
    switches_per_multi_shift: float
    max_switches: int
    idle_while_short_h: float
    paid_closed_h: float
    preferred_start_frac: float | None
    preferred_day_off_frac: float | None


def _share(hits: int, total: int) -> float | None:
    return None if total == 0 else hits / total


def quality(problem: ScheduleProblem, solution: Solution, state: np.ndarray) -> ScheduleQuality:
    """The workability figures of an allocated schedule (`state`: queue index per agent x
    slot, or OFF / BREAK / LUNCH / IDLE)."""
    slot_h = problem.slot_min / 60
    n_week = problem.n_week_slots
    counts = coverage_counts(problem, state)
    short = problem.required > counts
    beyond = counts > problem.required
    open_ = problem.required > 0
    switches: list[int] = []
    idle_short = paid_closed = 0
    start_hits = start_asked = off_hits = off_asked = 0
    for a, agent in enumerate(problem.agents):
        skills = list(agent.skill_queues)
        shifts = solution.shifts.get(a, ())
        for k in shifts:
            o = problem.options[k]
            row = state[a, o.start_slot : o.end_slot]
            served = row[row >= 0]
            if len(skills) > 1:
                switches.append(int((served[1:] != served[:-1]).sum()))
            unpaid = {
                t
                for b in solution.breaks.get((a, k), ())
                if not b.paid
                for t in range(b.start_slot, b.start_slot + b.duration_slot)
            }
            for t in range(o.start_slot, min(o.end_slot, n_week)):
                s = int(state[a, t])
                own_short = bool(skills) and short[skills, t].any()
                if own_short and (s == IDLE or (s >= 0 and beyond[s, t])):
                    idle_short += 1
                if t not in unpaid and not (skills and open_[skills, t].any()):
                    paid_closed += 1
        if agent.preferred_start_min is not None:
            for k in shifts:
                day = problem.options[k].day
                starts = {problem.options[j].start_local_min for j in agent.options[day]}
                if agent.preferred_start_min in starts:
                    start_asked += 1
                    start_hits += problem.options[k].start_local_min == agent.preferred_start_min
        worked = {problem.options[k].day for k in shifts}
        off_asked += len(agent.preferred_days_off)
        off_hits += sum(1 for d in agent.preferred_days_off if d not in worked)
    return ScheduleQuality(
        n_multi_shifts=len(switches),
        switches_per_multi_shift=float(np.mean(switches)) if switches else 0.0,
        max_switches=max(switches, default=0),
        idle_while_short_h=idle_short * slot_h,
        paid_closed_h=paid_closed * slot_h,
        preferred_start_frac=_share(start_hits, start_asked),
        preferred_day_off_frac=_share(off_hits, off_asked),
    )
