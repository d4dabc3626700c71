"""Deferred work: a backlog replay checks that every item is answered within its target."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wfm.errors import StaffingError
from wfm.staffing.deferred import deferred_agents


def replay_overdue(
    counts: np.ndarray,
    aht_s: float,
    agents: np.ndarray,
    *,
    interval_s: float,
    target_s: float,
    is_open: np.ndarray,
    occupancy: float = 1.0,
) -> tuple[int, int]:
    """Replay whole items first-come first-served through the agents' capacity.

    Each item needs aht_s of work; an open interval offers agents x interval_s x occupancy
    seconds, which may finish several items or part of one. An item arriving in interval i
    (or, when closed, at the next open interval) must finish by the end of the open interval
    that closes its window of floor(target / interval) open intervals.
    Returns (items overdue, items whose deadline falls inside the horizon).
    """
    open_positions = np.cumsum(is_open) - 1  # open-interval number of each open interval
    n_open = int(is_open.sum())
    window = max(1, math.floor(target_s / interval_s + 1e-9))
    queue: list[list[float]] = []  # [remaining work s, due open number]
    overdue = checked = 0
    pending_closed = 0
    for i, count in enumerate(counts):
        pending_closed += int(count)
        if not is_open[i]:
            continue
        k = int(open_positions[i])
        queue.extend([[aht_s, k + window - 1] for _ in range(pending_closed)])
        pending_closed = 0
        capacity = agents[i] * interval_s * occupancy
        while queue and capacity > 1e-9:
            take = min(capacity, queue[0][0])
            queue[0][0] -= take
            capacity -= take
            if queue[0][0] <= 1e-6:
                item = queue.pop(0)
                checked += item[1] < n_open
                overdue += item[1] < k
        # Anything still queued whose deadline was this interval is late.
        late = [item for item in queue if item[1] <= k]
        overdue += len(late)
        checked += len(late)
        queue = [item for item in queue if item[1] > k]
    checked += sum(1 for item in queue if item[1] < n_open)
    return overdue, checked


def business_hours_mask(n_days: int, per_day: int = 96, opens: int = 32, closes: int = 68):
    slot = np.arange(n_days * per_day) % per_day
    return (slot >= opens) & (slot < closes)


@pytest.mark.parametrize(("target_h", "seed"), [(2, 0), (24, 1), (0.25, 2), (4, 3)])
def test_every_item_is_answered_within_its_target_in_a_backlog_replay(target_h, seed):
    rng = np.random.default_rng(seed)
    is_open = business_hours_mask(7)
    counts = rng.poisson(np.where(is_open, 6.0, 1.0))
    counts[rng.integers(0, counts.size, 5)] += 60  # bursts
    plan = deferred_agents(
        counts,
        aht_s=360.0,
        interval_s=900,
        response_target_s=target_h * 3600,
        open_mask=is_open,
        max_occupancy_frac=0.9,
    )
    overdue, checked = replay_overdue(
        counts,
        360.0,
        plan.agents,
        interval_s=900,
        target_s=target_h * 3600,
        is_open=is_open,
        occupancy=0.9,
    )
    assert checked > 100
    assert overdue == 0
    assert (plan.agents[~is_open] == 0).all()


def test_steady_arrivals_need_their_workload_rounded_up():
    plan = deferred_agents([10] * 20, aht_s=180.0, interval_s=900, response_target_s=900)
    # 10 x 180 s = 1800 s of work per 900 s interval: exactly 2 agents, no backlog.
    assert plan.agents.tolist() == [2] * 20
    np.testing.assert_allclose(plan.workload_erl, 2.0)
    assert plan.backlog_end_s == pytest.approx(0.0)


def test_a_spike_is_spread_over_its_response_window():
    counts = np.zeros(16)
    counts[0] = 80  # 80 x 360 s = 28,800 s = 32 agent-intervals of work, due in 8 intervals
    plan = deferred_agents(counts, aht_s=360.0, interval_s=900, response_target_s=2 * 3600)
    assert plan.due_offset == 8
    assert plan.agents[:8].tolist() == [4] * 8
    assert plan.agents[8:].sum() == 0
    assert plan.backlog_s[7] == pytest.approx(0.0)


def test_fractional_workload_is_reported_beside_whole_agents():
    plan = deferred_agents([3.0] * 4, aht_s=100.0, interval_s=900, response_target_s=900)
    np.testing.assert_allclose(plan.workload_erl, 300 / 900)
    assert plan.agents.tolist() == [1] * 4


def test_no_items_need_no_agents():
    plan = deferred_agents(np.zeros(10), aht_s=200.0, interval_s=900, response_target_s=7200)
    assert plan.agents.sum() == 0
    assert np.isnan(plan.occupancy).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"contacts": [1, -2]}, "contacts must be >= 0"),
        ({"aht_s": 0.0}, "aht_s must be > 0"),
        ({"response_target_s": 0.0}, "response_target_s must be > 0"),
        ({"max_occupancy_frac": 1.5}, "max occupancy"),
    ],
)
def test_bad_deferred_inputs_are_refused(kwargs, message):
    args = {"contacts": [1, 2], "aht_s": 100.0, "interval_s": 900, "response_target_s": 3600}
    args |= kwargs
    contacts = args.pop("contacts")
    with pytest.raises(StaffingError, match=message):
        deferred_agents(contacts, **args)


def test_the_replay_catches_a_plan_that_is_one_agent_short():
    counts = np.zeros(16, dtype=int)
    counts[0] = 80
    plan = deferred_agents(counts, aht_s=360.0, interval_s=900, response_target_s=2 * 3600)
    short = plan.agents.copy()
    short[3] -= 1
    is_open = np.ones(16, dtype=bool)
    overdue, _ = replay_overdue(
        counts, 360.0, short, interval_s=900, target_s=7200, is_open=is_open
    )
    assert overdue > 0


@pytest.mark.parametrize(("target_h", "n_days"), [(24, 1), (24, 7), (2, 2)])
def test_a_periodic_plan_keeps_every_deadline_when_the_horizon_repeats(target_h, n_days):
    # One day of 9 open hours with a 24 h target: no deadline closes inside one day, so
    # only the steady state (the day repeating) says how many agents the day needs.
    rng = np.random.default_rng(n_days)
    is_open = business_hours_mask(n_days)
    counts = rng.poisson(np.where(is_open, 5.0, 0.5))
    plan = deferred_agents(
        counts, aht_s=300.0, interval_s=900, response_target_s=target_h * 3600, open_mask=is_open
    )
    assert plan.agents.sum() > 0
    repeats = 4
    overdue, checked = replay_overdue(
        np.tile(counts, repeats),
        300.0,
        np.tile(plan.agents, repeats),
        interval_s=900,
        target_s=target_h * 3600,
        is_open=np.tile(is_open, repeats),
    )
    assert checked > 0
    assert overdue == 0
    # Work done per period equals work arriving per period, within the carried backlog.
    assert plan.worked_s.sum() == pytest.approx(
        (counts * 300.0).sum() + plan.backlog_start_s - plan.backlog_end_s
    )


def test_without_periodic_work_not_yet_due_is_left_at_the_end():
    is_open = business_hours_mask(1)
    counts = np.where(is_open, 4, 0)
    plan = deferred_agents(
        counts,
        aht_s=300.0,
        interval_s=900,
        response_target_s=24 * 3600,
        open_mask=is_open,
        periodic=False,
    )
    assert plan.agents.sum() == 0
    assert plan.backlog_end_s == pytest.approx(counts.sum() * 300.0)
