"""One week start per center (center.yaml `week_start`): the helper, weekly forecast totals
and `--week` follow it; Monday stays the default."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import typer

from forecasting.run import to_weekly
from wfm.center import Center
from wfm.cli.options import check_week_start
from wfm.grid import grid, not_week_start, week_start_expr, week_start_of


@pytest.mark.parametrize(("week_start", "first"), [("mon", 16), ("sun", 15), ("sat", 14)])
def test_week_start_of_every_day_of_a_week(week_start: str, first: int) -> None:
    days = [dt.date(2026, 11, first) + dt.timedelta(days=i) for i in range(7)]
    assert {week_start_of(d, week_start) for d in days} == {dt.date(2026, 11, first)}
    frame = pl.DataFrame({"d": days})
    assert frame.select(week_start_expr(pl.col("d"), week_start))["d"].unique().to_list() == [
        dt.date(2026, 11, first)
    ]
    assert not_week_start(dt.date(2026, 11, first), week_start) is None
    assert not_week_start(dt.date(2026, 11, 17), week_start) is not None


def test_weekly_forecast_totals_start_on_the_centers_week_start(center: Center) -> None:
    sunday = center.model_copy(update={"week_start": "sun"})
    starts = grid(dt.date(2026, 11, 15), dt.date(2026, 11, 29), center.tz, center.interval_s)
    table = pl.DataFrame(
        {
            "queue_id": "triage_voice",
            "interval_start": starts,
            "volume": 1.0,
            "volume_lo": 0.5,
            "volume_hi": 2.0,
            "aht_s": 300.0,
            "model": "x",
        }
    )
    for cfg, first in ((center, dt.date(2026, 11, 9)), (sunday, dt.date(2026, 11, 15))):
        weekly = to_weekly(table, cfg)
        local = weekly["interval_start"].dt.convert_time_zone(center.timezone)
        assert local.dt.date().min() == first
        assert (local.dt.hour() == 0).all()
        assert weekly["volume"].sum() == pytest.approx(len(starts))
    # A Sunday week holds exactly the 14 days in two whole weeks.
    assert to_weekly(table, sunday)["volume"].to_list() == [96 * 7] * 2


def test_week_option_follows_the_center(center: Center) -> None:
    check_week_start(dt.date(2026, 11, 16), center)
    with pytest.raises(typer.BadParameter, match="2026-11-15 is not a Monday"):
        check_week_start(dt.date(2026, 11, 15), center)
    sunday = center.model_copy(update={"week_start": "sun"})
    check_week_start(dt.date(2026, 11, 15), sunday)
    with pytest.raises(typer.BadParameter, match="must start on a Sunday"):
        check_week_start(dt.date(2026, 11, 16), sunday)
