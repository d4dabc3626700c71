"""A data gap (days without any history row) is missing data, never zeros: the forecast after
it matches the one from the full history, while zeros in its place pull it down."""

from __future__ import annotations

import datetime as dt
import logging

import polars as pl
import pytest

from forecasting import forecast
from wfm.center import Center
from wfm.grid import local_midnight_utc
from wfm.loaders import load_events
from wfm.synthetic import shaped_history

GAP = (dt.date(2026, 2, 16), dt.date(2026, 3, 2))  # two weeks, end exclusive
START = dt.date(2026, 3, 16)  # the day after the history


@pytest.mark.parametrize("model", ["weighted_avg", "ets"])
def test_the_weeks_after_a_gap_forecast_as_without_it(
    center: Center, model: str, caplog: pytest.LogCaptureFixture
) -> None:
    full = shaped_history(
        center, start=dt.date(2026, 1, 5), n_days=70, queue_ids=["triage_voice", "sched_voice"]
    )
    lo, hi = (local_midnight_utc(d, center.tz) for d in GAP)
    in_gap = pl.col("interval_start").is_between(lo, hi, closed="left")
    arms = {
        "full": full,
        "gap": full.filter(~in_gap),
        "zeros": full.with_columns(pl.when(in_gap).then(0).otherwise("offered").alias("offered")),
    }
    totals = {}
    with caplog.at_level(logging.WARNING):
        for arm, history in arms.items():
            table = forecast(history, center, start=START, horizon_days=7, model=model).forecast
            totals[arm] = table.group_by("queue_id").agg(pl.col("volume").sum()).sort("queue_id")
    assert "data gap(s) left out of fitting and scoring" in caplog.text
    assert "2026-02-16 to 2026-03-01 (14 days)" in caplog.text
    ratio_gap = totals["gap"]["volume"] / totals["full"]["volume"]
    ratio_zeros = totals["zeros"]["volume"] / totals["full"]["volume"]
    assert ((ratio_gap - 1).abs() < 0.03).all(), ratio_gap.to_list()
    assert (ratio_zeros < 0.96).all(), ratio_zeros.to_list()


def test_a_declared_gap_reads_the_rows_there_as_missing(center: Center) -> None:
    full = shaped_history(
        center, start=dt.date(2026, 1, 5), n_days=70, queue_ids=["triage_voice", "sched_voice"]
    )
    lo, hi = (local_midnight_utc(d, center.tz) for d in GAP)
    in_gap = pl.col("interval_start").is_between(lo, hi, closed="left")
    # An export that wrote zeros for the weeks it lost, and the gap declared in the events.
    zeros = full.with_columns(pl.when(in_gap).then(0).otherwise("offered").alias("offered"))
    declared = load_events(
        pl.DataFrame(
            {
                "name": ["export lost"],
                "kind": ["data_gap"],
                "start": [str(GAP[0])],
                "end": [str(GAP[1] - dt.timedelta(days=1))],
            }
        ),
        center,
    )

    def totals(history: pl.DataFrame, events: pl.DataFrame | None) -> pl.Series:
        table = forecast(
            history, center, start=START, horizon_days=7, model="weighted_avg", events=events
        ).forecast
        return table.group_by("queue_id").agg(pl.col("volume").sum()).sort("queue_id")["volume"]

    assert totals(zeros, declared).to_list() == pytest.approx(
        totals(full.filter(~in_gap), None).to_list(), rel=1e-12
    )
    assert totals(zeros, None).to_list() != pytest.approx(totals(zeros, declared).to_list())
