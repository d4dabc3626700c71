"""The staffing use case: read a forecast or history, pick the days, staff, write the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from wfm.center import Center
from wfm.errors import StaffingError
from wfm.loaders import load_forecast, load_history, load_roster, table_columns
from wfm.output import write_table
from wfm.simulation.pooling import PooledRequirements, pooled_requirements, pooling_summary
from wfm.staffing.erlang import ServiceLevelBasis
from wfm.staffing.frame import (
    InputKind,
    detect_input_kind,
    last_week,
    requirements_from_frame,
    select_local_days,
    summarize_requirements,
)
from wfm.staffing.lived import LivedAllowance, at_forecast_quantile
from wfm.usecases.lived import allowance_for, built_for_life, folder_tables, read_weekly_errors

__all__ = ["RequirementsRun", "run_staff"]


@dataclass(frozen=True)
class RequirementsRun:
    """What `run_staff` did.

    Attributes:
        kind: "forecast" or "history".
        first_day, last_day: the local days staffed (inclusive).
        requirements: the requirements table that was written.
        summary: per queue and local day (see summarize_requirements).
        out_path: where the table was written.
        center_name: the center's name, for display.
        pooled: with pooling by simulation, what it found (else None).
        pooling: with pooling, per queue: agent-hours with and without it (pooling_summary).
        pooling_path: where the per queue x interval savings were written.
        allowance: what the requirement was built for when built for life (the center's
            `life.staff_as_lived`), else None (the plain shrinkage gross-up).
    """

    kind: InputKind
    first_day: dt.date
    last_day: dt.date
    requirements: pl.DataFrame
    summary: pl.DataFrame
    out_path: Path
    center_name: str
    pooled: PooledRequirements | None = None
    pooling: pl.DataFrame | None = None
    pooling_path: Path | None = None
    allowance: LivedAllowance | None = None


Pooling = Literal["erlang", "simulate"]


def run_staff(
    input_path: str | Path,
    center: Center,
    *,
    out_path: str | Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    only_last_week: bool = False,
    service_level_basis: ServiceLevelBasis = "offered",
    pooling: Pooling = "erlang",
    roster: str | Path | None = None,
    center_dir: str | Path | None = None,
) -> RequirementsRun:
    """Requirements per queue x interval for a forecast or history file, written to `out_path`.

    The input's kind is read from its columns (`volume`: forecast, `offered`: history).
    Days are local to the center: `start` / `end` (inclusive) pick a range, `only_last_week`
    the last 7 days the input covers; by default every day is staffed.

    With `pooling="simulate"` the roster's multi-skilled agents pool: the real-time queues'
    requirements are the smallest that meet every target in simulation
    (`wfm.simulation.pooling`), and the savings per queue x interval are written beside the
    requirements as `<name>_pooling<suffix>`.

    With the center's `life.staff_as_lived`, `agents_gross` is built for life
    (`wfm.staffing.lived`), the adherence loss measured from the states and schedule of
    `center_dir` (the center file's folder); with its `staff_forecast_quantile` a forecast
    is staffed at that quantile of its weekly error, read from the weekly errors `wfm
    forecast` wrote beside it (`wfm.usecases.lived.read_weekly_errors`).

    Raises:
        DataError: the input breaks the table's rules (file, row, column named).
        StaffingError: both a day range and the last week, no rows, an unknown queue,
            pooling without a roster, ...
        OutputError: the output name ends in neither .csv nor .parquet.
    """
    input_path, out_path = Path(input_path), Path(out_path)
    if pooling not in ("erlang", "simulate"):
        raise StaffingError(f"unknown pooling {pooling!r}; use erlang or simulate")
    if pooling == "simulate" and roster is None:
        raise StaffingError("pooling by simulation needs the roster (the agents' skills)")
    if only_last_week and (start is not None or end is not None):
        raise StaffingError("staff either the last week or a range of days, not both")
    kind = detect_input_kind(table_columns(input_path))
    frame = (load_forecast if kind == "forecast" else load_history)(input_path, center)
    if frame.is_empty():
        raise StaffingError(f"{input_path}: the table has no rows")
    if only_last_week:
        start, end = last_week(frame, center)
    if start is not None or end is not None:
        dates = frame["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
        first = start if start is not None else dates.min()
        last = end if end is not None else dates.max()
        assert isinstance(first, dt.date) and isinstance(last, dt.date)
        frame = select_local_days(frame, center, start=first, end=last)
    roster_frame = None if roster is None else load_roster(roster, center)
    states, history_schedule = folder_tables(center_dir)
    allowance = allowance_for(center, states=states, schedule=history_schedule, roster=roster_frame)
    if allowance is not None and kind == "forecast" and allowance.forecast_quantile is not None:
        ratios = read_weekly_errors(input_path, center)
        frame, allowance = at_forecast_quantile(frame, allowance, ratios)
    requirements = requirements_from_frame(frame, center, service_level_basis=service_level_basis)
    pooled, pooling_path, erlang = None, None, requirements
    if pooling == "simulate":
        assert roster_frame is not None
        pooled = pooled_requirements(requirements, roster_frame, center)
        requirements = pooled.requirements
        pooling_path = out_path.with_name(f"{out_path.stem}_pooling{out_path.suffix}")
        write_table(pooled.savings, pooling_path)
    if allowance is not None:
        requirements = built_for_life(
            requirements, center, allowance, erlang=None if pooled is None else erlang
        )
    write_table(requirements, out_path)
    days = requirements["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
    first_day, last_day = days.min(), days.max()
    assert isinstance(first_day, dt.date) and isinstance(last_day, dt.date)
    return RequirementsRun(
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        requirements=requirements,
        summary=summarize_requirements(requirements, center),
        out_path=out_path,
        center_name=center.name,
        pooled=pooled,
        pooling=None if pooled is None else pooling_summary(pooled, center),
        pooling_path=pooling_path,
        allowance=allowance,
    )
