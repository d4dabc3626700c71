"""Table loaders: each validation rule has a broken fixture whose error names row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from wfm.errors import DataError
from wfm.loaders import (
    aggregate_to_grid,
    format_availability,
    load_drivers,
    load_events,
    load_forecast,
    load_history,
    load_requirements,
    load_roster,
    load_schedule,
    load_states,
    parse_availability,
)

HISTORY_HEADER = "queue_id,interval_start,offered,handled,abandoned,aht_s\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def triage_day_csv(day: dt.date, n_intervals: int, *, skip: int | None = None) -> str:
    """A full local day of 15-minute triage rows as aware UTC strings (DST-proof)."""
    from zoneinfo import ZoneInfo

    from wfm.grid import day_grid

    rows = [
        f"triage_voice,{ts.isoformat()},4,4,0,500.0\n"
        for i, ts in enumerate(day_grid(day, ZoneInfo("America/New_York"), 900))
        if i != skip
    ]
    assert len(rows) == n_intervals - (skip is not None)
    return HISTORY_HEADER + "".join(rows)


def data_error(load, *args, **kwargs) -> str:
    """The message of the DataError that `load(*args, **kwargs)` raises."""
    with pytest.raises(DataError) as err:
        load(*args, **kwargs)
    return str(err.value)


def test_history_loads_typed_utc_frame(tmp_path, center):
    path = write(tmp_path, "history.csv", triage_day_csv(dt.date(2026, 6, 1), 96))
    frame = load_history(path, center)
    assert frame.height == 96
    assert frame.schema["interval_start"] == pl.Datetime("us", "UTC")
    assert frame.schema["offered"] == pl.Int64
    assert frame.schema["aht_s"] == pl.Float64


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("triage_voice,2026-06-01T04:00:00Z,-3,0,0,\n", "line 2, column offered: must be >= 0"),
        (
            "triage_voice,2026-06-01T04:00:00Z,x,0,0,\n",
            "line 2, column offered: not a whole number",
        ),
        ("triage_voice,2026-06-01T04:00:00Z,3,3,0,-1\n", "line 2, column aht_s: must be >= 0"),
        ("triage_voice,yesterday,3,3,0,300\n", "line 2, column interval_start: not a timestamp"),
        ("triage_voice,2026-06-01T04:05:00Z,3,3,0,300\n", "not on the 15-minute grid"),
        ("triage_voice,2026-06-01T04:00:00Z,3,3,2,300\n", "handled + abandoned exceeds offered"),
        (
            "fax_queue,2026-06-01T04:00:00Z,3,3,0,300\n",
            "line 2, column queue_id: unknown queue 'fax_queue'",
        ),
        (",2026-06-01T04:00:00Z,3,3,0,300\n", "line 2, column queue_id: missing value"),
        (
            "triage_voice,2026-06-01T04:00:00Z,3,3,0,300\ntriage_voice,2026-06-01 00:00,3,3,0,300\n",
            "line 3: duplicate key (queue_id, interval_start), first seen at line 2",
        ),
    ],
)
def test_history_rejects_bad_cells_naming_line_and_column(tmp_path, center, body, expected):
    path = write(tmp_path, "history.csv", HISTORY_HEADER + body)
    text = data_error(load_history, path, center)
    assert any(expected in line for line in text.splitlines()), text
    assert all(line.startswith("history.csv") for line in text.splitlines())


def test_history_without_handle_times_loads_with_one_warning(tmp_path, center, caplog):
    body = triage_day_csv(dt.date(2026, 6, 1), 96).replace(",500.0\n", ",\n")
    frame = load_history(write(tmp_path, "history.csv", body), center)
    assert frame["aht_s"].null_count() == 96
    assert "column aht_s: empty on 96 row(s) with handled contacts (first at line 2)" in caplog.text


def test_history_refuses_unknown_and_missing_columns(tmp_path, center):
    path = write(
        tmp_path,
        "history.csv",
        "queue_id,interval_start,offered,handled,patient_name\ntriage_voice,2026-06-01T04:00:00Z,1,1,x\n",
    )
    text = data_error(load_history, path, center)
    assert "column patient_name: unknown column" in text
    assert "column abandoned: required column is missing" in text
    assert "column aht_s: required column is missing" in text


def test_malformed_csv_is_a_data_error(tmp_path, center):
    path = write(tmp_path, "history.csv", HISTORY_HEADER + 'triage_voice,"2026-06-01,1,1\n')
    with pytest.raises(DataError, match="history.csv: cannot be read"):
        load_history(path, center)


def test_spring_forward_day_has_92_intervals_and_refuses_the_skipped_hour(tmp_path, center):
    path = write(tmp_path, "history.csv", triage_day_csv(dt.date(2026, 3, 8), 92))
    assert load_history(path, center).height == 92
    naive = write(
        tmp_path, "naive.csv", HISTORY_HEADER + "triage_voice,2026-03-08 02:30,1,1,0,300\n"
    )
    text = data_error(load_history, naive, center)
    assert "line 2, column interval_start: local time does not exist in America/New_York" in text


def test_fall_back_day_reads_repeated_naive_hour_in_order(tmp_path, center):
    rows = [
        f"triage_voice,2026-11-01 {hour:02d}:{minute:02d},2,2,0,400\n"
        for hour in range(24)
        for minute in (0, 15, 30, 45)
    ]
    # The repeated hour: 01:00..01:45 appears a second time, now in standard time.
    repeated = [f"triage_voice,2026-11-01 01:{m:02d},2,2,0,400\n" for m in (0, 15, 30, 45)]
    body = "".join(rows[:8]) + "".join(repeated) + "".join(rows[8:])
    path = write(tmp_path, "history.csv", HISTORY_HEADER + body)
    frame = load_history(path, center)
    assert frame.height == 100
    utc = frame["interval_start"]
    assert utc.diff().drop_nulls().unique().to_list() == [dt.timedelta(minutes=15)]
    assert utc[4] == dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC)  # 01:00 EDT
    assert utc[8] == dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)  # 01:00 EST


def test_gap_inside_open_hours_is_an_error_but_a_closed_day_is_a_warning(tmp_path, center, caplog):
    path = write(tmp_path, "history.csv", triage_day_csv(dt.date(2026, 6, 1), 96, skip=40))
    assert (
        "queue triage_voice: 1 open interval(s) missing on 2026-06-01, first at 10:00 local"
        in data_error(load_history, path, center)
    )
    two_days = (
        triage_day_csv(dt.date(2026, 6, 1), 96)
        + triage_day_csv(dt.date(2026, 6, 3), 96).split("\n", 1)[1]
    )
    path = write(tmp_path, "history.csv", two_days)
    assert load_history(path, center).height == 192
    assert "no rows on 2026-06-02 although open" in caplog.text


def test_closed_hours_may_have_no_rows(tmp_path, center):
    rows = [
        f"sched_voice,2026-06-01 {h:02d}:{m:02d},3,3,0,280\n"
        for h in range(7, 19)
        for m in (0, 15, 30, 45)
    ]
    frame = load_history(write(tmp_path, "history.csv", HISTORY_HEADER + "".join(rows)), center)
    assert frame.height == 48


def test_five_minute_source_is_checked_then_summed_to_the_grid(tmp_path, center):
    rows = [
        f"sched_voice,2026-06-01 {h:02d}:{m:02d},2,2,0,{100 + m}\n"
        for h in range(7, 19)
        for m in range(0, 60, 5)
    ]
    path = write(tmp_path, "history.csv", HISTORY_HEADER + "".join(rows))
    frame = load_history(path, center, source_interval_s=300)
    assert frame.height == 48
    assert frame["offered"].to_list() == [6] * 48
    assert frame["aht_s"][0] == pytest.approx(105.0)  # (100 + 105 + 110) / 3
    off_grid = write(tmp_path, "off.csv", HISTORY_HEADER + "sched_voice,2026-06-01 07:02,1,1,0,1\n")
    with pytest.raises(DataError, match="not on the 5-minute grid"):
        load_history(off_grid, center, source_interval_s=300)


def test_aggregate_to_grid_keeps_counts_and_weights_aht():
    frame = pl.DataFrame(
        {
            "queue_id": ["q"] * 3,
            "interval_start": pl.datetime_range(
                dt.datetime(2026, 6, 1, 12),
                dt.datetime(2026, 6, 1, 12, 10),
                "5m",
                time_zone="UTC",
                eager=True,
            ),
            "offered": [1, 3, 0],
            "handled": [1, 3, 0],
            "abandoned": [0, 0, 0],
            "aht_s": [100.0, 200.0, None],
        }
    )
    out = aggregate_to_grid(frame, 900)
    assert out.height == 1
    assert out["offered"][0] == 4
    assert out["aht_s"][0] == pytest.approx(175.0)


def test_parquet_history_with_naive_times_is_localized(tmp_path, center):
    frame = pl.DataFrame(
        {
            "queue_id": ["triage_voice"],
            "interval_start": [dt.datetime(2026, 6, 1, 0, 0)],
            "offered": [1],
            "handled": [1],
            "abandoned": [0],
            "aht_s": [300.0],
        }
    )
    path = tmp_path / "history.parquet"
    frame.write_parquet(path)
    with pytest.raises(DataError):  # the rest of the open day is missing
        load_history(path, center)
    frame = pl.concat([frame] * 96).with_columns(
        pl.datetime_range(
            dt.datetime(2026, 6, 1), dt.datetime(2026, 6, 1, 23, 45), "15m", eager=True
        ).alias("interval_start")
    )
    frame.write_parquet(path)
    out = load_history(path, center)
    assert out["interval_start"][0] == dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)


def test_loaders_accept_frames_built_in_memory(center):
    frame = pl.DataFrame(
        {
            "queue_id": ["nope"],
            "interval_start": [dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)],
            "offered": [1],
            "handled": [1],
            "abandoned": [0],
            "aht_s": [300.0],
        }
    )
    with pytest.raises(DataError, match="history frame row 1, column queue_id: unknown queue"):
        load_history(frame, center)


def test_forecast_volume_must_lie_in_its_interval(tmp_path, center):
    path = write(
        tmp_path,
        "forecast.csv",
        "queue_id,interval_start,volume,volume_lo,volume_hi,aht_s,model\n"
        "triage_voice,2026-06-01T04:00:00Z,5,1,9,400,ets\n"
        "triage_voice,2026-06-01T04:15:00Z,5,6,9,400,ets\n",
    )
    with pytest.raises(
        DataError, match="line 3, column volume: must lie within volume_lo .. volume_hi"
    ):
        load_forecast(path, center)


def test_requirements_fractions_are_bounded(tmp_path, center):
    header = "queue_id,interval_start,agents_net,agents_gross,service_level,asa_s,abandon_rate,occupancy\n"
    path = write(
        tmp_path, "req.csv", header + "triage_voice,2026-06-01T04:00:00Z,3,3.5,1.2,10,0.01,0.8\n"
    )
    with pytest.raises(DataError, match="line 2, column service_level: must be <= 1"):
        load_requirements(path, center)


def test_drivers_are_daily_numeric_columns(tmp_path, center):
    ok = write(tmp_path, "drivers.csv", "date,discharges\n2026-06-01,80\n2026-06-02,91\n")
    assert load_drivers(ok, center)["discharges"].to_list() == [80.0, 91.0]
    bad = write(tmp_path, "bad.csv", "date,discharges\n2026-06-01,-4\n2026-06-01,3\nJune 3,2\n")
    text = data_error(load_drivers, bad, center)
    assert "line 2, column discharges: must be >= 0" in text
    assert "line 3: duplicate key (date)" in text
    assert "line 4, column date: not a date" in text


def test_events_with_dates_cover_whole_local_days(tmp_path, center):
    path = write(
        tmp_path,
        "events.csv",
        "name,kind,start,end,queue_id\n"
        "Flu season,flu_season,2026-12-01,2027-02-28,\n"
        "Phone outage,outage,2026-06-01 10:00,2026-06-01 13:30,sched_voice\n",
    )
    frame = load_events(path, center)
    flu = frame.filter(pl.col("kind") == "flu_season").row(0, named=True)
    assert flu["start"] == dt.datetime(2026, 12, 1, 5, tzinfo=dt.UTC)
    assert flu["end"] == dt.datetime(2027, 3, 1, 5, tzinfo=dt.UTC)
    assert flu["queue_id"] is None
    bad = write(tmp_path, "bad.csv", "name,kind,start,end\nX,party,2026-06-02,2026-06-01\n")
    assert "line 2, column kind: must be one of" in data_error(load_events, bad, center)


ROSTER_HEADER = "agent_id,name,team,supervisor,skills,contract,availability\n"


def test_roster_parses_skills_and_availability(tmp_path, center):
    path = write(
        tmp_path,
        "roster.csv",
        ROSTER_HEADER
        + "a1,Ann Lee,sched_a,Priya Raman,sched_voice:1.0;sched_chat:0.8,ft40,\n"
        + "a2,Bo Chan,triage_b,Marcus Lee,triage_voice,ft40_night,mon-fri 21:00-08:00\n",
    )
    frame = load_roster(path, center)
    skills = frame.filter(pl.col("agent_id") == "a1")["skills"][0].to_list()
    assert skills == [
        {"queue_id": "sched_voice", "proficiency": 1.0},
        {"queue_id": "sched_chat", "proficiency": 0.8},
    ]
    avail = frame.filter(pl.col("agent_id") == "a2")["availability"][0].to_list()
    assert avail[0] == {"weekday": 0, "start_min": 21 * 60, "end_min": 32 * 60}
    assert len(avail) == 5
    assert frame.filter(pl.col("agent_id") == "a1")["availability"][0].to_list() == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("a1,Ann,sched_a,Priya Raman,fax:1.0,ft40,", "line 2, column skills: unknown queue 'fax'"),
        ("a1,Ann,sched_a,Priya Raman,sched_voice:1.5,ft40,", "column skills: proficiency"),
        ("a1,Ann,moon,Priya Raman,sched_voice,ft40,", "line 2, column team: unknown team 'moon'"),
        (
            "a1,Ann,sched_a,Bob,sched_voice,ft40,",
            "column supervisor: team sched_a is supervised by",
        ),
        ("a1,Ann,sched_a,Priya Raman,sched_voice,zero,", "column contract: unknown contract"),
        (
            "a1,Ann,sched_a,Priya Raman,sched_voice,ft40,someday 9-5",
            "column availability: expected",
        ),
    ],
)
def test_roster_rejects_bad_rows(tmp_path, center, row, expected):
    path = write(tmp_path, "roster.csv", ROSTER_HEADER + row + "\n")
    assert expected in data_error(load_roster, path, center)


def test_roster_rejects_duplicate_agents(tmp_path, center):
    row = "a1,Ann,sched_a,Priya Raman,sched_voice,ft40,\n"
    with pytest.raises(DataError, match="line 3: duplicate key \\(agent_id\\)"):
        load_roster(write(tmp_path, "roster.csv", ROSTER_HEADER + row + row), center)


def test_availability_text_forms():
    assert parse_availability(None) == []
    assert [w["weekday"] for w in parse_availability("fri-mon 10:00-14:00")] == [4, 5, 6, 0]
    with pytest.raises(ValueError):
        parse_availability("mon 25:00-26:00")


SCHEDULE_HEADER = "agent_id,activity,start,end,queue_id\n"


def test_schedule_rejects_overlaps_unknown_agents_and_activities(tmp_path, center):
    path = write(
        tmp_path,
        "schedule.csv",
        SCHEDULE_HEADER
        + "a1,work,2026-06-01 08:00,2026-06-01 12:00,\n"
        + "a1,break,2026-06-01 11:45,2026-06-01 12:00,\n"
        + "a2,nap,2026-06-01 08:00,2026-06-01 09:00,\n"
        + "a3,work,2026-06-01 09:00,2026-06-01 08:00,\n",
    )
    text = data_error(load_schedule, path, center, agent_ids={"a1", "a2"})
    assert "line 3, column start: overlaps the agent's previous activity" in text
    assert "line 4, column activity: must be one of" in text
    assert "line 5, column agent_id: unknown agent 'a3'" in text
    assert "line 5, column end: must be after start" in text


def test_states_event_log_becomes_intervals_with_last_one_open(tmp_path, center):
    path = write(
        tmp_path,
        "states.csv",
        "agent_id,ts,state,event_id\n"
        "a1,2026-06-01 08:00,Available,e1\n"
        "a1,2026-06-01 08:05,On Call,e2\n"
        "a1,2026-06-01 08:05,On Call,e2\n",  # a duplicate resend is kept for adherence to dedupe
    )
    frame = load_states(path, center)
    assert frame.columns == ["agent_id", "state", "start", "end", "event_id"]
    assert frame.height == 3
    assert frame["end"].null_count() == 1


def test_states_intervals_must_end_after_start(tmp_path, center):
    path = write(
        tmp_path,
        "states.csv",
        "agent_id,state,start,end\na1,Available,2026-06-01 08:00,2026-06-01 07:00\n"
        "a1,Lunch,2026-06-01 12:00,\n",
    )
    with pytest.raises(DataError, match="line 2, column end: must be after start"):
        load_states(path, center)


@pytest.mark.parametrize(
    "text",
    ["mon-fri 07:00-19:00;sat 08:00-13:00", "mon-fri 21:00-08:00", "fri-mon 10:00-14:00", ""],
)
def test_availability_round_trips_through_its_text_form(text):
    windows = parse_availability(text)
    again = parse_availability(format_availability(windows))
    assert sorted(again, key=str) == sorted(windows, key=str)
