"""The synthetic sample center: deterministic, on the grid, and shaped like a medical center."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from wfm.center import Center, load_center
from wfm.grid import open_mask, with_local_columns
from wfm.loaders import load_roster
from wfm.synthetic import (
    LAG_PROFILE,
    SAMPLE_CENTER_PATH,
    flexible_contracts,
    flexible_roster,
    generate_history,
)
from wfm.synthetic.roster import build_roster, roster_frame, roster_to_disk
from wfm.synthetic.schedule import build_schedule
from wfm.synthetic.shifts import activities_frame
from wfm.synthetic.states import agent_states

WEEK = dt.date(2026, 11, 9)
TEAM_SIZE = {
    "triage_a": 12,
    "triage_b": 6,
    "sched_a": 14,
    "sched_b": 14,
    "digital": 8,
    "billing": 14,
    "pharmacy": 8,
    "outreach": 6,
}


def _only(center: Center, *queue_ids: str) -> Center:
    return center.model_copy(update={"queues": tuple(center.queue(q) for q in queue_ids)})


def _daily(history: pl.DataFrame, center: Center, queue_id: str) -> pl.DataFrame:
    local = with_local_columns(history.filter(pl.col("queue_id") == queue_id), center.tz)
    return local.group_by("local_date").agg(pl.col("offered").sum()).sort("local_date")


@pytest.fixture(scope="module")
def two_weeks(center: Center) -> pl.DataFrame:
    """Two weeks around the spring DST change (2025-03-09 has 92 quarter-hours)."""
    return generate_history(center, start=dt.date(2025, 3, 3), n_days=14, seed=11)


def test_same_seed_gives_the_same_history_and_another_seed_does_not(center, two_weeks):
    again = generate_history(center, start=dt.date(2025, 3, 3), n_days=14, seed=11)
    assert again.equals(two_weeks)
    other = generate_history(center, start=dt.date(2025, 3, 3), n_days=14, seed=12)
    assert not other.equals(two_weeks)


def test_history_has_the_table_columns_and_types(two_weeks):
    assert two_weeks.schema["interval_start"] == pl.Datetime("us", "UTC")
    for column in ("offered", "handled", "abandoned"):
        assert two_weeks.schema[column] == pl.Int64
    assert set(two_weeks["queue_id"].unique()) == {
        "sched_voice",
        "triage_voice",
        "billing_voice",
        "pharmacy_voice",
        "outreach_voice",
        "sched_chat",
        "sched_sms",
        "billing_email",
    }


def test_triage_has_92_quarter_hours_on_the_spring_dst_day_and_100_in_autumn(center, two_weeks):
    spring = _per_day_rows(two_weeks, center)
    assert spring[dt.date(2025, 3, 9)] == 92
    assert spring[dt.date(2025, 3, 10)] == 96
    autumn = generate_history(
        _only(center, "triage_voice"), start=dt.date(2025, 11, 1), n_days=3, seed=1
    )
    assert _per_day_rows(autumn, center)[dt.date(2025, 11, 2)] == 100


def _per_day_rows(history: pl.DataFrame, center: Center) -> dict[dt.date, int]:
    local = with_local_columns(history.filter(pl.col("queue_id") == "triage_voice"), center.tz)
    return dict(local.group_by("local_date").len().iter_rows())


def test_there_are_no_rows_for_closed_intervals_and_every_open_one_has_a_row(center, two_weeks):
    for queue in center.queues:
        rows = two_weeks.filter(pl.col("queue_id") == queue.id)["interval_start"]
        assert open_mask(queue, rows, center.tz).all(), queue.id
    # sched_voice: 12 h on weekdays, 5 h on Saturday, closed Sunday -> 2 weeks of rows.
    sched = two_weeks.filter(pl.col("queue_id") == "sched_voice")
    assert sched.height == 2 * (5 * 48 + 20)


def test_handled_plus_abandoned_is_offered_and_deferred_queues_never_abandon(two_weeks):
    assert (two_weeks["handled"] + two_weeks["abandoned"] == two_weeks["offered"]).all()
    assert (two_weeks["abandoned"] >= 0).all()
    deferred = two_weeks.filter(pl.col("queue_id").is_in(["sched_sms", "billing_email"]))
    assert deferred["abandoned"].sum() == 0
    assert deferred["service_level"].null_count() == deferred.height
    assert (two_weeks["aht_s"].is_null() == (two_weeks["handled"] == 0)).all()


def test_abandonment_and_service_level_are_plausible_for_voice(two_weeks):
    voice = two_weeks.filter(pl.col("queue_id") == "sched_voice")
    abandon = voice["abandoned"].sum() / voice["offered"].sum()
    assert 0.005 < abandon < 0.15
    assert 0.6 < voice["service_level"].mean() <= 1.0


def test_scheduling_is_busier_than_billing_and_mondays_busier_than_fridays(center, two_weeks):
    totals = dict(two_weeks.group_by("queue_id").agg(pl.col("offered").sum()).iter_rows())
    assert totals["sched_voice"] > 1.5 * totals["billing_voice"]
    daily = _daily(two_weeks, center, "sched_voice")
    by_day = dict(daily.iter_rows())
    assert by_day[dt.date(2025, 3, 3)] > 1.15 * by_day[dt.date(2025, 3, 7)]


def test_triage_runs_at_night_and_peaks_in_the_evening(center, two_weeks):
    local = with_local_columns(two_weeks.filter(pl.col("queue_id") == "triage_voice"), center.tz)
    by_hour = local.group_by(pl.col("minute_of_day") // 60).agg(pl.col("offered").mean())
    hourly = dict(by_hour.iter_rows())
    assert 0 < hourly[3] < 0.4 * hourly[19]
    assert hourly[19] > hourly[15]


def test_us_holidays_lower_office_volume_and_raise_triage(center):
    history = generate_history(
        _only(center, "sched_voice", "triage_voice"), start=dt.date(2025, 11, 17), n_days=14, seed=3
    )
    sched = dict(_daily(history, center, "sched_voice").iter_rows())
    triage = dict(_daily(history, center, "triage_voice").iter_rows())
    thanksgiving, week_before = dt.date(2025, 11, 27), dt.date(2025, 11, 20)
    assert sched[thanksgiving] < 0.15 * sched[week_before]
    assert triage[thanksgiving] > 1.1 * triage[week_before]


def test_flu_season_raises_triage_against_the_same_draws_without_events(center):
    small = _only(center, "triage_voice")
    with_flu = generate_history(small, start=dt.date(2025, 1, 6), n_days=7, seed=5)
    without = generate_history(small, start=dt.date(2025, 1, 6), n_days=7, seed=5, events=[])
    assert with_flu["offered"].sum() > 1.1 * without["offered"].sum()


def test_an_outage_drops_volume_to_near_zero_then_rebounds(center):
    small = _only(center, "sched_voice")
    day = dt.date(2026, 6, 16)
    hit = generate_history(small, start=day, n_days=1, seed=5)
    calm = generate_history(small, start=day, n_days=1, seed=5, events=[])

    def between(frame: pl.DataFrame, lo: str, hi: str) -> int:
        local = with_local_columns(frame, center.tz)
        lo_min, hi_min = (int(t[:2]) * 60 + int(t[3:]) for t in (lo, hi))
        sel = local.filter(pl.col("minute_of_day").is_between(lo_min, hi_min, closed="left"))
        return int(sel["offered"].sum())

    assert between(hit, "10:15", "13:15") < 0.1 * between(calm, "10:15", "13:15")
    assert between(hit, "13:15", "15:15") > 1.2 * between(calm, "13:15", "15:15")


def test_outreach_follows_discharges_with_the_lag_profile_peak(center):
    rng = np.random.default_rng(0)
    n_days = 140
    discharges = rng.integers(20, 160, n_days + len(LAG_PROFILE)).astype(np.float64)
    history = generate_history(
        _only(center, "outreach_voice"),
        start=dt.date(2025, 4, 7),
        n_days=n_days,
        seed=2,
        events=[],
        discharges_daily=discharges,
    )
    daily = _daily(history, center, "outreach_voice").with_columns(
        pl.col("local_date").dt.weekday().alias("wd")
    )
    daily = daily.with_columns((pl.col("offered") / pl.col("offered").mean().over("wd")).alias("r"))
    dates = daily["local_date"].to_list()
    ratio = daily["r"].to_numpy()
    idx = np.array([(d - dt.date(2025, 4, 7)).days for d in dates]) + len(LAG_PROFILE)
    corr = [np.corrcoef(ratio, discharges[idx - k])[0, 1] for k in range(8)]
    assert int(np.argmax(corr)) == int(np.argmax(LAG_PROFILE)) + 1
    assert corr[0] < 0.1


def test_roster_skills_teams_and_contracts_refer_to_the_center(center):
    agents = build_roster(center, TEAM_SIZE, seed=7)
    frame = roster_frame(agents)
    skills = frame.explode("skills").unnest("skills")
    assert set(skills["queue_id"]) <= set(center.queue_ids)
    assert set(frame["team"]) == {t.id for t in center.teams}
    assert set(frame["contract"]) == {c.id for c in center.contracts}
    nurses = skills.filter(pl.col("team").is_in(["triage_a", "triage_b"]))
    assert set(nurses["queue_id"]) == {"triage_voice"}
    assert skills["proficiency"].is_between(0.7, 1.0).all()
    part_time = (frame["contract"] == "pt24").mean()
    assert 0.1 < part_time < 0.3
    assert frame["name"].n_unique() == frame.height


def test_roster_on_disk_loads_with_the_roster_loader(center, tmp_path):
    agents = build_roster(center, TEAM_SIZE, seed=7)
    path = tmp_path / "roster.csv"
    roster_to_disk(agents).write_csv(path)
    loaded = load_roster(path, center)
    assert loaded["agent_id"].to_list() == [a.agent_id for a in agents]
    assert loaded["availability"].list.len().sum() > 0


def test_schedule_tiles_each_shift_and_keeps_breaks_in_their_windows(center):
    agents = build_roster(center, TEAM_SIZE, seed=7)
    schedule = activities_frame(build_schedule(center, agents, WEEK))
    assert (schedule["end"] > schedule["start"]).all()
    contracts = {a.agent_id: center.contract(a.contract) for a in agents}
    shift_start, previous_end, previous_agent = None, None, None
    n_shifts = 0
    for agent_id, activity, start, end, _ in schedule.iter_rows():
        if start != previous_end or agent_id != previous_agent:
            shift_start = start
            n_shifts += 1
        assert shift_start is not None
        offset_min = (start - shift_start).total_seconds() / 60
        if activity in ("break", "lunch"):
            templates = [center.template(t) for t in contracts[agent_id].shift_templates]
            windows = [
                (r.earliest_after_start_min, r.latest_after_start_min)
                for t in templates
                for r in t.breaks
                if r.kind == activity
            ]
            assert any(lo <= offset_min <= hi for lo, hi in windows), (agent_id, start)
        previous_end, previous_agent = end, agent_id
    n_agents = schedule["agent_id"].n_unique()
    assert 3.5 * n_agents < n_shifts <= 5 * n_agents


def test_states_cover_the_schedule_week_with_deviations(center):
    agents = build_roster(center, TEAM_SIZE, seed=7)
    rows = build_schedule(center, agents, WEEK)
    schedule = activities_frame(rows)
    states = agent_states(center, agents, rows, seed=7)
    assert set(states["agent_id"]) == set(schedule["agent_id"])
    assert states["event_id"].n_unique() == states.height
    assert {"Available", "On Call", "After Call Work", "Break", "Lunch", "Logged Out"} <= set(
        states["state"]
    )
    closed = states.filter(pl.col("end").is_not_null())
    assert (closed["end"] > closed["start"]).all()
    # One open-ended Logged Out per agent, at the end.
    assert states.filter(pl.col("end").is_null()).height == schedule["agent_id"].n_unique()
    first_login = states.group_by("agent_id").agg(pl.col("start").min())
    first_shift = schedule.group_by("agent_id").agg(pl.col("start").min().alias("sched"))
    late_min = first_login.join(first_shift, on="agent_id").select(
        ((pl.col("start") - pl.col("sched")).dt.total_seconds() / 60).alias("late")
    )["late"]
    assert late_min.min() < 0 < late_min.max()
    assert (late_min.abs() < 24 * 60).mean() > 0.95


def test_scheduled_paid_hours_respect_each_contract_and_open_days(center):
    agents = build_roster(center, TEAM_SIZE, seed=7)
    schedule = activities_frame(build_schedule(center, agents, WEEK))
    paid_h = dict(
        schedule.filter(pl.col("activity") != "lunch")
        .group_by("agent_id")
        .agg(((pl.col("end") - pl.col("start")).dt.total_minutes().sum() / 60).alias("h"))
        .iter_rows()
    )
    for agent in agents:
        contract = center.contract(agent.contract)
        assert contract.weekly_hours_min <= paid_h[agent.agent_id] <= contract.weekly_hours_max
    billing = {a.agent_id for a in agents if a.team == "billing"}
    local = schedule.with_columns(pl.col("start").dt.convert_time_zone(center.timezone))
    weekend = local.filter(pl.col("agent_id").is_in(billing) & (pl.col("start").dt.weekday() >= 6))
    assert weekend.height == 0


def test_flexible_contracts_lower_only_the_weekly_minimums() -> None:
    center = load_center(SAMPLE_CENTER_PATH)
    flexible = flexible_contracts(center, weekly_hours_min=4.0)
    assert [c.weekly_hours_min for c in flexible.contracts] == [4.0] * len(center.contracts)
    assert [c.weekly_hours_max for c in flexible.contracts] == [
        c.weekly_hours_max for c in center.contracts
    ]
    assert flexible.queues == center.queues
    # Never raised: a minimum below the new one stays.
    assert flexible_contracts(center, weekly_hours_min=40).contracts == center.contracts


def test_flexible_roster_hires_a_share_of_each_skill_set() -> None:
    center = load_center(SAMPLE_CENTER_PATH)
    roster = load_roster(Path(__file__).resolve().parents[2] / "data/sample/roster.csv", center)
    hired = flexible_roster(roster, hire_frac=0.25)

    def skill_sets(frame: pl.DataFrame) -> dict[tuple[str, ...], int]:
        out: dict[tuple[str, ...], int] = {}
        for skills in frame["skills"].to_list():
            key = tuple(sorted(s["queue_id"] for s in skills))
            out[key] = out.get(key, 0) + 1
        return out

    before, after = skill_sets(roster), skill_sets(hired)
    assert after == {k: n + -(-n // 4) for k, n in before.items()}
    assert hired["agent_id"].n_unique() == hired.height
    assert hired.head(roster.height).equals(roster)
    new = hired.tail(hired.height - roster.height)
    assert set(new["team"]) <= set(roster["team"])
    assert set(new["contract"]) <= set(roster["contract"])
    assert flexible_roster(roster, hire_frac=0.0).equals(roster)
