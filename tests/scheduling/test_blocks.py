"""Queue blocks (README, `wfm schedule`, Queue blocks) and the reassignment pass.

The block rule is checked here from the schedule table alone: a multi-skilled agent's run
on one queue (a work row) shorter than the block length must be cut by its shift's edge, a
break or lunch, idle time, or a queue closing (the queue left no longer requiring agents,
or the run's own queue closing).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

import scheduling.blocks
from scheduling.blocks import allocate_blocks, reassign
from scheduling.effort import Effort
from scheduling.mip import HighsResult
from scheduling.quality import quality
from scheduling.report import schedule_frame, summarize
from scheduling.run import schedule_week
from scheduling.solution import IDLE, BreakPlacement, Solution, allocate, on_phone_states
from tests.scheduling.conftest import PARAMS, WEEK, problem, requirements, roster, tiny_center

BLOCK_MIN = 60
# Both queues open Monday 08:00-12:00; the extra agent asked for alternates every half hour,
# so the solver's flows jump between the queues slot by slot.
NEED = {("office", 0, 8 * 60, 12 * 60): 1, ("triage", 0, 8 * 60, 12 * 60): 1}
for _half in range(8):
    _lo = 8 * 60 + 30 * _half
    NEED["office" if _half % 2 else "triage", 0, _lo, _lo + 30] = 1
BOTH = [{"agent_id": f"m{i}", "skills": ["office", "triage"]} for i in range(4)]


def short_runs(schedule: pl.DataFrame, required: dict, multi: set[str]) -> list[str]:
    """Runs of one queue shorter than BLOCK_MIN that no edge cuts: one line each."""
    block = dt.timedelta(minutes=BLOCK_MIN)

    def open_at(queue_id: str, at: dt.datetime) -> bool:
        return required.get((queue_id, at), 0) > 0

    bad = []
    for (agent_id,), rows in schedule.sort("start").group_by("agent_id", maintain_order=True):
        if agent_id not in multi:
            continue
        rows = rows.to_dicts()
        for i, row in enumerate(rows):
            queue_id = row["queue_id"]
            if row["activity"] != "work" or queue_id is None or row["end"] - row["start"] >= block:
                continue
            prev = rows[i - 1] if i > 0 and rows[i - 1]["end"] == row["start"] else None
            nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1]["start"] == row["end"] else None
            cut_before = (
                prev is None
                or prev["activity"] != "work"
                or prev["queue_id"] is None
                or not open_at(prev["queue_id"], row["start"])
            )
            cut_after = (
                nxt is None
                or nxt["activity"] != "work"
                or nxt["queue_id"] is None
                or not open_at(queue_id, row["end"])
            )
            if not (cut_before or cut_after):
                bad.append(f"{agent_id} {queue_id} {row['start']:%a %H:%M}-{row['end']:%H:%M}")
    return bad


def _required(frame: pl.DataFrame) -> dict:
    return {
        (q, at): int(np.ceil(g))
        for q, at, g in frame.select("queue_id", "interval_start", "agents_gross").iter_rows()
    }


def test_no_multi_skilled_run_is_shorter_than_a_block_unless_an_edge_cuts_it():
    center = tiny_center(
        labor_rules={"min_rest_h": 11, "max_consecutive_days": 6, "min_queue_block_min": 60}
    )
    frame = requirements(center, NEED)
    week = schedule_week(frame, roster(BOTH), center, week_start=WEEK, params=PARAMS)
    multi = {row["agent_id"] for row in BOTH}
    assert week.schedule.filter(pl.col("activity") == "work").height > 0
    assert short_runs(week.schedule, _required(frame), multi) == []
    # The check has teeth: the solver's flows handed out slot by slot break the rule.
    by_slot = schedule_frame(week.problem, allocate(week.problem, week.result.solution))
    assert short_runs(by_slot, _required(frame), multi) != []


def test_without_a_block_length_the_queue_follows_the_flows_slot_by_slot():
    center = tiny_center(
        labor_rules={"min_rest_h": 11, "max_consecutive_days": 6, "min_queue_block_min": 0}
    )
    frame = requirements(center, NEED)
    week = schedule_week(frame, roster(BOTH), center, week_start=WEEK, params=PARAMS)
    flows = summarize(
        week.problem, week.result.solution, allocate(week.problem, week.result.solution)
    )
    assert week.summary.shortfall_cost == flows.shortfall_cost


def _tiny_case():
    """o1 (office only), m1 (office and triage) and t1 (triage only) work 08:00-12:00 on
    Monday; t1's break at 09:00 leaves triage short then, while m1 serves office beyond its
    requirement all morning."""
    center = tiny_center()
    p = problem(
        center,
        [
            {"agent_id": "o1", "skills": ["office"]},
            {"agent_id": "m1", "skills": ["office", "triage"]},
            {"agent_id": "t1", "skills": ["triage"]},
        ],
        {("office", 0, 8 * 60, 12 * 60): 1, ("triage", 0, 8 * 60, 12 * 60): 1},
    )
    eight = next(
        k
        for k in p.agents[0].options[0]
        if p.options[k].start_local_min == 8 * 60 and p.options[k].template_id == "day4"
    )
    start = p.options[eight].start_slot
    breaks = {
        (0, eight): (BreakPlacement(0, "break", start + 5, 1, True),),
        (1, eight): (BreakPlacement(0, "break", start + 4, 1, True),),
        (2, eight): (BreakPlacement(0, "break", start + 2, 1, True),),
    }
    solution = Solution(shifts={0: (eight,), 1: (eight,), 2: (eight,)}, breaks=breaks)
    state = on_phone_states(p, solution)
    office, triage = p.queue_ids.index("office"), p.queue_ids.index("triage")
    for a, q in ((0, office), (1, office), (2, triage)):
        state[a][state[a] == IDLE] = q
    return p, solution, state, start


def test_an_agent_beyond_its_queues_need_while_its_own_queue_is_short_gets_that_queue():
    p, solution, state, start = _tiny_case()
    before = quality(p, solution, state)
    assert before.idle_while_short_h == 0.5  # m1 on office at 09:00-09:30, triage short
    after = reassign(p, solution, state)
    assert quality(p, solution, after).idle_while_short_h == 0
    cost = summarize(p, solution, after).shortfall_cost
    assert cost < summarize(p, solution, state).shortfall_cost
    assert cost == 0
    # Not by a half-hour run between two switches: the run moved is one the rule allows.
    assert after[1, start + 2] == p.queue_ids.index("triage")
    frame = requirements(p.center, {("office", 0, 480, 720): 1, ("triage", 0, 480, 720): 1})
    assert short_runs(schedule_frame(p, after), _required(frame), {"m1"}) == []


def test_when_highs_finds_nothing_in_time_the_greedy_blocks_keep_the_rule(monkeypatch):
    center = tiny_center(
        labor_rules={"min_rest_h": 11, "max_consecutive_days": 6, "min_queue_block_min": 60}
    )
    frame = requirements(center, NEED)
    week = schedule_week(frame, roster(BOTH), center, week_start=WEEK, params=PARAMS)
    nothing = HighsResult("Time limit reached", None, math.nan, 0.0, 0.0)
    monkeypatch.setattr(scheduling.blocks, "solve_highs", lambda *args, **kwargs: nothing)
    state = allocate_blocks(week.problem, week.result.solution, effort=Effort(1.0))
    greedy = schedule_frame(week.problem, state)
    assert greedy.filter(pl.col("queue_id").is_not_null()).height > 0
    assert short_runs(greedy, _required(frame), {row["agent_id"] for row in BOTH}) == []
