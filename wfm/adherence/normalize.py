"""Turn what phone systems and schedulers send into clean, non-overlapping segments.

States (`normalize_states`):
- duplicates are dropped: by `event_id` when the column exists (the longest delivery wins,
  whatever the order), otherwise exact duplicate rows;
- an event log (`agent_id, ts, state`) becomes intervals: each event lasts until the agent's
  next event;
- rows are sorted, whatever order they arrived in; when two states start at the same instant
  the one lasting longer (open = longest) wins, then the larger state name, so the result
  never depends on row order;
- overlaps are resolved by "the later-starting state wins from its start": a state ends at
  its own end or at the agent's next state start, whichever is first;
- an open state (null end) lasts until the next state or `as_of`; everything is clipped at
  `as_of` (states that start after it have not happened yet);
- back-to-back pieces of the same state are merged, so `start` is "in this state since".

Schedule (`flatten_schedule`): overlapping rows are resolved by priority (approved exception
> break/lunch/meeting/training > work > off), then cut into shifts: a shift is a run of
touching non-off segments and belongs to the local day it starts on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl

from wfm.adherence._order import sort_agent_time
from wfm.adherence.mapping import AdherenceRules
from wfm.errors import AdherenceError, DataError, DataIssue
from wfm.loaders import ACTIVITIES

__all__ = ["flatten_schedule", "normalize_states", "to_utc"]

TS = pl.Datetime("us", "UTC")
_MAX_ISSUES = 20
_PRIORITY = {"off": 0, "work": 1, "break": 2, "lunch": 2, "meeting": 2, "training": 2}
_EXCEPTION_PRIORITY = 3


def to_utc(at: dt.datetime, name: str = "instant") -> dt.datetime:
    """`at` in UTC; a naive datetime is refused (its zone would be a guess).

    Raises:
        AdherenceError: `at` has no time zone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise AdherenceError(f"{name} must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(dt.UTC)


def _require(frame: pl.DataFrame, columns: dict[str, pl.DataType], source: str) -> None:
    issues = []
    for name, dtype in columns.items():
        if name not in frame.columns:
            issues.append(DataIssue(None, name, "required column is missing"))
        elif frame.schema[name] != dtype:
            issues.append(DataIssue(None, name, f"expected {dtype}, got {frame.schema[name]}"))
    if issues:
        raise DataError(source, issues)


def _row_issues(frame: pl.DataFrame, bad: pl.Expr, column: str, message: str) -> list[DataIssue]:
    rows = frame.filter(bad).get_column("_row").head(_MAX_ISSUES).to_list()
    return [DataIssue(row + 1, column, message) for row in rows]


def normalize_states(
    states: pl.DataFrame,
    rules: AdherenceRules,
    *,
    as_of: dt.datetime,
    source: str = "states",
) -> pl.DataFrame:
    """Clean agent states into non-overlapping intervals, each mapped to an activity family.

    Args:
        states: `agent_id, state, start, end[, event_id]` (end null = open) or the event log
            form `agent_id, ts, state[, event_id]`; timestamps Datetime("us", "UTC").
        rules: the state mapping.
        as_of: the instant the data is known up to; open states close here (UTC-aware).
        source: name used in error messages.

    Returns:
        `agent_id, state, family, start, end` sorted by agent and start, non-overlapping,
        with start < end <= as_of.

    Raises:
        DataError: a column is missing or mistyped, a value is empty, or an interval ends
            before it starts.
        AdherenceError: a state name is not in the mapping.
    """
    as_of = to_utc(as_of, "as_of")
    is_log = "ts" in states.columns and "start" not in states.columns
    columns: dict[str, pl.DataType] = {"agent_id": pl.String(), "state": pl.String()}
    columns.update({"ts": TS} if is_log else {"start": TS, "end": TS})
    _require(states, columns, source)
    frame = states.with_row_index("_row")
    if is_log:
        frame = frame.rename({"ts": "start"}).with_columns(pl.lit(None, TS).alias("end"))
    issues = _row_issues(
        frame, pl.col("agent_id").is_null(), "agent_id", "agent_id is empty"
    ) + _row_issues(frame, pl.col("state").is_null(), "state", "state is empty")
    issues += _row_issues(frame, pl.col("start").is_null(), "start", "start is empty")
    # Zero-length states are allowed (an event log with a repeated timestamp gives them);
    # they carry no time.
    issues += _row_issues(
        frame, pl.col("end") < pl.col("start"), "end", "end must not be before start"
    )
    if issues:
        raise DataError(source, issues[:_MAX_ISSUES])
    unknown = sorted(set(frame.get_column("state").unique().to_list()) - set(rules.mapping))
    if unknown:
        raise AdherenceError(
            f"{source}: phone state(s) not in the adherence mapping: {', '.join(unknown)}; "
            "add them under `mapping:` in the rules file"
        )

    if "event_id" in frame.columns:
        # A redelivered event counts once; its longest delivery (open = longest) is kept, so
        # the answer does not depend on delivery order.
        redelivered = pl.col("event_id").is_not_null() & pl.col("event_id").is_duplicated()
        frame = frame.with_columns(redelivered.alias("_dup"))
        dups = frame.filter(pl.col("_dup"))
        if dups.height:
            kept = dups.sort(["event_id", "end", "state"], nulls_last=True).unique(
                "event_id", keep="last"
            )
            frame = pl.concat([frame.filter(~pl.col("_dup")), kept])

    as_of_lit = pl.lit(as_of, TS)
    frame = frame.select("agent_id", "state", "start", "end").filter(pl.col("start") < as_of_lit)
    frame = _one_state_per_start(sort_agent_time(frame, "start"))
    same_agent = pl.col("agent_id") == pl.col("agent_id").shift(-1)
    next_start = pl.when(same_agent).then(pl.col("start").shift(-1))
    frame = frame.with_columns(
        pl.min_horizontal(
            pl.col("end").fill_null(as_of_lit), next_start.fill_null(as_of_lit), as_of_lit
        ).alias("end")
    ).filter(pl.col("end") > pl.col("start"))
    # Merge back-to-back pieces of one state so `start` reads "in this state since".
    joins_previous = (
        (pl.col("agent_id") == pl.col("agent_id").shift(1))
        & (pl.col("state") == pl.col("state").shift(1))
        & (pl.col("start") == pl.col("end").shift(1))
    ).fill_null(False)
    frame = frame.with_columns(joins_previous.alias("_joins"))
    firsts = frame.filter(~pl.col("_joins")).select("agent_id", "state", "start")
    lasts = frame.filter(~pl.col("_joins").shift(-1).fill_null(False)).select("end")
    frame = pl.concat([firsts, lasts], how="horizontal")
    family = pl.col("state").replace_strict(rules.mapping, return_dtype=pl.String)
    return frame.select("agent_id", "state", family.alias("family"), "start", "end")


def _one_state_per_start(frame: pl.DataFrame) -> pl.DataFrame:
    """Of states one agent starts at the same instant keep the longest (open = longest),
    then the larger state name; exact duplicates collapse. `frame` is sorted by agent, start."""
    same_start = (pl.col("agent_id") == pl.col("agent_id").shift(-1)) & (
        pl.col("start") == pl.col("start").shift(-1)
    )
    tied = (same_start.fill_null(False) | same_start.shift(1).fill_null(False)).alias("_tied")
    frame = frame.with_columns(tied)
    ties = frame.filter(pl.col("_tied"))
    if ties.height == 0:
        return frame.drop("_tied")
    winners = ties.sort(["agent_id", "start", "end", "state"], nulls_last=True).unique(
        ["agent_id", "start"], keep="last"
    )
    return sort_agent_time(pl.concat([frame.filter(~pl.col("_tied")), winners]), "start").drop(
        "_tied"
    )


def flatten_schedule(
    schedule: pl.DataFrame,
    tz: ZoneInfo,
    *,
    approved: pl.DataFrame | None = None,
    source: str = "schedule",
) -> pl.DataFrame:
    """Resolve overlapping schedule rows and approved exceptions into shifts of segments.

    Args:
        schedule: `agent_id, activity, start, end[, queue_id]` (README, Tables).
        tz: the center's time zone (decides the day a shift belongs to).
        approved: optional approved exceptions `agent_id, start, end, activity`; they
            replace the schedule over their span (activity "off" = approved time off).
        source: name used in error messages.

    Returns:
        `agent_id, activity, start, end, shift_start, shift_end, shift_date` for non-off time,
        sorted by agent and start; `shift_date` is the local date the shift starts.

    Raises:
        DataError: a column is missing or mistyped, an activity is unknown, or end <= start.
    """
    columns = {"agent_id": pl.String(), "activity": pl.String(), "start": TS, "end": TS}
    _require(schedule, columns, source)
    rows = [_checked(schedule, source).with_columns(pl.lit(0, pl.Int8).alias("_exc"))]
    if approved is not None:
        _require(approved, columns, "approved exceptions")
        rows.append(
            _checked(approved, "approved exceptions").with_columns(pl.lit(1, pl.Int8).alias("_exc"))
        )
    prio_map = pl.DataFrame({"activity": list(_PRIORITY), "_prio": list(_PRIORITY.values())})
    rows_all = (
        pl.concat(rows)
        .join(prio_map, on="activity", how="left")
        .with_columns(
            pl.when(pl.col("_exc") == 1)
            .then(_EXCEPTION_PRIORITY)
            .otherwise(pl.col("_prio"))
            .alias("_prio")
        )
    )
    points = (
        pl.concat(
            [
                rows_all.select("agent_id", pl.col("start").alias("t")),
                rows_all.select("agent_id", pl.col("end").alias("t")),
            ]
        )
        .unique()
        .sort(["agent_id", "t"])
        .with_columns(pl.col("t").shift(-1).over("agent_id").alias("t_end"))
        .drop_nulls("t_end")
    )
    pieces = (
        points.join(rows_all, on="agent_id")
        .filter((pl.col("start") <= pl.col("t")) & (pl.col("t") < pl.col("end")))
        .sort(["agent_id", "t", "_prio", "start"])
        .group_by(["agent_id", "t"], maintain_order=True)
        .agg(pl.col("activity").last(), pl.col("t_end").first())
        .filter(pl.col("activity") != "off")
        .rename({"t": "start", "t_end": "end"})
    )
    same_agent = pl.col("agent_id") == pl.col("agent_id").shift(1)
    touching = same_agent & (pl.col("start") == pl.col("end").shift(1))
    new_seg = (~(touching & (pl.col("activity") == pl.col("activity").shift(1)))).fill_null(True)
    segments = (
        pieces.with_columns(new_seg.cum_sum().alias("_seg"))
        .group_by("_seg", maintain_order=True)
        .agg(
            pl.col("agent_id").first(),
            pl.col("activity").first(),
            pl.col("start").first(),
            pl.col("end").last(),
        )
        .drop("_seg")
    )
    new_shift = (~touching).fill_null(True)
    return (
        segments.with_columns(new_shift.cum_sum().alias("_shift"))
        .with_columns(
            pl.col("start").min().over("_shift").alias("shift_start"),
            pl.col("end").max().over("_shift").alias("shift_end"),
        )
        .with_columns(
            pl.col("shift_start").dt.convert_time_zone(str(tz)).dt.date().alias("shift_date")
        )
        .drop("_shift")
    )


def _checked(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    frame = frame.with_row_index("_row")
    issues = _row_issues(
        frame,
        ~pl.col("activity").is_in(list(ACTIVITIES)) | pl.col("activity").is_null(),
        "activity",
        f"activity must be one of {', '.join(ACTIVITIES)}",
    )
    for name in ("agent_id", "start", "end"):
        issues += _row_issues(frame, pl.col(name).is_null(), name, f"{name} is empty")
    issues += _row_issues(frame, pl.col("end") <= pl.col("start"), "end", "end must be after start")
    if issues:
        raise DataError(source, issues[:_MAX_ISSUES])
    return frame.select("agent_id", "activity", "start", "end")
