"""Queue blocks: the published queue of every on-the-phone agent-slot, in blocks people follow.

The model splits each skill group's agents between queues slot by slot (flows); handed out
slot by slot (`scheduling.solution.allocate`) a multi-skilled agent changes queue every
15-30 minutes. The published allocation keeps the block rule (README, `wfm schedule`, Queue
blocks):

- an agent on the phones serves one queue per slot, among its skilled queues that require
  agents then (a queue is open where it requires agents); when none does, it is idle;
- a *switch* is a change of queue between two successive on-the-phone slots while the
  queue left still requires agents (a change forced by a queue closing is none);
- after a switch the agent serves the new queue for at least the block length
  (`labor_rules.min_queue_block_min`), unless a break or lunch, idle time, the shift's end
  or that queue's closing comes first.

Per day, a MIP (HiGHS) over the day's multi-skilled shifts, their breaks as the solver
placed them, chooses each agent's queue per slot: the model's tiered shortfall against
every queue's requirement, then SWITCH_COST per change of queue. A greedy assignment that
keeps the rule stands when HiGHS does not beat it in time. The coverage of single-skilled
agents (on their queue whenever it is open), of earlier days' shifts and of the previous
week's shifts still running is fixed; those carried-in shifts are published already, so the
rule does not bind them. `reassign` then moves runs of an agent serving beyond its queue's
requirement to its own short queues, keeping the rule.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduling.constraints import SHORTFALL_TIER_COSTS
from scheduling.effort import Allowance, Effort
from scheduling.mip import solve_highs
from scheduling.problem import ScheduleProblem
from scheduling.report import coverage_counts, tiered_shortfall_cost
from scheduling.solution import IDLE, Solution, on_phone_states

__all__ = ["SWITCH_COST", "allocate_blocks", "block_slots", "reassign", "switches_ok"]

log = logging.getLogger(__name__)

# A change of queue, against 1000 per agent-slot short: coverage first, then the fewest.
SWITCH_COST = 20
# Stop a day's MIP once within this relative gap of its bound.
_REL_GAP = 5e-3


def block_slots(problem: ScheduleProblem) -> int:
    """The block length in slots (the center's minutes rounded up to whole slots)."""
    return math.ceil(problem.center.labor_rules.min_queue_block_min / problem.slot_min)


@dataclass(frozen=True)
class _Shift:
    """A shift of an agent: its option id (None for the previous week's shift still running),
    its slots [start, end) and the day it starts."""

    agent: int
    option: int | None
    start: int
    end: int
    day: int


def _shifts(problem: ScheduleProblem, solution: Solution) -> list[_Shift]:
    out = []
    for a, agent in enumerate(problem.agents):
        if not agent.skill_queues:
            continue
        if agent.carried_on_slots:
            on = sorted(agent.carried_on_slots)
            out.append(_Shift(a, None, on[0], on[-1] + 1, 0))
        for k in solution.shifts.get(a, ()):
            o = problem.options[k]
            out.append(_Shift(a, k, o.start_slot, o.end_slot, o.day))
    return out


def switches_ok(problem: ScheduleProblem, row: np.ndarray, start: int, end: int) -> bool:
    """Whether one agent's slots [start, end) of a shift keep the block rule (`row`: its
    states, queue index or OFF / BREAK / LUNCH / IDLE): after every switch the new queue is
    served for a block, unless a break, idle time, the shift's end or its closing comes
    first."""
    block = block_slots(problem)
    for t in range(start + 1, end):
        p, q = int(row[t - 1]), int(row[t])
        if p < 0 or q < 0 or p == q or problem.required[p, t] <= 0:
            continue
        for u in range(t + 1, min(end, t + block)):
            if row[u] < 0 or problem.required[q, u] <= 0:
                break
            if row[u] != q:
                return False
    return True


class _DayModel:
    """One day's multi-skilled shifts, breaks as placed: each agent's queue per
    on-the-phone slot under the block rule."""

    def __init__(self, problem: ScheduleProblem, state: np.ndarray) -> None:
        self.problem, self.state = problem, state
        self.block = block_slots(problem)
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.switches: list[cp_model.IntVar] = []
        self.shifts: list[_Shift] = []
        # (queue, slot) where the day's agents could serve: the MIP's shortfall terms.
        self.cells: list[tuple[int, int]] = []

    def add_shift(self, s: _Shift) -> None:
        model, x, a = self.model, self.x, s.agent
        skills = self.problem.agents[a].skill_queues
        open_ = self.problem.required > 0
        self.shifts.append(s)
        for t in range(s.start, s.end):
            qs = [q for q in skills if open_[q, t]] if self.state[a, t] == IDLE else []
            if not qs:
                continue
            for q in qs:
                x[a, q, t] = model.new_bool_var("")
            model.add(sum(x[a, q, t] for q in qs) == 1)
        if s.option is None:
            return  # published last week: its queues are free slot by slot
        for t in range(s.start + 1, s.end):
            if not any((a, p, t - 1) in x for p in skills):
                continue  # back from a break or idle time: not a switch
            # Leaving a queue that closes is not a switch either.
            closed = sum(
                x[a, p, t - 1] for p in skills if (a, p, t - 1) in x and (a, p, t) not in x
            )
            for q in skills:
                if (a, q, t) not in x:
                    continue
                # A switch to q: counted, and q is served for a block unless a break, idle
                # time, the shift's end or q's closing comes first.
                switch = model.new_bool_var("")
                model.add(switch >= x[a, q, t] - x.get((a, q, t - 1), 0) - closed)
                self.switches.append(switch)
                u = t + 1
                while u < t + self.block and (a, q, u) in x:
                    model.add(x[a, q, u] >= switch)
                    u += 1

    def greedy(self, fixed: np.ndarray) -> dict[tuple[int, int], int]:
        """An assignment that keeps the rule: slot by slot, each agent (fewest skills first)
        takes its neediest open queue, switching only to a needier queue than its own and
        then staying for a block."""
        residual = self.problem.required - fixed
        order = sorted(self.shifts, key=lambda s: len(self.problem.agents[s.agent].skill_queues))
        current: dict[int, int] = {}
        held_until: dict[int, int] = {}
        queues: dict[tuple[int, int], int] = {}
        first = min((s.start for s in order), default=0)
        last = max((s.end for s in order), default=0)
        for t in range(first, last):
            for s in order:
                a = s.agent
                qs = [q for q in self.problem.agents[a].skill_queues if (a, q, t) in self.x]
                if not s.start <= t < s.end or not qs:
                    current.pop(a, None)
                    continue
                here = current.get(a)
                best = max(qs, key=lambda q: residual[q, t])
                if here not in qs:
                    here = best  # starting, back from a break, or its queue closed
                elif held_until.get(a, t) <= t and residual[best, t] > residual[here, t]:
                    here, held_until[a] = best, t + self.block
                current[a] = queues[a, t] = here
                residual[here, t] -= 1
        return queues

    def solve(self, fixed: np.ndarray, *, effort: Effort, seed: int) -> dict[tuple[int, int], int]:
        """Queue per (agent, slot); `fixed` is the coverage set already."""
        model = self.model
        by_qt: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (_, q, t), var in self.x.items():
            by_qt[q, t].append(var)
        shortfall = []
        self.cells = sorted(by_qt)
        for (q, t), vars_ in by_qt.items():
            missing = int(self.problem.required[q, t] - fixed[q, t])
            if missing <= 0:
                continue
            caps = [c for c in (1, 1, missing - 2)[:missing] if c > 0]
            tiers = [model.new_int_var(0, cap, "") for cap in caps]
            model.add(sum(vars_) + sum(tiers) >= missing)
            shortfall.extend(zip(tiers, SHORTFALL_TIER_COSTS, strict=False))
        model.minimize(
            sum(cost * var for var, cost in shortfall) + SWITCH_COST * sum(self.switches)
        )
        result = solve_highs(
            model,
            integer=[v.index for v in self.x.values()],
            effort=effort,
            rel_gap=_REL_GAP,
            seed=seed,
        )
        greedy = self.greedy(fixed)
        if result.values is None or result.objective > self.objective(fixed, greedy):
            log.info("queue blocks: the greedy assignment beats HiGHS's (%s)", result.status)
            return greedy
        return {(a, t): q for (a, q, t), var in self.x.items() if result.values[var.index] > 0.5}

    def objective(self, fixed: np.ndarray, queues: dict[tuple[int, int], int]) -> float:
        """The MIP's objective of an assignment (shortfall where the day's agents could
        serve, changes of queue)."""
        served = np.zeros_like(fixed)
        for (_, t), q in queues.items():
            served[q, t] += 1
        qs, ts = zip(*self.cells, strict=True) if self.cells else ((), ())
        short = (self.problem.required - fixed - served)[list(qs), list(ts)].clip(min=0)
        n_switches = sum(
            1
            for (a, t), q in queues.items()
            if (a, t - 1) in queues
            and queues[a, t - 1] != q
            and self.problem.required[queues[a, t - 1], t] > 0
        )
        return tiered_shortfall_cost(short) + SWITCH_COST * n_switches


def allocate_blocks(
    problem: ScheduleProblem, solution: Solution, *, effort: Effort, seed: int = 0
) -> np.ndarray:
    """The queue per agent x slot under the block rule, day by day.

    Args:
        solution: the solver's schedule (shifts and breaks as they are).
        effort: the budget of every day's MIP together.

    Returns:
        Queue index per agent x slot, or OFF / BREAK / LUNCH / IDLE.
    """
    state = on_phone_states(problem, solution)
    by_day: dict[int, list[_Shift]] = defaultdict(list)
    for s in _shifts(problem, solution):
        if len(problem.agents[s.agent].skill_queues) == 1:
            (q,) = problem.agents[s.agent].skill_queues
            on = [t for t in range(s.start, s.end) if state[s.agent, t] == IDLE]
            state[s.agent, on] = np.where(problem.required[q, on] > 0, q, IDLE)
        else:
            by_day[s.day].append(s)
    allowance = Allowance(effort)
    pending = sum(len(day) for day in by_day.values())
    for day in sorted(by_day):
        day_model = _DayModel(problem, state)
        for s in by_day[day]:
            day_model.add_shift(s)
        queues = day_model.solve(
            coverage_counts(problem, state),
            # The time left, shared by the days left by their shifts.
            effort=allowance.give(allowance.left_s() * len(by_day[day]) / pending),
            seed=seed,
        )
        pending -= len(by_day[day])
        for (a, t), q in queues.items():
            state[a, t] = q
    return state


def _runs(row: np.ndarray, start: int, end: int) -> list[tuple[int, int, int]]:
    """(queue, first, end) of each run of one queue in slots [start, end) of a shift."""
    runs = []
    t = start
    while t < end:
        u = t + 1
        while u < end and row[u] == row[t]:
            u += 1
        if row[t] >= 0:
            runs.append((int(row[t]), t, u))
        t = u
    return runs


def reassign(problem: ScheduleProblem, solution: Solution, state: np.ndarray) -> np.ndarray:
    """Agents serving beyond their queue's requirement move to their own short queues.

    For each run of an agent on one queue, moving the run (or a part of it at either end)
    to another of its skilled queues is taken when the tiered shortfall falls and the
    shift still keeps the block rule; repeated until nothing gains. The rule wins where the
    two conflict: a move that would break it is not made.
    """
    state = state.copy()
    counts = coverage_counts(problem, state)
    open_ = problem.required > 0
    shifts = [s for s in _shifts(problem, solution) if s.option is not None]
    block = block_slots(problem)

    def cost(q: int, slots: slice) -> int:
        return tiered_shortfall_cost((problem.required[q, slots] - counts[q, slots]).clip(min=0))

    improved = True
    while improved:
        improved = False
        for s in shifts:
            a = s.agent
            skills = problem.agents[a].skill_queues
            if len(skills) < 2:
                continue
            row = state[a]
            for q, first, end in _runs(row, s.start, s.end):
                surplus = counts[q, first:end] > problem.required[q, first:end]
                if not surplus.any():
                    continue
                # The whole run, and its parts at either end at least a block long.
                windows = {(first, end)}
                for cut in range(first + block, end - block + 1):
                    windows |= {(first, cut), (cut, end)}
                for target in skills:
                    if target == q:
                        continue
                    for lo, hi in sorted(windows):
                        span = slice(lo, hi)
                        if not open_[target, span].all():
                            continue
                        before = cost(q, span) + cost(target, span)
                        counts[q, span] -= 1
                        counts[target, span] += 1
                        after = cost(q, span) + cost(target, span)
                        row[span] = target
                        if after < before and switches_ok(problem, row, s.start, s.end):
                            improved = True
                            break
                        row[span] = q
                        counts[q, span] += 1
                        counts[target, span] -= 1
                    if improved:
                        break
                if improved:
                    break
    return state
