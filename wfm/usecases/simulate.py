"""The simulation use case: a schedule against arrivals, its service written to disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wfm.center import Center
from wfm.loaders import load_roster, load_schedule
from wfm.output import TableFormat, write_tables
from wfm.simulation import (
    HandleTimeModel,
    SimulationResult,
    arrivals_between,
    load_arrivals,
    schedule_days,
    simulate,
)
from wfm.simulation.plot import plot_service_level

__all__ = ["SimulationRun", "run_simulation"]


@dataclass(frozen=True)
class SimulationRun:
    """A simulated schedule: the local days simulated, the result and the files written."""

    first_day: dt.date
    end_day: dt.date
    result: SimulationResult
    files: list[Path]


def run_simulation(
    schedule: str | Path,
    arrivals: str | Path,
    center: Center,
    *,
    out_dir: str | Path,
    roster: str | Path | None = None,
    replications: int = 10,
    seed: int = 0,
    handle_times: HandleTimeModel | None = None,
    start: dt.date | None = None,
    n_days: int | None = None,
    fmt: TableFormat = "both",
    on_start: Callable[[dt.date, dt.date], None] | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> SimulationRun:
    """Simulate the schedule against the arrivals on its local days (or `start` and `n_days`
    days, 7 by default) and write sim_intervals, sim_days, sim_summary and
    sim_service_level.png.

    Args:
        on_start: called with the first and the end (exclusive) local day before the run.
        on_replication: called with (done, total) after each replication.

    Raises:
        DataError, OutputError.
    """
    roster_frame = None if roster is None else load_roster(roster, center)
    agent_ids = None if roster_frame is None else set(roster_frame["agent_id"].to_list())
    schedule_frame = load_schedule(schedule, center, agent_ids=agent_ids)
    first, end = schedule_days(schedule_frame, center.tz)
    if start is not None:
        first = start
    if start is not None or n_days is not None:
        end = first + dt.timedelta(days=n_days or 7)
    if on_start is not None:
        on_start(first, end)
    contacts = arrivals_between(load_arrivals(arrivals, center), center, start=first, end=end)
    result = simulate(
        schedule_frame,
        contacts,
        center,
        roster=roster_frame,
        replications=replications,
        seed=seed,
        handle_times=handle_times,
        on_replication=on_replication,
    )
    out = Path(out_dir)
    tables = {
        "sim_intervals": result.intervals,
        "sim_days": result.days,
        "sim_summary": result.summary,
    }
    files = write_tables(tables, out, fmt=fmt)
    files.append(
        plot_service_level(
            result.intervals,
            out / "sim_service_level.png",
            tz=center.timezone,
            interval_s=center.interval_s,
        )
    )
    return SimulationRun(first, end, result, files)
