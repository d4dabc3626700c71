"""Plan vs actual per queue x interval, with hand-computed agents and WAPE."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.wfm.adherence.conftest import DAY, TS, at, schedule, states
from wfm.adherence.plan_actual import PLAN_ACTUAL_COLUMNS, plan_vs_actual

CLOCKS = ["08:00", "08:15", "08:30", "08:45"]


def _per_interval(values: dict[str, list], queue: str = "sched_voice") -> pl.DataFrame:
    return pl.DataFrame(
        {"queue_id": [queue] * 4, "interval_start": [at(c) for c in CLOCKS], **values},
        schema_overrides={"interval_start": TS},
    )


@pytest.fixture
def inputs() -> dict[str, pl.DataFrame]:
    forecast = _per_interval(
        {
            "volume": [10.0, 20.0, 30.0, 40.0],
            "volume_lo": [8.0] * 4,
            "volume_hi": [50.0] * 4,
            "aht_s": [300.0, 300.0, 300.0, 300.0],
            "model": ["m"] * 4,
        }
    )
    history = _per_interval(
        {
            "offered": [12, 18, 30, 50],
            "handled": [12, 18, 30, 40],
            "abandoned": [0, 0, 0, 10],
            "aht_s": [330.0, 300.0, 270.0, 300.0],
            "service_level": [0.9, 0.8, 0.8, 0.5],
        }
    )
    requirements = _per_interval(
        {
            "volume": [10.0, 20.0, 30.0, 40.0],
            "aht_s": [300.0] * 4,
            "workload_erl": [3.33, 6.67, 10.0, 13.33],
            "agents_net": [2, 3, 4, 5],
            "agents_gross": [2.5, 3.75, 5.0, 6.25],
            "service_level": [0.8] * 4,
            "asa_s": [20.0] * 4,
            "abandon_rate": [0.03] * 4,
            "occupancy": [0.8] * 4,
        }
    )
    plan = schedule([("a1", "work", "08:00", "08:30"), ("a2", "work", "08:00", "09:00")])
    plan = plan.with_columns(
        pl.when(pl.col("agent_id") == "a1").then(pl.lit("sched_voice")).alias("queue_id")
    )
    actual = states([("a1", "Available", "08:10", "08:30"), ("a2", "Break", "08:00", "09:00")])
    roster = pl.DataFrame(
        {
            "agent_id": ["a1", "a2"],
            "skills": [
                [{"queue_id": "sched_voice", "proficiency": 1.0}],
                [
                    {"queue_id": "sched_voice", "proficiency": 1.0},
                    {"queue_id": "sched_chat", "proficiency": 0.8},
                ],
            ],
        }
    )
    return {"forecast": forecast, "history": history, "requirements": requirements,
            "schedule": plan, "states": actual, "roster": roster}  # fmt: skip


def test_interval_rows_carry_plan_and_actual(center, inputs):
    result = plan_vs_actual(center, **inputs)
    voice = result.intervals.filter(
        pl.col("queue_id") == "sched_voice", pl.col("interval_start").is_in([at(c) for c in CLOCKS])
    )
    assert tuple(result.intervals.columns) == PLAN_ACTUAL_COLUMNS
    # a1 scheduled on voice until 08:30; a2 unassigned, split over its two skills.
    assert voice.get_column("agents_scheduled").to_list() == [1.5, 1.5, 0.5, 0.5]
    # a1 worked 08:10-08:30 (a2 was on break): 5/15 then 15/15 of an agent.
    assert voice.get_column("agents_staffed").to_list() == pytest.approx([1 / 3, 1.0, 0.0, 0.0])
    assert voice.get_column("agents_required_net").to_list() == [2.0, 3.0, 4.0, 5.0]
    assert voice.get_column("service_level").to_list() == [0.9, 0.8, 0.8, 0.5]
    chat = result.intervals.filter(
        pl.col("queue_id") == "sched_chat", pl.col("interval_start") == at("08:00")
    )
    assert chat.get_column("agents_scheduled").to_list() == [0.5]


def test_the_grid_is_the_whole_local_day_for_every_queue(center, inputs):
    result = plan_vs_actual(center, **inputs)
    assert result.intervals.height == 96 * len(center.queues)
    dst = (
        inputs["forecast"]
        .with_columns(
            pl.lit(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)).cast(TS).alias("interval_start")
        )
        .head(1)
    )
    assert plan_vs_actual(
        center, forecast=dst, history=inputs["history"]
    ).intervals.height == 100 * len(center.queues)


def test_daily_wape_and_service_level_are_exact(center, inputs):
    day = plan_vs_actual(center, **inputs).daily.filter(queue_id="sched_voice").row(0, named=True)
    assert day["date"] == DAY
    assert day["volume_wape"] == pytest.approx((2 + 2 + 0 + 10) / 110)
    aht_err = 30 * 12 + 0 + 30 * 30 + 0
    aht_base = 330 * 12 + 300 * 18 + 270 * 30 + 300 * 40
    assert day["aht_wape"] == pytest.approx(aht_err / aht_base)
    assert day["service_level"] == pytest.approx((0.9 * 12 + 0.8 * 18 + 0.8 * 30 + 0.5 * 50) / 110)
    assert day["scheduled_agent_h"] == pytest.approx((1.5 + 1.5 + 0.5 + 0.5) * 0.25)
    assert day["required_agent_h"] == pytest.approx(14 * 0.25)


def test_weekly_rollup_starts_on_the_local_monday(center, inputs):
    week = plan_vs_actual(center, **inputs).weekly.filter(queue_id="sched_voice").row(0, named=True)
    assert week["week_start"] == dt.date(2026, 11, 9)
    assert week["volume_actual"] == 110


def test_missing_history_service_level_stays_null(center, inputs):
    history = inputs["history"].drop("service_level")
    result = plan_vs_actual(center, forecast=inputs["forecast"], history=history)
    assert result.intervals.get_column("service_level").null_count() == result.intervals.height
    assert result.intervals.get_column("agents_scheduled").sum() == 0.0


def test_the_plan_actual_command_writes_three_tables(center, inputs, tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    import wfm.synthetic
    from wfm.cli.main import app

    # The history loader wants every open interval of the day: pad with quiet intervals.
    from wfm.grid import day_grid, open_mask

    day = day_grid(DAY, center.tz, center.interval_s)
    day = day.filter(open_mask(center.queue("sched_voice"), day, center.tz))
    quiet = pl.DataFrame({"queue_id": "sched_voice", "interval_start": day}).filter(
        ~pl.col("interval_start").is_in(inputs["history"].get_column("interval_start").implode())
    )
    quiet = quiet.with_columns(
        offered=pl.lit(0, pl.Int64), handled=pl.lit(0, pl.Int64), abandoned=pl.lit(0, pl.Int64),
        aht_s=pl.lit(None, pl.Float64), service_level=pl.lit(None, pl.Float64),
    )  # fmt: skip
    inputs["history"] = pl.concat([inputs["history"], quiet])
    paths = {}
    for name in ("forecast", "history", "requirements", "schedule", "states"):
        paths[name] = tmp_path / f"{name}.parquet"
        inputs[name].write_parquet(paths[name])
    config = Path(wfm.synthetic.__file__).parent / "sample_center.yaml"
    args = ["plan-actual", "--center", str(config), "--out", str(tmp_path / "out")]
    for name, path in paths.items():
        args += [f"--{name}", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    daily = pl.read_csv(tmp_path / "out" / "plan_actual_daily.csv").filter(queue_id="sched_voice")
    assert daily.get_column("volume_wape").to_list() == pytest.approx([14 / 110])
    assert (tmp_path / "out" / "plan_actual_intervals.csv").exists()
    assert (tmp_path / "out" / "plan_actual_weekly.csv").exists()
