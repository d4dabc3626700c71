"""Write the sample center to a directory: config, history, drivers, events, roster, schedule
and agent states, all from one seed.

The history covers `n_days` local days from `start_date` (default 2024-11-18 .. 2026-11-15,
104 weeks ending on a Sunday); drivers.csv adds the planned discharges for the 6 weeks after
it and events.csv the calendar of the following year. The schedule and agent states cover the
last history week. The roster is sized from the staffing the center needs in its busiest
recent week.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from wfm.center import Center, load_center
from wfm.grid import with_local_columns
from wfm.synthetic.calendar import events_frame, sample_events
from wfm.synthetic.drivers import LAG_PROFILE, discharges
from wfm.synthetic.history import realize_queue
from wfm.synthetic.roster import build_roster, roster_to_disk
from wfm.synthetic.schedule import build_schedule
from wfm.synthetic.shifts import activities_frame
from wfm.synthetic.staffing_in_place import required_agents
from wfm.synthetic.states import agent_states
from wfm.synthetic.volumes import day_calendar, queue_demand

__all__ = ["SAMPLE_CENTER_PATH", "SampleSummary", "generate_sample_center", "team_sizes"]

log = logging.getLogger(__name__)

SAMPLE_CENTER_PATH = Path(__file__).with_name("sample_center.yaml")
DEFAULT_START = dt.date(2024, 11, 18)
DEFAULT_N_DAYS = 728
FUTURE_DRIVER_DAYS = 42
STEPS = ("config", "calendar", "drivers", "history", "roster", "schedule", "states")

# Which team covers which queue when sizing the roster (queue -> (team, share)); triage
# nights (22:00-06:00 local) go to the night team.
_QUEUE_TEAMS = {
    "sched_voice": (("sched_a", 0.5), ("sched_b", 0.5)),
    "sched_chat": (("digital", 1.0),),
    "sched_sms": (("digital", 1.0),),
    "triage_voice": (("triage_a", 1.0),),
    "billing_voice": (("billing", 1.0),),
    "billing_email": (("billing", 1.0),),
    "pharmacy_voice": (("pharmacy", 1.0),),
    "outreach_voice": (("outreach", 1.0),),
}
_HOURS_PER_AGENT = 36.0
_SLACK_FRAC = 0.10


@dataclass
class SampleSummary:
    """What was written: rows and bytes per file, and seconds per step."""

    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    step_s: dict[str, float] = field(default_factory=dict)
    mean_offered_per_day: dict[str, float] = field(default_factory=dict)
    team_sizes: dict[str, float] = field(default_factory=dict)


def team_sizes(center: Center, demand: pl.DataFrame, *, weeks: int = 13) -> dict[str, float]:
    """Agents per team to cover the busiest of the last `weeks` weeks.

    Agents = gross requirement hours (net agents / (1 - shrinkage)) / 36 h, plus 10 % slack.
    """
    last = demand["interval_start"].max()
    recent = demand.filter(pl.col("interval_start") > last - dt.timedelta(weeks=weeks))
    local = with_local_columns(recent, center.tz)
    assert isinstance(local, pl.DataFrame)
    parts = []
    for queue in center.queues:
        rows = local.filter(pl.col("queue_id") == queue.id)
        agents = required_agents(
            center, queue, rows["expected_volume"].to_numpy(), rows["expected_aht_s"].to_numpy()
        )
        gross_h = agents / (1 - center.shrinkage_for(queue.id)) * center.interval_s / 3600
        minute = rows["minute_of_day"].to_numpy()
        night = (minute >= 22 * 60) | (minute < 6 * 60)
        week = ((rows["local_date"] - rows["local_date"].min()).dt.total_days() // 7).to_numpy()
        for team, share in _QUEUE_TEAMS.get(queue.id, ()):
            team_of = np.where(night & (team == "triage_a"), "triage_b", team)
            parts.append(pl.DataFrame({"team": team_of, "week": week, "hours": gross_h * share}))
    weekly = pl.concat(parts).group_by("team", "week").agg(pl.col("hours").sum())
    peak = weekly.group_by("team").agg(pl.col("hours").max()).sort("team")
    return {
        row["team"]: round(row["hours"] / _HOURS_PER_AGENT * (1 + _SLACK_FRAC), 2)
        for row in peak.iter_rows(named=True)
    }


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    frame.write_parquet(path, compression="zstd", compression_level=19, statistics=False)


def _events_on_disk(events: pl.DataFrame, center: Center) -> pl.DataFrame:
    """Whole-day events as local dates (end inclusive); others as UTC ISO instants."""
    local_start = pl.col("start").dt.convert_time_zone(center.timezone)
    local_end = pl.col("end").dt.convert_time_zone(center.timezone)
    whole_day = (local_start.dt.time() == dt.time()) & (local_end.dt.time() == dt.time())
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return events.select(
        "name",
        "kind",
        pl.when(whole_day)
        .then(local_start.dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col("start").dt.strftime(iso))
        .alias("start"),
        pl.when(whole_day)
        .then((local_end - dt.timedelta(days=1)).dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col("end").dt.strftime(iso))
        .alias("end"),
        "queue_id",
    )


def generate_sample_center(
    out_dir: str | Path,
    *,
    seed: int,
    start_date: dt.date = DEFAULT_START,
    n_days: int = DEFAULT_N_DAYS,
    center_path: str | Path = SAMPLE_CENTER_PATH,
    on_step: Callable[[str], None] | None = None,
) -> SampleSummary:
    """Generate the sample center into `out_dir` (created if missing; files overwritten).

    Args:
        out_dir: output directory.
        seed: random seed; the same seed gives byte-identical files.
        start_date: first local day of the history (a Monday keeps weeks aligned).
        n_days: history length in days (the last 7 days get a schedule and agent states).
        center_path: the center YAML to copy and follow.
        on_step: called with each step's name when it finishes (progress display).

    Returns:
        A summary of rows, sizes and timings.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = SampleSummary(out_dir=out)
    clock = time.perf_counter()

    def done(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.step_s[step] = round(now - clock, 3)
        clock = now
        log.info("sample center: %s done in %.2f s", step, summary.step_s[step])
        if on_step is not None:
            on_step(step)

    center = load_center(center_path)
    shutil.copyfile(center_path, out / "center.yaml")
    # The managers' capacity plan and its what-ifs, written for this center's teams.
    for name in ("capacity", "scenarios"):
        shutil.copyfile(SAMPLE_CENTER_PATH.with_name(f"sample_{name}.yaml"), out / f"{name}.yaml")
    done("config")

    end_date = start_date + dt.timedelta(days=n_days)  # exclusive
    events = sample_events(start_date, end_date + dt.timedelta(days=365))
    events_disk = _events_on_disk(events_frame(events, center), center)
    events_disk.write_csv(out / "events.csv")
    done("calendar")

    n_lag = len(LAG_PROFILE)
    driver = discharges(
        center,
        start_date - dt.timedelta(days=n_lag),
        n_lag + n_days + FUTURE_DRIVER_DAYS,
        seed=seed,
        planned_from=end_date,
    )
    driver.filter(pl.col("date") >= start_date).write_csv(out / "drivers.csv")
    done("drivers")

    cal = day_calendar(center, start_date, n_days, events)
    discharges_daily = driver["discharges"].to_numpy()[: n_lag + n_days]
    demand = [queue_demand(center, q, cal, discharges_daily, seed=seed) for q in center.queues]
    history = pl.concat(
        [realize_queue(center, q, d, seed=seed) for q, d in zip(center.queues, demand, strict=True)]
    )
    history = history.sort("queue_id", "interval_start")
    _write_parquet(history, out / "history.parquet")
    done("history")

    summary.team_sizes = team_sizes(center, pl.concat(demand))
    agents = build_roster(center, summary.team_sizes, seed=seed)
    roster_to_disk(agents).write_csv(out / "roster.csv")
    done("roster")

    week_start = end_date - dt.timedelta(days=7)
    schedule_rows = build_schedule(center, agents, week_start)
    _write_parquet(activities_frame(schedule_rows), out / "schedule.parquet")
    done("schedule")

    states = agent_states(center, agents, schedule_rows, seed=seed)
    _write_parquet(states, out / "states.parquet")
    done("states")

    summary.rows = {
        "history.parquet": history.height,
        "drivers.csv": driver.height - n_lag,
        "events.csv": events_disk.height,
        "roster.csv": len(agents),
        "schedule.parquet": len(schedule_rows),
        "states.parquet": states.height,
    }
    summary.bytes = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}
    per_day = history.group_by("queue_id").agg(pl.col("offered").sum() / n_days).sort("queue_id")
    summary.mean_offered_per_day = dict(per_day.iter_rows())
    return summary
