"""The simulation use case: a schedule against arrivals, its service written to disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.folder import find_table
from wfm.loaders import load_roster, load_schedule, load_states
from wfm.output import TableFormat, write_tables
from wfm.simulation import (
    HandleTimeModel,
    SimulationResult,
    arrivals_between,
    load_arrivals,
    schedule_days,
    simulate,
)
from wfm.simulation.deviations import DeviationSample, measure_deviations
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
    life: bool = False,
    center_dir: str | Path | None = None,
    history_states: str | Path | None = None,
    history_schedule: str | Path | None = None,
    replay_states: str | Path | None = None,
    fmt: TableFormat = "both",
    on_start: Callable[[dt.date, dt.date], None] | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> SimulationRun:
    """Simulate the schedule against the arrivals on its local days (or `start` and `n_days`
    days, 7 by default) and write sim_intervals, sim_days, sim_summary and
    sim_service_level.png.

    Args:
        life: simulate the schedule as lived (the center's `life` section); its adherence
            deviations come from `history_states` recorded against `history_schedule`
            (default: the `states` and `schedule` tables of `center_dir`, the center file's
            folder) when the section asks for them.
        replay_states: a states table to replay as the agents' availability instead.
        on_start: called with the first and the end (exclusive) local day before the run.
        on_replication: called with (done, total) after each replication.

    Raises:
        ConfigError: life asks for adherence from states and none are given or found.
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
    deviations = None
    if life and center.life is not None and center.life.adherence_from_states:
        deviations = _deviations(center, center_dir, history_states, history_schedule, agent_ids)
    result = simulate(
        schedule_frame,
        contacts,
        center,
        roster=roster_frame,
        replications=replications,
        seed=seed,
        handle_times=handle_times,
        life=life,
        deviations=deviations,
        replay_states=None if replay_states is None else load_states(replay_states, center),
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


def _deviations(
    center: Center,
    center_dir: str | Path | None,
    states: str | Path | None,
    schedule: str | Path | None,
    agent_ids: set[str] | None,
) -> DeviationSample:
    """The adherence history: the given tables, else the center folder's."""
    folder = None if center_dir is None else Path(center_dir)
    states = states or (None if folder is None else find_table(folder, "states"))
    schedule = schedule or (None if folder is None else find_table(folder, "schedule"))
    if states is None or schedule is None:
        raise ConfigError(
            "life.adherence_from_states needs a states table and the schedule it was recorded "
            "against (the center folder's states and schedule, or give both files)"
        )
    return measure_deviations(
        load_schedule(schedule, center, agent_ids=agent_ids), load_states(states, center), center
    )
