"""Requirements built for life in the use cases: the adherence loss measured from the states,
then `wfm.staffing.lived` (README, `wfm staff`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from wfm.center import Center
from wfm.folder import find_table
from wfm.loaders import load_schedule, load_states
from wfm.simulation.deviations import measure_deviations
from wfm.staffing.lived import LivedAllowance, lived_allowance, staff_as_lived

__all__ = ["allowance_for", "built_for_life", "folder_tables"]


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
