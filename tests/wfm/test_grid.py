"""The interval grid: local days in UTC, daylight-saving days, open hours."""

from __future__ import annotations

import datetime as dt

import pytest

from wfm.grid import day_grid, grid, open_mask


@pytest.mark.parametrize(
    ("day", "interval_s", "n_intervals"),
    [
        (dt.date(2026, 6, 1), 900, 96),
        (dt.date(2026, 3, 8), 900, 92),  # spring forward
        (dt.date(2026, 11, 1), 900, 100),  # fall back
        (dt.date(2026, 3, 8), 1800, 46),
        (dt.date(2026, 11, 1), 1800, 50),
    ],
)
def test_day_grid_has_92_96_or_100_quarter_hours(center, day, interval_s, n_intervals):
    assert len(day_grid(day, center.tz, interval_s)) == n_intervals


def test_grid_is_utc_and_starts_at_local_midnight(center):
    g = day_grid(dt.date(2026, 11, 1), center.tz, 900)
    assert str(g.dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    assert g[0] == dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)  # EDT midnight
    assert g[-1] == dt.datetime(2026, 11, 2, 4, 45, tzinfo=dt.UTC)  # EST 23:45


def test_grid_of_a_week_is_contiguous(center):
    g = grid(dt.date(2026, 10, 26), dt.date(2026, 11, 2), center.tz, 900)
    assert len(g) == 6 * 96 + 100
    assert g.diff().drop_nulls().unique().to_list() == [dt.timedelta(minutes=15)]


def test_open_mask_follows_local_hours_across_dst(center):
    sched = center.queue("sched_voice")
    for day in (dt.date(2026, 3, 9), dt.date(2026, 11, 2), dt.date(2026, 6, 1)):  # Mondays
        g = day_grid(day, center.tz, 900)
        assert int(open_mask(sched, g, center.tz).sum()) == 12 * 4
    sunday = day_grid(dt.date(2026, 11, 1), center.tz, 900)
    assert int(open_mask(sched, sunday, center.tz).sum()) == 0
    assert int(open_mask(center.queue("triage_voice"), sunday, center.tz).sum()) == 100
