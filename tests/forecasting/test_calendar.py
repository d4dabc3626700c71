"""Holiday and event features: observed holidays, the day after, event day shares, outages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forecasting.calendar import day_features, event_share, holiday_names, outage_days
from wfm.loaders import SCHEMAS

UTC = dt.UTC


def _event(name: str, kind: str, start: tuple, end: tuple, queue_id: str | None = None):
    """An events table of one event from `start` to `end` (UTC, as datetime arguments)."""
    row = (name, kind, dt.datetime(*start, tzinfo=UTC), dt.datetime(*end, tzinfo=UTC), queue_id)
    return pl.DataFrame([row], schema=SCHEMAS["events"].dtypes, orient="row")


def test_observed_holiday_is_flagged_and_the_day_after_too(center):
    # 4 July 2026 is a Saturday: the US observes it on Friday 3 July.
    dates = [dt.date(2026, 7, 1) + dt.timedelta(days=i) for i in range(7)]
    feats = day_features(center, "sched_voice", dates, anchor=dates[0])
    col = dict(zip(feats.names, feats.values.T, strict=True))
    assert col["holiday_independence_day"].tolist() == [0, 0, 1, 1, 0, 0, 0]
    assert not any(
        name.startswith("holiday_") and name != "holiday_independence_day" for name in col
    )
    assert col["after_holiday"].tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert "Independence Day" in holiday_names(center, [dt.date(2026, 7, 3)])[dt.date(2026, 7, 3)]


def test_event_share_is_the_covered_fraction_of_the_local_day(center):
    # Noon to midnight local (EST, UTC-5) on 10 Feb 2026 is half the day.
    ev = _event("clinic promo", "campaign", (2026, 2, 10, 17), (2026, 2, 11, 5), "sched_voice")
    dates = [dt.date(2026, 2, 9), dt.date(2026, 2, 10), dt.date(2026, 2, 11)]
    np.testing.assert_allclose(
        event_share(ev, center, "sched_voice", dates, "campaign"), [0, 0.5, 0]
    )
    # An event for one queue does not touch another.
    assert event_share(ev, center, "billing_voice", dates, "campaign").sum() == 0


def test_events_for_all_queues_become_regressor_columns(center):
    ev = _event("flu", "flu_season", (2026, 1, 1, 5), (2026, 1, 3, 5))
    dates = [dt.date(2025, 12, 31) + dt.timedelta(days=i) for i in range(4)]
    feats = day_features(center, "triage_voice", dates, anchor=dates[0], events=ev)
    flu = feats.values[:, feats.names.index("event_flu_season")]
    # A flu season rises and falls: sin(pi * phase) at the middle of each of its two days.
    np.testing.assert_allclose(flu, [0, np.sin(np.pi / 4), np.sin(3 * np.pi / 4), 0])


def test_a_flu_season_peaks_in_its_middle(center):
    ev = _event("flu", "flu_season", (2025, 12, 1, 5), (2026, 3, 1, 5))
    dates = [dt.date(2025, 11, 30) + dt.timedelta(days=i) for i in range(92)]
    flu = event_share(ev, center, "triage_voice", dates, "flu_season")
    assert flu[0] == 0 and flu[-1] == 0
    assert 44 <= int(np.argmax(flu)) <= 46
    assert flu.max() == pytest.approx(1, abs=1e-3)


def test_outage_days_are_flagged_not_regressors(center):
    ev = _event("ACD down", "outage", (2026, 2, 10, 15), (2026, 2, 10, 16))
    dates = [dt.date(2026, 2, 9), dt.date(2026, 2, 10)]
    assert outage_days(ev, center, "sched_voice", dates).tolist() == [False, True]
    assert "event_outage" not in day_features(center, "sched_voice", dates, anchor=dates[0]).names


def test_each_holiday_gets_its_own_flag(center):
    dates = [dt.date(2026, 11, 20) + dt.timedelta(days=i) for i in range(40)]
    feats = day_features(center, "sched_voice", dates, anchor=dates[0])
    col = dict(zip(feats.names, feats.values.T, strict=True))
    thanksgiving, christmas = dates.index(dt.date(2026, 11, 26)), dates.index(dt.date(2026, 12, 25))
    assert np.flatnonzero(col["holiday_thanksgiving_day"]).tolist() == [thanksgiving]
    assert np.flatnonzero(col["holiday_christmas_day"]).tolist() == [christmas]
