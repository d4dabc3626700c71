"""The adherence engine: interval algebra in polars over schedule and actual states.

Definitions (README, `wfm adherence`; made precise here):
- Every agent's time is cut into elementary pieces at each schedule, state and local-midnight
  boundary; on a piece the scheduled activity (or "off") and the actual state are constant.
- Scheduled time: pieces whose scheduled activity is not off and not neutral, and whose
  actual state is not neutral.
- In adherence: the actual state's family equals the scheduled activity.
- A deviation run is a maximal stretch of out-of-adherence scheduled time (or of work while
  scheduled off). A run shorter than `grace_s` counts as in adherence and raises no exception.
- Adherence = in-adherence seconds / scheduled seconds. Conformance = seconds in a work state
  (at any time of the day) / seconds scheduled to work; it may exceed 1.
- Days are the center's local days. Time inside a shift belongs to the day the shift starts;
  unscheduled time within ATTACH_S of a shift belongs to that shift's day (the nearest one);
  other time belongs to its own local day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from wfm.adherence._order import sort_agent_time
from wfm.adherence.exceptions import classify, exceptions_from_timeline
from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import TS, flatten_schedule, normalize_states, to_utc
from wfm.center import Center
from wfm.errors import AdherenceError
from wfm.grid import local_midnight_utc

__all__ = [
    "AGENT_DAY_COLUMNS",
    "AdherenceResult",
    "adherence",
    "attach_team",
    "latest_state_at",
    "team_rollup",
    "timeline",
]

logger = logging.getLogger(__name__)

# Unscheduled time this close to a shift (seconds) is reported on that shift's day.
ATTACH_S = 4 * 3600

AGENT_DAY_COLUMNS = (
    "agent_id",
    "date",
    "team",
    "scheduled_s",
    "in_adherence_s",
    "adherence",
    "work_scheduled_s",
    "worked_s",
    "conformance",
    "n_exceptions",
)
# The per-day figures after the keys (agent_id, date, team); team roll-ups carry the same.
_MEASURES = AGENT_DAY_COLUMNS[3:]


@dataclass(frozen=True)
class AdherenceResult:
    """Full-period adherence.

    Attributes:
        agent_days: one row per agent and local day (columns AGENT_DAY_COLUMNS).
        exceptions: one row per exception (see wfm.adherence.exceptions).
        teams: per team and day roll-up (see team_rollup).
        timeline: the elementary pieces the figures were computed from.
    """

    agent_days: pl.DataFrame
    exceptions: pl.DataFrame
    teams: pl.DataFrame
    timeline: pl.DataFrame


def _midnights(first: dt.datetime, last: dt.datetime, tz: ZoneInfo) -> list[dt.datetime]:
    day = first.astimezone(tz).date()
    stop = last.astimezone(tz).date() + dt.timedelta(days=1)
    out = []
    while day <= stop:
        out.append(local_midnight_utc(day, tz))
        day += dt.timedelta(days=1)
    return out


def timeline(
    segments: pl.DataFrame,
    states: pl.DataFrame,
    tz: ZoneInfo,
    *,
    rules: AdherenceRules,
    as_of: dt.datetime,
) -> pl.DataFrame:
    """Cut schedule segments and actual states into classified elementary pieces.

    Args:
        segments: output of `flatten_schedule`.
        states: output of `normalize_states`.
        tz: the center's time zone.
        rules: grace and neutral settings.
        as_of: pieces end at this instant (scheduled time after it has not happened yet).

    Returns:
        One row per piece, sorted by agent and start: `agent_id, start, end, dur_s, activity,
        seg_start, shift_start, date, state, state_start, family, scheduled, in_adherence,
        dev, run_start, run_s, counted, kind` (see module docstring for the rules).
    """
    as_of = to_utc(as_of, "as_of")
    as_of_lit = pl.lit(as_of, TS)
    segments = segments.filter(pl.col("start") < as_of_lit)
    points = [
        segments.select("agent_id", pl.col("start").alias("t")),
        segments.select("agent_id", pl.col("end").alias("t")),
        states.select("agent_id", pl.col("start").alias("t")),
        states.select("agent_id", pl.col("end").alias("t")),
    ]
    bounds = pl.concat(points).filter(pl.col("t") < as_of_lit)
    if bounds.height == 0:
        return _empty_timeline()
    first, last = bounds.get_column("t").min(), bounds.get_column("t").max()
    agents = bounds.select("agent_id").unique()
    midnights = pl.DataFrame({"t": _midnights(first, last, tz)}, schema={"t": TS})
    points.append(agents.join(midnights, how="cross"))
    same_agent = pl.col("agent_id") == pl.col("agent_id").shift(-1)
    points_all = pl.concat(points).with_columns(pl.min_horizontal("t", as_of_lit).alias("t"))
    pieces = (
        sort_agent_time(points_all, "t")
        .with_columns(pl.when(same_agent).then(pl.col("t").shift(-1)).alias("end"))
        .filter(pl.col("end") > pl.col("t"))
        .rename({"t": "start"})
    )
    # join_asof needs each agent's rows time-sorted; grouping agents together is enough.
    seg = segments.select(
        "agent_id",
        pl.col("start").alias("seg_start"),
        pl.col("end").alias("_seg_end"),
        "activity",
        "shift_start",
        "shift_end",
        "shift_date",
    )
    seg = sort_agent_time(seg, "seg_start")
    st = states.select(
        "agent_id",
        pl.col("start").alias("state_start"),
        pl.col("end").alias("_st_end"),
        "state",
        "family",
    )
    st = sort_agent_time(st, "state_start")
    pieces = pieces.join_asof(
        seg,
        left_on="start",
        right_on="seg_start",
        by="agent_id",
        strategy="backward",
        check_sortedness=False,
    ).join_asof(
        st,
        left_on="start",
        right_on="state_start",
        by="agent_id",
        strategy="backward",
        check_sortedness=False,
    )
    in_seg = pl.col("start") < pl.col("_seg_end")
    in_state = pl.col("start") < pl.col("_st_end")
    pieces = pieces.with_columns(
        *(
            pl.when(in_seg).then(pl.col(c)).alias(c)
            for c in ("seg_start", "shift_start", "shift_end", "shift_date")
        ),
        pl.when(in_seg).then(pl.col("activity")).otherwise(pl.lit("off")).alias("activity"),
        *(pl.when(in_state).then(pl.col(c)).alias(c) for c in ("state", "state_start")),
        pl.when(in_state).then(pl.col("family")).otherwise(pl.lit("off")).alias("family"),
        (pl.col("end") - pl.col("start")).dt.total_microseconds().alias("dur_us"),
    ).drop("_seg_end", "_st_end")
    pieces = pieces.with_columns((pl.col("dur_us") / 1e6).alias("dur_s"))
    pieces = pieces.with_columns(_day_of_piece(tz)).drop("shift_end", "shift_date")
    return classify(pieces, rules).drop("dur_us")


def _day_of_piece(tz: ZoneInfo) -> pl.Expr:
    """The local day a piece is reported on (pieces sorted by agent and start).

    Inside a shift: the day the shift starts. Outside: the day of the nearest shift of the
    same agent when it is at most ATTACH_S away (staying late after a night shift, logging in
    early before a midnight shift), else the piece's own local day.
    """
    in_shift = pl.col("shift_start").is_not_null()
    agent = pl.col("agent_id")

    def filled(column: str, backward: bool) -> tuple[pl.Expr, pl.Expr]:
        value = pl.when(in_shift).then(pl.col(column))
        owner = pl.when(in_shift).then(agent)
        if backward:
            return value.backward_fill(), owner.backward_fill()
        return value.forward_fill(), owner.forward_fill()

    prev_end, prev_owner = filled("shift_end", backward=False)
    prev_date, _ = filled("shift_date", backward=False)
    next_start, next_owner = filled("shift_start", backward=True)
    next_date, _ = filled("shift_date", backward=True)
    gap_prev = pl.when(prev_owner == agent).then((pl.col("start") - prev_end).dt.total_seconds())
    gap_next = pl.when(next_owner == agent).then((next_start - pl.col("end")).dt.total_seconds())
    return (
        pl.when(in_shift)
        .then(pl.col("shift_date"))
        .when((gap_prev <= ATTACH_S) & (gap_next.is_null() | (gap_prev <= gap_next)))
        .then(prev_date)
        .when(gap_next <= ATTACH_S)
        .then(next_date)
        .otherwise(pl.col("start").dt.convert_time_zone(str(tz)).dt.date())
        .alias("date")
    )


def _empty_timeline() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "agent_id": pl.String,
            "start": TS,
            "end": TS,
            "dur_s": pl.Float64,
            "activity": pl.String,
            "seg_start": TS,
            "shift_start": TS,
            "date": pl.Date,
            "state": pl.String,
            "state_start": TS,
            "family": pl.String,
            "scheduled": pl.Boolean,
            "in_adherence": pl.Boolean,
            "dev": pl.String,
            "run_start": TS,
            "run_s": pl.Float64,
            "counted": pl.Boolean,
            "kind": pl.String,
        }
    )


def adherence(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    center: Center,
    *,
    rules: AdherenceRules | None = None,
    as_of: dt.datetime | None = None,
    approved: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    dates: Iterable[dt.date] | None = None,
    teams: Iterable[str] | None = None,
) -> AdherenceResult:
    """Adherence, conformance and exceptions per agent and local day.

    Args:
        schedule: published schedule (README, Tables: `schedule`).
        states: agent states, interval or event-log form (README, Tables: `agent states`).
        center: the center (its time zone decides days).
        rules: mapping and thresholds; defaults to AdherenceRules().
        as_of: data known up to this instant; open states close here and scheduled time
            after it is not counted. Default: the latest state timestamp.
        approved: approved exceptions `agent_id, start, end, activity` overriding the schedule.
        roster: optional roster; gives each agent's team.
        dates: keep only these local days (shift days).
        teams: keep only agents of these teams (needs roster).

    Returns:
        AdherenceResult with agent_days, exceptions, teams and the timeline.

    Raises:
        DataError: an input table is malformed.
        AdherenceError: a phone state is missing from the mapping, or a team filter is given
            without a roster.
    """
    if teams is not None and roster is None:
        raise AdherenceError("a team filter needs the roster (its agents and teams)")
    rules = rules or AdherenceRules()
    as_of = latest_state_at(states) if as_of is None else to_utc(as_of, "as_of")
    tz = center.tz
    segments = flatten_schedule(schedule, tz, approved=approved)
    clean = normalize_states(states, rules, as_of=as_of)
    _log_unmatched(segments, clean)
    pieces = timeline(segments, clean, tz, rules=rules, as_of=as_of)
    pieces = attach_team(pieces, roster)
    if dates is not None:
        pieces = pieces.filter(pl.col("date").is_in(list(dates)))
    if teams is not None:
        pieces = pieces.filter(pl.col("team").is_in(list(teams)))
    exc = exceptions_from_timeline(pieces, rules)
    days = _agent_days(pieces, exc)
    return AdherenceResult(days, exc, team_rollup(days), pieces)


def latest_state_at(states: pl.DataFrame) -> dt.datetime:
    """The latest timestamp in a states table (start, end or ts); the default `as_of`."""
    cols = [c for c in ("start", "end", "ts") if c in states.columns]
    latest = states.select(pl.max_horizontal(*(pl.col(c).max() for c in cols))).item()
    if latest is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return latest


def _log_unmatched(segments: pl.DataFrame, states: pl.DataFrame) -> None:
    scheduled = set(segments.get_column("agent_id").unique().to_list())
    acting = set(states.get_column("agent_id").unique().to_list())
    for agents, what in (
        (acting - scheduled, "have states but no schedule"),
        (scheduled - acting, "have a schedule but no states"),
    ):
        if agents:
            named = sorted(agents)
            more = f" and {len(named) - 10} more" if len(named) > 10 else ""
            logger.warning("%d agent(s) %s: %s%s", len(named), what, ", ".join(named[:10]), more)


def attach_team(pieces: pl.DataFrame, roster: pl.DataFrame | None) -> pl.DataFrame:
    """Add the roster's `team` to each row by agent_id (null without a roster)."""
    if roster is None:
        return pieces.with_columns(pl.lit(None, pl.String).alias("team"))
    teams = roster.select("agent_id", pl.col("team").cast(pl.String)).unique("agent_id")
    # The timeline's order (agent, start) is relied on downstream.
    return pieces.join(teams, on="agent_id", how="left", maintain_order="left")


def _agent_days(pieces: pl.DataFrame, exc: pl.DataFrame) -> pl.DataFrame:
    dur = pl.col("dur_s")
    days = (
        pieces.group_by(["agent_id", "date"])
        .agg(
            pl.col("team").first(),
            dur.filter(pl.col("scheduled")).sum().alias("scheduled_s"),
            dur.filter(pl.col("in_adherence")).sum().alias("in_adherence_s"),
            dur.filter(pl.col("scheduled") & (pl.col("activity") == "work"))
            .sum()
            .alias("work_scheduled_s"),
            dur.filter(pl.col("family") == "work").sum().alias("worked_s"),
            (pl.col("activity") != "off").any().alias("_has_schedule"),
            (pl.col("family") != "off").any().alias("_has_state"),
        )
        .filter(pl.col("_has_schedule") | pl.col("_has_state"))
    )
    counts = exc.group_by(["agent_id", "date"]).agg(pl.len().cast(pl.Int64).alias("n_exceptions"))
    return (
        days.join(counts, on=["agent_id", "date"], how="left")
        .with_columns(
            pl.col("n_exceptions").fill_null(0),
            _ratio("in_adherence_s", "scheduled_s").alias("adherence"),
            _ratio("worked_s", "work_scheduled_s").alias("conformance"),
        )
        .select(AGENT_DAY_COLUMNS)
        .sort(["date", "agent_id"])
    )


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None)


def team_rollup(
    agent_days: pl.DataFrame, *, by: tuple[str, ...] = ("team", "date")
) -> pl.DataFrame:
    """Roll agent-days up (default: per team and day); ratios are ratios of sums.

    Returns:
        `<by>, n_agents, scheduled_s, in_adherence_s, adherence, work_scheduled_s, worked_s,
        conformance, n_exceptions`.
    """
    sums = ("scheduled_s", "in_adherence_s", "work_scheduled_s", "worked_s", "n_exceptions")
    return (
        agent_days.group_by(list(by))
        .agg(pl.col("agent_id").n_unique().alias("n_agents"), *(pl.col(c).sum() for c in sums))
        .with_columns(
            _ratio("in_adherence_s", "scheduled_s").alias("adherence"),
            _ratio("worked_s", "work_scheduled_s").alias("conformance"),
        )
        .select(*by, "n_agents", *_MEASURES)
        .sort(list(by), nulls_last=True)
    )
