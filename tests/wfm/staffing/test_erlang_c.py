"""Erlang C against mpmath, a published table, and its own invariants."""

from __future__ import annotations

import numpy as np
import pytest
from staffing_oracles import erlang_c_mp

from wfm.errors import StaffingError
from wfm.staffing.erlang import erlang_b, erlang_c

# (contacts, aht_s, interval_s, n_agents, answer_within_s)
CASES = [
    (100, 180, 1800, 11, 20),
    (100, 180, 1800, 14, 20),
    (1, 300, 900, 1, 30),
    (37.5, 420, 900, 20, 60),
    (250, 240, 900, 80, 30),
    (900, 600, 1800, 320, 20),
    # 10,000 Erlangs: 100,000 contacts per 30 minutes at 180 s.
    (100_000, 180, 1800, 10_001, 20),
    (100_000, 180, 1800, 10_100, 20),
    (100_000, 180, 1800, 10_300, 20),
]


@pytest.mark.parametrize(("contacts", "aht_s", "interval_s", "n", "t_s"), CASES)
def test_erlang_c_matches_mpmath_to_1e_9(contacts, aht_s, interval_s, n, t_s):
    got = erlang_c(contacts, aht_s=aht_s, interval_s=interval_s, n_agents=n, answer_within_s=t_s)
    want = erlang_c_mp(contacts, aht_s, interval_s, n, t_s)
    assert bool(got.stable)
    for name, value in want.items():
        assert float(getattr(got, name)) == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_erlang_c_is_vectorized_and_agrees_with_the_scalar_calls():
    contacts = np.array([c[0] for c in CASES], dtype=float)
    aht = np.array([c[1] for c in CASES], dtype=float)
    interval = np.array([c[2] for c in CASES], dtype=float)
    n = np.array([c[3] for c in CASES])
    t = np.array([c[4] for c in CASES], dtype=float)
    many = erlang_c(contacts, aht_s=aht, interval_s=interval, n_agents=n, answer_within_s=t)
    for i, case in enumerate(CASES):
        one = erlang_c(
            case[0], aht_s=case[1], interval_s=case[2], n_agents=case[3], answer_within_s=case[4]
        )
        assert many.service_level[i] == pytest.approx(float(one.service_level), rel=1e-14)


# Call Centre Helper, "Erlang C formula - made simple": 100 calls in 30 minutes, AHT 3 min
# (10 Erlangs), target 80 % in 20 s. Published P(wait), SL and ASA per agent count.
PUBLISHED = [
    # n_agents, p_wait, service_level, asa_s
    (11, 0.6821, 0.3896, 122.8),
    (12, 0.4494, 0.6402, 40.4),
    (13, 0.2853, 0.7956, 17.1),
    (14, 0.1741, 0.8884, 7.8),
    (15, 0.1020, 0.9415, 3.7),
]


@pytest.mark.parametrize(("n", "p_wait", "sl", "asa_s"), PUBLISHED)
def test_erlang_c_reproduces_the_published_table(n, p_wait, sl, asa_s):
    got = erlang_c(100, aht_s=180, interval_s=1800, n_agents=n, answer_within_s=20)
    assert float(got.p_wait) == pytest.approx(p_wait, abs=5e-5)
    assert float(got.service_level) == pytest.approx(sl, abs=5e-5)
    assert float(got.asa_s) == pytest.approx(asa_s, abs=0.05)


def test_erlang_c_reports_too_few_agents_as_unstable_not_as_a_number():
    got = erlang_c(100, aht_s=180, interval_s=1800, n_agents=[9, 10, 11], answer_within_s=20)
    assert got.stable.tolist() == [False, False, True]
    assert np.isnan(got.service_level[:2]).all()
    assert np.isnan(got.asa_s[:2]).all()
    assert np.isnan(got.p_wait[:2]).all()


def test_zero_contacts_give_full_service_level_and_no_wait():
    got = erlang_c(0, aht_s=180, interval_s=1800, n_agents=[0, 3], answer_within_s=20)
    assert got.stable.all()
    assert got.service_level.tolist() == [1.0, 1.0]
    assert got.asa_s.tolist() == [0.0, 0.0]
    assert got.p_wait.tolist() == [0.0, 0.0]


def test_more_agents_never_lower_the_service_level():
    n = np.arange(11, 200)
    got = erlang_c(100, aht_s=180, interval_s=1800, n_agents=n, answer_within_s=20)
    assert np.all(np.diff(got.service_level) >= 0)
    assert np.all(np.diff(got.asa_s) <= 0)
    assert np.all(np.diff(got.service_level[:10]) > 0)


def test_erlang_b_handles_ten_thousand_erlangs_without_overflow():
    b = erlang_b([0, 1, 5_000, 10_000, 12_000], 10_000.0)
    assert b[0] == 1.0
    assert b[1] == pytest.approx(10_000 / 10_001, rel=1e-15)
    assert np.all(np.isfinite(b)) and np.all((b >= 0) & (b <= 1))
    assert b[2] == pytest.approx(0.5, rel=1e-3)  # B ~ 1 - N/A deep in overload
    assert 0 < b[4] < 1e-80


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"contacts": -1}, "contacts must be >= 0"),
        ({"aht_s": 0}, "aht_s must be > 0"),
        ({"interval_s": -900}, "interval_s must be > 0"),
        ({"n_agents": 2.5}, "n_agents must be a whole number"),
        ({"n_agents": -1}, "n_agents must be >= 0"),
        ({"answer_within_s": float("nan")}, "answer_within_s must be a finite number"),
    ],
)
def test_bad_inputs_raise_a_staffing_error_that_names_the_input(kwargs, message):
    args = {
        "contacts": 10,
        "aht_s": 180,
        "interval_s": 900,
        "n_agents": 5,
        "answer_within_s": 20,
    } | kwargs
    contacts = args.pop("contacts")
    with pytest.raises(StaffingError, match=message):
        erlang_c(contacts, **args)
