"""Turn an allocated solution into tables: the schedule, the coverage and shortfall causes."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from scheduling.constraints import SHORTFALL_TIER_COSTS
from scheduling.problem import AgentSpec, ScheduleProblem
from scheduling.solution import BREAK, IDLE, LUNCH, OFF, Solution
from wfm.center import Center
from wfm.staffing.requirements import evaluate_agents

__all__ = [
    "ScheduleSummary",
    "coverage_counts",
    "coverage_frame",
    "schedule_frame",
    "shortfall_causes",
    "summarize",
    "tiered_shortfall_cost",
    "with_service_levels",
]

_UTC = pl.Datetime("us", "UTC")
_ACTIVITY = {BREAK: "break", LUNCH: "lunch"}


@dataclass(frozen=True)
class ScheduleSummary:
    """Headline figures of a schedule.

    Attributes:
        paid_h: paid hours of all agents.
        required_h: agent-hours required (ceil of agents_gross per slot).
        scheduled_h: agent-hours allocated to queues (capped at the requirement).
        shortfall_h: agent-hours short in the week; shortfall_cost: the tiered shortfall
            cost over the whole horizon (the week and its spill-over), as the model counts it.
        idle_h: agent-hours on the phones beyond every queue's requirement (idle, or serving
            a queue beyond its requirement).
        n_shifts: shifts worked.
        spill_shortfall_h: agent-hours short after the week, in the next Monday's hours its
            last night shifts run into.
    """

    paid_h: float
    required_h: float
    scheduled_h: float
    shortfall_h: float
    shortfall_cost: int
    idle_h: float
    n_shifts: int
    spill_shortfall_h: float = 0.0


def tiered_shortfall_cost(short: np.ndarray) -> int:
    """The model's tiered cost of a shortfall array (agents short per queue x slot)."""
    first, second, rest = SHORTFALL_TIER_COSTS
    short = short.astype(np.int64)
    return int(
        (
            np.minimum(short, 1) * first
            + np.clip(short - 1, 0, 1) * second
            + np.clip(short - 2, 0, None) * rest
        ).sum()
    )


def coverage_counts(problem: ScheduleProblem, state: np.ndarray) -> np.ndarray:
    counts = np.zeros_like(problem.required)
    for q in range(len(problem.queue_ids)):
        counts[q] = (state == q).sum(axis=0)
    return counts


def coverage_frame(problem: ScheduleProblem, state: np.ndarray) -> pl.DataFrame:
    """Required vs scheduled per queue x interval of the week.

    Columns: queue_id, interval_start (UTC), agents_gross, required (ceil of agents_gross),
    scheduled (agents serving the queue), shortfall (required - scheduled, >= 0), and
    service_level / asa_s (null here; `with_service_levels` fills them).
    """
    counts = coverage_counts(problem, state)
    n = problem.n_week_slots
    starts = list(problem.slot_starts_at[:n])
    frames = []
    for q, queue_id in enumerate(problem.queue_ids):
        frames.append(
            pl.DataFrame(
                {
                    "queue_id": [queue_id] * n,
                    "interval_start": pl.Series(starts, dtype=_UTC),
                    "agents_gross": problem.agents_gross[q, :n],
                    "required": problem.required[q, :n],
                    "scheduled": counts[q, :n],
                }
            )
        )
    return pl.concat(frames).with_columns(
        (pl.col("required") - pl.col("scheduled")).clip(lower_bound=0).alias("shortfall"),
        pl.lit(None, dtype=pl.Float64).alias("service_level"),
        pl.lit(None, dtype=pl.Float64).alias("asa_s"),
    )


def with_service_levels(
    coverage: pl.DataFrame, requirements: pl.DataFrame, center: Center
) -> pl.DataFrame:
    """Fill service_level and asa_s: what the scheduled agents achieve on each real-time
    queue x interval, by the staffing engine's Erlang C / A (`evaluate_agents`).

    Agents counted are the scheduled heads less the queue's shrinkage (absence, training and
    meetings the schedule cannot see), rounded down; breaks are already out of `scheduled`.
    Chat concurrency and caller patience come from the queue config. Deferred queues
    (email, SMS replies), intervals without volume or AHT, and service levels of queues with
    no answer-time target stay null.
    """
    volumes = requirements.select("queue_id", "interval_start", "volume", "aht_s")
    frame = coverage.drop("service_level", "asa_s").join(
        volumes, on=["queue_id", "interval_start"], how="left"
    )
    parts = []
    for queue_id, part in frame.group_by("queue_id", maintain_order=True):
        queue = center.queue(str(queue_id[0]))
        sl = np.full(part.height, np.nan)
        asa = np.full(part.height, np.nan)
        known = (
            part["volume"].is_not_null()
            & (part["volume"] > 0)
            & part["aht_s"].is_not_null()
            & (part["aht_s"] > 0)
        ).to_numpy()
        if not queue.is_deferred and known.any():
            n_net = np.floor(
                part["scheduled"].to_numpy()[known] * (1 - center.shrinkage_for(queue.id)) + 1e-9
            ).astype(np.int64)
            figures = evaluate_agents(
                part["volume"].to_numpy()[known],
                aht_s=part["aht_s"].to_numpy()[known],
                interval_s=center.interval_s,
                n_agents=n_net,
                answer_within_s=queue.target.answer_within_s or 0.0,
                patience_s=queue.patience_s,
                concurrency=queue.concurrency,
            )
            if queue.target.answer_within_s is not None:
                sl[known] = figures.service_level
            asa[known] = figures.asa_s
        parts.append(
            part.with_columns(
                pl.Series("service_level", sl).fill_nan(None),
                pl.Series("asa_s", asa).fill_nan(None),
            )
        )
    return pl.concat(parts).drop("volume", "aht_s")


def schedule_frame(problem: ScheduleProblem, state: np.ndarray) -> pl.DataFrame:
    """One row per agent activity (README, Tables: schedule): work rows carry the queue served
    (null = on the phones for all its skilled queues, nothing required of it), and breaks
    and lunches their own rows."""
    rows = []
    for a, agent in enumerate(problem.agents):
        # The previous week's shifts are published already: only this week's rows.
        carried = set(agent.carried_busy_slots)
        t = 0
        while t < problem.n_slots:
            s = state[a, t]
            if s == OFF or t in carried:
                t += 1
                continue
            end = t + 1
            while end < problem.n_slots and state[a, end] == s and end not in carried:
                end += 1
            rows.append(
                {
                    "agent_id": agent.agent_id,
                    "activity": _ACTIVITY.get(int(s), "work"),
                    "start": problem.slot_at(t),
                    "end": problem.slot_at(end),
                    "queue_id": problem.queue_ids[s] if s >= 0 else None,
                }
            )
            t = end
    return pl.DataFrame(
        rows,
        schema={
            "agent_id": pl.Utf8,
            "activity": pl.Utf8,
            "start": _UTC,
            "end": _UTC,
            "queue_id": pl.Utf8,
        },
    )


def summarize(problem: ScheduleProblem, solution: Solution, state: np.ndarray) -> ScheduleSummary:
    """Headline figures, recomputed from the schedule (not from the solver)."""
    slot_h = problem.slot_min / 60
    counts = coverage_counts(problem, state)
    n_week = problem.n_week_slots
    # The cost covers the whole horizon, as the model's objective and bound do; the hours
    # are the week's, with the spill-over into the next Monday apart.
    short = (problem.required - counts).clip(min=0)
    # Agents on a queue beyond its requirement are idle too: the queue needs them not.
    beyond = (counts - problem.required).clip(min=0)
    idle = (state[:, :n_week] == IDLE).sum() + beyond[:, :n_week].sum()
    paid_min = sum(problem.options[k].paid_min for ks in solution.shifts.values() for k in ks)
    return ScheduleSummary(
        paid_h=paid_min / 60,
        required_h=float(problem.required[:, :n_week].sum() * slot_h),
        scheduled_h=float(np.minimum(counts, problem.required)[:, :n_week].sum() * slot_h),
        shortfall_h=float(short[:, :n_week].sum() * slot_h),
        shortfall_cost=tiered_shortfall_cost(short),
        idle_h=float(idle * slot_h),
        n_shifts=sum(len(ks) for ks in solution.shifts.values()),
        spill_shortfall_h=float(short[:, n_week:].sum() * slot_h),
    )


def _cover(problem: ScheduleProblem, option_ids: Iterable[int]) -> np.ndarray:
    cover = np.zeros(problem.n_slots, dtype=bool)
    for k in option_ids:
        o = problem.options[k]
        cover[o.start_slot : o.end_slot] = True
    return cover


def _day_before_cover(problem: ScheduleProblem, agent: AgentSpec) -> np.ndarray:
    """Slots of the week's first day a shift of the agent's contract started the day before
    (the previous week's Sunday) would cover."""
    cover = np.zeros(problem.n_slots, dtype=bool)
    first_day_end = problem.day_start_slot[1]
    for template_id in problem.center.contract(agent.contract_id).shift_templates:
        template = problem.center.template(template_id)
        if "sun" not in template.days:
            continue
        past_midnight_min = max(s + template.length_min for s in template.start_mins()) - 1440
        n = min(first_day_end, max(0, math.ceil(past_midnight_min / problem.slot_min)))
        cover[:n] = True
    return cover


def shortfall_causes(problem: ScheduleProblem, coverage: pl.DataFrame) -> list[str]:
    """One line per queue x local day x run of short intervals, with its likely cause.

    Causes, first that applies: the time is covered only by shifts started the day before
    the week, and the previous week was not given or covers only part of it; the minimum rest
    after the previous week's shifts keeps the skilled agents off; no skilled agent has a
    shift option covering the time; fewer skilled agents could work then than required; or
    enough could, but contract hours/days, rest rules and other queues' needs keep them
    elsewhere.
    """
    n_q = len(problem.queue_ids)
    could = np.zeros_like(problem.required)
    rested_off = np.zeros_like(problem.required)
    carried = np.zeros_like(problem.required)
    day_before = np.zeros_like(problem.required)
    for agent in problem.agents:
        cover = _cover(problem, (k for day in agent.options for k in day))
        blocked = _cover(problem, agent.rest_blocked_options) & ~cover
        on = np.zeros(problem.n_slots, dtype=bool)
        on[list(agent.carried_on_slots)] = True
        before = _day_before_cover(problem, agent)
        for q in agent.skill_queues:
            could[q] += cover | on
            rested_off[q] += blocked
            carried[q] += on
            day_before[q] += before
    tz = problem.tz
    lines = []
    short = coverage.filter(pl.col("shortfall") > 0)
    for q in range(n_q):
        queue_id = problem.queue_ids[q]
        rows = short.filter(pl.col("queue_id") == queue_id).sort("interval_start")
        slots = [problem.slot_starts_at.index(at) for at in rows["interval_start"].to_list()]
        runs: list[list[int]] = []
        for t in slots:
            if runs and t == runs[-1][-1] + 1:
                runs[-1].append(t)
            else:
                runs.append([t])
        for run in runs:
            req = problem.required[q, run]
            able = could[q, run]
            missing = coverage.filter(pl.col("queue_id") == queue_id)["shortfall"].to_numpy()[run]
            start = problem.slot_at(run[0]).astimezone(tz)
            end = problem.slot_at(run[-1] + 1).astimezone(tz)
            when = f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M}"
            only_before = (able == carried[q, run]).all() and day_before[q, run].min() > 0
            if only_before and not problem.previous_given:
                cause = (
                    "only shifts started the day before, in the previous week, can cover this "
                    f"time ({int(day_before[q, run].min())} {queue_id}-skilled agents have "
                    "such shifts), and the previous week's schedule was not given"
                )
            elif only_before:
                cover_h = carried[q, run].clip(max=req).sum() * problem.slot_min / 60
                cause = (
                    "only shifts started the day before, in the previous week, can cover this "
                    f"time; the published previous week's shifts cover {cover_h:g} agent-h of it"
                )
            elif (rested_off[q, run] > 0).any() and (able < req).any():
                cause = (
                    f"the minimum rest ({problem.center.labor_rules.min_rest_h:g} h) after their "
                    f"last shift of the previous week keeps up to {int(rested_off[q, run].max())} "
                    f"{queue_id}-skilled agents off then"
                )
            elif able.max() == 0:
                cause = f"no {queue_id}-skilled agent has a shift template or availability then"
            elif (able < req).any():
                cause = (
                    f"too few {queue_id}-skilled agents can work then "
                    f"(at most {int(able.min())}, {int(req.max())} required)"
                )
            else:
                cause = (
                    f"enough {queue_id}-skilled agents could work then, but contract "
                    "hours and days, rest rules and other queues' needs keep them elsewhere"
                )
            hours = missing.sum() * problem.slot_min / 60
            lines.append(
                f"{queue_id} {when}: short {hours:g} agent-h "
                f"(up to {int(missing.max())} agents); {cause}"
            )
    return lines
