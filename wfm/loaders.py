"""One loader per table (README, Tables): CSV or Parquet on disk to a typed polars frame.

Each `load_x(path, center)` reads the file through `wfm.tables.read_table`, applies the
table's own rules (grid alignment, known queues and agents, gaps in open hours, ...) and
returns the canonical frame. Errors are collected (up to 20 per file) and raised together as a
DataError naming file, row and column; warnings (e.g. a whole open day missing, likely a
closure) are logged and kept on `LoadResult` for `wfm data validate`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from wfm.center import WEEKDAYS, Center, parse_clock_min
from wfm.errors import DataError, DataIssue
from wfm.grid import date_runs, grid, open_mask, with_local_columns
from wfm.tables import ROW, Column, IssueLog, TableSchema, read_table

__all__ = [
    "ACTIVITIES",
    "EVENT_KINDS",
    "FORECAST_COLUMNS",
    "ROSTER_DTYPES",
    "SCHEMAS",
    "TABLE_KINDS",
    "LoadResult",
    "aggregate_to_grid",
    "format_availability",
    "format_skills",
    "load_arrival_times",
    "load_drivers",
    "load_events",
    "load_forecast",
    "load_history",
    "load_history_checked",
    "load_optional",
    "load_requirements",
    "load_roster",
    "load_schedule",
    "load_states",
    "load_table",
    "load_weekly_errors",
    "parse_availability",
    "parse_skills",
    "roster_text_frame",
    "table_columns",
]

logger = logging.getLogger(__name__)

ACTIVITIES = ("work", "break", "lunch", "meeting", "training", "off")
EVENT_KINDS = (
    "flu_season",
    "open_enrollment",
    "campaign",
    "outage",
    "holiday",
    "other",
    "data_gap",
)

_NONNEG = 0.0
SCHEMAS: dict[str, TableSchema] = {
    "history": TableSchema(
        "history",
        (
            Column("queue_id", "str"),
            Column("interval_start", "datetime"),
            Column("offered", "int", min_value=_NONNEG),
            Column("handled", "int", min_value=_NONNEG),
            Column("abandoned", "int", min_value=_NONNEG),
            Column("aht_s", "float", nullable=True, min_value=_NONNEG),
            Column("service_level", "float", required=False, nullable=True, min_value=_NONNEG),
            Column("asa_s", "float", required=False, nullable=True, min_value=_NONNEG),
        ),
        key=("queue_id", "interval_start"),
    ),
    "forecast": TableSchema(
        "forecast",
        (
            Column("queue_id", "str"),
            Column("interval_start", "datetime"),
            Column("volume", "float", min_value=_NONNEG),
            Column("volume_lo", "float", min_value=_NONNEG),
            Column("volume_hi", "float", min_value=_NONNEG),
            Column("aht_s", "float", nullable=True, min_value=_NONNEG),
            Column("model", "str"),
        ),
        key=("queue_id", "interval_start"),
    ),
    "requirements": TableSchema(
        "requirements",
        (
            Column("queue_id", "str"),
            Column("interval_start", "datetime"),
            Column("volume", "float", required=False, min_value=_NONNEG),
            Column("aht_s", "float", required=False, nullable=True, min_value=_NONNEG),
            Column("workload_erl", "float", required=False, min_value=_NONNEG),
            Column("agents_net", "int", min_value=_NONNEG),
            Column("agents_gross", "float", min_value=_NONNEG),
            Column("service_level", "float", nullable=True, min_value=_NONNEG),
            Column("asa_s", "float", nullable=True, min_value=_NONNEG),
            Column("abandon_rate", "float", nullable=True, min_value=_NONNEG),
            Column("occupancy", "float", nullable=True, min_value=_NONNEG),
        ),
        key=("queue_id", "interval_start"),
    ),
    # A forecast's backtest errors of weekly totals, one row per queue and backtest week,
    # written beside the forecast for staffing at a quantile of them (`wfm staff`).
    "weekly_errors": TableSchema(
        "weekly errors",
        (Column("queue_id", "str"), Column("actual_over_forecast", "float", min_value=_NONNEG)),
    ),
    "drivers": TableSchema("drivers", (Column("date", "date"),), key=("date",), extra_numeric=True),
    "events": TableSchema(
        "events",
        (
            Column("name", "str"),
            Column("kind", "str", choices=EVENT_KINDS),
            Column("start", "datetime"),
            Column("end", "datetime"),
            Column("queue_id", "str", required=False, nullable=True),
        ),
    ),
    "roster": TableSchema(
        "roster",
        (
            Column("agent_id", "str"),
            Column("name", "str"),
            Column("team", "str"),
            Column("supervisor", "str"),
            Column("skills", "str"),
            Column("contract", "str"),
            Column("availability", "str", nullable=True),
            Column("preferred_start", "str", required=False, nullable=True),
            Column("preferred_days_off", "str", required=False, nullable=True),
        ),
        key=("agent_id",),
    ),
    "schedule": TableSchema(
        "schedule",
        (
            Column("agent_id", "str"),
            Column("activity", "str", choices=ACTIVITIES),
            Column("start", "datetime"),
            Column("end", "datetime"),
            Column("queue_id", "str", nullable=True),
        ),
        key=("agent_id", "start"),
    ),
    "states": TableSchema(
        "states",
        (
            Column("agent_id", "str"),
            Column("state", "str"),
            Column("start", "datetime"),
            Column("end", "datetime", nullable=True),
            Column("event_id", "str", required=False, nullable=True),
        ),
    ),
    "arrivals": TableSchema(
        "arrivals",
        (
            Column("queue_id", "str"),
            Column("ts", "datetime"),
            Column("aht_s", "float", required=False, nullable=True, min_value=_NONNEG),
        ),
    ),
    "state_events": TableSchema(
        "state events",
        (
            Column("agent_id", "str"),
            Column("ts", "datetime"),
            Column("state", "str"),
            Column("event_id", "str", required=False, nullable=True),
        ),
    ),
}

# The forecast table's columns, in order: what every forecaster writes.
FORECAST_COLUMNS: tuple[str, ...] = tuple(SCHEMAS["forecast"].names)

SKILLS_DTYPE = pl.List(pl.Struct({"queue_id": pl.String, "proficiency": pl.Float64}))
AVAILABILITY_DTYPE = pl.List(
    pl.Struct({"weekday": pl.Int8, "start_min": pl.Int16, "end_min": pl.Int16})
)
# The roster as `load_roster` returns it (lists parsed), for building roster frames in memory.
ROSTER_DTYPES: dict[str, pl.DataType] = {
    "agent_id": pl.String,
    "name": pl.String,
    "team": pl.String,
    "supervisor": pl.String,
    "skills": SKILLS_DTYPE,
    "contract": pl.String,
    "availability": AVAILABILITY_DTYPE,
    "preferred_start": pl.String,
    "preferred_days_off": pl.List(pl.String),
}


@dataclass(frozen=True)
class LoadResult:
    """A loaded table with the warnings found on the way."""

    frame: pl.DataFrame
    warnings: list[DataIssue]


def _finish(frame: pl.DataFrame, log: IssueLog, sort: list[str]) -> LoadResult:
    log.raise_if_errors()
    for warning in log.warnings:
        logger.warning("%s", warning.render(log.path))
    return LoadResult(frame.sort(sort).drop(ROW), log.warnings)


def _check_queues(frame: pl.DataFrame, center: Center, log: IssueLog) -> None:
    known = center.queue_ids
    unknown = pl.col("queue_id").is_not_null() & ~pl.col("queue_id").is_in(known)
    for row, queue_id in frame.filter(unknown).select(ROW, "queue_id").head(20).iter_rows():
        log.add(row, "queue_id", f"unknown queue {queue_id!r}; the center has {', '.join(known)}")


def _check_grid(frame: pl.DataFrame, center: Center, log: IssueLog, interval_s: int) -> None:
    local = pl.col("interval_start").dt.convert_time_zone(center.timezone)
    minutes = local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute().cast(pl.Int32)
    off = (
        (minutes * 60 % interval_s != 0) | (local.dt.second() != 0) | (local.dt.microsecond() != 0)
    )
    log.add_rows(
        frame, off, "interval_start", f"not on the {interval_s // 60}-minute grid of local time"
    )


def _check_gaps(frame: pl.DataFrame, center: Center, log: IssueLog) -> None:
    """Report open intervals with no row: runs of whole open days as data gaps (warnings),
    partial days as errors."""
    for queue in center.queues:
        rows = frame.filter(pl.col("queue_id") == queue.id)
        if rows.is_empty():
            continue
        first = center.local_date(rows["interval_start"].min())  # type: ignore[arg-type]
        last = center.local_date(rows["interval_start"].max())  # type: ignore[arg-type]
        expected = grid(first, last + dt.timedelta(days=1), center.tz, center.interval_s)
        expected = expected.filter(open_mask(queue, expected, center.tz))
        missing = pl.DataFrame({"interval_start": expected}).join(
            rows.select("interval_start"), on="interval_start", how="anti"
        )
        if missing.is_empty():
            continue
        missing = with_local_columns(missing, center.tz)
        assert isinstance(missing, pl.DataFrame)
        expected_per_day = with_local_columns(pl.DataFrame({"interval_start": expected}), center.tz)
        assert isinstance(expected_per_day, pl.DataFrame)
        per_day = expected_per_day.group_by("local_date").len("n_open")
        summary = (
            missing.group_by("local_date")
            .agg(pl.len().alias("n_missing"), pl.col("minute_of_day").min().alias("first_min"))
            .join(per_day, on="local_date")
            .sort("local_date")
        )
        whole_days = summary.filter(pl.col("n_missing") == pl.col("n_open"))["local_date"]
        for first_day, last_day in date_runs(whole_days.to_list()):
            days = (
                "on " + str(first_day)
                if first_day == last_day
                else (f"from {first_day} to {last_day}")
            )
            log.add(
                None,
                "interval_start",
                f"queue {queue.id}: no rows {days} although open: a data gap, left out of "
                "forecasting and backtests (a closure needs rows of zeros)",
                warning=True,
            )
        for day, n_missing, first_min, n_open in summary.iter_rows():
            if n_missing != n_open:
                log.add(
                    None,
                    "interval_start",
                    f"queue {queue.id}: {n_missing} open interval(s) missing on {day}, "
                    f"first at {first_min // 60:02d}:{first_min % 60:02d} local",
                )


def _check_outside_hours(frame: pl.DataFrame, center: Center, log: IssueLog) -> None:
    """Warn, per queue, of contacts offered while the queue was closed: they are counted in
    the totals, but no open-hours forecast or staffing plans for them."""
    for queue in center.queues:
        rows = frame.filter(pl.col("queue_id") == queue.id)
        if rows.is_empty() or queue.is_24_7:
            continue
        closed = rows.filter(~open_mask(queue, rows["interval_start"], center.tz))
        closed = closed.filter(pl.col("offered") > 0)
        if closed.height:
            first = closed["interval_start"].min().astimezone(center.tz)  # type: ignore[union-attr]
            log.add(
                None,
                "interval_start",
                f"queue {queue.id}: {closed['offered'].sum():,} contact(s) in {closed.height:,} "
                f"interval(s) outside open hours (first {first:%Y-%m-%d %H:%M} local); counted "
                "in the totals, not forecast or staffed",
                warning=True,
            )


def aggregate_to_grid(history: pl.DataFrame, interval_s: int) -> pl.DataFrame:
    """Sum a finer history (e.g. 5-minute) into `interval_s` intervals; AHT weighted by handled.

    Flooring is done on UTC instants, which equals local flooring for every zone whose UTC
    offset is a multiple of the interval (all zones for 15 minutes except Nepal and Chatham).
    """
    weighted = pl.col("aht_s").fill_null(0.0) * pl.col("handled")
    return (
        history.with_columns(pl.col("interval_start").dt.truncate(f"{interval_s}s"))
        .group_by("queue_id", "interval_start")
        .agg(
            pl.col("offered").sum(),
            pl.col("handled").sum(),
            pl.col("abandoned").sum(),
            (weighted.sum() / pl.col("handled").sum()).alias("aht_s"),
            pl.col("aht_s").is_not_null().any().alias("__has_aht"),
        )
        .with_columns(pl.when(pl.col("__has_aht") & (pl.col("handled") > 0)).then(pl.col("aht_s")))
        .drop("__has_aht")
        .sort("queue_id", "interval_start")
    )


def load_history(
    path: str | Path | pl.DataFrame, center: Center, *, source_interval_s: int | None = None
) -> pl.DataFrame:
    """Load interval history (offered, handled, abandoned, aht_s per queue x interval).

    Args:
        path: CSV or Parquet file.
        center: the center whose queues, zone and interval apply.
        source_interval_s: the file's own interval when it is finer than the center's (e.g.
            300 for a 5-minute export); rows are checked on that grid, then summed to the
            center's grid. None means the file is already on the center's grid.

    Raises:
        DataError: with every problem found (up to 20).
    """
    return load_history_checked(path, center, source_interval_s=source_interval_s).frame


def load_history_checked(
    path: str | Path | pl.DataFrame, center: Center, *, source_interval_s: int | None = None
) -> LoadResult:
    """`load_history`, also returning the warnings (closed days, missing AHT) it logged."""
    path = path if isinstance(path, pl.DataFrame) else Path(path)
    if source_interval_s is not None and center.interval_s % source_interval_s:
        log = IssueLog(path)
        log.add(
            None,
            None,
            f"source interval {source_interval_s}s does not divide the center's "
            f"{center.interval_s}s interval",
        )
        log.raise_if_errors()
    frame, log = read_table(path, SCHEMAS["history"], tz=center.tz)
    _check_queues(frame, center, log)
    _check_grid(frame, center, log, source_interval_s or center.interval_s)
    log.add_rows(
        frame,
        pl.col("handled") + pl.col("abandoned") > pl.col("offered"),
        "offered",
        "handled + abandoned exceeds offered",
    )
    unknown_aht = frame.filter(pl.col("aht_s").is_null() & (pl.col("handled") > 0))
    if unknown_aht.height:
        # Many exports carry counts only; later stages use the queue's configured aht_s.
        first = log.row_label(unknown_aht[ROW][0])
        log.add(
            None,
            "aht_s",
            f"empty on {unknown_aht.height} row(s) with handled contacts (first at {first}); "
            "the queue's configured aht_s stands in",
            warning=True,
        )
    if "service_level" in frame.columns:
        log.add_rows(frame, pl.col("service_level") > 1, "service_level", "must be <= 1")
    log.raise_if_errors()
    if source_interval_s is not None and source_interval_s != center.interval_s:
        frame = aggregate_to_grid(frame.drop(ROW), center.interval_s).with_row_index(ROW, offset=1)
    _check_gaps(frame, center, log)
    _check_outside_hours(frame, center, log)
    return _finish(frame, log, ["queue_id", "interval_start"])


def load_forecast(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load a forecast table (volume with its interval, AHT and the model that made it)."""
    frame, log = read_table(path, SCHEMAS["forecast"], tz=center.tz)
    _check_queues(frame, center, log)
    _check_grid(frame, center, log, center.interval_s)
    log.add_rows(
        frame,
        (pl.col("volume_lo") > pl.col("volume")) | (pl.col("volume") > pl.col("volume_hi")),
        "volume",
        "must lie within volume_lo .. volume_hi",
    )
    return _finish(frame, log, ["queue_id", "interval_start"]).frame


def load_weekly_errors(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load a forecast's weekly errors (queue_id, actual_over_forecast per backtest week)."""
    frame, log = read_table(path, SCHEMAS["weekly_errors"], tz=center.tz)
    _check_queues(frame, center, log)
    return _finish(frame, log, ["queue_id"]).frame


def load_requirements(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load a requirements table (agents needed per queue x interval)."""
    frame, log = read_table(path, SCHEMAS["requirements"], tz=center.tz)
    _check_queues(frame, center, log)
    _check_grid(frame, center, log, center.interval_s)
    for name in ("service_level", "abandon_rate", "occupancy"):
        log.add_rows(frame, pl.col(name) > 1, name, "must be <= 1")
    return _finish(frame, log, ["queue_id", "interval_start"]).frame


def load_drivers(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load daily drivers: a `date` column and one numeric column per driver (>= 0)."""
    frame, log = read_table(path, SCHEMAS["drivers"], tz=center.tz)
    if len(frame.columns) <= 2:
        log.add(None, None, "no driver columns; add e.g. a `discharges` column beside `date`")
    return _finish(frame, log, ["date"]).frame


_ONE_DAY = dt.timedelta(days=1)
_DATE_ONLY = r"^\s*\d{4}-\d\d-\d\d\s*$"


def load_events(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load the events calendar. A date-only `end` on disk is inclusive (the whole day)."""
    frame, log = read_table(path, SCHEMAS["events"], tz=center.tz)
    raw_end = _raw_column(path, "end")
    if raw_end is not None:
        whole_day = raw_end.cast(pl.String).str.contains(_DATE_ONLY).fill_null(False)
        frame = frame.with_columns(
            pl.when(whole_day)
            .then(
                (
                    pl.col("end").dt.convert_time_zone(center.timezone).dt.date()
                    + dt.timedelta(days=1)
                )
                .cast(pl.Datetime("us"))
                .dt.replace_time_zone(center.timezone, ambiguous="earliest")
                .dt.convert_time_zone("UTC")
            )
            .otherwise(pl.col("end"))
            .alias("end")
        )
    if "queue_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("queue_id"))
    _check_queues(frame, center, log)
    log.add_rows(frame, pl.col("end") <= pl.col("start"), "end", "must be after start")
    return _finish(frame, log, ["start", "name"]).frame


def _raw_column(source: str | Path | pl.DataFrame, name: str) -> pl.Series | None:
    """The column as text, to see which cells were written as bare dates."""
    if isinstance(source, pl.DataFrame):
        column = source.get_column(name)
        return column if column.dtype == pl.String else None
    if Path(source).suffix.lower() != ".csv":
        return None
    return pl.read_csv(source, infer_schema=False, columns=[name]).get_column(name)


_SKILL = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(?::\s*([0-9.]+)\s*)?$")


def parse_skills(text: str) -> list[dict[str, object]]:
    """ "sched_voice:1.0;sched_chat:0.8" -> [{queue_id, proficiency}]. Raises ValueError."""
    skills: list[dict[str, object]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _SKILL.match(part)
        if not match:
            raise ValueError(f"expected queue_id:proficiency, got {part!r}")
        proficiency = float(match.group(2)) if match.group(2) else 1.0
        if not 0 < proficiency <= 1:
            raise ValueError(f"proficiency of {match.group(1)} must be in (0, 1]")
        skills.append({"queue_id": match.group(1), "proficiency": proficiency})
    if not skills:
        raise ValueError("an agent needs at least one skill")
    return skills


def format_skills(skills: list[dict[str, object]]) -> str:
    return ";".join(f"{s['queue_id']}:{float(s['proficiency']):g}" for s in skills)  # type: ignore[arg-type]


def _weekday_range(spec: str) -> list[int]:
    days = [d.strip().lower()[:3] for d in spec.split("-")]
    if any(d not in WEEKDAYS for d in days) or len(days) > 2:
        raise ValueError(f"unknown weekday(s) in {spec!r}; use mon..sun or mon-fri")
    first, last = WEEKDAYS.index(days[0]), WEEKDAYS.index(days[-1])
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def parse_availability(text: str | None) -> list[dict[str, int]]:
    """ "mon-fri 07:00-19:00;sat 08:00-13:00" -> [{weekday, start_min, end_min}].

    Empty means always available. A window ending before it starts runs past midnight and
    is stored with end_min > 1440. Raises ValueError.
    """
    windows: list[dict[str, int]] = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        try:
            days, hours = part.split()
            start, end = (parse_clock_min(h) for h in hours.split("-"))
        except ValueError as exc:
            raise ValueError(f"expected 'mon-fri HH:MM-HH:MM', got {part!r} ({exc})") from None
        if end <= start:
            end += 24 * 60
        windows += [
            {"weekday": d, "start_min": start, "end_min": end} for d in _weekday_range(days)
        ]
    return windows


def format_availability(windows: list[dict[str, int]]) -> str:
    """Inverse of `parse_availability`; consecutive days with equal hours become "mon-fri"."""

    def clock(minutes: int) -> str:
        # 24:00 closes a day; a window past midnight (end_min > 1440) is written as its clock time.
        minutes = minutes - 24 * 60 if minutes > 24 * 60 else minutes
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    parts: list[str] = []
    ordered = sorted(windows, key=lambda w: (w["start_min"], w["end_min"], w["weekday"]))
    i = 0
    while i < len(ordered):
        first = ordered[i]
        j = i
        while (
            j + 1 < len(ordered)
            and ordered[j + 1]["weekday"] == ordered[j]["weekday"] + 1
            and (ordered[j + 1]["start_min"], ordered[j + 1]["end_min"])
            == (first["start_min"], first["end_min"])
        ):
            j += 1
        last = ordered[j]
        days = WEEKDAYS[first["weekday"]]
        if j > i:
            days += f"-{WEEKDAYS[last['weekday']]}"
        parts.append(f"{days} {clock(first['start_min'])}-{clock(first['end_min'])}")
        i = j + 1
    return ";".join(parts)


def roster_text_frame(agents: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Roster records as the on-disk text table that `load_roster` reads back.

    Each record has the roster columns, with `skills` ({queue_id, proficiency}),
    `availability` ({weekday, start_min, end_min}) and `preferred_days_off` as lists.
    """
    rows = [
        {
            "agent_id": a["agent_id"],
            "name": a["name"],
            "team": a["team"],
            "supervisor": a["supervisor"],
            "skills": format_skills(list(a["skills"])),
            "contract": a["contract"],
            "availability": format_availability(list(a["availability"])) or None,
            "preferred_start": a.get("preferred_start"),
            "preferred_days_off": ";".join(a.get("preferred_days_off") or ()) or None,
        }
        for a in agents
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(SCHEMAS["roster"].names, pl.String))


def load_roster(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load the roster; parses `skills`, `availability` and `preferred_days_off` into lists."""
    frame, log = read_table(path, SCHEMAS["roster"], tz=center.tz)
    teams = {t.id: t for t in center.teams}
    contracts = {c.id for c in center.contracts}
    queues = set(center.queue_ids)
    skills_col: list[list[dict[str, object]]] = []
    avail_col: list[list[dict[str, int]]] = []
    days_off_col: list[list[str]] = []
    has_pref = "preferred_start" in frame.columns
    for rec in frame.iter_rows(named=True):
        row = rec[ROW]
        try:
            skills = parse_skills(rec["skills"] or "")
            for skill in skills:
                if skill["queue_id"] not in queues:
                    raise ValueError(f"unknown queue {skill['queue_id']!r}")
        except ValueError as exc:
            log.add(row, "skills", str(exc))
            skills = []
        try:
            windows = parse_availability(rec["availability"])
        except ValueError as exc:
            log.add(row, "availability", str(exc))
            windows = []
        team = teams.get(rec["team"] or "")
        if team is None:
            log.add(row, "team", f"unknown team {rec['team']!r}; the center has {', '.join(teams)}")
        elif rec["supervisor"] != team.supervisor:
            log.add(row, "supervisor", f"team {team.id} is supervised by {team.supervisor}")
        if rec["contract"] not in contracts:
            log.add(row, "contract", f"unknown contract {rec['contract']!r}")
        if has_pref and rec["preferred_start"]:
            try:
                parse_clock_min(rec["preferred_start"])
            except ValueError as exc:
                log.add(row, "preferred_start", str(exc))
        days_off = [d.strip().lower()[:3] for d in (rec.get("preferred_days_off") or "").split(";")]
        days_off = [d for d in days_off if d]
        if any(d not in WEEKDAYS for d in days_off):
            log.add(row, "preferred_days_off", "use weekday names mon..sun separated by ';'")
        skills_col.append(skills)
        avail_col.append(windows)
        days_off_col.append(days_off)
    frame = frame.with_columns(
        pl.Series("skills", skills_col, dtype=SKILLS_DTYPE),
        pl.Series("availability", avail_col, dtype=AVAILABILITY_DTYPE),
        pl.Series("preferred_days_off", days_off_col, dtype=pl.List(pl.String)),
    )
    if not has_pref:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("preferred_start"))
    return _finish(frame, log, ["agent_id"]).frame


def _check_agents(
    frame: pl.DataFrame, agent_ids: set[str] | None, log: IssueLog, *, known: str = "the roster"
) -> None:
    if agent_ids is None:
        return
    unknown = ~pl.col("agent_id").is_in(sorted(agent_ids))
    for row, agent in frame.filter(unknown).select(ROW, "agent_id").head(20).iter_rows():
        log.add(row, "agent_id", f"unknown agent {agent!r} (not in {known})")


def load_schedule(
    path: str | Path | pl.DataFrame,
    center: Center,
    *,
    agent_ids: set[str] | None = None,
    row_numbers: bool = False,
) -> pl.DataFrame:
    """Load a schedule (one row per agent activity); activities of an agent may not overlap.

    Args:
        row_numbers: keep a `row` column (the 1-based data row of the source), for checks
            that come later and name the row.
    """
    frame, log = read_table(path, SCHEMAS["schedule"], tz=center.tz)
    if row_numbers:
        frame = frame.with_columns(pl.col(ROW).alias("row"))
    _check_queues(frame, center, log)
    _check_agents(frame, agent_ids, log)
    log.add_rows(frame, pl.col("end") <= pl.col("start"), "end", "must be after start")
    overlap = frame.sort("agent_id", "start").with_columns(
        (pl.col("start") < pl.col("end").shift(1).over("agent_id")).fill_null(False).alias("__ov")
    )
    log.add_rows(overlap, pl.col("__ov"), "start", "overlaps the agent's previous activity")
    return _finish(frame, log, ["agent_id", "start"]).frame


def load_states(
    path: str | Path | pl.DataFrame,
    center: Center,
    *,
    agent_ids: set[str] | None = None,
    agents_from: str = "the roster",
    known_states: Collection[str] | None = None,
) -> pl.DataFrame:
    """Load agent states: intervals (agent_id, state, start, end) or an event log (ts).

    Args:
        agent_ids: the agents states may name (others are refused), or None.
        agents_from: where `agent_ids` come from, for the error ("the roster").
        known_states: the phone states of the adherence mapping (others are refused, the
            first row of each named), or None.

    An event log is turned into intervals: each event lasts until the agent's next event, and
    the last one stays open (end null). Duplicates and overlaps are kept as sent: resolving
    them (idempotently, by event_id) is the adherence engine's job.
    """
    header = table_columns(path)
    if "ts" in header and "start" not in header:
        frame, log = read_table(path, SCHEMAS["state_events"], tz=center.tz)
        frame = (
            frame.sort("agent_id", "ts", ROW)
            .with_columns(
                pl.col("ts").alias("start"),
                pl.col("ts").shift(-1).over("agent_id").alias("end"),
            )
            .drop("ts")
        )
    else:
        frame, log = read_table(path, SCHEMAS["states"], tz=center.tz)
        log.add_rows(frame, pl.col("end") <= pl.col("start"), "end", "must be after start")
    if "event_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("event_id"))
    _check_agents(frame, agent_ids, log, known=agents_from)
    if known_states is not None:
        unknown = (
            frame.filter(~pl.col("state").is_in(sorted(known_states)))
            .group_by("state")
            .agg(pl.col(ROW).min(), pl.len())
            .sort(ROW)
        )
        for state, row, n in unknown.head(20).iter_rows():
            log.add(
                row,
                "state",
                f"not in the adherence mapping: {state} ({n:,} row(s), the first here); add it "
                "under `mapping:` in the rules file",
            )
    frame = frame.select(ROW, "agent_id", "state", "start", "end", "event_id")
    return _finish(frame, log, ["agent_id", "start"]).frame


def table_columns(source: str | Path | pl.DataFrame) -> list[str]:
    """The column names of a table file (read from its header only), or of a frame.

    Raises:
        DataError: the file does not exist or is neither CSV nor Parquet.
    """
    if isinstance(source, pl.DataFrame):
        return source.columns
    path = Path(source)
    if not path.exists():
        raise DataError(path, [DataIssue(None, None, "file not found")])
    if path.suffix.lower() == ".csv":
        return pl.read_csv(path, n_rows=0, infer_schema=False).columns
    if path.suffix.lower() in (".parquet", ".pq"):
        return list(pl.read_parquet_schema(path))
    raise DataError(path, [DataIssue(None, None, "expected a .csv or .parquet file")])


def load_arrival_times(path: str | Path | pl.DataFrame, center: Center) -> pl.DataFrame:
    """Load actual arrivals: one row per contact (`queue_id`, `ts`, optional `aht_s`)."""
    frame, log = read_table(path, SCHEMAS["arrivals"], tz=center.tz)
    _check_queues(frame, center, log)
    return _finish(frame, log, ["ts", "queue_id"]).frame


# The tables of a center folder, in the order they are checked (the roster before the tables
# that name its agents), and their loaders: the one registry `wfm data validate`, the
# commands that read a center folder and the service use.
TABLE_KINDS = (
    "history",
    "drivers",
    "events",
    "roster",
    "schedule",
    "states",
    "forecast",
    "requirements",
)
_LOADERS: dict[str, Any] = {
    "history": load_history,
    "forecast": load_forecast,
    "requirements": load_requirements,
    "drivers": load_drivers,
    "events": load_events,
    "roster": load_roster,
    "schedule": load_schedule,
    "states": load_states,
}
_NAMES_AGENTS = ("schedule", "states")


def load_table(
    kind: str,
    source: str | Path | pl.DataFrame,
    center: Center,
    *,
    agent_ids: set[str] | None = None,
) -> pl.DataFrame:
    """Load a table by its name (README, Tables): history, forecast, roster, schedule, ...

    Args:
        kind: one of TABLE_KINDS.
        source: a CSV or Parquet file (a history may be a folder of Parquet files), or a
            frame in the on-disk shape.
        center: the center the table belongs to.
        agent_ids: for schedule and states, the roster's agents (others are refused).

    Raises:
        DataError: the table breaks its rules (file, row and column named).
    """
    if kind not in _LOADERS:
        raise DataError(
            source if not isinstance(source, pl.DataFrame) else kind,
            [DataIssue(None, None, f"unknown table {kind!r}; one of {', '.join(TABLE_KINDS)}")],
        )
    if kind in _NAMES_AGENTS:
        return _LOADERS[kind](source, center, agent_ids=agent_ids)
    return _LOADERS[kind](source, center)


def load_optional(kind: str, source: str | Path | None, center: Center) -> pl.DataFrame | None:
    """`load_table` for an optional input: None when no source is given."""
    return None if source is None else load_table(kind, source, center)
