"""Fixtures for forecasting tests: small synthetic histories on the sample center."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wfm.center import Center
from wfm.synthetic import shaped_history


@pytest.fixture(scope="session")
def short_history(center: Center) -> pl.DataFrame:
    """Ten weeks of two queues (office hours and 24/7), seed 0."""
    return shaped_history(
        center, start=dt.date(2026, 1, 5), n_days=70, queue_ids=["sched_voice", "triage_voice"]
    )
