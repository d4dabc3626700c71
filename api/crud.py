"""Data functions of the service (keyword-only arguments; callers own the session).

Writers commit before they return, so whatever a route acknowledges is durable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import polars as pl
from pydantic import ValidationError
from sqlalchemy import String, and_, func, insert, or_, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import (
    ApiKey,
    AuditRecord,
    CenterVersion,
    ForecastRun,
    HistoryInterval,
    RosterAgent,
    RosterVersion,
    ScheduleRow,
    ScheduleVersion,
    StateEvent,
    utcnow,
)
from api.errors import ConflictError, NotFoundError, shorten
from api.frames import history_frame, roster_table, schedule_table, states_frame
from api.schemas import HistoryRowIn, RosterAgentIn, ScheduleRowIn, StateEventIn
from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.grid import not_week_start
from wfm.loaders import load_roster, load_schedule

__all__ = [
    "STATE_LOOKBACK",
    "CheckedHistory",
    "CheckedStates",
    "IngestOutcome",
    "RowError",
    "adherence_inputs",
    "agent_teams",
    "check_history",
    "check_states",
    "create_forecast_run",
    "current_center",
    "current_roster",
    "fail_interrupted_runs",
    "get_forecast_run",
    "has_history",
    "history_stamp",
    "list_forecast_runs",
    "list_states",
    "publish_schedule",
    "raw_timestamp",
    "read_history",
    "read_schedule",
    "replace_center",
    "replace_roster",
    "roster_skills",
    "schedule_rows_between",
    "store_history",
    "store_states",
    "update_forecast_run",
]


@dataclass(frozen=True)
class RowError:
    index: int
    event_id: str | None
    column: str | None
    message: str


@dataclass(frozen=True)
class IngestOutcome:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


STATE_LOOKBACK = dt.timedelta(hours=24)


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# --- agent states -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedStates:
    """A batch split into rows to store (first of each event id), duplicates within the
    batch, and rejected rows."""

    good: dict[str, StateEventIn] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _schema_errors(exc: ValidationError, index: int, event_id: str | None) -> list[RowError]:
    """The first few schema errors of the row at `index`, their texts shortened."""
    errors = []
    for err in exc.errors()[:5]:
        column = shorten(".".join(str(p) for p in err["loc"]), 64) or None
        message = shorten(err["msg"].removeprefix("Value error, "))
        errors.append(RowError(index, event_id, column, message))
    return errors


def check_states(
    rows: list[Any], *, known_agents: set[str] | dict[str, str], known_states: set[str]
) -> CheckedStates:
    """Validate each row on its own (no database needed).

    A row must name an agent of the roster and a phone state the adherence rules map (an
    unmapped state would make every later adherence query fail). A row that repeats an
    earlier row's `event_id` is a duplicate. Bad rows are reported with their index (texts
    from the input shortened: an error never echoes a large input back).
    """
    checked = CheckedStates()
    for index, raw in enumerate(rows):
        event_id = raw.get("event_id") if isinstance(raw, dict) else None
        event_id = shorten(event_id, 128) if isinstance(event_id, str) else None
        try:
            event = StateEventIn.model_validate(raw)
        except ValidationError as exc:
            checked.errors.extend(_schema_errors(exc, index, event_id))
            continue
        if event.agent_id not in known_agents:
            message = "agent_id is not in the roster"
            checked.errors.append(RowError(index, event_id, "agent_id", message))
        elif event.state not in known_states:
            message = "state is not in the adherence mapping"
            checked.errors.append(RowError(index, event_id, "state", message))
        elif event.event_id in checked.good:
            checked.duplicates.append(event.event_id)
        else:
            checked.good[event.event_id] = event
    return checked


def store_states(
    session: Session, checked: CheckedStates, *, audit: dict[str, Any] | None = None
) -> IngestOutcome:
    """Store the good rows once (an `event_id` already stored is a duplicate) and commit.

    `audit` (values of an audit record) is appended in the same transaction, so the
    acknowledged write and its audit record are durable together, with one disk sync.
    """
    good = checked.good
    inserted: set[str] = set()
    if good:
        now = utcnow()
        values = [
            {
                "event_id": e.event_id,
                "agent_id": e.agent_id,
                "state": e.state,
                "start": e.start,
                "end": e.end,
                "received_at": now,
            }
            for e in good.values()
        ]
        table = StateEvent.__table__
        # One statement for every batch, the rows as parameters: compiled once, then cached
        # (a multi-row VALUES clause is a new statement per batch size, compiled each time).
        statement = (
            _insert(session)(table)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(table.c.event_id)
        )
        inserted = set(session.execute(statement, values).scalars())
    if audit is not None:
        session.execute(insert(AuditRecord), [audit])
    session.commit()  # also ends a read-only transaction: never sit on the write lock
    return IngestOutcome(
        accepted=[i for i in good if i in inserted],
        duplicates=checked.duplicates + [i for i in good if i not in inserted],
        errors=checked.errors,
    )


def list_states(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime,
    agent_ids: set[str] | None,
    limit: int,
    after: tuple[dt.datetime, int] | None = None,
) -> tuple[list[StateEvent], bool]:
    """One page of the states of [start, end), by (start, row id), and whether more follow.

    A state with an end is in every window it overlaps. An open state (no end: it lasts
    until the agent's next state) is in the window that holds its start, so windows one
    after the other return it once. `after` is the (start, id) of the last state of the
    previous page: each stored state comes once across the pages of one query.
    """
    query = select(StateEvent).where(
        StateEvent.start < end,
        or_(StateEvent.end > start, and_(StateEvent.end.is_(None), StateEvent.start >= start)),
    )
    if agent_ids is not None:
        query = query.where(StateEvent.agent_id.in_(sorted(agent_ids)))
    if after is not None:
        after_start, after_id = after
        query = query.where(
            or_(
                StateEvent.start > after_start,
                and_(StateEvent.start == after_start, StateEvent.id > after_id),
            )
        )
    rows = list(session.scalars(query.order_by(StateEvent.start, StateEvent.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


# --- history ----------------------------------------------------------------------------

_HISTORY_FIELDS = (
    "offered",
    "handled",
    "abandoned",
    "aht_s",
    "service_level",
    "asa_s",
)


@dataclass
class CheckedHistory:
    """A history batch, row by row: good rows by (queue_id, interval_start), and errors."""

    good: dict[tuple[str, dt.datetime], HistoryRowIn] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def check_history(rows: list[Any], *, center: Center) -> CheckedHistory:
    """Validate each row on its own: the schema, a queue of the center, an interval start on
    the center's local grid. A later row for the same queue and interval wins."""
    checked = CheckedHistory()
    queues = set(center.queue_ids)
    for index, raw in enumerate(rows):
        try:
            row = HistoryRowIn.model_validate(raw)
        except ValidationError as exc:
            checked.errors.extend(_schema_errors(exc, index, None))
            continue
        local = row.interval_start.astimezone(center.tz)
        if row.queue_id not in queues:
            checked.errors.append(RowError(index, None, "queue_id", "unknown queue"))
        elif (
            local.second
            or local.microsecond
            or (local.hour * 60 + local.minute) % center.interval_min
        ):
            message = f"not on the {center.interval_min}-minute interval grid"
            checked.errors.append(RowError(index, None, "interval_start", message))
        else:
            checked.good[row.queue_id, row.interval_start.astimezone(dt.UTC)] = row
    return checked


def store_history(
    session: Session, checked: CheckedHistory, *, audit: dict[str, Any] | None = None
) -> tuple[int, int]:
    """Store the good rows (new, or replacing a stored row that differs) and commit, with
    the request's audit record in the same transaction.

    Returns:
        (rows new or changed, rows stored already as sent).
    """
    table = HistoryInterval.__table__
    changed: list[dict[str, Any]] = []
    same = 0
    if checked.good:
        starts = [at for _, at in checked.good]
        stored = {
            (r.queue_id, r.interval_start): r
            for r in session.scalars(
                select(HistoryInterval).where(
                    HistoryInterval.queue_id.in_(sorted({q for q, _ in checked.good})),
                    HistoryInterval.interval_start >= min(starts),
                    HistoryInterval.interval_start <= max(starts),
                )
            )
        }
        now = utcnow()
        for key, row in checked.good.items():
            old = stored.get(key)
            if old is not None and all(getattr(old, f) == getattr(row, f) for f in _HISTORY_FIELDS):
                same += 1
                continue
            values = {f: getattr(row, f) for f in _HISTORY_FIELDS}
            changed.append(
                {"queue_id": key[0], "interval_start": key[1], **values, "received_at": now}
            )
        if changed:
            statement = _insert(session)(table)
            statement = statement.on_conflict_do_update(
                index_elements=["queue_id", "interval_start"],
                set_={f: statement.excluded[f] for f in (*_HISTORY_FIELDS, "received_at")},
            )
            session.execute(statement, changed)
    if audit is not None:
        session.execute(insert(AuditRecord), [audit])
    session.commit()
    return len(changed), same


def has_history(session: Session) -> bool:
    """Some history was pushed to the service."""
    return session.scalar(select(HistoryInterval.queue_id).limit(1)) is not None


def read_history(session: Session, *, start: dt.datetime | None = None) -> pl.DataFrame:
    """Stored history rows (from `start` on, else all), in the history table's shape (README,
    Tables)."""
    query = select(
        HistoryInterval.queue_id,
        raw_timestamp(HistoryInterval.interval_start),
        *(getattr(HistoryInterval, f) for f in _HISTORY_FIELDS),
    )
    if start is not None:
        query = query.where(HistoryInterval.interval_start >= start)
    rows = session.execute(
        query.order_by(HistoryInterval.queue_id, HistoryInterval.interval_start)
    ).all()
    return history_frame(rows)


def history_stamp(session: Session, *, before: dt.datetime) -> tuple[int, Any]:
    """Rows stored before `before` and the latest time one was received: what a forecast
    made from them depends on."""
    count, received = session.execute(
        select(func.count(), func.max(HistoryInterval.received_at)).where(
            HistoryInterval.interval_start < before
        )
    ).one()
    return int(count), received


def roster_skills(session: Session) -> pl.DataFrame:
    """`agent_id, skills` (a list of `{queue_id}`) of the latest roster: how an agent's time
    splits over queues."""
    latest = select(func.max(RosterVersion.id)).scalar_subquery()
    rows = session.execute(
        select(RosterAgent.agent_id, RosterAgent.body).where(RosterAgent.version_id == latest)
    )
    agents, skills = [], []
    for agent_id, body in rows:
        agents.append(agent_id)
        skills.append([{"queue_id": s["queue_id"]} for s in body.get("skills", [])])
    return pl.DataFrame(
        {"agent_id": agents, "skills": skills},
        schema={"agent_id": pl.String, "skills": pl.List(pl.Struct({"queue_id": pl.String}))},
    )


_Versioned = TypeVar("_Versioned", CenterVersion, RosterVersion)

# --- center and roster ------------------------------------------------------------------


def _latest_version(session: Session, table: type[_Versioned]) -> _Versioned | None:
    """The highest version stored in a table of versions (center or roster), if any."""
    return session.scalars(select(table).order_by(table.version.desc()).limit(1)).one_or_none()


def current_center(session: Session) -> tuple[CenterVersion, Center]:
    """The latest center configuration, validated.

    Raises:
        NotFoundError: no center has been configured yet.
    """
    row = _latest_version(session, CenterVersion)
    if row is None:
        raise NotFoundError("no center configuration yet; an admin PUTs /v1/center")
    return row, Center.model_validate(row.body)


def replace_center(
    session: Session, *, body: dict[str, Any], center: Center, by: str
) -> CenterVersion:
    """Store a new version of the center configuration (`body`, already validated as
    `center`) and commit.

    Raises:
        ConflictError: the current roster or a live supervisor key names a team, contract
            or queue that `center` drops (the roster could not be sent again).
    """
    reasons = _roster_conflicts(session, center) + _key_conflicts(session, center)
    if reasons:
        raise ConflictError(
            "this center drops teams, contracts or queues still in use; "
            "replace the roster (or revoke the keys) first",
            reasons,
        )
    latest = session.scalar(select(func.max(CenterVersion.version))) or 0
    row = CenterVersion(version=latest + 1, body=body, updated_at=utcnow(), updated_by=by)
    session.add(row)
    session.commit()
    return row


# A new center may rename a team's supervisor (the roster is then sent again with the new
# name); only what it removes from under the roster is a conflict.
_DROPPED_COLUMNS = {"team", "contract", "skills"}


def _roster_conflicts(session: Session, center: Center) -> list[str]:
    latest = session.scalar(select(func.max(RosterVersion.id)))
    if latest is None:
        return []
    agents = list(
        session.scalars(
            select(RosterAgent).where(RosterAgent.version_id == latest).order_by(RosterAgent.id)
        )
    )
    try:
        load_roster(roster_table([RosterAgentIn.model_validate(a.body) for a in agents]), center)
    except DataError as exc:
        return [
            f"agent {agents[i.row - 1].agent_id}: {i.message}"
            for i in exc.issues
            if i.column in _DROPPED_COLUMNS and i.row is not None
        ]
    return []


def _key_conflicts(session: Session, center: Center) -> list[str]:
    teams = {t.id for t in center.teams}
    live = session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None)))
    return [
        f"supervisor key {key.key_id} ({key.name}) is scoped to team {team}"
        for key in live
        for team in key.teams
        if team not in teams
    ]


def current_roster(session: Session) -> tuple[RosterVersion, list[RosterAgent]]:
    """The latest roster and its agents (by agent id).

    Raises:
        NotFoundError: no roster has been loaded yet.
    """
    version = _latest_version(session, RosterVersion)
    if version is None:
        raise NotFoundError("no roster yet; an admin PUTs /v1/roster")
    agents = session.scalars(
        select(RosterAgent)
        .where(RosterAgent.version_id == version.id)
        .order_by(RosterAgent.agent_id)
    )
    return version, list(agents)


def agent_teams(session: Session) -> dict[str, str]:
    """agent_id -> team of the latest roster ({} when there is no roster yet)."""
    latest = select(func.max(RosterVersion.id)).scalar_subquery()
    rows = session.execute(
        select(RosterAgent.agent_id, RosterAgent.team).where(RosterAgent.version_id == latest)
    )
    return {agent_id: team for agent_id, team in rows}


def replace_roster(
    session: Session, *, agents: list[RosterAgentIn], center: Center, by: str
) -> RosterVersion:
    """Check the roster with the roster loader, store it as a new version, commit.

    Raises:
        DataError: rows that name unknown teams, contracts or queues, or repeat an agent.
    """
    load_roster(roster_table(agents), center)
    latest = session.scalar(select(func.max(RosterVersion.version))) or 0
    version = RosterVersion(version=latest + 1, updated_at=utcnow(), updated_by=by)
    session.add(version)
    session.flush()
    session.add_all(
        RosterAgent(
            version_id=version.id, agent_id=a.agent_id, team=a.team, body=a.model_dump(mode="json")
        )
        for a in agents
    )
    session.commit()
    return version


# --- schedules --------------------------------------------------------------------------


def _week_bounds(week_start: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(week_start, dt.time(), tzinfo=tz)
    after = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(), tzinfo=tz)
    return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def _shift_starts(rows: list[ScheduleRowIn]) -> list[dt.datetime]:
    """Per row, the start of its shift: contiguous rows of one agent are one shift."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i].agent_id, rows[i].start))
    starts: list[dt.datetime] = [rows[0].start] * len(rows) if rows else []
    for before, i in zip([None, *order], order, strict=False):
        same = before is not None and rows[before].agent_id == rows[i].agent_id
        if same and rows[before].end == rows[i].start:
            starts[i] = starts[before]
        else:
            starts[i] = rows[i].start
    return starts


def _week_issues(week_start: dt.date, rows: list[ScheduleRowIn], center: Center) -> list[DataIssue]:
    """Every shift starts in the week: the day a shift starts decides its week, so the rows
    of the last night's shift after midnight belong to the week it started in."""
    if not_week_start(week_start, center.week_start) is not None:
        name = "Monday" if center.week_start == "mon" else f"{center.week_start} (week_start)"
        return [DataIssue(None, "week_start", f"week_start must be a {name}")]
    first, after = _week_bounds(week_start, center.tz)
    outside = (
        row
        for row, shift_start in enumerate(_shift_starts(rows), start=1)
        if not first <= shift_start < after
    )
    return [
        DataIssue(row, "start", "its shift starts outside the week") for row in islice(outside, 20)
    ]


def publish_schedule(
    session: Session,
    *,
    week_start: dt.date,
    rows: list[ScheduleRowIn],
    center: Center,
    known_agents: set[str],
    by: str,
    expected_version: int | None = None,
) -> ScheduleVersion:
    """Publish a week as a new version in one transaction (readers see old or new, never a mix).

    The rows are checked by the schedule loader (agents in the roster, known queues, no
    overlaps) and their shifts must start inside the week (a shift's rows after the week's
    last midnight publish with it). With `expected_version`, the week's latest
    version must be that one (0: never published).

    Raises:
        DataError: the week does not start on the center's week start, or rows break a rule.
        ConflictError: the week's latest version is not `expected_version`, or another
            publish of the week committed the same version first.
    """
    issues = _week_issues(week_start, rows, center)
    if issues:
        raise DataError("schedule", issues)
    load_schedule(schedule_table(rows), center, agent_ids=known_agents)
    latest = (
        session.scalar(
            select(func.max(ScheduleVersion.version)).where(
                ScheduleVersion.week_start == week_start
            )
        )
        or 0
    )
    if expected_version is not None and latest != expected_version:
        raise ConflictError(
            f"week {week_start} is at version {latest}, not {expected_version}; "
            "read it again before publishing"
        )
    version = ScheduleVersion(
        week_start=week_start,
        version=latest + 1,
        published_at=utcnow(),
        published_by=by,
        n_rows=len(rows),
    )
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        # Writers that do not serialize (PostgreSQL) meet here: the unique (week, version).
        session.rollback()
        raise ConflictError(
            f"another publish of week {week_start} took version {latest + 1} first; "
            "read it again before publishing"
        ) from None
    session.execute(
        ScheduleRow.__table__.insert(),
        [
            {
                "version_id": version.id,
                "agent_id": r.agent_id,
                "activity": r.activity,
                "start": r.start,
                "end": r.end,
                "queue_id": r.queue_id,
            }
            for r in rows
        ],
    )
    session.commit()
    return version


def _version(session: Session, week_start: dt.date, number: int | None) -> ScheduleVersion | None:
    query = select(ScheduleVersion).where(ScheduleVersion.week_start == week_start)
    if number is not None:
        query = query.where(ScheduleVersion.version == number)
    return session.scalars(query.order_by(ScheduleVersion.version.desc()).limit(1)).one_or_none()


def read_schedule(
    session: Session,
    *,
    week_start: dt.date,
    version: int | None = None,
    agent_ids: set[str] | None = None,
) -> tuple[ScheduleVersion, list[ScheduleRow]]:
    """One version of a week (the latest by default) and its rows.

    Raises:
        NotFoundError: the week (or that version of it) was never published.
    """
    found = _version(session, week_start, version)
    if found is None:
        which = f"version {version} of " if version is not None else ""
        raise NotFoundError(f"no published schedule for {which}week {week_start}")
    query = select(ScheduleRow).where(ScheduleRow.version_id == found.id)
    if agent_ids is not None:
        query = query.where(ScheduleRow.agent_id.in_(sorted(agent_ids)))
    return found, list(session.scalars(query.order_by(ScheduleRow.agent_id, ScheduleRow.start)))


def adherence_inputs(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime,
    agent_ids: set[str] | None,
    tz: ZoneInfo,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The schedule and agent-states tables overlapping [start, end).

    The schedule is the latest version of every week involved. A state that started more
    than STATE_LOOKBACK before `start` is not read: the phone system reports every agent at
    least daily, and an agent without a state counts as off, like one logged out.
    """
    schedule = schedule_table(
        schedule_rows_between(session, start=start, end=end, agent_ids=agent_ids, tz=tz)
    )
    query = select(
        StateEvent.agent_id,
        StateEvent.state,
        raw_timestamp(StateEvent.start),
        raw_timestamp(StateEvent.end),
        StateEvent.event_id,
    ).where(
        StateEvent.start < end,
        StateEvent.start >= start - STATE_LOOKBACK,
        StateEvent.end.is_(None) | (StateEvent.end > start),
    )
    if agent_ids is not None:
        query = query.where(StateEvent.agent_id.in_(sorted(agent_ids)))
    return schedule, states_frame(session.execute(query).all())


def raw_timestamp(column: Any) -> Any:
    """A timestamp column read without per-row Python conversion (polars parses it)."""
    return type_coerce(column, String)


def schedule_rows_between(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime,
    agent_ids: set[str] | None,
    tz: ZoneInfo,
) -> list[tuple[str, str, dt.datetime, dt.datetime, str | None]]:
    """Rows (agent_id, activity, start, end, queue_id) of the latest version of every week
    that overlap [start, end)."""
    first_week = start.astimezone(tz).date() - dt.timedelta(days=7)
    last_week = end.astimezone(tz).date()
    latest = (
        select(func.max(ScheduleVersion.id))
        .where(ScheduleVersion.week_start >= first_week, ScheduleVersion.week_start <= last_week)
        .group_by(ScheduleVersion.week_start)
    )
    query = select(
        ScheduleRow.agent_id,
        ScheduleRow.activity,
        raw_timestamp(ScheduleRow.start),
        raw_timestamp(ScheduleRow.end),
        ScheduleRow.queue_id,
    ).where(ScheduleRow.version_id.in_(latest), ScheduleRow.start < end, ScheduleRow.end > start)
    if agent_ids is not None:
        query = query.where(ScheduleRow.agent_id.in_(sorted(agent_ids)))
    return [tuple(row) for row in session.execute(query)]


# --- forecast runs ----------------------------------------------------------------------


def create_forecast_run(session: Session, *, params: dict[str, Any], by: str) -> ForecastRun:
    """Queue a forecast run (committed) and return it."""
    run = ForecastRun(
        id=uuid.uuid4().hex,
        status="queued",
        params=params,
        created_by=by,
        created_at=utcnow(),
    )
    session.add(run)
    session.commit()
    return run


def _run_kind(run: ForecastRun) -> str:
    return str(run.params.get("kind", "forecast"))


def get_forecast_run(session: Session, *, run_id: str, kind: str = "forecast") -> ForecastRun:
    """A background run by id: a forecast run, or with `kind="capacity"` a capacity plan
    (both are rows of the runs table; `params.kind` tells them apart).

    Raises:
        NotFoundError: no run of that kind has that id.
    """
    run = session.get(ForecastRun, run_id)
    if run is None or _run_kind(run) != kind:
        raise NotFoundError(f"no {kind} run {run_id}")
    return run


def list_forecast_runs(
    session: Session, *, limit: int, kind: str = "forecast"
) -> list[ForecastRun]:
    """The latest runs of a kind, newest first."""
    path = ForecastRun.params["kind"].as_string()
    same = path == kind if kind != "forecast" else or_(path.is_(None), path == kind)
    query = select(ForecastRun).where(same).order_by(ForecastRun.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def update_forecast_run(session: Session, *, run_id: str, **values: Any) -> None:
    """Set fields of a run (status, started_at, finished_at, error, result) and commit."""
    session.execute(update(ForecastRun).where(ForecastRun.id == run_id).values(**values))
    session.commit()


def fail_interrupted_runs(session: Session) -> int:
    """Mark runs left queued or running by a stopped server as failed; returns how many."""
    result = session.execute(
        update(ForecastRun)
        .where(ForecastRun.status.in_(("queued", "running")))
        .values(status="failed", error="interrupted by a server restart", finished_at=utcnow())
    )
    session.commit()
    return result.rowcount
