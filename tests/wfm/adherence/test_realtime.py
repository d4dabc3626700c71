"""Real-time snapshot: scheduled activity, actual state, since when, minutes out, severity."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.wfm.adherence.conftest import DAY_SHIFT, at, schedule, states
from wfm.adherence import (
    REALTIME_COLUMNS,
    AdherenceRules,
    RealtimeIndex,
    adherence,
    realtime_snapshot,
)

PLAN = schedule(
    [
        *DAY_SHIFT[:3],
        ("a2", "work", "08:00", "12:00"),
        ("a3", "work", "08:00", "12:00"),
    ]
)
ACTUAL = states(
    [
        ("a1", "Available", "08:00", "10:00"),
        ("a1", "Break", "10:00", "10:40"),
        ("a1", "Available", "10:40", "12:00"),
        ("a2", "Available", "08:00", "09:00"),
        ("a2", "On Call", "09:00", None),
        ("a3", "Logged Out", "07:00", "10:30"),
        ("a3", "Available", "10:30", "12:00"),
    ]
)
ROSTER = pl.DataFrame({"agent_id": ["a1", "a2", "a3"], "team": ["t1", "t1", "t2"]})


@pytest.mark.parametrize(
    ("clock", "a1_out_s", "a1_severity"),
    [
        ("10:10", 0.0, "ok"),
        ("10:19", 240.0, "ok"),
        ("10:20", 300.0, "warning"),
        ("10:29", 840.0, "warning"),
        ("10:30", 900.0, "severe"),
        ("10:45", 0.0, "ok"),
    ],
)
def test_a_long_break_grows_from_ok_to_severe(center, clock, a1_out_s, a1_severity):
    snap = realtime_snapshot(PLAN, ACTUAL, center, at=at(clock), roster=ROSTER)
    row = snap.filter(agent_id="a1").row(0, named=True)
    assert (row["out_of_adherence_s"], row["severity"]) == (a1_out_s, a1_severity)


def test_the_snapshot_names_schedule_state_and_since(center):
    snap = realtime_snapshot(PLAN, ACTUAL, center, at=at("10:20"), roster=ROSTER)
    assert tuple(snap.columns) == REALTIME_COLUMNS
    rows = {r["agent_id"]: r for r in snap.iter_rows(named=True)}
    assert rows["a1"]["scheduled_activity"] == "work"
    assert (rows["a1"]["actual_state"], rows["a1"]["state_since"]) == ("Break", at("10:00"))
    assert (rows["a2"]["actual_state"], rows["a2"]["state_since"]) == ("On Call", at("09:00"))
    assert rows["a2"]["severity"] == "ok"
    # a3 has been logged out since 07:00 but scheduled only from 08:00: 140 minutes out.
    assert rows["a3"]["out_of_adherence_s"] == 140 * 60.0
    assert rows["a3"]["team"] == "t2"
    # Worst first.
    assert snap.get_column("agent_id").to_list() == ["a3", "a1", "a2"]


def test_states_after_the_instant_are_ignored(center):
    early = realtime_snapshot(PLAN, ACTUAL, center, at=at("10:20"))
    cut = ACTUAL.filter(pl.col("start") <= at("10:20"))
    assert early.equals(realtime_snapshot(PLAN, cut, center, at=at("10:20")))


def test_an_agent_outside_any_data_is_off_with_no_state(center):
    snap = realtime_snapshot(PLAN, ACTUAL, center, at=at("06:00"))
    assert snap.get_column("scheduled_activity").to_list() == ["off", "off", "off"]
    assert snap.filter(agent_id="a1").get_column("actual_state").to_list() == [None]


def test_the_index_answers_many_instants_like_the_one_shot_function(center):
    full = adherence(PLAN, ACTUAL, center, as_of=at("12:00"), roster=ROSTER)
    index = RealtimeIndex(full.timeline, AdherenceRules())
    for minute in range(8 * 60, 12 * 60, 7):
        instant = at("00:00") + dt.timedelta(minutes=minute)
        one_shot = realtime_snapshot(PLAN, ACTUAL, center, at=instant, roster=ROSTER)
        assert index.snapshot(instant).equals(one_shot), instant


def test_instants_in_any_zone_give_the_same_snapshot(center):
    utc = realtime_snapshot(PLAN, ACTUAL, center, at=at("10:20"))
    local = realtime_snapshot(PLAN, ACTUAL, center, at=at("10:20").astimezone(center.tz))
    assert utc.equals(local)


def test_a_naive_instant_is_refused(center):
    from wfm.errors import AdherenceError

    with pytest.raises(AdherenceError, match="at must be timezone-aware"):
        realtime_snapshot(PLAN, ACTUAL, center, at=dt.datetime(2026, 11, 10, 10, 20))
