"""Real-time adherence: who is out of adherence at an instant, for how long, how badly.

`RealtimeIndex` is built once from a timeline (sorted pieces) and answers a snapshot with one
vectorised binary search over all agents, so a snapshot costs O(n_agents log n_pieces).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.adherence._order import sort_agent_time
from wfm.adherence.engine import attach_team, timeline
from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import TS, flatten_schedule, normalize_states, to_utc
from wfm.center import Center
from wfm.errors import AdherenceError

__all__ = ["REALTIME_COLUMNS", "RealtimeIndex", "realtime_snapshot"]

REALTIME_COLUMNS = (
    "agent_id",
    "team",
    "scheduled_activity",
    "actual_state",
    "state_since",
    "out_of_adherence_s",
    "severity",
)


def _us(at: dt.datetime) -> int:
    at = to_utc(at, "at")
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (at - epoch) // dt.timedelta(microseconds=1)


class RealtimeIndex:
    """Per-agent index over timeline pieces for fast snapshots.

    Args:
        pieces: a timeline from `wfm.adherence.engine.timeline` (any extra `team` column is
            used), covering the instants to be queried.
        rules: grace and severe thresholds.
        agents: optional `agent_id, team` of every agent to report; agents absent from the
            timeline show as scheduled off with no state.
    """

    def __init__(
        self, pieces: pl.DataFrame, rules: AdherenceRules, *, agents: pl.DataFrame | None = None
    ) -> None:
        self.rules = rules
        if "team" not in pieces.columns:
            pieces = pieces.with_columns(pl.lit(None, pl.String).alias("team"))
        self._pieces = sort_agent_time(pieces, "start").select(
            "agent_id",
            "team",
            "start",
            "end",
            "activity",
            "state",
            "state_start",
            "dev",
            "run_start",
        )
        self._agents = self._pieces.get_column("agent_id").unique(maintain_order=True)
        codes = self._pieces.get_column("agent_id").rle_id().to_numpy().astype(np.int64)
        starts = self._pieces.get_column("start").dt.epoch("us").to_numpy()
        self._ends = self._pieces.get_column("end").dt.epoch("us").to_numpy()
        self._run_start = self._pieces.get_column("run_start").dt.epoch("us").to_numpy()
        self._base = int(starts.min()) if starts.size else 0
        # One sorted key per piece: agent code in the high part, time offset in the low part.
        self._span = int(self._ends.max() - self._base + 1) if starts.size else 1
        if len(self._agents) * self._span >= 2**62:
            raise AdherenceError("timeline too long to index; build the index per day")
        self._codes = codes
        self._keys = codes * self._span + (starts - self._base)
        first = np.r_[0, np.flatnonzero(np.diff(codes)) + 1] if codes.size else codes
        self._teams = self._pieces.get_column("team").gather(first)
        self._absent = pl.DataFrame(schema={"agent_id": pl.String, "team": pl.String})
        if agents is not None:
            self._absent = agents.select("agent_id", pl.col("team").cast(pl.String)).filter(
                ~pl.col("agent_id").is_in(self._agents.implode())
            )

    def snapshot(self, at: dt.datetime) -> pl.DataFrame:
        """Each agent's scheduled activity, actual state and deviation at instant `at`.

        Returns:
            REALTIME_COLUMNS, one row per indexed agent, worst first: `out_of_adherence_s`
            is the length of the current deviation run up to `at` (0 when in adherence);
            severity is "ok" below grace_s, "warning" below severe_s, else "severe".
        """
        t = _us(at)
        n = len(self._agents)
        offset = min(max(t - self._base, -1), self._span - 1)
        query = np.arange(n, dtype=np.int64) * self._span + offset
        idx = np.searchsorted(self._keys, query, side="right") - 1
        ok = (idx >= 0) & (offset >= 0)
        safe = np.where(ok, idx, 0)
        ok &= (self._codes[safe] == np.arange(n)) & (self._ends[safe] > t)
        rows = self._pieces.gather(safe)
        run_s = np.where(ok, (t - self._run_start[safe]) / 1e6, 0.0)
        is_dev = ok & rows.get_column("dev").is_not_null().to_numpy()
        oa_s = np.where(is_dev, run_s, 0.0)
        valid = pl.Series(ok)
        frame = pl.DataFrame(
            {
                "agent_id": self._agents,
                "team": self._teams,
                "scheduled_activity": rows.get_column("activity").zip_with(
                    valid, pl.Series(["off"] * n, dtype=pl.String)
                ),
                "actual_state": rows.get_column("state").zip_with(
                    valid, pl.Series([None] * n, dtype=pl.String)
                ),
                "state_since": rows.get_column("state_start").zip_with(
                    valid, pl.Series([None] * n, dtype=TS)
                ),
                "out_of_adherence_s": oa_s,
            }
        )
        absent = self._absent.with_columns(
            pl.lit("off").alias("scheduled_activity"),
            pl.lit(None, pl.String).alias("actual_state"),
            pl.lit(None, TS).alias("state_since"),
            pl.lit(0.0).alias("out_of_adherence_s"),
        )
        frame = pl.concat([frame, absent])
        grace, severe = self.rules.grace_s, self.rules.severe_s
        oa = pl.col("out_of_adherence_s")
        return frame.with_columns(
            pl.when((oa > 0) & (oa >= severe))
            .then(pl.lit("severe"))
            .when((oa > 0) & (oa >= grace))
            .then(pl.lit("warning"))
            .otherwise(pl.lit("ok"))
            .alias("severity")
        ).sort(["out_of_adherence_s", "agent_id"], descending=[True, False])


def realtime_snapshot(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    center: Center,
    *,
    at: dt.datetime,
    rules: AdherenceRules | None = None,
    approved: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    teams: list[str] | None = None,
) -> pl.DataFrame:
    """One-shot snapshot at `at` from raw tables (builds the index, then queries it).

    States that start after `at` are ignored; an open state at `at` lasts through it.

    Returns:
        REALTIME_COLUMNS, worst first (see RealtimeIndex.snapshot).

    Raises:
        AdherenceError: a team filter without a roster, or a state missing from the mapping.
        DataError: an input table is malformed.
    """
    if teams is not None and roster is None:
        raise AdherenceError("a team filter needs the roster (its agents and teams)")
    rules = rules or AdherenceRules()
    at = to_utc(at, "at")
    # Close open states just past `at`, so the state open at `at` is seen.
    as_of = at + dt.timedelta(microseconds=1)
    segments = flatten_schedule(schedule, center.tz, approved=approved)
    clean = normalize_states(states, rules, as_of=as_of)
    pieces = attach_team(timeline(segments, clean, center.tz, rules=rules, as_of=as_of), roster)
    agents = attach_team(
        pl.concat([segments.select("agent_id"), clean.select("agent_id")]).unique(), roster
    )
    if teams is not None:
        pieces = pieces.filter(pl.col("team").is_in(teams))
        agents = agents.filter(pl.col("team").is_in(teams))
    return RealtimeIndex(pieces, rules, agents=agents).snapshot(at)
