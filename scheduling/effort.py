"""How long a solver stage may work: seconds of wall clock, or amounts of work that do not
depend on the machine's speed or load (README, Scheduling: reproducible runs).

Under a wall-clock limit a schedule depends on how far each solver got in its seconds, so
two runs of the same inputs differ, more so on a busy machine. In deterministic mode every
stage is given work instead of time: CP-SAT a deterministic time limit (its own measure of
work, about a second of an idle core per unit) with its search interleaved, so any number of
workers gives the same answer; HiGHS a node limit for its MIPs, and its LPs solved to the
end; loops that share a budget count the work handed out, not the clock. The same inputs
then give the same schedule; the run takes about as long as the limit on an idle machine,
longer on a loaded one. A wall-clock guard, far above the budget, stops a stage that would
run away; a run that hits it is no longer reproducible, and says so in the log.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass

import highspy
from ortools.sat.python import cp_model

__all__ = ["Allowance", "Effort", "mip_work_s"]

log = logging.getLogger(__name__)

# HiGHS nodes per second of budget in deterministic mode: about what its MIPs here (shift
# counts of a chunk of agent types, breaks for fixed shifts) process per second of an idle
# core, so a deterministic run takes about as long as a timed one.
_NODES_PER_S = 40
# A deterministic stage is stopped by the wall clock only past this many times its budget
# (and never before _GUARD_MIN_S), when something runs away: a HiGHS MIP's root alone,
# which no node limit bounds, can take half a minute on a loaded machine.
_GUARD_FACTOR = 10.0
_GUARD_MIN_S = 120.0


def mip_work_s(nodes: int) -> float:
    """A HiGHS MIP's work in seconds of budget, from its node count."""
    return nodes / _NODES_PER_S


@dataclass(frozen=True)
class Effort:
    """A stage's budget.

    Attributes:
        seconds: wall-clock seconds; in deterministic mode, the work of about that many
            seconds of an idle core.
        deterministic: give work limits instead of time limits.
        account: in deterministic mode, the allowance a stage of several solves charges
            what it gives out (`Allowance.share`), so what the stage leaves stays there.
    """

    seconds: float
    deterministic: bool = False
    account: Allowance | None = dataclasses.field(default=None, compare=False, repr=False)

    def part(self, frac: float) -> Effort:
        """A share of this budget."""
        return dataclasses.replace(self, seconds=self.seconds * frac)

    @property
    def guard_s(self) -> float:
        """The wall-clock limit of a deterministic stage."""
        return max(_GUARD_MIN_S, _GUARD_FACTOR * self.seconds)

    def set_cp_sat(self, solver: cp_model.CpSolver, *, n_workers: int, seed: int) -> None:
        """Limit a CP-SAT solve, with its workers and seed."""
        parameters = solver.parameters
        parameters.num_workers = n_workers
        parameters.random_seed = seed
        if self.deterministic:
            parameters.max_deterministic_time = max(0.1, self.seconds)
            parameters.max_time_in_seconds = self.guard_s
            # Without interleaving, parallel workers share solutions in the order they
            # find them, which the load decides; interleaved, the search is the same for
            # any number of workers.
            parameters.interleave_search = True
        else:
            parameters.max_time_in_seconds = max(0.1, self.seconds)

    def set_highs(self, highs: highspy.Highs, *, mip: bool) -> None:
        """Limit a HiGHS solve: an LP or a MIP."""
        if self.deterministic:
            highs.setOptionValue("time_limit", self.guard_s)
            if mip:
                highs.setOptionValue("mip_max_nodes", max(1, round(_NODES_PER_S * self.seconds)))
        else:
            highs.setOptionValue("time_limit", max(0.5, float(self.seconds)))


class Allowance:
    """A budget spent by several solves in turn: by the wall clock, or in deterministic mode
    by the budgets handed out, each solve charged its budget, or the work it reports having
    done (`settle`)."""

    def __init__(self, effort: Effort) -> None:
        self.effort = effort
        self._started = time.perf_counter()
        self._given_s = 0.0

    def _charge(self, seconds: float) -> None:
        self._given_s += seconds
        if self.effort.account is not None:
            self.effort.account._charge(seconds)

    def left_s(self) -> float:
        """What is left of the budget, seconds (negative once overspent)."""
        if self.effort.deterministic:
            return self.effort.seconds - self._given_s
        return self.effort.seconds - (time.perf_counter() - self._started)

    def give(self, seconds: float) -> Effort:
        """A solve's budget out of what is left."""
        self._charge(seconds)
        return dataclasses.replace(self.effort, seconds=seconds, account=None)

    def share(self, seconds: float) -> Effort:
        """The budget of a stage that spends it by an allowance of its own: charged here as
        the stage gives it out, so what the stage does not use stays here."""
        return dataclasses.replace(self.effort, seconds=seconds, account=self)

    def settle(self, given: Effort, work_s: float) -> None:
        """Charge a solve the work it did (at most its budget) instead of its budget."""
        self._charge(-(given.seconds - min(work_s, given.seconds)))
