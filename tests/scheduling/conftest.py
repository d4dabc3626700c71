"""Tiny scheduling instances: <= 5 agents, shifts on <= 2 days, 30-minute slots."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from ortools.sat.python import cp_model

import scheduling.solve
from scheduling.problem import ScheduleProblem, from_frames
from scheduling.solve import SolveParams
from wfm.center import Center
from wfm.grid import grid
from wfm.loaders import ROSTER_DTYPES

WEEK = dt.date(2026, 11, 30)
PARAMS = SolveParams(max_time_s=2, n_workers=1, seed=0)
# Office hours on Monday and Tuesday morning, and a triage line all Monday.
NEED = {
    ("office", 0, 8 * 60, 18 * 60): 2,
    ("triage", 0, 0, 24 * 60): 1,
    ("office", 1, 8 * 60, 12 * 60): 1,
}


def tiny_config(**overrides) -> dict:
    """Two queues (a 24/7 triage line, an office line), day and night templates on Mon-Tue."""
    config = {
        "name": "Tiny",
        "timezone": "America/New_York",
        "interval_min": 30,
        "shrinkage_frac": 0.0,
        "queues": [
            {
                "id": "triage",
                "channel": "voice",
                "skill": "triage",
                "open_hours": "24/7",
                "target": {"service_level_frac": 0.8, "answer_within_s": 30},
            },
            {
                "id": "office",
                "channel": "voice",
                "skill": "office",
                "open_hours": {"mon": "08:00-18:00", "tue": "08:00-18:00"},
                "target": {"service_level_frac": 0.8, "answer_within_s": 30},
            },
        ],
        "shift_templates": [
            {
                "id": "day4",
                "earliest_start": "08:00",
                "latest_start": "12:00",
                "start_step_min": 60,
                "length_h": 4,
                "days": ["mon", "tue"],
                "breaks": [
                    {
                        "kind": "break",
                        "duration_min": 30,
                        "paid": True,
                        "earliest_after_start_min": 60,
                        "latest_after_start_min": 150,
                    }
                ],
            },
            {
                "id": "night4",
                "earliest_start": "22:00",
                "latest_start": "22:00",
                "start_step_min": 60,
                "length_h": 4,
                "days": ["mon", "tue"],
                "breaks": [
                    {
                        "kind": "lunch",
                        "duration_min": 30,
                        "paid": False,
                        "earliest_after_start_min": 60,
                        "latest_after_start_min": 120,
                    }
                ],
            },
        ],
        "contracts": [
            {
                "id": "flex",
                "weekly_hours_min": 0,
                "weekly_hours_max": 8,
                "shift_templates": ["day4", "night4"],
                "max_days_per_week": 2,
            },
        ],
        "labor_rules": {"min_rest_h": 11, "max_consecutive_days": 6},
    }
    config.update(overrides)
    return config


def tiny_center(**overrides) -> Center:
    return Center.model_validate(tiny_config(**overrides))


def flex_center(
    *, hours_min: float = 0, hours_max: float = 8, templates=("day4",), max_days: int = 2
) -> Center:
    """The tiny center with one contract `flex` of these weekly hours, templates and days."""
    contract = {
        "id": "flex",
        "weekly_hours_min": hours_min,
        "weekly_hours_max": hours_max,
        "shift_templates": list(templates),
        "max_days_per_week": max_days,
    }
    return tiny_center(contracts=[contract])


def roster(rows: list[dict]) -> pl.DataFrame:
    """A roster frame; each row gives agent_id, skills (queue ids) and optional fields."""
    out = []
    for row in rows:
        out.append(
            {
                "agent_id": row["agent_id"],
                "name": row["agent_id"],
                "team": "t",
                "supervisor": "s",
                "skills": [{"queue_id": q, "proficiency": 1.0} for q in row["skills"]],
                "contract": row.get("contract", "flex"),
                "availability": row.get("availability", []),
                "preferred_start": row.get("preferred_start"),
                "preferred_days_off": row.get("preferred_days_off", []),
            }
        )
    return pl.DataFrame(out, schema=ROSTER_DTYPES)


def requirements(center: Center, need: dict[tuple[str, int, int, int], float]) -> pl.DataFrame:
    """Requirements of the week: need[(queue, day, from_min, to_min)] = agents (local time)."""
    starts = grid(WEEK, WEEK + dt.timedelta(days=7), center.tz, center.interval_s)
    rows = []
    for queue_id in center.queue_ids:
        for at in starts.to_list():
            local = at.astimezone(center.tz)
            day = (local.date() - WEEK).days
            minute = local.hour * 60 + local.minute
            value = sum(
                v
                for (q, d, lo, hi), v in need.items()
                if q == queue_id and d == day and lo <= minute < hi
            )
            rows.append({"queue_id": queue_id, "interval_start": at, "agents_gross": value})
    frame = pl.DataFrame(
        rows,
        schema={
            "queue_id": pl.Utf8,
            "interval_start": pl.Datetime("us", "UTC"),
            "agents_gross": pl.Float64,
        },
    )
    return frame.with_columns(
        pl.lit(0.0).alias("volume"),
        pl.lit(300.0).alias("aht_s"),
        pl.lit(0.0).alias("workload_erl"),
        pl.col("agents_gross").ceil().cast(pl.Int64).alias("agents_net"),
    )


def problem(center: Center, rows: list[dict], need: dict) -> ScheduleProblem:
    return from_frames(requirements(center, need), roster(rows), center, week_start=WEEK)


@pytest.fixture
def small() -> Center:
    return tiny_center()


class _StalledSolver(cp_model.CpSolver):
    """A CP-SAT solver that finds nothing in time, as on a week too large for the limit."""

    def solve(self, model, solution_callback=None):
        return cp_model.UNKNOWN

    @property
    def best_objective_bound(self) -> float:
        return 0.0


@pytest.fixture
def stalled_cp_sat(monkeypatch) -> None:
    """`solve`'s CP-SAT passes find no schedule, so it returns the caller's hint alone."""
    monkeypatch.setattr(scheduling.solve, "_solver", lambda params, time_s: _StalledSolver())
