"""Builders for simulation cases: a one-queue center, constant staffing, hand-made contacts."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.simulation import Contacts, WorkSegments

T0 = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)  # a Monday
TS = pl.Datetime("us", "UTC")


def one_queue_config(
    *,
    answer_within_s: float = 20.0,
    patience_s: float | None = None,
    aht_s: float = 300.0,
    concurrency: int = 1,
    timezone: str = "UTC",
    interval_min: int = 15,
    shrinkage_frac: float = 0.0,
    **extra: object,
) -> dict[str, object]:
    """The center file of a 24/7 single queue (voice; chat when concurrency > 1), by
    default in UTC with 15-minute intervals; `extra` adds top-level sections."""
    queue: dict[str, object] = {
        "id": "q",
        "channel": "voice" if concurrency == 1 else "chat",
        "concurrency": concurrency,
        "skill": "s",
        "open_hours": "24/7",
        "target": {"service_level_frac": 0.8, "answer_within_s": answer_within_s},
        "aht_s": aht_s,
    }
    if patience_s is not None:
        queue["patience_s"] = patience_s
    return {
        "name": "test",
        "timezone": timezone,
        "interval_min": interval_min,
        "shrinkage_frac": shrinkage_frac,
        "queues": [queue],
        **extra,
    }


def one_queue_center(**settings: object) -> Center:
    """`one_queue_config` as a Center."""
    return Center.model_validate(one_queue_config(**settings))  # type: ignore[arg-type]


def constant_volumes(volume: float, n_intervals: int, *, aht_s: float = 300.0) -> pl.DataFrame:
    """A forecast-like frame: `volume` contacts in every 15-minute interval from T0."""
    return pl.DataFrame(
        {
            "queue_id": ["q"] * n_intervals,
            "interval_start": pl.Series(
                [T0 + dt.timedelta(minutes=15 * i) for i in range(n_intervals)], dtype=TS
            ),
            "volume": [float(volume)] * n_intervals,
            "aht_s": [aht_s] * n_intervals,
        }
    )


def constant_agents(n_agents: int, hours: float) -> pl.DataFrame:
    """`n_agents` working queue q from T0 for `hours`, no breaks."""
    return pl.DataFrame(
        {
            "agent_id": [f"a{i:03d}" for i in range(n_agents)],
            "activity": ["work"] * n_agents,
            "start": pl.Series([T0] * n_agents, dtype=TS),
            "end": pl.Series([T0 + dt.timedelta(hours=hours)] * n_agents, dtype=TS),
            "queue_id": ["q"] * n_agents,
        }
    )


def contacts(rows: list[tuple[float, int, float, float]]) -> Contacts:
    """(arrival_s, queue, handle_s, patience_s) rows, sorted by arrival; inf = never hangs up."""
    rows = sorted(rows, key=lambda r: r[0])
    return Contacts(
        arrival_s=np.array([r[0] for r in rows], dtype=np.float64),
        queue=np.array([r[1] for r in rows], dtype=np.int64),
        handle_s=np.array([r[2] for r in rows], dtype=np.float64),
        patience_s=np.array([r[3] for r in rows], dtype=np.float64),
    )


def segments(rows: list[tuple[int, float, float, tuple[int, ...]]], n_agents: int) -> WorkSegments:
    """(agent, start_s, end_s, queues) rows."""
    rows = sorted(rows, key=lambda r: (r[1], r[0]))
    return WorkSegments(
        agent_ids=tuple(f"a{i}" for i in range(n_agents)),
        agent=np.array([r[0] for r in rows], dtype=np.int64),
        start_s=np.array([r[1] for r in rows], dtype=np.float64),
        end_s=np.array([r[2] for r in rows], dtype=np.float64),
        queues=tuple(r[3] for r in rows),
    )


NEVER = math.inf
