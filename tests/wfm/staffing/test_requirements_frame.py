"""The requirements table built from forecast and history frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from tests.conftest import with_cells
from wfm.errors import StaffingError
from wfm.grid import day_grid, open_mask
from wfm.loaders import load_requirements
from wfm.staffing.frame import (
    REQUIREMENT_COLUMNS,
    last_week,
    requirements_from_frame,
    select_local_days,
    summarize_requirements,
)
from wfm.staffing.requirements import StaffingTarget, agents_required
from wfm.synthetic.history import history_rows

MONDAY = dt.date(2026, 11, 2)  # the DST change in New York was the day before


def history_frame(center, days: list[dt.date], *, seed: int = 0) -> pl.DataFrame:
    """Open-hours history rows for every queue (closed intervals absent, as in real files)."""
    rng = np.random.default_rng(seed)
    parts = []
    for queue in center.queues:
        for day in days:
            starts = day_grid(day, center.tz, center.interval_s)
            starts = starts.filter(open_mask(queue, starts, center.tz))
            offered = rng.poisson(20, starts.len())
            handled = np.minimum(offered, rng.poisson(19, starts.len()))
            aht = np.where(handled > 0, rng.uniform(200, 400, starts.len()), np.nan)
            parts.append(history_rows(queue.id, starts, offered, handled, aht))
    return pl.concat(parts)


def test_history_gives_the_requirements_table_with_its_exact_columns(center):
    history = history_frame(center, [MONDAY])
    req = requirements_from_frame(history, center)
    assert req.schema == pl.Schema(REQUIREMENT_COLUMNS)
    # Every queue gets its whole local day, closed intervals included.
    assert req.height == len(center.queues) * 96
    load_requirements(req, center)  # the loader's own validation accepts it


def test_history_volume_is_offered_and_missing_aht_takes_the_configured_value(center):
    history = with_cells(history_frame(center, [MONDAY]), 0, aht_s=None)
    first = history.row(0, named=True)
    req = requirements_from_frame(history, center)
    row = req.filter(
        (pl.col("queue_id") == first["queue_id"])
        & (pl.col("interval_start") == first["interval_start"])
    ).row(0, named=True)
    assert row["volume"] == float(first["offered"])
    assert row["aht_s"] == center.queue(first["queue_id"]).aht_s


def test_real_time_agents_match_agents_required_with_the_queue_target(center):
    history = history_frame(center, [MONDAY])
    req = requirements_from_frame(history, center).filter(pl.col("queue_id") == "sched_voice")
    queue = center.queue("sched_voice")
    want = agents_required(
        req["volume"].to_numpy(),
        aht_s=req["aht_s"].to_numpy(),
        interval_s=900,
        target=StaffingTarget(
            service_level_frac=0.8,
            answer_within_s=30,
            max_abandon_frac=0.05,
            max_occupancy_frac=center.max_occupancy_frac,
        ),
        patience_s=queue.patience_s,
    )
    np.testing.assert_array_equal(req["agents_net"].to_numpy(), want.agents)
    np.testing.assert_allclose(req["workload_erl"].to_numpy(), req["volume"] * req["aht_s"] / 900)
    assert (req["service_level"].drop_nulls() >= 0.8).all()
    assert (req["abandon_rate"].drop_nulls() <= 0.05).all()


def test_gross_agents_divide_net_by_one_minus_shrinkage(center):
    req = requirements_from_frame(history_frame(center, [MONDAY]), center)
    np.testing.assert_allclose(
        req["agents_gross"].to_numpy(), req["agents_net"].to_numpy() / (1 - 0.15)
    )


def test_closed_intervals_need_no_agents_and_deferred_queues_have_no_erlang_figures(center):
    req = requirements_from_frame(history_frame(center, [MONDAY]), center)
    billing = req.filter(pl.col("queue_id") == "billing_email")
    closed = ~open_mask(center.queue("billing_email"), billing["interval_start"], center.tz)
    assert (billing.filter(closed)["agents_net"] == 0).all()
    assert billing["service_level"].null_count() == billing.height
    assert billing["agents_net"].sum() > 0
    chat = req.filter(pl.col("queue_id") == "sched_chat")
    np.testing.assert_allclose(chat["workload_erl"], chat["volume"] * chat["aht_s"] / 900 / 2)


def test_a_forecast_frame_is_staffed_from_its_volume(center):
    starts = day_grid(MONDAY, center.tz, 900)
    forecast = pl.DataFrame(
        {
            "queue_id": "triage_voice",
            "interval_start": starts,
            "volume": np.full(starts.len(), 12.5),
            "volume_lo": np.full(starts.len(), 10.0),
            "volume_hi": np.full(starts.len(), 15.0),
            "aht_s": np.full(starts.len(), 540.0),
            "model": "flat",
        }
    )
    req = requirements_from_frame(forecast, center)
    assert req["queue_id"].unique().to_list() == ["triage_voice"]
    assert req["agents_net"].n_unique() == 1
    assert req["workload_erl"][0] == pytest.approx(12.5 * 540 / 900)


def test_unknown_queue_and_negative_volume_are_clear_errors(center):
    history = history_frame(center, [MONDAY])
    stray = with_cells(history, 3, queue_id="ghost_q")
    with pytest.raises(StaffingError, match="unknown queue.*ghost_q"):
        requirements_from_frame(stray, center)
    negative = history.with_columns(pl.lit(-1).alias("offered"))
    with pytest.raises(StaffingError, match="volume must be >= 0"):
        requirements_from_frame(negative, center)
    with pytest.raises(StaffingError, match="neither a forecast"):
        requirements_from_frame(history.drop("offered"), center)


def test_last_week_is_the_last_seven_local_days(center):
    days = [MONDAY + dt.timedelta(days=i) for i in range(10)]
    history = history_frame(center, days)
    start, end = last_week(history, center)
    assert (start, end) == (days[3], days[9])
    week = select_local_days(history, center, start=start, end=end)
    req = requirements_from_frame(week, center)
    assert req["interval_start"].min() == day_grid(days[3], center.tz, 900)[0]
    summary = summarize_requirements(req, center)
    assert summary.height == 7 * len(center.queues)
    assert summary["date"].min() == days[3]
    with pytest.raises(StaffingError, match="no rows between"):
        select_local_days(history, center, start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 7))
