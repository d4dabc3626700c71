"""Requirements built for life in the use cases: the adherence loss measured from the states,
the forecast's weekly errors carried beside the forecast table, then `wfm.staffing.lived`
(README, `wfm staff`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from wfm.center import Center
from wfm.errors import StaffingError
from wfm.folder import find_table
from wfm.loaders import load_schedule, load_states, load_weekly_errors
from wfm.output import write_table
from wfm.simulation.deviations import measure_deviations
from wfm.staffing.frame import requirements_from_frame
from wfm.staffing.lived import (
    LivedAllowance,
    at_forecast_quantile,
    lived_allowance,
    staff_as_lived,
)

__all__ = [
    "allowance_for",
    "built_for_life",
    "folder_tables",
    "forecast_requirements",
    "read_weekly_errors",
    "weekly_errors_path",
    "write_weekly_errors",
]


def allowance_for(
    center: Center,
    *,
    states: str | Path | None,
    schedule: str | Path | None,
    roster: pl.DataFrame | None = None,
) -> LivedAllowance | None:
    """The center's allowance for life, or None when its requirements are not built for life.

    With `life.adherence_from_states` the adherence loss is measured from `states` against
    the `schedule` they were recorded under (`wfm.simulation.deviations`); without them the
    allowance counts no adherence loss and says so (a center with no states history yet).
    """
    life = center.life
    if life is None or not life.staff_as_lived:
        return None
    loss, source = 0.0, "none counted: life.adherence_from_states is off"
    if life.adherence_from_states:
        if states is None or schedule is None:
            source = "none counted: no states and schedule in the center folder to measure it"
        else:
            sample = measure_deviations(
                load_schedule(schedule, center), load_states(states, center), center
            )
            loss = sample.lost_frac()
            source = (
                f"measured on {len(sample.shifts)} shifts of states {sample.first_day} to "
                f"{sample.last_day}"
            )
    return lived_allowance(center, adherence_loss_frac=loss, adherence_source=source, roster=roster)


def built_for_life(
    requirements: pl.DataFrame,
    center: Center,
    allowance: LivedAllowance,
    *,
    erlang: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`requirements` with `agents_gross` built for life.

    Args:
        erlang: the per-queue Erlang requirements `requirements` were pooled from, if they
            were: the lived requirement is then computed on them and scaled by the pooled
            over the Erlang `agents_net` of each interval.
    """
    if erlang is None:
        return staff_as_lived(requirements, center, allowance)
    lived = staff_as_lived(erlang, center, allowance).select(
        "queue_id",
        "interval_start",
        (pl.col("agents_gross") / pl.col("agents_net").cast(pl.Float64).replace(0.0, None)).alias(
            "_per_net"
        ),
    )
    return (
        requirements.join(lived, on=["queue_id", "interval_start"], how="left")
        .with_columns(
            (pl.col("agents_net") * pl.col("_per_net").fill_null(0.0)).alias("agents_gross")
        )
        .select(requirements.columns)
    )


def folder_tables(directory: str | Path | None) -> tuple[Path | None, Path | None]:
    """The states and schedule tables of a center folder (None where absent)."""
    if directory is None:
        return None, None
    folder = Path(directory)
    return find_table(folder, "states"), find_table(folder, "schedule")


def forecast_requirements(
    forecast: pl.DataFrame,
    center: Center,
    allowance: LivedAllowance | None,
    weekly_ratios: Mapping[str, tuple[float, ...]],
) -> tuple[pl.DataFrame, LivedAllowance | None]:
    """The requirements of a forecast: at the allowance's quantile of its weekly error, then
    built for life (without an allowance: the plain requirements)."""
    if allowance is None:
        return requirements_from_frame(forecast, center), None
    staffed, allowance = at_forecast_quantile(forecast, allowance, weekly_ratios)
    return built_for_life(requirements_from_frame(staffed, center), center, allowance), allowance


def weekly_errors_path(forecast_path: str | Path) -> Path:
    """Where a forecast table's weekly errors are written: `<name>_weekly_errors<suffix>`."""
    path = Path(forecast_path)
    return path.with_name(f"{path.stem}_weekly_errors{path.suffix}")


def write_weekly_errors(ratios: Mapping[str, tuple[float, ...]], forecast_path: str | Path) -> Path:
    """Write the forecast's backtest weekly errors beside its table (`weekly_errors_path`)."""
    frame = pl.DataFrame(
        [(q, r) for q, values in ratios.items() for r in values],
        schema={"queue_id": pl.Utf8, "actual_over_forecast": pl.Float64},
        orient="row",
    )
    return write_table(frame, weekly_errors_path(forecast_path))


def read_weekly_errors(forecast_path: str | Path, center: Center) -> dict[str, tuple[float, ...]]:
    """The weekly errors written beside a forecast table, per queue.

    Raises:
        StaffingError: the file is missing (the forecast was made without them).
        DataError: the file breaks its rules (file, row, column named).
    """
    path = weekly_errors_path(forecast_path)
    if not path.exists():
        raise StaffingError(
            f"{path}: missing; the center staffs a forecast at a quantile of its weekly error "
            "(life.staff_forecast_quantile), which `wfm forecast` writes beside the forecast "
            "table for such a center: forecast again"
        )
    frame = load_weekly_errors(path, center)
    return {
        str(q): tuple(rows["actual_over_forecast"].to_list())
        for (q,), rows in frame.group_by("queue_id", maintain_order=True)
    }
