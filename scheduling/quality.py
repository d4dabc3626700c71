"""How workable a schedule is, beyond its coverage: figures for the summary and the bench.

- switches per multi-skilled shift: changes of queue between successive on-the-phone slots
  of a shift that serve a queue (breaks and idle time skipped), for agents with two or more
  skills, forced changes (a queue closing) included;
- idle while short: agent-hours on the phones but not needed where they are (idle, or
  beyond their queue's requirement) while one of the agent's own queues is short;
- paid with no queue open: paid agent-hours of shifts when none of the agent's queues
  requires agents (unpaid breaks left out);
- stability and preferences, per agent (`AgentStability`, README `wfm schedule`, Stability
  and preferences): start-time changes between successive shifts of the week, different
  start times, runs of days off, and the preferred starts and days off honoured among those
  feasible.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from scheduling.problem import ScheduleProblem, clock_distance_min
from scheduling.report import coverage_counts
from scheduling.solution import IDLE, Solution

__all__ = [
    "AgentStability",
    "ScheduleQuality",
    "agent_stability",
    "preferred_day_off_feasible",
    "quality",
    "stability_by_team",
]

# A start-time change this large or more is "more than an hour" (minutes).
_LARGE_CHANGE_MIN = 60


@dataclass(frozen=True)
class AgentStability:
    """One agent's week: how stable it is and how far its preferences are honoured.

    Attributes:
        agent_id, team: roster values.
        n_successive: pairs of successive shifts of the week (shifts worked minus one).
        start_changes: of those, pairs starting at different local clock times.
        start_changes_over_1h: of those, pairs more than an hour apart (around the clock).
        n_start_times: different local start times of the week.
        days_off_runs: runs of days off in the week (week start to week end).
        start_feasible / start_honoured: shifts worked on a day the agent could start at its
            preferred start; those that do.
        day_off_feasible / day_off_honoured: preferred days off the agent could take
            (`preferred_day_off_feasible`); those taken.
    """

    agent_id: str
    team: str
    n_successive: int
    start_changes: int
    start_changes_over_1h: int
    n_start_times: int
    days_off_runs: int
    start_feasible: int
    start_honoured: int
    day_off_feasible: int
    day_off_honoured: int


def preferred_day_off_feasible(problem: ScheduleProblem, a: int, day: int) -> bool:
    """The agent could work `day` (it has a shift to choose from), and with it off its
    contract's weekly minimum still fits in its best shifts of the other days, at most its
    days per week of them: a day it cannot work is off anyway, not a preference honoured."""
    agent = problem.agents[a]
    if not agent.options[day]:
        return False
    best = sorted(
        (
            max(problem.options[k].paid_min for k in agent.options[d])
            for d in range(7)
            if d != day and agent.options[d]
        ),
        reverse=True,
    )
    return sum(best[: agent.max_days]) >= agent.min_paid_min


def agent_stability(problem: ScheduleProblem, solution: Solution) -> list[AgentStability]:
    """Every agent's stability and preference figures (see `AgentStability`)."""
    out = []
    for a, agent in enumerate(problem.agents):
        shifts = sorted(solution.shifts.get(a, ()), key=lambda k: problem.options[k].start_slot)
        starts = [problem.options[k].start_local_min for k in shifts]
        away = [clock_distance_min(x, y) for x, y in itertools.pairwise(starts)]
        worked = {problem.options[k].day for k in shifts}
        off = [d not in worked for d in range(7)]
        runs = sum(1 for d in range(7) if off[d] and (d == 0 or not off[d - 1]))
        start_feasible = start_honoured = 0
        if agent.preferred_start_min is not None:
            for k in shifts:
                day_starts = {
                    problem.options[j].start_local_min
                    for j in agent.options[problem.options[k].day]
                }
                if agent.preferred_start_min in day_starts:
                    start_feasible += 1
                    start_honoured += problem.options[k].start_local_min == (
                        agent.preferred_start_min
                    )
        days_off = [
            d for d in agent.preferred_days_off if preferred_day_off_feasible(problem, a, d)
        ]
        out.append(
            AgentStability(
                agent_id=agent.agent_id,
                team=agent.team,
                n_successive=max(0, len(shifts) - 1),
                start_changes=sum(1 for m in away if m > 0),
                start_changes_over_1h=sum(1 for m in away if m > _LARGE_CHANGE_MIN),
                n_start_times=len(set(starts)),
                days_off_runs=runs,
                start_feasible=start_feasible,
                start_honoured=start_honoured,
                day_off_feasible=len(days_off),
                day_off_honoured=sum(1 for d in days_off if d not in worked),
            )
        )
    return out


def stability_by_team(agents: Iterable[AgentStability]) -> pl.DataFrame:
    """One row per team (by team id) and a last row `all`: agents, successive shifts, start
    changes (all, and more than an hour), agents with 3 or more start times, agents whose
    days off are not one run, and the preferred starts and days off feasible and the share
    honoured (null where none is feasible)."""
    rows = list(agents)
    teams = sorted({r.team for r in rows})
    out = []
    for team, members in [
        *((t, [r for r in rows if r.team == t]) for t in teams),
        ("all", rows),
    ]:
        start_feasible = sum(r.start_feasible for r in members)
        day_off_feasible = sum(r.day_off_feasible for r in members)
        out.append(
            {
                "team": team,
                "n_agents": len(members),
                "successive_shifts": sum(r.n_successive for r in members),
                "start_changes": sum(r.start_changes for r in members),
                "start_changes_over_1h": sum(r.start_changes_over_1h for r in members),
                "agents_3plus_starts": sum(1 for r in members if r.n_start_times >= 3),
                "agents_days_off_split": sum(1 for r in members if r.days_off_runs > 1),
                "preferred_start_feasible": start_feasible,
                "preferred_start_honoured_frac": _share(
                    sum(r.start_honoured for r in members), start_feasible
                ),
                "preferred_day_off_feasible": day_off_feasible,
                "preferred_day_off_honoured_frac": _share(
                    sum(r.day_off_honoured for r in members), day_off_feasible
                ),
            }
        )
    return pl.DataFrame(
        out,
        schema_overrides={
            "preferred_start_honoured_frac": pl.Float64,
            "preferred_day_off_honoured_frac": pl.Float64,
        },
    )


@dataclass(frozen=True)
class ScheduleQuality:
    """Workability figures of one schedule (see the module docstring).

    Attributes:
        n_multi_shifts: shifts worked by agents with two or more skills.
        switches_per_multi_shift / max_switches: their queue changes, mean and most.
        idle_while_short_h: agent-hours not needed where they are while an own queue is short.
        paid_closed_h: paid agent-hours when none of the agent's queues requires agents.
        agents: every agent's stability and preference figures.
    """

    n_multi_shifts: int
    switches_per_multi_shift: float
    max_switches: int
    idle_while_short_h: float
    paid_closed_h: float
    agents: tuple[AgentStability, ...]

    @property
    def preferred_start_frac(self) -> float | None:
        """Share of the feasible preferred starts honoured (None when none is feasible)."""
        return _share(
            sum(r.start_honoured for r in self.agents), sum(r.start_feasible for r in self.agents)
        )

    @property
    def preferred_day_off_frac(self) -> float | None:
        """Share of the feasible preferred days off honoured (None when none is feasible)."""
        return _share(
            sum(r.day_off_honoured for r in self.agents),
            sum(r.day_off_feasible for r in self.agents),
        )


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
    return ScheduleQuality(
        n_multi_shifts=len(switches),
        switches_per_multi_shift=float(np.mean(switches)) if switches else 0.0,
        max_switches=max(switches, default=0),
        idle_while_short_h=idle_short * slot_h,
        paid_closed_h=paid_closed * slot_h,
        agents=tuple(agent_stability(problem, solution)),
    )
