"""Request and response schemas. Inputs refuse unknown fields; names keep their unit suffixes.

Families follow one pattern: ``XCreate`` / ``XReplace`` (input), ``XPublic`` (one item out),
``XsPublic`` (``data`` + ``count``). Timestamps are ISO 8601 text with a UTC offset (no Unix
numbers), between the years 1900 and 2200 once in UTC, and come back in UTC. Numbers in
inputs must be finite.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from forecasting.registry import MODEL_NAMES
from wfm.center import WEEKDAYS
from wfm.loaders import ACTIVITIES

__all__ = [
    "AgentDayPublic",
    "AgentDaysPublic",
    "AuditPublic",
    "AuditsPublic",
    "AvailabilityWindow",
    "CenterPublic",
    "ConflictPublic",
    "Day",
    "ErrorPublic",
    "ExceptionPublic",
    "ExceptionsPublic",
    "FieldErrorPublic",
    "ForecastCreate",
    "ForecastModel",
    "ForecastResultPublic",
    "ForecastRowPublic",
    "ForecastRunPublic",
    "ForecastRunsPublic",
    "ForecastScorePublic",
    "HealthPublic",
    "HistoryIngest",
    "HistoryIngestPublic",
    "HistoryRowIn",
    "IngestPublic",
    "IntradayIntervalPublic",
    "IntradayMovePublic",
    "IntradayPublic",
    "IntradayQueuePublic",
    "InvalidFieldsPublic",
    "InvalidRowsPublic",
    "IssuePublic",
    "RealtimePublic",
    "RealtimeRowPublic",
    "RosterAgentIn",
    "RosterPublic",
    "RosterReplace",
    "RowErrorPublic",
    "ScheduleCreate",
    "SchedulePublic",
    "SchedulePublishedPublic",
    "ScheduleRowIn",
    "ScheduleRowPublic",
    "Skill",
    "StateEventIn",
    "StatePublic",
    "StatesIngest",
    "StatesPublic",
    "Strict",
    "TeamDayPublic",
    "TeamDaysPublic",
    "Timestamp",
]

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$")]
EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$")]
StateName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")
]
MAX_BATCH = 5000
MIN_YEAR, MAX_YEAR = 1900, 2200
# A schedule row is one activity of a shift, and a shift is at most 16 h (README, Center).
MAX_ROW = dt.timedelta(hours=16)
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value: object) -> object:
    """Refuse what pydantic would read as a Unix time (numbers, digit strings): a timestamp
    is text with a date, a time and (checked next) a UTC offset."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIMESTAMP.match(value):
        raise ValueError("expected an ISO 8601 timestamp with a UTC offset, e.g. 2026-11-23T14:00Z")
    return value


def _iso_date_text(value: object) -> object:
    """Refuse a Unix time for a date too: a date is YYYY-MM-DD text."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("expected an ISO 8601 date, e.g. 2026-11-23")
    return value


def _utc_in_range(value: dt.datetime) -> dt.datetime:
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:  # the offset moves it past year 1 or 9999
        utc = None
    if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValueError(f"timestamp out of range (years {MIN_YEAR}-{MAX_YEAR} in UTC)")
    return utc


def _date_in_range(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"date out of range (years {MIN_YEAR}-{MAX_YEAR})")
    return value


# ISO 8601 text with a UTC offset (refused without one), converted to UTC.
Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_utc_in_range)]
Day = Annotated[dt.date, BeforeValidator(_iso_date_text), AfterValidator(_date_in_range)]


class Strict(BaseModel):
    """Base of every input schema: unknown fields are refused, not stored; so are infinite
    and NaN numbers (JSON has neither)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Span(Strict):
    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        end = getattr(self, "end", None)
        if end is not None and end <= self.start:  # type: ignore[attr-defined]
            raise ValueError("end must be after start")
        return self


# --- errors -----------------------------------------------------------------------------


class ErrorPublic(BaseModel):
    """An error answer (401, 403, 404, 413, 429, 503)."""

    detail: str


class ConflictPublic(BaseModel):
    """409: the request contradicts the current state; `reasons` names what is in the way."""

    detail: str
    reasons: list[str]


class FieldErrorPublic(BaseModel):
    type: str
    loc: list[str | int] = Field(description="where: body, query or path, then the field path")
    msg: str


class InvalidFieldsPublic(BaseModel):
    """422: fields of the request that do not fit its schema (the first ones, and how many)."""

    detail: list[FieldErrorPublic]
    count: int


class IssuePublic(BaseModel):
    row: int | None = Field(description="1-based row of the table sent, if a row is at fault")
    column: str | None
    message: str


class InvalidRowsPublic(BaseModel):
    """422: rows of a table (roster, schedule) or parts of the center that break a rule."""

    detail: list[IssuePublic]
    source: str
    count: int


# --- health -----------------------------------------------------------------------------


class HealthPublic(BaseModel):
    status: Literal["ok"]
    database: str


# --- agent states -----------------------------------------------------------------------


class StateEventIn(_Span):
    """One agent state from the phone system. `event_id` makes a resend harmless."""

    event_id: EventId
    agent_id: Id
    state: StateName
    start: Timestamp
    end: Timestamp | None = None


class StatesIngest(Strict):
    """A batch of state events. Each item is checked on its own (see `StateEventIn`): a bad
    row is reported with its index and the good rows of the batch are stored."""

    events: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="objects shaped as StateEventIn (event_id, agent_id, state, start, end)",
    )


class RowErrorPublic(BaseModel):
    index: int = Field(description="0-based position of the row in the batch")
    event_id: str | None
    column: str | None
    message: str


class IngestPublic(BaseModel):
    """Outcome of a batch: every id in `accepted` or `duplicates` is stored (committed)."""

    accepted: list[str]
    duplicates: list[str]
    errors: list[RowErrorPublic]


# --- history ----------------------------------------------------------------------------


class HistoryRowIn(Strict):
    """Actual volumes of one queue x interval (README, Tables: history)."""

    queue_id: Id
    interval_start: Timestamp
    offered: int = Field(ge=0, le=10_000_000)
    handled: int = Field(ge=0, le=10_000_000)
    abandoned: int = Field(ge=0, le=10_000_000)
    aht_s: float | None = Field(default=None, ge=0, le=86_400)
    service_level: float | None = Field(default=None, ge=0, le=1)
    asa_s: float | None = Field(default=None, ge=0, le=86_400)

    @model_validator(mode="after")
    def _counts_add_up(self) -> Self:
        if self.handled + self.abandoned > self.offered:
            raise ValueError("handled + abandoned must not exceed offered")
        return self


class HistoryIngest(Strict):
    """A batch of history rows, each checked on its own: bad rows are reported with their
    index and the good rows stored (a queue x interval already stored is replaced)."""

    rows: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="objects shaped as HistoryRowIn (queue_id, interval_start, offered, ...)",
    )


class HistoryIngestPublic(BaseModel):
    """Outcome of a batch: `accepted` rows were new or changed, `duplicates` were stored
    already as sent; both are committed."""

    accepted: int
    duplicates: int
    errors: list[RowErrorPublic]


class StatePublic(BaseModel):
    event_id: str
    agent_id: str
    state: str
    start: dt.datetime
    end: dt.datetime | None


class StatesPublic(BaseModel):
    """One page of states; `next_cursor` (null on the last page) asks for the next one."""

    data: list[StatePublic]
    count: int
    next_cursor: str | None


# --- schedules --------------------------------------------------------------------------


class ScheduleRowIn(_Span):
    """One activity of an agent; at most 16 h long."""

    agent_id: Id
    activity: Literal[ACTIVITIES]  # type: ignore[valid-type]
    start: Timestamp
    end: Timestamp
    queue_id: Id | None = None

    @model_validator(mode="after")
    def _not_too_long(self) -> Self:
        if self.end - self.start > MAX_ROW:
            raise ValueError("a schedule row lasts at most 16 hours")
        return self


class ScheduleCreate(Strict):
    """A week's schedule; `week_start` is the Monday (center-local) the week begins on.

    `expected_version` makes the publish conditional: the week's latest version must be that
    one (0: the week was never published), else 409 and nothing is stored.
    """

    week_start: Day
    rows: list[ScheduleRowIn] = Field(min_length=1, max_length=200_000)
    expected_version: int | None = Field(default=None, ge=0, le=1_000_000)


class ScheduleRowPublic(BaseModel):
    agent_id: str
    activity: str
    start: dt.datetime
    end: dt.datetime
    queue_id: str | None


class SchedulePublishedPublic(BaseModel):
    week_start: dt.date
    version: int
    n_rows: int
    published_at: dt.datetime
    published_by: str


class SchedulePublic(BaseModel):
    week_start: dt.date
    version: int
    published_at: dt.datetime
    published_by: str
    data: list[ScheduleRowPublic]
    count: int


# --- center and roster ------------------------------------------------------------------


class CenterPublic(BaseModel):
    """The center configuration as the admin sent it (same shape as the YAML file)."""

    version: int
    updated_at: dt.datetime
    updated_by: str
    center: dict[str, Any]


class Skill(Strict):
    queue_id: Id
    proficiency: float = Field(gt=0, le=1)


class AvailabilityWindow(Strict):
    """Local minutes of a weekday (0 = Monday); end_min may pass 1440 (past midnight)."""

    weekday: int = Field(ge=0, le=6)
    start_min: int = Field(ge=0, lt=1440)
    end_min: int = Field(gt=0, le=2880)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_min <= self.start_min:
            raise ValueError("end_min must be after start_min")
        return self


class RosterAgentIn(Strict):
    agent_id: Id
    name: str = Field(min_length=1, max_length=128)
    team: Id
    supervisor: str = Field(min_length=1, max_length=128)
    skills: list[Skill] = Field(min_length=1)
    contract: Id
    availability: list[AvailabilityWindow] = Field(
        default_factory=list, description="empty = always available"
    )
    preferred_start: (
        Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None
    ) = None
    preferred_days_off: list[Literal[WEEKDAYS]] = Field(  # type: ignore[valid-type]
        default_factory=list
    )


class RosterReplace(Strict):
    agents: list[RosterAgentIn] = Field(min_length=1, max_length=50_000)


class RosterPublic(BaseModel):
    version: int
    updated_at: dt.datetime
    updated_by: str
    data: list[RosterAgentIn]
    count: int


# --- audit ------------------------------------------------------------------------------


class AuditPublic(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    key_id: str | None
    role: str | None
    action: str
    target: str
    status_code: int
    result: str


class AuditsPublic(BaseModel):
    data: list[AuditPublic]
    count: int


# --- adherence --------------------------------------------------------------------------


class RealtimeRowPublic(BaseModel):
    agent_id: str
    team: str | None
    scheduled_activity: str
    actual_state: str | None
    state_since: dt.datetime | None
    out_of_adherence_s: float
    severity: Literal["ok", "warning", "severe"]


class RealtimePublic(BaseModel):
    """Who is out of adherence at `at`, worst first."""

    at: dt.datetime
    data: list[RealtimeRowPublic]
    count: int


class AgentDayPublic(BaseModel):
    agent_id: str
    date: dt.date
    team: str | None
    scheduled_s: float
    in_adherence_s: float
    adherence: float | None
    work_scheduled_s: float
    worked_s: float
    conformance: float | None
    n_exceptions: int


class AgentDaysPublic(BaseModel):
    data: list[AgentDayPublic]
    count: int


class TeamDayPublic(BaseModel):
    team: str | None
    date: dt.date
    n_agents: int
    scheduled_s: float
    in_adherence_s: float
    adherence: float | None
    work_scheduled_s: float
    worked_s: float
    conformance: float | None
    n_exceptions: int


class TeamDaysPublic(BaseModel):
    data: list[TeamDayPublic]
    count: int


class ExceptionPublic(BaseModel):
    agent_id: str
    date: dt.date
    team: str | None
    kind: str
    start: dt.datetime
    end: dt.datetime
    duration_s: float
    scheduled_activity: str | None
    actual_state: str | None
    severity: str


class ExceptionsPublic(BaseModel):
    data: list[ExceptionPublic]
    count: int


# --- forecasts --------------------------------------------------------------------------

# The forecasting registry's names, so the API offers every model the CLI does.
ForecastModel = Literal[("auto", *MODEL_NAMES)]  # type: ignore[valid-type]


class ForecastCreate(Strict):
    """A seasonal forecast run over the server's history table (and drivers / events)."""

    start: Day = Field(description="first local day to forecast")
    horizon_days: int = Field(ge=1, le=400, description="local days to forecast")
    model: ForecastModel = "auto"
    granularity: Literal["week", "interval"] = Field(
        default="week", description="week: one row per queue and local week (seasonal plans)"
    )
    level: int = Field(default=80, ge=50, le=99, description="prediction interval level, %")


class ForecastRunPublic(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    params: dict[str, Any]
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None


class ForecastRunsPublic(BaseModel):
    data: list[ForecastRunPublic]
    count: int


class ForecastRowPublic(BaseModel):
    queue_id: str
    interval_start: dt.datetime
    volume: float
    volume_lo: float | None
    volume_hi: float | None
    aht_s: float | None
    model: str


class ForecastScorePublic(BaseModel):
    queue_id: str
    model: str
    # The engine's score column is a WAPE (forecasting.run); runs store it as `score`.
    wape: float | None = Field(validation_alias=AliasChoices("wape", "score"))


class ForecastResultPublic(BaseModel):
    id: str
    data: list[ForecastRowPublic]
    count: int
    scores: list[ForecastScorePublic]


class IntradayQueuePublic(BaseModel):
    """One queue's day so far against the morning forecast and the rest of the day."""

    queue_id: str
    date: dt.date
    volume_forecast_day: float
    volume_forecast_so_far: float
    volume_actual_so_far: float
    ratio: float | None
    weight: float
    factor: float
    volume_rest_forecast: float
    volume_rest_reforecast: float
    attendance_frac: float
    service_level_target: float | None
    service_level_rest_expected: float | None
    short_agent_h_rest: float


class IntradayIntervalPublic(BaseModel):
    """One queue x interval of the day (agents net: on the queue, after shrinkage)."""

    queue_id: str
    interval_start: dt.datetime
    observed: bool
    volume_forecast: float
    volume_actual: float | None
    volume_reforecast: float
    aht_forecast_s: float | None
    aht_actual_s: float | None
    aht_reforecast_s: float | None
    agents_required: float | None
    agents_scheduled: float
    agents_staffed: float
    agents_expected: float | None
    agents_gap: float | None
    service_level_actual: float | None
    service_level_expected: float | None


class IntradayMovePublic(BaseModel):
    """A move that would help: overtime, move_break or voluntary_time_off, for n agents."""

    queue_id: str
    kind: Literal["overtime", "move_break", "voluntary_time_off"]
    start: dt.datetime
    end: dt.datetime
    n_agents: int
    reason: str


class IntradayPublic(BaseModel):
    """The intraday view of the local day holding `at`, per queue."""

    at: dt.datetime
    date: dt.date
    queues: list[IntradayQueuePublic]
    intervals: list[IntradayIntervalPublic]
    moves: list[IntradayMovePublic]
