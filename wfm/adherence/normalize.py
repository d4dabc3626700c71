"""Turn what phone systems and schedulers send into clean, non-overlapping segments.

States (`normalize_states`):
- duplicates are dropped: by `event_id` when the column exists (the first delivery wins),
  otherwise exact duplicate rows;
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

from wfm.adherence.mapping import ACTIVITIES, AdherenceRules
from wfm.errors import AdherenceError, DataError, DataIssue

__all__ = ["flatten_schedule", "normalize_states"]

TS = pl.Datetime("us", "UTC")
_MAX_ISSUES = 20
_PRIORITY = {"off": 0, "work": 1, "break": 2, "lunch": 2, "meeting": 2, "training": 2}
_EXCEPTION_PRIORITY = 3


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
        DataError: a column is missing or mistyped, or an interval ends before it starts.
        AdherenceError: a state name is not in the mapping.
    """
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
    issues += _row_issues(frame, pl.col("end") <= pl.col("start"), "end", "end must be after start")
    if issues:
        raise DataError(source, issues[:_MAX_ISSUES])
    unknown = sorted(set(frame.get_column("state").unique().to_list()) - set(rules.mapping))
    if unknown:
        raise AdherenceError(
            f"{source}: phone state(s) not in the adherence mapping: {', '.join(unknown)}; "
            "add them under `mapping:` in the rules file"
        )

    if "event_id" in frame.columns:
        with_id = frame.filter(pl.col("event_id").is_not_null()).unique(
            "event_id", keep="first", maintain_order=True
        )
        frame = pl.concat([with_id, frame.filter(pl.col("event_id").is_null())])
    frame = frame.select("agent_id", "state", "start", "end").unique(maintain_order=True)

    as_of_lit = pl.lit(as_of, TS)
    frame = (
        frame.filter(pl.col("start") < as_of_lit)
        .sort(["agent_id", "start", "end", "state"], nulls_last=True)
        .unique(["agent_id", "start"], keep="last", maintain_order=True)
        .with_columns(pl.col("start").shift(-1).over("agent_id").alias("_next"))
        .with_columns(
            pl.min_horizontal(
                pl.col("end").fill_null(as_of_lit), pl.col("_next").fill_null(as_of_lit), as_of_lit
            ).alias("end")
        )
        .filter(pl.col("end") > pl.col("start"))
    )
    # Merge back-to-back pieces of one state so `start` reads "in this state since".
    new_run = (
        (pl.col("state") != pl.col("state").shift(1))
        | (pl.col("start") != pl.col("end").shift(1))
        | (pl.col("agent_id") != pl.col("agent_id").shift(1))
    ).fill_null(True)
    frame = (
        frame.with_columns(new_run.cum_sum().alias("_run"))
        .group_by("_run", maintain_order=True)
        .agg(
            pl.col("agent_id").first(),
            pl.col("state").first(),
            pl.col("start").first(),
            pl.col("end").last(),
        )
        .drop("_run")
    )
    mapping = pl.DataFrame(
        {"state": list(rules.mapping), "family": list(rules.mapping.values())},
        schema={"state": pl.String, "family": pl.String},
    )
    return frame.join(mapping, on="state", how="left").select(
        "agent_id", "state", "family", "start", "end"
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
        schedule: `agent_id, activity, start, end[, queue_id]` (tables.md).
        tz: the center's time zone (decides the day a shift belongs to).
        approved: optional approved exceptions `agent_id, start, end, activity`; they
            replace the schedule over their span (activity "off" = approved time off).
        source: name used in error messages.

    Returns:
        `agent_id, activity, start, end, shift_start, shift_date` for non-off time only,
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
        .with_columns(pl.col("start").min().over("_shift").alias("shift_start"))
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
