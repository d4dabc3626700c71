"""Capacity runs in the service: the request's plan and scenarios checked against the stored
center and roster, then the capacity use case (`wfm.usecases.capacity`, as `wfm capacity`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from api import crud
from api.frames import roster_table
from api.schemas import RosterAgentIn
from wfm.capacity.plan import CapacityPlan, check_plan
from wfm.capacity.scenarios import Scenario, check_scenarios
from wfm.center import Center
from wfm.errors import ConfigError
from wfm.grid import not_week_start
from wfm.settings import Settings
from wfm.usecases.capacity import compute_capacity, load_capacity_inputs

__all__ = ["capacity_roster", "capacity_tables", "check_capacity_request"]


def capacity_roster(session: Session) -> pl.DataFrame:
    """The stored roster as its text table (`wfm.loaders.load_roster` reads it).

    Raises:
        NotFoundError: no roster has been loaded yet.
    """
    _, agents = crud.current_roster(session)
    return roster_table([RosterAgentIn.model_validate(a.body) for a in agents])


def check_capacity_request(
    plan: CapacityPlan,
    scenarios: list[Scenario],
    *,
    center: Center,
    roster: pl.DataFrame,
    start: dt.date,
) -> None:
    """The checks a run would fail on, made before it is queued.

    Raises:
        ConfigError: `start` is not the center's week start; an unknown team, queue or
            contract, or a date before `start`.
    """
    problem = not_week_start(start, center.week_start)
    if problem is not None:
        raise ConfigError(f"start: a capacity plan starts a week: {problem}")
    teams = set(roster["team"].unique().to_list())
    check_plan(plan, center, roster_teams=teams, start=start, source="plan")
    check_scenarios(scenarios, center, roster_teams=teams, start=start, source="scenarios")


def capacity_tables(
    center: Center,
    roster: pl.DataFrame,
    history: Path | pl.DataFrame,
    settings: Settings,
    params: dict[str, Any],
) -> dict[str, pl.DataFrame]:
    """Run one capacity plan from its stored parameters: the result tables by name.

    Args:
        history: the history file of the settings, or the rows pushed to the service.

    Raises:
        WfmError: the plan fails (inputs, forecast, staffing).
    """
    inputs = load_capacity_inputs(
        center,
        history,
        roster,
        plan=CapacityPlan.model_validate(params["plan"]),
        scenarios=[Scenario.model_validate(s) for s in params["scenarios"]],
        drivers=settings.drivers_path,
        events=settings.events_path,
        start=dt.date.fromisoformat(params["start"]),
    )
    outcome = compute_capacity(
        inputs,
        horizon_weeks=params["horizon_weeks"],
        model=params["model"],
        level=params["level"],
        band_step_weeks=params["band_step_weeks"],
    )
    result = outcome.result
    return {
        "summary": result.summary,
        "groups": result.groups,
        "hiring": result.hiring,
        "band": outcome.band,
        "band_coverage": outcome.coverage,
    }
