"""Deviation runs, the grace threshold and exception kinds.

Every elementary piece of the timeline is classified; a deviation run (consecutive pieces
out of adherence, or consecutive pieces of work while scheduled off) that lasts at least
`grace_s` is counted, and its pieces get a kind, checked in this order:

- worked_while_off: a work / meeting / training state while no shift is scheduled;
- late_start: logged out (or no state) in a shift before the agent's first state in it
  (an agent with no state in a whole shift is one late start over the shift);
- early_leave: logged out in a shift after the agent's last state in it;
- missed_break: a scheduled break or lunch with no break or lunch state anywhere in it,
  while the agent was in some other (non-off) state;
- long_break / long_lunch: a break / lunch state while scheduled neither break nor lunch;
- unscheduled_state: any other out-of-adherence state (e.g. a meeting not on the schedule,
  a break taken in place of lunch, work during a break that was taken late).

Consecutive counted pieces of one kind on one day form one exception.
"""

from __future__ import annotations

import polars as pl

from wfm.adherence.mapping import AdherenceRules

__all__ = ["EXCEPTION_COLUMNS", "EXCEPTION_KINDS", "classify", "exceptions_from_timeline"]

EXCEPTION_KINDS = (
    "late_start",
    "early_leave",
    "long_break",
    "missed_break",
    "long_lunch",
    "unscheduled_state",
    "worked_while_off",
)
EXCEPTION_COLUMNS = (
    "agent_id",
    "date",
    "team",
    "kind",
    "start",
    "end",
    "duration_s",
    "scheduled_activity",
    "actual_state",
    "severity",
)
_BREAKS = ("break", "lunch")
_WORKLIKE = ("work", "meeting", "training")


def classify(pieces: pl.DataFrame, rules: AdherenceRules) -> pl.DataFrame:
    """Add adherence flags, deviation runs and exception kinds to timeline pieces.

    Args:
        pieces: pieces sorted by agent and start with `agent_id, start, end, dur_us, activity,
            seg_start, shift_start, family`.
        rules: grace threshold and neutral activities.

    Returns:
        `pieces` plus `scheduled, in_adherence, dev` ("oa" out of adherence, "wwo" work while
        off, null otherwise), `run_start, run_s` (the deviation run), `counted` (run at least
        grace_s long) and `kind` (exception kind of counted pieces).
    """
    activity, family = pl.col("activity"), pl.col("family")
    neutral = activity.is_in(list(rules.neutral_activities)) | (family == "neutral")
    scheduled = (activity != "off") & ~neutral
    dev = (
        pl.when(scheduled & (family != activity))
        .then(pl.lit("oa"))
        .when((activity == "off") & family.is_in(list(_WORKLIKE)))
        .then(pl.lit("wwo"))
        .otherwise(pl.lit(None, pl.String))
    )
    frame = pieces.with_columns(scheduled.alias("scheduled"), dev.alias("dev"))
    new_run = (
        (pl.col("agent_id") != pl.col("agent_id").shift(1))
        | pl.col("dev").ne_missing(pl.col("dev").shift(1))
        | (pl.col("start") != pl.col("end").shift(1))
    ).fill_null(True)
    # Run totals from an exact integer running sum (no window over run ids: this is the
    # hot path for 10^5 pieces).
    last_of_run = new_run.shift(-1).fill_null(True)
    running_us = pl.col("dur_us").cum_sum()
    frame = frame.with_columns(
        pl.when(new_run).then(pl.col("start")).forward_fill().alias("run_start"),
        (
            pl.when(last_of_run).then(running_us).backward_fill()
            - pl.when(new_run).then(running_us - pl.col("dur_us")).forward_fill()
        ).alias("_run_us"),
    ).with_columns((pl.col("_run_us") / 1e6).alias("run_s"))
    counted = pl.col("dev").is_not_null() & (pl.col("_run_us") >= round(rules.grace_s * 1e6))
    active = pl.when((family != "off") & pl.col("shift_start").is_not_null())
    took_break = (
        pl.when(activity.is_in(list(_BREAKS)))
        .then(family.is_in(list(_BREAKS)).any().over(["agent_id", "seg_start"]))
        .otherwise(pl.lit(True))
    )
    frame = frame.with_columns(
        counted.alias("counted"),
        active.then(pl.col("start")).min().over(["agent_id", "shift_start"]).alias("_first"),
        active.then(pl.col("end")).max().over(["agent_id", "shift_start"]).alias("_last"),
        took_break.alias("_took_break"),
    )
    kind = (
        pl.when(~pl.col("counted"))
        .then(pl.lit(None, pl.String))
        .when(pl.col("dev") == "wwo")
        .then(pl.lit("worked_while_off"))
        .when(
            (family == "off") & (pl.col("_first").is_null() | (pl.col("end") <= pl.col("_first")))
        )
        .then(pl.lit("late_start"))
        .when((family == "off") & (pl.col("start") >= pl.col("_last")))
        .then(pl.lit("early_leave"))
        .when(activity.is_in(list(_BREAKS)) & (family != "off") & ~pl.col("_took_break"))
        .then(pl.lit("missed_break"))
        .when((family == "break") & ~activity.is_in(list(_BREAKS)))
        .then(pl.lit("long_break"))
        .when((family == "lunch") & ~activity.is_in(list(_BREAKS)))
        .then(pl.lit("long_lunch"))
        .otherwise(pl.lit("unscheduled_state"))
    )
    in_adherence = pl.col("scheduled") & (
        (family == activity) | ((pl.col("dev") == "oa") & ~pl.col("counted"))
    )
    return frame.with_columns(kind.alias("kind"), in_adherence.alias("in_adherence")).drop(
        "_run_us", "_first", "_last", "_took_break"
    )


def exceptions_from_timeline(pieces: pl.DataFrame, rules: AdherenceRules) -> pl.DataFrame:
    """Merge counted pieces into exceptions.

    Returns:
        One row per exception: `agent_id, date, team, kind, start, end, duration_s,
        scheduled_activity, actual_state` (state name at the exception's start, null when no
        state was open) and `severity` ("severe" when its deviation run lasted at least
        severe_s, else "warning"); sorted by agent and start.
    """
    hits = pieces.filter(pl.col("kind").is_not_null())
    new = (
        (pl.col("agent_id") != pl.col("agent_id").shift(1))
        | (pl.col("kind") != pl.col("kind").shift(1))
        | (pl.col("date") != pl.col("date").shift(1))
        | (pl.col("start") != pl.col("end").shift(1))
    ).fill_null(True)
    return (
        hits.with_columns(new.cum_sum().alias("_exc"))
        .group_by("_exc", maintain_order=True)
        .agg(
            pl.col("agent_id").first(),
            pl.col("date").first(),
            pl.col("team").first(),
            pl.col("kind").first(),
            pl.col("start").first(),
            pl.col("end").last(),
            pl.col("dur_s").sum().alias("duration_s"),
            pl.col("activity").first().alias("scheduled_activity"),
            pl.col("state").first().alias("actual_state"),
            pl.col("run_s").max().alias("_run_s"),
        )
        .with_columns(
            pl.when(pl.col("_run_s") >= rules.severe_s)
            .then(pl.lit("severe"))
            .otherwise(pl.lit("warning"))
            .alias("severity")
        )
        .select(EXCEPTION_COLUMNS)
        .sort(["agent_id", "start"])
    )
