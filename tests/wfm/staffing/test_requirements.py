"""Agents needed: the smallest N meeting every target, checked by brute force."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.errors import StaffingError
from wfm.staffing.requirements import (
    StaffingTarget,
    agents_required,
    evaluate_agents,
    meets_target,
)

RNG = np.random.default_rng(3)
CONTACTS = np.concatenate([[0.0, 0.3, 1.0, 2_000.0], RNG.gamma(2.0, 25.0, 60)])
AHT_S = np.concatenate([[300.0, 300.0, 60.0, 180.0], RNG.uniform(120.0, 700.0, 60)])

TARGETS = [
    (StaffingTarget(service_level_frac=0.8, answer_within_s=20), None),
    (StaffingTarget(service_level_frac=0.9, answer_within_s=30, max_occupancy_frac=0.85), None),
    (StaffingTarget(max_asa_s=50), None),
    (StaffingTarget(service_level_frac=0.8, answer_within_s=30, max_abandon_frac=0.05), 180.0),
    (StaffingTarget(max_asa_s=50, max_abandon_frac=0.05), 200.0),
    (StaffingTarget(max_abandon_frac=0.03), 300.0),
    (StaffingTarget(service_level_frac=0.8, answer_within_s=60), 20.0),
    (StaffingTarget(service_level_frac=0.8, answer_within_s=60, max_occupancy_frac=0.7), 600.0),
]


def _meets(target: StaffingTarget, patience_s, n, concurrency=1):
    fig = evaluate_agents(
        CONTACTS,
        aht_s=AHT_S,
        interval_s=900,
        n_agents=n,
        answer_within_s=target.answer_within_s or 0.0,
        patience_s=patience_s,
        concurrency=concurrency,
    )
    return meets_target(fig, target) | (CONTACTS == 0)


@pytest.mark.parametrize(("target", "patience_s"), TARGETS)
def test_agents_required_is_the_smallest_count_that_meets_every_target(target, patience_s):
    got = agents_required(
        CONTACTS, aht_s=AHT_S, interval_s=900, target=target, patience_s=patience_s
    )
    assert _meets(target, patience_s, got.agents).all()
    fewer = np.maximum(got.agents - 1, 0)
    assert not (_meets(target, patience_s, fewer) & (got.agents > 0)).any()


@pytest.mark.parametrize("concurrency", [2, 3])
def test_chat_agents_are_concurrency_servers_each(concurrency):
    target = StaffingTarget(service_level_frac=0.8, answer_within_s=60)
    servers = agents_required(CONTACTS, aht_s=AHT_S, interval_s=900, target=target).agents
    chat = agents_required(
        CONTACTS, aht_s=AHT_S, interval_s=900, target=target, concurrency=concurrency
    )
    np.testing.assert_array_equal(chat.agents, -(-servers // concurrency))
    np.testing.assert_allclose(chat.workload_erl, CONTACTS * AHT_S / 900 / concurrency)


def test_published_example_needs_fourteen_agents_for_80_in_20():
    # Call Centre Helper: 100 calls per 30 min, AHT 180 s, 80 % in 20 s -> 14 agents, 88.8 %.
    got = agents_required(
        100,
        aht_s=180,
        interval_s=1800,
        target=StaffingTarget(service_level_frac=0.8, answer_within_s=20),
    )
    assert int(got.agents) == 14
    assert float(got.service_level) == pytest.approx(0.8884, abs=5e-5)
    assert float(got.workload_erl) == 10.0


def test_occupancy_cap_binds_on_a_large_queue():
    target = StaffingTarget(service_level_frac=0.5, answer_within_s=60, max_occupancy_frac=0.85)
    got = agents_required(2_000, aht_s=450, interval_s=900, target=target)
    assert int(got.agents) == int(np.ceil(1_000 / 0.85))
    assert float(got.occupancy) <= 0.85


def test_zero_contacts_need_zero_agents_and_keep_full_service_level():
    target = StaffingTarget(service_level_frac=0.8, answer_within_s=20, max_abandon_frac=0.05)
    got = agents_required([0.0, 0.0], aht_s=300, interval_s=900, target=target, patience_s=120)
    assert got.agents.tolist() == [0, 0]
    assert got.service_level.tolist() == [1.0, 1.0]
    assert got.workload_erl.tolist() == [0.0, 0.0]


def test_requirements_hold_at_ten_thousand_erlangs():
    target = StaffingTarget(service_level_frac=0.8, answer_within_s=20)
    got = agents_required(100_000, aht_s=180, interval_s=1800, target=target)
    n = int(got.agents)
    assert 10_000 < n < 10_100
    below = evaluate_agents(100_000, aht_s=180, interval_s=1800, n_agents=n - 1, answer_within_s=20)
    assert float(below.service_level) < 0.8 <= float(got.service_level)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"service_level_frac": 1.2, "answer_within_s": 20}, "between 0 and 1"),
        ({"service_level_frac": 0.0, "answer_within_s": 20}, "between 0 and 1"),
        ({"service_level_frac": 0.8}, "needs both"),
        ({"max_asa_s": -5}, "max ASA must be > 0"),
        ({"max_abandon_frac": 1.0}, "between 0 and 1"),
        ({"max_asa_s": 50, "max_occupancy_frac": 1.5}, "max occupancy"),
        ({"max_occupancy_frac": 0.85}, "give a target"),
    ],
)
def test_bad_targets_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(StaffingError, match=message):
        StaffingTarget(**kwargs)


def test_abandonment_target_without_patience_is_refused():
    with pytest.raises(StaffingError, match="needs a caller patience"):
        agents_required(10, aht_s=180, interval_s=900, target=StaffingTarget(max_abandon_frac=0.05))


def test_negative_contacts_are_refused():
    with pytest.raises(StaffingError, match="contacts must be >= 0"):
        agents_required([5, -1], aht_s=180, interval_s=900, target=StaffingTarget(max_asa_s=30))
