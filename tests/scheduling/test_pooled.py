"""Scheduling pool by pool: the joined week keeps every hard rule of the whole center, and it
does not depend on the executor."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from scheduling.check import check_schedule
from scheduling.pooled import schedule_pools
from scheduling.problem import from_frames
from tests.scheduling.conftest import NEED, PARAMS, WEEK, requirements, roster
from wfm.execution import DaskExecutor, InProcessExecutor

# Two pools: office agents and triage agents share no queue.
ROWS = [
    {"agent_id": "a1", "skills": ["office"]},
    {"agent_id": "a2", "skills": ["office"]},
    {"agent_id": "a3", "skills": ["triage"]},
    {"agent_id": "a4", "skills": ["triage"]},
]


def _pooled(small, executor=None):
    return schedule_pools(
        requirements(small, NEED),
        roster(ROWS),
        small,
        week_start=WEEK,
        params=PARAMS,
        executor=executor,
    )


def test_the_center_splits_into_its_independent_pools(small):
    pooled = _pooled(small)
    assert [(p.agent_ids, p.queue_ids) for p in pooled.pools] == [
        (("a1", "a2"), ("office",)),
        (("a3", "a4"), ("triage",)),
    ]


def test_the_joined_schedule_keeps_every_hard_rule_of_the_whole_center(small):
    pooled = _pooled(small)
    whole = from_frames(requirements(small, NEED), roster(ROWS), small, week_start=WEEK)
    assert set(pooled.schedule["agent_id"]) <= {"a1", "a2", "a3", "a4"}
    assert pooled.schedule.height > 0
    assert check_schedule(whole, pooled.schedule) == []
    assert sorted(set(pooled.coverage["queue_id"])) == ["office", "triage"]
    assert pooled.summary.n_shifts == sum(w.summary.n_shifts for w in pooled.weeks)


def test_pooled_schedule_is_identical_on_a_dask_cluster(small):
    pytest.importorskip("distributed")
    expected = _pooled(small, InProcessExecutor())
    assert all(w.result.status == "OPTIMAL" for w in expected.weeks)
    with DaskExecutor("local:2") as cluster:
        got = _pooled(small, cluster)
    assert_frame_equal(got.schedule, expected.schedule)
    assert_frame_equal(got.coverage, expected.coverage)


def test_a_pool_stopped_far_from_its_bound_is_named_with_a_split_suggestion(small, monkeypatch):
    import scheduling.pooled as pooled_module

    real = pooled_module.schedule_pool

    def unproven(task):
        week = real(task)
        result = replace(week.result, status="FEASIBLE", shortfall_gap=0.4)
        return replace(week, result=result)

    monkeypatch.setattr(pooled_module, "schedule_pool", unproven)
    pooled = _pooled(small)
    assert pooled.warnings[0] == (
        "pool_01 (2 agents, 1 queues) stopped at the time limit with a shortfall 40% above "
        "its proven bound (status FEASIBLE): give it more time or split the team into "
        "smaller skill groups"
    )
    assert len(pooled.warnings) == 2


def test_the_joined_week_sums_the_pools_and_keeps_one_status_row_per_pool(small):
    pooled = _pooled(small)
    assert [a.agent_id for a in pooled.agents] == ["a1", "a2", "a3", "a4"]
    assert pooled.status == "OPTIMAL"
    assert pooled.objective == sum(w.result.objective for w in pooled.weeks)
    assert pooled.shortfall_bound == sum(w.result.shortfall_bound for w in pooled.weeks)
    status = pooled.pool_status()
    assert status.select("pool_id", "n_agents", "n_queues", "status").rows() == [
        ("pool_01", 2, 1, "OPTIMAL"),
        ("pool_02", 2, 1, "OPTIMAL"),
    ]
    assert status["warning"].null_count() == 2


def test_the_worst_pool_status_is_the_centers(small, monkeypatch):
    import scheduling.pooled as pooled_module

    real = pooled_module.schedule_pool

    def second_unproven(task):
        week = real(task)
        if task.pool.pool_id == "pool_02":
            return replace(week, result=replace(week.result, status="FEASIBLE"))
        return week

    monkeypatch.setattr(pooled_module, "schedule_pool", second_unproven)
    assert _pooled(small).status == "FEASIBLE"


def test_a_queue_nobody_is_skilled_for_is_all_shortfall_and_said(small):
    office_only = [row for row in ROWS if row["skills"] == ["office"]]
    pooled = schedule_pools(
        requirements(small, NEED), roster(office_only), small, week_start=WEEK, params=PARAMS
    )
    assert [(p.pool_id, p.agent_ids, p.queue_ids) for p in pooled.pools] == [
        ("pool_01", ("a1", "a2"), ("office",)),
        ("pool_02", (), ("triage",)),
    ]
    triage = pooled.coverage.filter(pl.col("queue_id") == "triage")
    assert triage["scheduled"].sum() == 0
    assert triage["shortfall"].sum() == triage["required"].sum() == 48
    assert pooled.warnings == [
        "pool_02 (no agents): nobody is skilled for triage, so its 24.0 required agent-hours "
        "are all shortfall"
    ]


def test_a_pool_without_a_solver_schedule_keeps_its_warm_start_and_has_no_objective(
    small, stalled_cp_sat
):
    pooled = _pooled(small)
    whole = from_frames(requirements(small, NEED), roster(ROWS), small, week_start=WEEK)
    assert check_schedule(whole, pooled.schedule) == []
    assert pooled.status == "WARM_START_ONLY"
    assert pooled.objective is None and pooled.gap is None
    status = pooled.pool_status()
    assert status["status"].to_list() == ["WARM_START_ONLY", "WARM_START_ONLY"]
    assert status.schema["objective"] == pl.Float64
    assert status["objective"].null_count() == 2
    assert status["shortfall_gap"].null_count() == 0
    assert pooled.warnings[0].startswith(
        "pool_01 (2 agents, 1 queues) stopped at the time limit without a solver schedule, "
        "keeping its warm start ("
    )
    assert pooled.warnings[0].endswith(
        "(status WARM_START_ONLY): give it more time or split the team into smaller skill groups"
    )
