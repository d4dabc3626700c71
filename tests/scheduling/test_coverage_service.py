"""Coverage carries the service level and ASA the scheduled agents achieve (Erlang C here)."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from scheduling.report import with_service_levels
from tests.scheduling.conftest import tiny_center

AT = dt.datetime(2026, 11, 30, 14, tzinfo=dt.UTC)


def _erlang_c(n: int, a: float) -> float:
    """Textbook Erlang C by factorials (fine for small N): an independent oracle."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def _frames(scheduled: int, queue_id: str = "triage"):
    coverage = pl.DataFrame(
        {
            "queue_id": [queue_id],
            "interval_start": [AT],
            "agents_gross": [4.0],
            "required": [4],
            "scheduled": [scheduled],
            "shortfall": [max(0, 4 - scheduled)],
            "service_level": [None],
            "asa_s": [None],
        },
        schema_overrides={
            "interval_start": pl.Datetime("us", "UTC"),
            "service_level": pl.Float64,
            "asa_s": pl.Float64,
        },
    )
    requirements = pl.DataFrame(
        {"queue_id": [queue_id], "interval_start": [AT], "volume": [20.0], "aht_s": [300.0]},
        schema_overrides={"interval_start": pl.Datetime("us", "UTC")},
    )
    return coverage, requirements


def test_service_level_and_asa_match_erlang_c_for_the_scheduled_agents():
    center = tiny_center()
    coverage, requirements = _frames(5)
    out = with_service_levels(coverage, requirements, center)
    a = 20 * 300 / 1800
    c = _erlang_c(5, a)
    assert out["service_level"][0] == pytest.approx(1 - c * math.exp(-(5 - a) * 30 / 300))
    assert out["asa_s"][0] == pytest.approx(c * 300 / (5 - a))


def test_more_scheduled_agents_never_lower_the_service_level():
    center = tiny_center()
    levels = [with_service_levels(*_frames(n), center)["service_level"][0] for n in (4, 5, 6)]
    assert levels == sorted(levels)


def test_too_few_agents_for_the_traffic_leave_the_service_level_unknown():
    center = tiny_center()
    out = with_service_levels(*_frames(3), center)
    assert out["service_level"][0] is None
