"""Intraday: today's actuals against the plan, a reforecast of the rest of the day, the agents
it needs, the service level to expect and the moves that would help.

Per queue and interval of the local day holding `at`:

- observed intervals (ended by `at`, with a history row) carry the actual volume and AHT;
  the rest of the day is the morning forecast scaled by the reforecast factor
  (`wfm.intraday.reforecast`);
- agents required come from the staffing engine on the reforecast (`wfm.staffing`), net;
- agents scheduled and staffed per interval are plan-vs-actual's (`wfm.adherence`): agent
  time in scheduled work / in work states, split over the agent's skills;
- agents expected for a coming interval = scheduled x attendance, attendance being today's
  staffed / scheduled agent time so far on the queue (1 - shrinkage before any has passed):
  absences and time off the phone seen this morning are expected to go on;
- the service level to expect is Erlang A / C for the reforecast with the whole agents
  expected (deferred queues have none).

Moves: a run of coming intervals where the expected agents fall short of the requirement
names the agents missing; a break or lunch scheduled in the run, with agents to spare within
an hour of it, can move there (`move_break`), the rest is `overtime`. A run of at least
30 minutes with whole agents to spare is `voluntary_time_off`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import TS, normalize_states
from wfm.adherence.plan_actual import agent_queue_weights, agents_per_interval, plan_vs_actual
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.grid import day_grid, open_mask
from wfm.intraday.reforecast import DEFAULT_RULE, ReforecastRule, shrink_weight
from wfm.staffing import evaluate_agents, requirements_from_frame

__all__ = ["INTERVAL_COLUMNS", "MOVE_COLUMNS", "QUEUE_COLUMNS", "Intraday", "intraday"]

INTERVAL_COLUMNS = (
    "queue_id",
    "interval_start",
    "observed",
    "volume_forecast",
    "volume_actual",
    "volume_reforecast",
    "aht_forecast_s",
    "aht_actual_s",
    "aht_reforecast_s",
    "agents_required",
    "agents_scheduled",
    "agents_staffed",
    "agents_expected",
    "agents_gap",
    "service_level_actual",
    "service_level_expected",
)
QUEUE_COLUMNS = (
    "queue_id",
    "date",
    "volume_forecast_day",
    "volume_forecast_so_far",
    "volume_actual_so_far",
    "ratio",
    "weight",
    "factor",
    "volume_rest_forecast",
    "volume_rest_reforecast",
    "attendance_frac",
    "service_level_target",
    "service_level_rest_expected",
    "short_agent_h_rest",
)
MOVE_COLUMNS = ("queue_id", "kind", "start", "end", "n_agents", "reason")

# Agents to spare for a moved break are looked for this far on either side of the short run.
BREAK_REACH_S = 3600
MIN_VTO_S = 1800


@dataclass(frozen=True)
class Intraday:
    """The intraday view of one local day.

    Attributes:
        at: the instant (UTC) the view was made for.
        date: the local day.
        intervals: one row per queue x interval (INTERVAL_COLUMNS; agents net).
        queues: one row per queue (QUEUE_COLUMNS).
        moves: suggested moves (MOVE_COLUMNS), by queue and start.
    """

    at: dt.datetime
    date: dt.date
    intervals: pl.DataFrame
    queues: pl.DataFrame
    moves: pl.DataFrame


def intraday(
    center: Center,
    *,
    forecast: pl.DataFrame,
    history: pl.DataFrame,
    at: dt.datetime,
    schedule: pl.DataFrame | None = None,
    states: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    rules: AdherenceRules | None = None,
    rule: ReforecastRule = DEFAULT_RULE,
    queue_ids: list[str] | None = None,
) -> Intraday:
    """The intraday view at `at` (see the module docstring).

    Args:
        center: the center.
        forecast: the morning forecast (the forecast table); it must cover the local day.
        history: actual intervals (the history table); only intervals ended by `at` count.
        at: the instant, UTC-aware.
        schedule: the published schedule, optional (no agents scheduled without it).
        states: agent states, optional (none staffed without them); clipped at `at`.
        roster: the roster (skills split agent time over queues), optional.
        rules: the state mapping; defaults to AdherenceRules().
        rule: the reforecast rule.
        queue_ids: the queues to report (default the center's queues the forecast has).

    Raises:
        ForecastError: the forecast has no interval on the local day of `at`.
    """
    rules = rules or AdherenceRules()
    tz, interval_s = center.tz, center.interval_s
    day = center.local_date(at)
    starts = day_grid(day, tz, interval_s)
    forecast_queues = set(forecast.get_column("queue_id").unique().to_list())
    queues = queue_ids or [q for q in center.queue_ids if q in forecast_queues]
    step = dt.timedelta(seconds=interval_s)
    in_day = pl.col("interval_start").is_in(starts.implode()) & pl.col("queue_id").is_in(queues)
    morning = forecast.filter(in_day)
    if morning.is_empty():
        raise ForecastError(f"the forecast has no interval on {day}, the local day of {at}")
    seen = history.filter(in_day & (pl.col("interval_start") + step <= at))
    clean = None
    if states is not None and states.height:
        clean = normalize_states(states, rules, as_of=at).select(
            "agent_id", "state", "start", "end"
        )
    plan = plan_vs_actual(
        center,
        forecast=morning,
        history=seen,
        schedule=schedule,
        states=clean,
        roster=roster,
        rules=rules,
    ).intervals.filter(pl.col("queue_id").is_in(queues))
    plan = plan.with_columns(
        (pl.col("interval_start") + step <= at).alias("elapsed"),
        pl.col("volume_actual").is_not_null().alias("observed"),
        pl.col("volume_forecast").fill_null(0.0),
    )
    summary = _factors(plan, rule, center)
    frame = plan.join(summary, on="queue_id", how="left").with_columns(
        pl.when("observed")
        .then(pl.col("volume_actual"))
        .otherwise(pl.col("volume_forecast") * pl.col("factor"))
        .alias("volume_reforecast"),
        pl.when("observed")
        .then(pl.col("aht_actual_s"))
        .otherwise(pl.col("aht_forecast_s") * pl.col("aht_factor"))
        .alias("aht_reforecast_s"),
    )
    required = requirements_from_frame(
        frame.select(
            "queue_id",
            "interval_start",
            pl.col("volume_reforecast").alias("volume"),
            pl.col("aht_reforecast_s").alias("aht_s"),
        ),
        center,
    ).select(
        "queue_id", "interval_start", pl.col("agents_net").cast(pl.Float64).alias("agents_required")
    )
    frame = frame.join(required, on=["queue_id", "interval_start"], how="left").with_columns(
        pl.when("elapsed")
        .then(pl.col("agents_staffed"))
        .otherwise(pl.col("agents_scheduled") * pl.col("attendance_frac"))
        .alias("agents_expected"),
    )
    frame = frame.with_columns(
        (pl.col("agents_required") - pl.col("agents_expected")).alias("agents_gap"),
        pl.col("service_level").alias("service_level_actual"),
        _expected_service_level(frame, center).alias("service_level_expected"),
    ).sort("queue_id", "interval_start")
    queues_table = _queue_table(frame, summary, center, day)
    moves = _moves(frame, schedule, roster, center, starts)
    return Intraday(at, day, frame.select(INTERVAL_COLUMNS), queues_table, moves)


def _factors(plan: pl.DataFrame, rule: ReforecastRule, center: Center) -> pl.DataFrame:
    """Per queue: observed sums, the day's ratio, the shrink weight, volume and AHT factors,
    and attendance."""
    obs = pl.col("observed")
    sums = plan.group_by("queue_id").agg(
        pl.col("volume_forecast").sum().alias("volume_forecast_day"),
        pl.col("volume_forecast").filter(obs).sum().alias("volume_forecast_so_far"),
        pl.col("volume_actual").filter(obs).sum().alias("volume_actual_so_far"),
        (pl.col("aht_forecast_s") * pl.col("volume_forecast")).filter(obs).sum().alias("_fa"),
        (pl.col("aht_actual_s") * pl.col("volume_actual")).filter(obs).sum().alias("_aa"),
        pl.col("agents_scheduled").filter("elapsed").sum().alias("_sch"),
        pl.col("agents_staffed").filter("elapsed").sum().alias("_stf"),
    )
    rows = []
    for r in sums.iter_rows(named=True):
        forecast, actual, day_total = (
            r["volume_forecast_so_far"],
            r["volume_actual_so_far"],
            r["volume_forecast_day"],
        )
        weight = shrink_weight(rule, forecast, day_total)
        ratio = actual / forecast if forecast > 0 else None
        aht_ratio = (
            (r["_aa"] / actual) / (r["_fa"] / forecast) if forecast and actual and r["_fa"] else 1.0
        )
        attendance = (
            min(1.5, r["_stf"] / r["_sch"])
            if r["_sch"] > 0
            else 1.0 - center.shrinkage_for(r["queue_id"])
        )
        rows.append(
            {
                "queue_id": r["queue_id"],
                "volume_forecast_day": day_total,
                "volume_forecast_so_far": forecast,
                "volume_actual_so_far": actual,
                "ratio": ratio,
                "weight": weight,
                "factor": 1.0 + weight * ((ratio if ratio is not None else 1.0) - 1.0),
                "aht_factor": 1.0 + weight * (aht_ratio - 1.0),
                "attendance_frac": attendance,
            }
        )
    return pl.DataFrame(rows)


def _expected_service_level(frame: pl.DataFrame, center: Center) -> pl.Series:
    """Erlang A / C service level of the expected whole agents, on coming intervals of
    real-time queues with a service-level target (null elsewhere)."""
    out = np.full(frame.height, np.nan)
    queue_col = frame.get_column("queue_id").to_numpy()
    coming = ~frame.get_column("elapsed").to_numpy()
    for queue in center.queues:
        target = queue.target
        if queue.is_deferred or target.answer_within_s is None:
            continue
        idx = np.flatnonzero((queue_col == queue.id) & coming)
        if idx.size == 0:
            continue
        part = frame[idx]
        volume = part.get_column("volume_reforecast").fill_null(0.0).to_numpy()
        aht = part.get_column("aht_reforecast_s").fill_null(queue.aht_s or 1.0).to_numpy()
        agents = np.floor(part.get_column("agents_expected").fill_null(0.0).to_numpy() + 1e-9)
        fig = evaluate_agents(
            volume,
            aht_s=np.where(aht > 0, aht, 1.0),
            interval_s=center.interval_s,
            n_agents=agents.astype(np.int64),
            answer_within_s=target.answer_within_s,
            patience_s=queue.patience_s,
            concurrency=queue.concurrency,
        )
        # Too few agents for Erlang C's queue to settle: it only grows, nobody is answered
        # in time.
        level = np.where(fig.stable, fig.service_level, 0.0)
        out[idx] = np.where(volume > 0, level, np.nan)
    return pl.Series("service_level_expected", out).fill_nan(None)


def _queue_table(
    frame: pl.DataFrame, summary: pl.DataFrame, center: Center, day: dt.date
) -> pl.DataFrame:
    coming = ~pl.col("elapsed")
    sl = pl.col("service_level_expected")
    weighted = (sl * pl.col("volume_reforecast")).filter(sl.is_not_null()).sum() / pl.col(
        "volume_reforecast"
    ).filter(sl.is_not_null()).sum()
    hours = center.interval_s / 3600
    rest = frame.group_by("queue_id").agg(
        pl.col("volume_forecast").filter(~pl.col("observed")).sum().alias("volume_rest_forecast"),
        pl.col("volume_reforecast")
        .filter(~pl.col("observed"))
        .sum()
        .alias("volume_rest_reforecast"),
        weighted.alias("service_level_rest_expected"),
        (pl.col("agents_gap").filter(coming).clip(lower_bound=0).sum() * hours).alias(
            "short_agent_h_rest"
        ),
    )
    targets = pl.DataFrame(
        {
            "queue_id": [q.id for q in center.queues],
            "service_level_target": [q.target.service_level_frac for q in center.queues],
        },
        schema={"queue_id": pl.String, "service_level_target": pl.Float64},
    )
    return (
        summary.join(rest, on="queue_id", how="left")
        .join(targets, on="queue_id", how="left")
        .with_columns(
            pl.lit(day).alias("date"), pl.col("service_level_rest_expected").fill_nan(None)
        )
        .select(QUEUE_COLUMNS)
        .sort("queue_id")
    )


def _on_break(
    schedule: pl.DataFrame | None, roster: pl.DataFrame | None, starts: pl.Series, interval_s: int
) -> pl.DataFrame:
    """Agents on a scheduled break or lunch per queue x interval (split over their skills)."""
    empty = pl.DataFrame(
        schema={"queue_id": pl.String, "interval_start": TS, "on_break": pl.Float64}
    )
    if schedule is None or schedule.is_empty():
        return empty
    breaks = schedule.filter(pl.col("activity").is_in(["break", "lunch"])).select(
        "agent_id", "start", "end", pl.lit(None, pl.String).alias("queue_id")
    )
    if breaks.is_empty():
        return empty
    weights = agent_queue_weights(schedule, roster)
    return agents_per_interval(breaks, weights, starts, interval_s, "on_break")


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[first, last) index pairs of the runs of True."""
    runs, start = [], None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs


def _moves(
    frame: pl.DataFrame,
    schedule: pl.DataFrame | None,
    roster: pl.DataFrame | None,
    center: Center,
    starts: pl.Series,
) -> pl.DataFrame:
    interval_s = center.interval_s
    step = dt.timedelta(seconds=interval_s)
    reach = BREAK_REACH_S // interval_s
    breaks = _on_break(schedule, roster, starts, interval_s)
    frame = frame.join(breaks, on=["queue_id", "interval_start"], how="left").with_columns(
        pl.col("on_break").fill_null(0.0)
    )
    rows: list[dict[str, object]] = []
    for queue in center.queues:
        part = frame.filter(pl.col("queue_id") == queue.id).sort("interval_start")
        if part.is_empty():
            continue
        is_open = open_mask(queue, part.get_column("interval_start"), center.tz).to_numpy()
        coming = ~part.get_column("elapsed").to_numpy() & is_open
        gap = part.get_column("agents_gap").fill_null(0.0).to_numpy()
        need = np.where(coming, np.ceil(gap - 1e-9), 0)
        spare = np.where(coming, np.floor(-gap + 1e-9), 0)
        on_break = np.floor(part.get_column("on_break").to_numpy() + 1e-9)
        at_ = part.get_column("interval_start").to_list()

        def row(kind: str, i: int, j: int, n: int, reason: str, *, q=queue.id, t=at_) -> dict:
            return {
                "queue_id": q,
                "kind": kind,
                "start": t[i],
                "end": t[j - 1] + step,
                "n_agents": n,
                "reason": reason,
            }

        for i, j in _runs(need >= 1):
            n_need = int(need[i:j].max())
            lo, hi = max(0, i - reach), min(len(need), j + reach)
            near = np.concatenate([spare[lo:i], spare[j:hi]])
            n_spare = int(near.max()) if near.size else 0
            n_move = min(n_need, int(on_break[i:j].max()), max(n_spare, 0))
            if n_move >= 1:
                rows.append(
                    row(
                        "move_break",
                        i,
                        j,
                        n_move,
                        f"{n_move} break(s) or lunch(es) scheduled here could move to "
                        "a time with agents to spare within the hour",
                    )
                )
            if n_need - n_move >= 1:
                short_h = float(np.clip(gap[i:j], 0, None).sum()) * interval_s / 3600
                rows.append(
                    row(
                        "overtime",
                        i,
                        j,
                        n_need - n_move,
                        f"short {short_h:.1f} agent-h against the reforecast",
                    )
                )
        min_len = math.ceil(MIN_VTO_S / interval_s)
        for i, j in _runs(spare >= 1):
            if j - i >= min_len:
                n = int(spare[i:j].min())
                rows.append(
                    row(
                        "voluntary_time_off",
                        i,
                        j,
                        n,
                        f"{n} agent(s) more than the reforecast needs",
                    )
                )
    schema = {
        "queue_id": pl.String,
        "kind": pl.String,
        "start": TS,
        "end": TS,
        "n_agents": pl.Int64,
        "reason": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("queue_id", "start")
