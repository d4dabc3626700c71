"""A schedule as lived: the center's life section, absence, off-phone time, adherence
deviations measured from states and applied to shifts, and a replay of states."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.wfm.simulation.conftest import T0, TS, constant_volumes, one_queue_config
from wfm.center import Center, load_center
from wfm.errors import ConfigError
from wfm.loaders import load_roster, load_schedule, load_states
from wfm.simulation import simulate, work_segments
from wfm.simulation.deviations import DeviationSample, ShiftDeviation, measure_deviations
from wfm.simulation.life import lived_shifts
from wfm.simulation.replay import replay_segments

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def _center(life: dict | None, teams: tuple[str, ...] = ("t1", "t2")) -> Center:
    extra: dict[str, object] = {"teams": [{"id": t, "supervisor": "x"} for t in teams]}
    if life is not None:
        extra["life"] = life
    return Center.model_validate(one_queue_config(patience_s=200, shrinkage_frac=0.15, **extra))


def _week_of_shifts(n_agents: int, *, days: int = 5) -> pl.DataFrame:
    """Each agent: an 8-hour shift a day from 08:00 (work, a 15-minute break at 10:00,
    a 30-minute lunch at 12:00, work to 16:00)."""
    rows = []
    for a in range(n_agents):
        for d in range(days):
            day = T0 + dt.timedelta(days=d) + 8 * H
            for activity, lo, hi in (
                ("work", 0, 120),
                ("break", 120, 135),
                ("work", 135, 240),
                ("lunch", 240, 270),
                ("work", 270, 480),
            ):
                rows.append((f"a{a:03d}", activity, day + lo * M, day + hi * M, "q"))
    return pl.DataFrame(
        rows, schema=["agent_id", "activity", "start", "end", "queue_id"], orient="row"
    ).with_columns(pl.col("start", "end").cast(TS))


def _roster(n_agents: int, team_of: dict[int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agent_id": [f"a{a:03d}" for a in range(n_agents)],
            "team": [team_of.get(a, "t1") for a in range(n_agents)],
        }
    )


def _lived(schedule: pl.DataFrame, center: Center, roster: pl.DataFrame, deviations=None):
    origin = T0
    segments = work_segments(schedule, ("q",), origin=origin)
    return lived_shifts(
        schedule,
        segments,
        center,
        roster=roster,
        origin_s=origin.timestamp(),
        deviations=deviations,
    )


def test_center_life_section_reads_defaults_and_team_rates() -> None:
    center = _center({"absence_frac": 0.05, "team_absence_frac": {"t2": 0.08}})
    assert center.absence_frac_for("t1") == 0.05
    assert center.absence_frac_for("t2") == 0.08
    # The rest of shrinkage goes off the phones.
    assert center.offphone_frac == pytest.approx(0.10)
    assert _center(None).offphone_frac == 0.0
    assert _center(None).absence_frac_for("t1") == 0.0


@pytest.mark.parametrize(
    ("life", "message"),
    [
        ({"absence_frac": 0.05, "team_absence_frac": {"nope": 0.1}}, "unknown team(s) ['nope']"),
        ({"absence_frac": 0.2}, "life.absence_frac exceeds shrinkage_frac"),
        ({"absence_frac": 0.05, "offphone_minutes": 3}, "offphone_minutes"),
    ],
)
def test_center_life_section_refuses_bad_settings(life: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _center(life)


def test_sample_center_has_a_life_section_that_adds_up_to_its_shrinkage() -> None:
    center = load_center(SAMPLE / "center.yaml")
    assert center.life is not None
    assert center.life.absence_frac + center.offphone_frac == pytest.approx(center.shrinkage_frac)


def test_absence_and_offphone_take_their_share_of_scheduled_work() -> None:
    # 40 agents x 5 shifts = 200 shifts per draw; 30 draws. Each draw's available share is
    # an average over 200 shifts, so the mean of 30 draws is within 4 standard errors of its
    # expectation (1 - absence - off-phone) but in about 1 run in 16,000.
    center = _center({"absence_frac": 0.05, "offphone_frac": 0.10})
    lived = _lived(_week_of_shifts(40), center, _roster(40, {}))
    rng = np.random.default_rng(3)
    shares = []
    for _ in range(30):
        seg = lived.draw(rng)
        shares.append(float((seg.end_s - seg.start_s).sum()) / lived.scheduled_work_s)
    mean, se = np.mean(shares), np.std(shares, ddof=1) / math.sqrt(len(shares))
    assert abs(mean - 0.85) < 4 * se, (mean, se)
    assert se < 0.01  # the check has teeth: a 1-point bias would show


def test_absence_removes_whole_shifts_at_the_team_rate() -> None:
    center = _center({"absence_frac": 0.0, "team_absence_frac": {"t2": 0.5}, "offphone_frac": 0})
    roster = _roster(20, {a: "t2" for a in range(10)})
    lived = _lived(_week_of_shifts(20), center, roster)
    seg = lived.draw(np.random.default_rng(5))
    worked = pl.DataFrame({"agent": seg.agent, "s": seg.end_s - seg.start_s})
    per_agent = worked.group_by("agent").agg(pl.col("s").sum()).sort("agent")
    full_week_s = 5 * (480 - 45) * 60
    got = dict(per_agent.iter_rows())
    # Team t1 never misses a shift; each shift is worked whole or not at all.
    assert all(got[a] == full_week_s for a in range(10, 20))
    t2_shifts = [got.get(a, 0.0) / (full_week_s / 5) for a in range(10)]
    assert all(float(x).is_integer() for x in t2_shifts)
    # 50 shifts at p = 0.5: between 15 and 35 missed but in about 1 run in 2,000.
    assert 15 <= 50 - sum(t2_shifts) <= 35


def test_deviations_of_one_shift_are_applied_exactly() -> None:
    center = _center({"absence_frac": 0.0, "offphone_frac": 0.0})
    record = ShiftDeviation(
        late_start_s=600, early_leave_s=1200, break_extra_s=(300,), lunch_extra_s=(-600,), away_s=0
    )
    sample = DeviationSample((record,), T0.date(), T0.date(), 0, 480 * 60)
    lived = _lived(_week_of_shifts(1, days=1), center, _roster(1, {}), deviations=sample)
    seg = lived.draw(np.random.default_rng(0))
    day = 8 * 3600
    got = [(s - day, e - day) for s, e in zip(seg.start_s, seg.end_s, strict=True)]
    # Late by 10 min; back 5 min after the break; back 10 min before the lunch ends;
    # gone 20 min before the end.
    assert got == [(600, 7200), (8400, 14400), (15600, 27600)]


def test_measured_deviations_of_a_hand_made_shift() -> None:
    center = _center(None)
    schedule = _week_of_shifts(1, days=1)
    day = T0 + 8 * H
    states = pl.DataFrame(
        [
            ("a000", "Logged Out", day - 60 * M, day + 7 * M),
            ("a000", "Available", day + 7 * M, day + 120 * M),
            ("a000", "Break", day + 120 * M, day + 140 * M),  # 5 minutes long
            ("a000", "On Call", day + 140 * M, day + 200 * M),
            ("a000", "Meeting", day + 200 * M, day + 212 * M),  # away 12 minutes
            ("a000", "On Call", day + 212 * M, day + 240 * M),
            ("a000", "Available", day + 240 * M, day + 250 * M),  # lunch 10 minutes late
            ("a000", "Lunch", day + 250 * M, day + 270 * M),
            ("a000", "Available", day + 270 * M, day + 450 * M),
            ("a000", "Logged Out", day + 450 * M, day + 600 * M),  # 30 minutes early
        ],
        schema=["agent_id", "state", "start", "end"],
        orient="row",
    ).with_columns(pl.col("start", "end").cast(TS))
    sample = measure_deviations(schedule, states, center)
    assert sample.n_absent == 0
    (got,) = sample.shifts
    assert got == ShiftDeviation(
        late_start_s=420,
        early_leave_s=1800,
        break_extra_s=(300,),
        lunch_extra_s=(-600,),
        away_s=720,
    )
    assert sample.lost_frac() == pytest.approx((420 + 1800 + 300 - 600 + 720) / (435 * 60))


def test_sample_states_give_about_the_adherence_the_sample_shows() -> None:
    center = load_center(SAMPLE / "center.yaml")
    sample = measure_deviations(
        load_schedule(SAMPLE / "schedule.parquet", center),
        load_states(SAMPLE / "states.parquet", center),
        center,
    )
    # The sample's states: two absences, and 96 % adherence or so.
    assert sample.n_absent == 2
    assert 0.02 < sample.lost_frac() < 0.06
    assert len(sample.shifts) > 500


def test_replay_makes_agents_available_only_in_work_states() -> None:
    center = _center(None)
    roster = load_roster_frame("a000", "q")
    states = pl.DataFrame(
        [
            ("a000", "Available", T0, T0 + 10 * M),
            ("a000", "On Call", T0 + 10 * M, T0 + 30 * M),
            ("a000", "Break", T0 + 30 * M, T0 + 45 * M),
            ("a000", "After Call Work", T0 + 45 * M, T0 + 60 * M),
            ("a000", "Logged Out", T0 + 60 * M, T0 + 90 * M),
        ],
        schema=["agent_id", "state", "start", "end"],
        orient="row",
    ).with_columns(pl.col("start", "end").cast(TS))
    seg = replay_segments(states, roster, tuple(center.queue_ids), origin=T0)
    assert list(zip(seg.start_s, seg.end_s, strict=True)) == [(0, 1800), (2700, 3600)]
    assert seg.queues == ((0,), (0,))


def load_roster_frame(agent_id: str, queue_id: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"agent_id": [agent_id], "skills": [[{"queue_id": queue_id, "proficiency": 1.0}]]}
    )


def test_life_needs_a_life_section_and_replay_takes_none() -> None:
    schedule = _week_of_shifts(2, days=1)
    arrivals = constant_volumes(5, 8 * 4).with_columns(
        pl.col("interval_start") + dt.timedelta(hours=8)
    )
    with pytest.raises(ConfigError, match="no life section"):
        simulate(schedule, arrivals, _center(None), life=True, replications=1)
    with pytest.raises(ConfigError, match="takes no life settings"):
        simulate(
            schedule,
            arrivals,
            _center({"absence_frac": 0.05}),
            life=True,
            replay_states=pl.DataFrame(),
            replications=1,
        )


def test_sample_week_lived_serves_worse_than_as_scheduled() -> None:
    center = load_center(SAMPLE / "center.yaml")
    roster = load_roster(SAMPLE / "roster.csv", center)
    schedule = load_schedule(SAMPLE / "schedule.parquet", center)
    states = load_states(SAMPLE / "states.parquet", center)
    # One day keeps the test short.
    day = schedule.filter(pl.col("start").dt.convert_time_zone(center.timezone).dt.day() == 10)
    arrivals = pl.read_parquet(SAMPLE / "history.parquet").filter(
        pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.day() == 10,
        pl.col("interval_start").dt.month() == 11,
        pl.col("interval_start").dt.year() == 2026,
    )
    deviations = measure_deviations(
        load_schedule(SAMPLE / "schedule.parquet", center), states, center
    )
    plain = simulate(day, arrivals, center, roster=roster, replications=2)
    lived = simulate(
        day, arrivals, center, roster=roster, replications=2, life=True, deviations=deviations
    )
    assert plain.mode == "as scheduled" and lived.mode == "as lived"
    assert plain.available_h == pytest.approx(plain.scheduled_work_h)
    # 15 % shrinkage and about 3 % lost to adherence.
    assert 0.74 < lived.available_h / lived.scheduled_work_h < 0.88
    answered = {r["queue_id"]: r["abandon_rate"] for r in plain.summary.iter_rows(named=True)}
    worse = [
        r["abandon_rate"] > answered[r["queue_id"]]
        for r in lived.summary.iter_rows(named=True)
        if r["queue_id"].endswith("_voice")
    ]
    assert all(worse)
    assert lived.life is not None
    assert dict(lived.life.describe())["absence"].startswith("5.0% of shifts missed whole")
