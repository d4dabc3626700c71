"""A replay of a past week's agent states as the agents' availability.

An agent is available while its phone state maps to work (Available, On Call, After Call
Work, ...: the adherence state mapping), for every queue of its roster skills (the phone
system routes by skill; the states do not say which queue a call came from). Touching work
states are one stretch. Everything else (breaks, meetings, logged out, no state) is
unavailable, so absence, late log-ins, long breaks and early log-outs are all in it as they
happened.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import normalize_states
from wfm.errors import DataError, DataIssue
from wfm.simulation.shifts import WorkSegments

__all__ = ["replay_segments"]


def replay_segments(
    states: pl.DataFrame,
    roster: pl.DataFrame | None,
    queue_ids: tuple[str, ...],
    *,
    origin: dt.datetime,
    rules: AdherenceRules | None = None,
) -> WorkSegments:
    """Work segments from actual states (see the module docstring).

    Args:
        states: loaded agent states (interval or event-log form).
        roster: the loaded roster (skills).
        queue_ids: the queues in simulation order.
        origin: UTC instant of second 0.
        rules: the state mapping (default `AdherenceRules()`).

    Raises:
        DataError: no roster, or no agent of the states is in it with a skill.
        AdherenceError: a state is missing from the mapping.
    """
    if roster is None:
        raise DataError("states", [DataIssue(None, "agent_id", "a replay needs the roster")])
    index = {q: i for i, q in enumerate(queue_ids)}
    skills = {
        agent_id: tuple(
            sorted(index[s["queue_id"]] for s in agent_skills if s["queue_id"] in index)
        )
        for agent_id, agent_skills in roster.select("agent_id", "skills").iter_rows()
    }
    as_of = states["end"].max() if "end" in states.columns else states["ts"].max()
    clean = normalize_states(states, rules or AdherenceRules(), as_of=as_of)
    work = clean.filter(pl.col("family") == "work").sort("agent_id", "start")
    touching = (pl.col("agent_id") == pl.col("agent_id").shift(1)) & (
        pl.col("start") == pl.col("end").shift(1)
    )
    stretches = (
        work.with_columns((~touching).fill_null(True).cum_sum().alias("_run"))
        .group_by("_run", maintain_order=True)
        .agg(pl.col("agent_id").first(), pl.col("start").first(), pl.col("end").last())
        .filter(pl.col("agent_id").is_in([a for a, q in skills.items() if q]))
        .sort("start", "agent_id")
    )
    if stretches.height == 0:
        raise DataError(
            "states", [DataIssue(None, "agent_id", "no agent of the states has roster skills")]
        )
    agent_ids = tuple(sorted(set(stretches["agent_id"].to_list())))
    agent_index = {a: i for i, a in enumerate(agent_ids)}
    origin_us = int(origin.timestamp() * 1_000_000)
    return WorkSegments(
        agent_ids=agent_ids,
        agent=np.array([agent_index[a] for a in stretches["agent_id"]], dtype=np.int64),
        start_s=((stretches["start"].dt.epoch("us") - origin_us) / 1e6).to_numpy().astype(float),
        end_s=((stretches["end"].dt.epoch("us") - origin_us) / 1e6).to_numpy().astype(float),
        queues=tuple(skills[a] for a in stretches["agent_id"]),
    )
