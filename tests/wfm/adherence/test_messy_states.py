"""What phone systems really send: disorder, duplicates, overlaps, open states, event logs."""

from __future__ import annotations

import polars as pl
import pytest

from tests.wfm.adherence.conftest import DAY_SHIFT, TS, at, schedule, states
from wfm.adherence import AdherenceRules, adherence, normalize_states
from wfm.errors import AdherenceError, DataError

SHIFT = DAY_SHIFT[:3]  # the morning, to the end of its break
CLEAN = [
    ("a1", "Available", "08:10", "10:00", "e1"),
    ("a1", "Break", "10:00", "10:20", "e2"),
    ("a1", "On Call", "10:20", "12:00", "e3"),
    ("a1", "Logged Out", "12:00", None, "e4"),
]


def _figures(frame: pl.DataFrame, center) -> tuple:
    result = adherence(schedule(SHIFT), frame, center, as_of=at("13:00"))
    return (
        result.agent_days.select("scheduled_s", "in_adherence_s", "worked_s").rows(),
        result.exceptions.select("kind", "start", "end").rows(),
    )


def test_the_clean_case_has_known_answers(center):
    days, exc = _figures(states(CLEAN), center)
    assert days == [(240 * 60.0, 225 * 60.0, 210 * 60.0)]
    assert [e[0] for e in exc] == ["late_start", "long_break"]


def test_events_out_of_order_give_the_same_answer(center):
    shuffled = states([CLEAN[2], CLEAN[0], CLEAN[3], CLEAN[1]])
    assert _figures(shuffled, center) == _figures(states(CLEAN), center)


def test_duplicates_by_event_id_are_idempotent(center):
    # A redelivered event (same id) counts once, even when a field differs.
    replay = [
        *CLEAN,
        ("a1", "Break", "10:00", "10:20", "e2"),
        ("a1", "Break", "10:00", "11:00", "e2"),
    ]
    assert _figures(states(replay), center) == _figures(states(CLEAN), center)


def test_exact_duplicate_rows_without_event_id_count_once(center):
    rows = [r[:4] for r in CLEAN]
    doubled = states(rows + rows)
    assert _figures(doubled, center) == _figures(states(rows), center)


def test_overlapping_states_let_the_later_start_win(center):
    # Available is reported to 10:05 but Break started at 10:00: Break wins from 10:00.
    rows = [("a1", "Available", "08:10", "10:05", "e1"), *CLEAN[1:]]
    assert _figures(states(rows), center) == _figures(states(CLEAN), center)
    clean = normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))
    assert clean.get_column("end").to_list()[0] == at("10:00")


def test_equal_starts_resolve_the_same_whatever_the_row_order(center):
    rows = [*CLEAN, ("a1", "Meeting", "10:00", "10:05", "e9")]
    forward = normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))
    backward = normalize_states(states(rows[::-1]), AdherenceRules(), as_of=at("13:00"))
    assert forward.equals(backward)
    assert "Meeting" not in forward.get_column("state").to_list()


def test_an_open_state_lasts_until_as_of(center):
    rows = [("a1", "Available", "08:00", None)]
    result = adherence(schedule(SHIFT), states(rows), center, as_of=at("09:00"))
    assert result.agent_days.select("scheduled_s", "worked_s").rows() == [(3600.0, 3600.0)]


def test_open_states_close_at_the_next_event(center):
    rows = [(r[0], r[1], r[2], None, r[4]) for r in CLEAN]
    assert _figures(states(rows), center) == _figures(states(CLEAN), center)


def test_an_event_log_with_a_redelivered_event_counts_it_once(center):
    log = states(CLEAN).select("agent_id", pl.col("start").alias("ts"), "state", "event_id")
    doubled = pl.concat([log, log.slice(1, 2)])
    assert _figures(doubled, center) == _figures(states(CLEAN), center)


def test_an_event_log_converted_by_the_loader_keeps_its_answer(center):
    from wfm.loaders import load_states

    log = states(CLEAN).select("agent_id", pl.col("start").alias("ts"), "state", "event_id")
    doubled = pl.concat([log, log.slice(1, 2)])
    assert _figures(load_states(doubled, center), center) == _figures(states(CLEAN), center)


def test_an_event_log_is_read_as_states_lasting_until_the_next_event(center):
    log = states(CLEAN).select("agent_id", pl.col("start").alias("ts"), "state", "event_id")
    assert _figures(log, center) == _figures(states(CLEAN), center)


def test_back_to_back_pieces_of_one_state_merge():
    rows = [("a1", "Available", "08:00", "09:00"), ("a1", "Available", "09:00", "10:00")]
    clean = normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))
    assert clean.select("start", "end").rows() == [(at("08:00"), at("10:00"))]


def test_an_unknown_state_names_itself_and_the_fix():
    rows = [("a1", "Coffee", "08:00", "09:00")]
    with pytest.raises(AdherenceError, match=r"not in the adherence mapping: Coffee.*mapping:"):
        normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))


def test_a_state_ending_before_it_starts_is_reported_with_row_and_column():
    rows = [("a1", "Available", "08:00", "09:00"), ("a1", "Break", "10:00", "09:30")]
    with pytest.raises(DataError, match=r"row 2, column end: end must not be before start"):
        normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))


def test_a_missing_column_is_reported():
    frame = pl.DataFrame(
        {"agent_id": ["a1"], "start": [at("08:00")]}, schema_overrides={"start": TS}
    )
    with pytest.raises(DataError, match="column state: required column is missing"):
        normalize_states(frame, AdherenceRules(), as_of=at("13:00"))


def test_a_state_nested_in_a_longer_one_ends_the_longer_one():
    # The later start wins from its start and the earlier state does not resume after it:
    # a system that nests states must send the resumption as its own event.
    rows = [("a1", "Available", "08:00", "12:00"), ("a1", "Break", "10:00", "10:15")]
    clean = normalize_states(states(rows), AdherenceRules(), as_of=at("13:00"))
    assert clean.select("state", "start", "end").rows() == [
        ("Available", at("08:00"), at("10:00")),
        ("Break", at("10:00"), at("10:15")),
    ]
