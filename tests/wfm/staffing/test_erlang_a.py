"""Erlang A against an exact high-precision sum, the Erlang C limit, and a simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.wfm.staffing.staffing_oracles import abandon_within_mp, erlang_a_mp, simulate_mmn_m
from wfm.errors import StaffingError
from wfm.staffing.erlang import erlang_a, erlang_c

# (contacts, aht_s, interval_s, n_agents, patience_s, answer_within_s)
CASES = [
    (100, 180, 1800, 12, 120, 20),
    (100, 180, 1800, 8, 120, 20),  # fewer agents than Erlangs: allowed
    (30, 300, 900, 5, 600, 30),  # heavy overload
    (400, 240, 900, 150, 60, 30),  # overstaffed
    (5, 300, 900, 1, 30, 0),
    (60, 540, 900, 40, 300, 30),
    (0.5, 420, 900, 3, 2_000, 60),
]


LARGE = [(2_000, 180, 900, 420, 240, 20), (2_000, 180, 900, 380, 240, 20)]  # 400 Erlangs


def _erlang_a(contacts, aht_s, interval_s, n, patience_s, t_s, **options):
    """erlang_a of one case in the order of CASES."""
    return erlang_a(
        contacts,
        aht_s=aht_s,
        interval_s=interval_s,
        n_agents=n,
        patience_s=patience_s,
        answer_within_s=t_s,
        **options,
    )


@pytest.mark.parametrize(
    "case", CASES + [pytest.param(case, marks=pytest.mark.slow) for case in LARGE]
)
def test_erlang_a_matches_the_exact_stationary_sum_to_1e_9(case):
    got = _erlang_a(*case)
    for name, value in erlang_a_mp(*case).items():
        assert float(getattr(got, name)) == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_erlang_a_second_service_level_basis_leaves_out_early_hang_ups():
    case = CASES[0]
    offered = _erlang_a(*case)
    late = _erlang_a(*case, service_level_basis="answered_and_late_abandons")
    early = abandon_within_mp(*case)
    want = float(offered.service_level) / (1 - early)
    assert float(late.service_level) == pytest.approx(want, rel=1e-9)
    assert float(late.service_level) > float(offered.service_level)


def test_erlang_a_tends_to_erlang_c_when_callers_never_hang_up():
    n = np.arange(11, 20)
    a = erlang_a(100, aht_s=180, interval_s=1800, n_agents=n, patience_s=1e9, answer_within_s=20)
    c = erlang_c(100, aht_s=180, interval_s=1800, n_agents=n, answer_within_s=20)
    np.testing.assert_allclose(a.service_level, c.service_level, rtol=1e-5)
    np.testing.assert_allclose(a.p_wait, c.p_wait, rtol=1e-5)
    np.testing.assert_allclose(a.asa_s, c.asa_s, rtol=1e-4)
    assert np.all(a.p_abandon < 1e-5)


@pytest.mark.slow
def test_erlang_a_holds_at_ten_thousand_erlangs():
    # 10,000 Erlangs, patience equal to the handle time; spot-check against the exact sum.
    got = erlang_a(
        100_000,
        aht_s=180,
        interval_s=1800,
        n_agents=[9_000, 10_000, 10_100],
        patience_s=180,
        answer_within_s=20,
    )
    assert np.all(np.isfinite(got.service_level))
    assert np.all(np.diff(got.service_level) > 0) and np.all(np.diff(got.p_abandon) < 0)
    want = erlang_a_mp(100_000, 180, 1800, 10_100, 180, 20)
    assert float(got.service_level[2]) == pytest.approx(want["service_level"], rel=1e-8)
    assert float(got.p_abandon[2]) == pytest.approx(want["p_abandon"], rel=1e-8)


def test_no_agents_means_everyone_abandons_and_no_answer_speed():
    got = erlang_a(10, aht_s=180, interval_s=900, n_agents=0, patience_s=60, answer_within_s=20)
    assert float(got.p_abandon) == 1.0
    assert float(got.service_level) == 0.0
    assert np.isnan(got.asa_s)


def test_zero_contacts_give_full_service_level_in_erlang_a():
    got = erlang_a(0, aht_s=180, interval_s=900, n_agents=[0, 2], patience_s=60, answer_within_s=20)
    assert got.service_level.tolist() == [1.0, 1.0]
    assert got.p_abandon.tolist() == [0.0, 0.0]
    assert got.occupancy.tolist() == [0.0, 0.0]


def test_erlang_a_refuses_an_unknown_service_level_basis_and_zero_patience():
    with pytest.raises(StaffingError, match="unknown service level basis"):
        erlang_a(
            10,
            aht_s=180,
            interval_s=900,
            n_agents=3,
            patience_s=60,
            answer_within_s=20,
            service_level_basis="answered",
        )  # type: ignore[arg-type]
    with pytest.raises(StaffingError, match="patience_s must be > 0"):
        erlang_a(10, aht_s=180, interval_s=900, n_agents=3, patience_s=0, answer_within_s=20)


@pytest.mark.slow
@pytest.mark.parametrize(("n", "patience_s"), [(12, 120), (9, 120), (11, 400), (8, 60)])
def test_erlang_a_agrees_with_a_discrete_event_simulation(n, patience_s):
    # 100 calls per 30 min at 180 s (10 Erlangs), SL within 20 s. 400,000 callers; the
    # tolerance is 4 batch-means standard errors (plus 1e-3 absolute for near-zero figures).
    aht_s, t_s = 180.0, 20.0
    sim = simulate_mmn_m(
        lam_per_s=100 / 1800,
        aht_s=aht_s,
        patience_s=patience_s,
        n_agents=n,
        t_s=t_s,
        n_callers=400_000,
        seed=n,
    )
    got = erlang_a(
        100, aht_s=aht_s, interval_s=1800, n_agents=n, patience_s=patience_s, answer_within_s=t_s
    )
    assert float(got.p_wait) == pytest.approx(sim.p_wait, abs=4 * sim.se_p_wait + 1e-3)
    assert float(got.p_abandon) == pytest.approx(sim.p_abandon, abs=4 * sim.se_p_abandon + 1e-3)
    assert float(got.service_level) == pytest.approx(
        sim.service_level, abs=4 * sim.se_service_level + 1e-3
    )
    assert float(got.asa_s) == pytest.approx(sim.asa_s, abs=4 * sim.se_asa_s + 0.1)


@settings(max_examples=60, deadline=None)
@given(
    contacts=st.floats(0.5, 400.0),
    aht_s=st.floats(30.0, 900.0),
    patience_s=st.floats(5.0, 1_000.0),
    t_s=st.floats(0.0, 120.0),
)
def test_more_agents_never_lower_service_level_nor_raise_abandonment(
    contacts, aht_s, patience_s, t_s
):
    traffic = contacts * aht_s / 900
    n = np.arange(0, int(traffic * 1.5) + 8)
    got = erlang_a(
        contacts,
        aht_s=aht_s,
        interval_s=900,
        n_agents=n,
        patience_s=patience_s,
        answer_within_s=t_s,
    )
    assert np.all(np.diff(got.service_level) >= -1e-12)
    assert np.all(np.diff(got.p_abandon) <= 1e-12)
    assert np.all((got.service_level >= 0) & (got.service_level <= 1 + 1e-12))
    assert np.all(np.diff(got.asa_s[1:]) <= 1e-9 * np.maximum(got.asa_s[1:-1], 1.0))
