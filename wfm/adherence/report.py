"""Adherence for a period and a real-time snapshot, in one result (no I/O)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from wfm.adherence.engine import AdherenceResult, adherence
from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.realtime import realtime_snapshot
from wfm.center import Center

__all__ = ["AdherenceReport", "adherence_report"]


@dataclass(frozen=True)
class AdherenceReport:
    """Adherence for a period (optionally one day / team) and, with `at`, a snapshot.

    Attributes:
        result: agent-days, exceptions, team roll-ups and timeline.
        realtime: the snapshot at `at` (REALTIME_COLUMNS), or None.
        day: the day filter, if any.
        team: the team filter, if any.
        at: the snapshot instant (UTC), if any.
        tz: the center's time zone name.
    """

    result: AdherenceResult
    realtime: pl.DataFrame | None
    day: dt.date | None
    team: str | None
    at: dt.datetime | None
    tz: str


def adherence_report(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    center: Center,
    *,
    rules: AdherenceRules | None = None,
    roster: pl.DataFrame | None = None,
    approved: pl.DataFrame | None = None,
    day: dt.date | None = None,
    team: str | None = None,
    at: dt.datetime | None = None,
) -> AdherenceReport:
    """Adherence per agent-day (up to `at` when given) plus a real-time snapshot at `at`.

    Raises:
        AdherenceError, DataError: see `wfm.adherence.adherence`.
    """
    teams = None if team is None else [team]
    result = adherence(
        schedule,
        states,
        center,
        rules=rules,
        as_of=at,
        approved=approved,
        roster=roster,
        dates=None if day is None else [day],
        teams=teams,
    )
    snapshot = None
    if at is not None:
        snapshot = realtime_snapshot(
            schedule,
            states,
            center,
            at=at,
            rules=rules,
            approved=approved,
            roster=roster,
            teams=teams,
        )
    return AdherenceReport(result, snapshot, day, team, at, center.timezone)
