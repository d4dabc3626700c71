"""The simulator against Erlang C and Erlang A on their own ground: one queue, constant
agents, no breaks, exponential handle times (and exponential patience for Erlang A).

The slow tests (a week x 20 replications, eight loads, 28 checks) ask that the Erlang figure
lies inside the simulation's confidence interval over replications, at a joint 95 % level:
each check's 95 % interval is widened to the Bonferroni level 1 - 0.05 / 28 (a factor of
about 1.8), since a correct simulator fails one check in twenty at the plain 95 % level. The
fast tests (a 24-hour day, about 5,800 contacts, x 8 replications; 7 checks) widen the 95 %
interval to twice its half-width (about 99.9 % per check). A 150-replication run of the
Erlang A case (12 contacts / 15 min, 4 agents) agrees to within 0.5 % on every figure.
Warm-up bias (the center starts empty) is well under the interval's width at these horizons.
"""

from __future__ import annotations

import pytest
from scipy import stats

from tests.wfm.simulation.conftest import constant_agents, constant_volumes, one_queue_center
from wfm.simulation import HandleTimeModel, simulate
from wfm.staffing.erlang import erlang_a, erlang_c

EXPONENTIAL = HandleTimeModel(kind="exponential")
N_SLOW_CHECKS, SLOW_REPLICATIONS = 28, 20
SLOW_WIDEN = float(
    stats.t.ppf(1 - 0.05 / (2 * N_SLOW_CHECKS), SLOW_REPLICATIONS - 1)
    / stats.t.ppf(0.975, SLOW_REPLICATIONS - 1)
)


def _inside(summary: dict[str, float], name: str, value: float, widen: float) -> bool:
    """`value` within the mean +- widen x the 95 % CI half-width of `name`."""
    mean, lo, hi = summary[name], summary[f"{name}_lo"], summary[f"{name}_hi"]
    return mean - widen * (mean - lo) <= value <= mean + widen * (hi - mean)


def _run(volume: float, n_agents: int, hours: int, replications: int, **center_kw: float) -> dict:
    center = one_queue_center(**center_kw)
    result = simulate(
        # Agents stay on 2 hours past the last arrival so that every contact is served.
        constant_agents(n_agents, hours + 2),
        constant_volumes(volume, hours * 4),
        center,
        replications=replications,
        seed=11,
        handle_times=EXPONENTIAL,
    )
    return result.summary.row(0, named=True)


def _check_erlang_c(
    volume: float, n_agents: int, hours: int, replications: int, widen: float
) -> None:
    got = _run(volume, n_agents, hours, replications)
    want = erlang_c(volume, aht_s=300, interval_s=900, n_agents=n_agents, answer_within_s=20)
    assert _inside(got, "service_level", float(want.service_level), widen), (got, want)
    assert _inside(got, "asa_s", float(want.asa_s), widen), (got, want)
    assert _inside(got, "p_wait", float(want.p_wait), widen), (got, want)
    assert got["abandoned"] == 0
    assert got["occupancy"] == pytest.approx(float(want.occupancy), abs=0.02)


def _check_erlang_a(
    volume: float, n_agents: int, hours: int, replications: int, widen: float
) -> None:
    got = _run(volume, n_agents, hours, replications, patience_s=120.0)
    want = erlang_a(
        volume,
        aht_s=300,
        interval_s=900,
        n_agents=n_agents,
        patience_s=120,
        answer_within_s=20,
    )
    assert _inside(got, "abandon_rate", float(want.p_abandon), widen), (got, want)
    assert _inside(got, "service_level", float(want.service_level), widen), (got, want)
    assert _inside(got, "asa_s", float(want.asa_s), widen), (got, want)
    assert _inside(got, "p_wait", float(want.p_wait), widen), (got, want)


def test_one_day_agrees_with_erlang_c() -> None:
    # 60 contacts / 15 min x 300 s = 20 Erlangs on 23 agents (occupancy 0.87).
    _check_erlang_c(60.0, 23, 24, 8, widen=2.0)


def test_one_day_with_patience_agrees_with_erlang_a() -> None:
    # 20 Erlangs on 20 agents: Erlang C would be unstable; abandonment keeps it bounded.
    _check_erlang_a(60.0, 20, 24, 8, widen=2.0)


def test_chat_agents_with_concurrency_two_agree_with_erlang_c_on_twice_the_servers() -> None:
    # The staffing engine's chat model: N agents x concurrency c serve as N c servers.
    center = one_queue_center(concurrency=2)
    result = simulate(
        constant_agents(12, 26),
        constant_volumes(60.0, 96),
        center,
        replications=8,
        seed=11,
        handle_times=EXPONENTIAL,
    )
    got = result.summary.row(0, named=True)
    want = erlang_c(60.0, aht_s=300, interval_s=900, n_agents=24, answer_within_s=20)
    assert _inside(got, "service_level", float(want.service_level), 2.0), (got, want)
    assert _inside(got, "asa_s", float(want.asa_s), 2.0), (got, want)
    # Occupancy counts a chat as half an agent: 20 Erlangs of chats on 12 agents.
    assert got["occupancy"] == pytest.approx(20 / 2 / 12, abs=0.02)


@pytest.mark.slow
@pytest.mark.parametrize(("volume", "n_agents"), [(12.0, 6), (60.0, 22), (60.0, 26), (300.0, 106)])
def test_a_week_agrees_with_erlang_c(volume: float, n_agents: int) -> None:
    _check_erlang_c(volume, n_agents, 24 * 7, SLOW_REPLICATIONS, widen=SLOW_WIDEN)


@pytest.mark.slow
@pytest.mark.parametrize(("volume", "n_agents"), [(12.0, 4), (60.0, 18), (60.0, 22), (300.0, 100)])
def test_a_week_with_patience_agrees_with_erlang_a(volume: float, n_agents: int) -> None:
    _check_erlang_a(volume, n_agents, 24 * 7, SLOW_REPLICATIONS, widen=SLOW_WIDEN)
