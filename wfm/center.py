"""The center configuration: one YAML file describes a contact center.

Units are in the field names (`_s` seconds, `_min` minutes, `_h` hours, `_frac` a fraction
0-1). Clock times are local to the center's IANA time zone, written "HH:MM"; "24:00" may
close a day. Every model refuses unknown fields, so a typo is an error, not a silent default.

Example (abridged)::

    name: Riverside Health
    timezone: America/New_York
    interval_min: 15
    queues:
      - id: triage_voice
        channel: voice
        skill: nurse_triage
        open_hours: "24/7"
        target: {service_level_frac: 0.8, answer_within_s: 30, max_abandon_frac: 0.05}
        patience_s: 240
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import math
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from wfm.yamlfile import load_yaml_model

__all__ = [
    "WEEKDAYS",
    "BreakRule",
    "Center",
    "Channel",
    "Contract",
    "HolidayCalendar",
    "LaborRules",
    "Life",
    "OpenWindow",
    "Queue",
    "ScheduleWeights",
    "ServiceTarget",
    "ShiftTemplate",
    "Team",
    "load_center",
    "parse_clock_min",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


class Channel(StrEnum):
    VOICE = "voice"
    SMS = "sms"
    CHAT = "chat"
    EMAIL = "email"


class _Strict(BaseModel):
    # Infinite and NaN numbers (YAML's .inf, .nan) mean nothing in a center.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def parse_clock_min(text: str) -> int:
    """Minutes after local midnight for "HH:MM" ("24:00" allowed). Raises ValueError."""
    try:
        hours_str, minutes_str = text.strip().split(":")
        hours, minutes = int(hours_str), int(minutes_str)
    except ValueError:
        raise ValueError(f"expected a clock time HH:MM, got {text!r}") from None
    if not (0 <= minutes < 60 and (0 <= hours < 24 or (hours == 24 and minutes == 0))):
        raise ValueError(f"clock time out of range: {text!r}")
    return hours * 60 + minutes


class OpenWindow(_Strict):
    """An open window on one weekday, in minutes after local midnight (end exclusive)."""

    start_min: int = Field(ge=0, le=MINUTES_PER_DAY)
    end_min: int = Field(ge=0, le=MINUTES_PER_DAY)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_min <= self.start_min:
            raise ValueError("window must end after it starts (split windows over midnight)")
        return self


def _parse_windows(spec: object) -> list[OpenWindow]:
    """ "07:00-19:00", or a list of such strings, or None/"closed"."""
    if spec is None or spec == "closed":
        return []
    items = spec if isinstance(spec, list) else [spec]
    windows = []
    for item in items:
        if not isinstance(item, str) or "-" not in item:
            raise ValueError(f"expected 'HH:MM-HH:MM', got {item!r}")
        start, end = item.split("-", 1)
        windows.append(OpenWindow(start_min=parse_clock_min(start), end_min=parse_clock_min(end)))
    windows.sort(key=lambda w: w.start_min)
    for before, after in itertools.pairwise(windows):
        if after.start_min < before.end_min:
            raise ValueError("open windows overlap")
    return windows


_WINDOW_SCHEMA = {"type": "string", "pattern": r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$"}
_OPEN_HOURS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"const": "24/7"},
        {
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    _WINDOW_SCHEMA,
                    {"type": "array", "items": _WINDOW_SCHEMA},
                    {"const": "closed"},
                    {"type": "null"},
                ]
            },
        },
    ]
}


class ServiceTarget(_Strict):
    """What a queue promises. Every target given must hold at once.

    Real-time queues (voice, chat, real-time SMS) use a service level (`service_level_frac`
    of contacts answered within `answer_within_s`) and/or `max_asa_s`, plus optionally
    `max_abandon_frac`. Deferred queues (email, deferred SMS) use `response_target_h`.
    """

    service_level_frac: float | None = Field(default=None, gt=0, lt=1)
    answer_within_s: float | None = Field(default=None, ge=0)
    max_asa_s: float | None = Field(default=None, gt=0)
    max_abandon_frac: float | None = Field(default=None, gt=0, lt=1)
    response_target_h: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.service_level_frac is None) != (self.answer_within_s is None):
            raise ValueError("service_level_frac and answer_within_s go together")
        if self.response_target_h is not None:
            realtime = (self.service_level_frac, self.max_asa_s, self.max_abandon_frac)
            if any(v is not None for v in realtime):
                raise ValueError("a deferred target (response_target_h) takes no real-time target")
        elif self.service_level_frac is None and self.max_asa_s is None:
            raise ValueError(
                "give service_level_frac + answer_within_s, or max_asa_s, "
                "or response_target_h for deferred work"
            )
        return self

    @property
    def is_deferred(self) -> bool:
        return self.response_target_h is not None


class Queue(_Strict):
    """A queue is a channel x skill with its own hours and target."""

    id: Id
    channel: Channel
    skill: Id
    name: str | None = None
    open_hours: Annotated[
        dict[str, list[OpenWindow]],
        # What a center file holds (parsed by _parse_open_hours), not the parsed windows.
        WithJsonSchema(_OPEN_HOURS_SCHEMA, mode="validation"),
    ] = Field(description='"24/7", or weekday (mon..sun) -> "HH:MM-HH:MM" or a list of them')
    target: ServiceTarget
    patience_s: float | None = Field(default=None, gt=0, description="mean caller patience")
    concurrency: int = Field(default=1, ge=1, le=10, description="contacts one agent works at once")
    aht_s: float | None = Field(default=None, gt=0, description="planning AHT when no history")
    priority: int = Field(default=0, description="routing priority, higher first")
    shrinkage_frac: float | None = Field(default=None, ge=0, lt=1)

    @field_validator("open_hours", mode="before")
    @classmethod
    def _parse_open_hours(cls, value: object) -> object:
        if value == "24/7":
            return {day: [OpenWindow(start_min=0, end_min=MINUTES_PER_DAY)] for day in WEEKDAYS}
        if not isinstance(value, dict):
            raise ValueError('expected "24/7" or a mapping weekday -> hours')
        parsed: dict[str, list[OpenWindow]] = {}
        for day, spec in value.items():
            key = str(day).lower()[:3]
            if key not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use mon..sun")
            parsed[key] = _parse_windows(spec)
        return {day: parsed.get(day, []) for day in WEEKDAYS}

    @model_validator(mode="after")
    def _channel_rules(self) -> Self:
        if self.channel is Channel.EMAIL and not self.target.is_deferred:
            raise ValueError("email queues are deferred work: give target.response_target_h")
        if self.target.is_deferred and self.channel in (Channel.VOICE, Channel.CHAT):
            raise ValueError(f"{self.channel} is real-time: response_target_h is for email/sms")
        if self.concurrency > 1 and self.channel not in (Channel.CHAT, Channel.SMS):
            raise ValueError("concurrency > 1 is for chat and sms queues")
        return self

    @property
    def is_deferred(self) -> bool:
        return self.target.is_deferred

    @property
    def is_24_7(self) -> bool:
        full = [OpenWindow(start_min=0, end_min=MINUTES_PER_DAY)]
        return all(self.open_hours[day] == full for day in WEEKDAYS)

    def open_minutes(self, weekday: int) -> list[tuple[int, int]]:
        """Open windows (start_min, end_min) on a weekday (0 = Monday)."""
        return [(w.start_min, w.end_min) for w in self.open_hours[WEEKDAYS[weekday]]]


class Team(_Strict):
    id: Id
    name: str | None = None
    supervisor: str = Field(min_length=1)
    site: str | None = None


class BreakRule(_Strict):
    """A break or lunch placed inside a window measured from shift start."""

    kind: Literal["break", "lunch"]
    duration_min: int = Field(gt=0, le=120)
    paid: bool
    earliest_after_start_min: int = Field(ge=0)
    latest_after_start_min: int = Field(ge=0)

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.latest_after_start_min < self.earliest_after_start_min:
            raise ValueError("latest_after_start_min is before earliest_after_start_min")
        return self


def _clock_fields_schema(schema: dict[str, Any]) -> None:
    """ShiftTemplate's schema as a center file writes it: each of start and length either
    in minutes or as `earliest_start` / `latest_start` ("HH:MM") and `length_h`."""
    clock = {"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*$"}
    schema["properties"].update(
        earliest_start=clock,
        latest_start=clock,
        length_h={"type": "number", "exclusiveMinimum": 0, "maximum": 16},
    )
    pairs = [
        ("earliest_start_min", "earliest_start"),
        ("latest_start_min", "latest_start"),
        ("length_min", "length_h"),
    ]
    schema["required"] = [name for name in schema["required"] if name in ("id", "start_step_min")]
    schema["allOf"] = [
        {"oneOf": [{"required": [minutes]}, {"required": [text]}]} for minutes, text in pairs
    ]


def _hours(value: object) -> float:
    """A shift length in hours (a number, or its text) that stays finite in minutes."""
    hours = math.nan
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):
            hours = float(value)
    if not math.isfinite(hours * 60):
        raise ValueError(f"length_h must be a finite number of hours, got {value!r:.40}")
    return hours


class ShiftTemplate(_Strict):
    """Shifts that may start every `start_step_min` between `earliest_start` and `latest_start`.

    A start after 24:00 - length crosses midnight (night shifts); the shift belongs to the
    day it starts on.
    """

    model_config = ConfigDict(json_schema_extra=_clock_fields_schema)  # merged with _Strict's

    id: Id
    earliest_start_min: int = Field(ge=0, lt=MINUTES_PER_DAY)
    latest_start_min: int = Field(ge=0, lt=MINUTES_PER_DAY)
    start_step_min: int = Field(gt=0, le=240)
    length_min: int = Field(gt=0, le=16 * 60)
    breaks: tuple[BreakRule, ...] = ()
    days: tuple[str, ...] = WEEKDAYS

    @model_validator(mode="before")
    @classmethod
    def _clock_fields(cls, data: object) -> object:
        if isinstance(data, dict):
            data = dict(data)
            for name in ("earliest_start", "latest_start"):
                if name in data:
                    data[f"{name}_min"] = parse_clock_min(str(data.pop(name)))
            if "length_h" in data:
                data["length_min"] = round(_hours(data.pop("length_h")) * 60)
        return data

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.latest_start_min < self.earliest_start_min:
            raise ValueError("latest_start is before earliest_start")
        for rule in self.breaks:
            if rule.latest_after_start_min + rule.duration_min > self.length_min:
                raise ValueError(f"a {rule.kind} window runs past the end of the shift")
        bad = [d for d in self.days if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"unknown weekday(s) {bad}; use mon..sun")
        return self

    @property
    def paid_min(self) -> int:
        return self.length_min - sum(b.duration_min for b in self.breaks if not b.paid)

    def start_mins(self) -> list[int]:
        return list(range(self.earliest_start_min, self.latest_start_min + 1, self.start_step_min))


class Contract(_Strict):
    """Weekly paid hours and the shift templates an agent on this contract may work."""

    id: Id
    weekly_hours_min: float = Field(ge=0, le=80)
    weekly_hours_max: float = Field(gt=0, le=80)
    shift_templates: tuple[Id, ...] = Field(min_length=1)
    max_days_per_week: int = Field(default=5, ge=1, le=7)

    @model_validator(mode="after")
    def _hours(self) -> Self:
        if self.weekly_hours_max < self.weekly_hours_min:
            raise ValueError("weekly_hours_max is below weekly_hours_min")
        return self


class LaborRules(_Strict):
    min_rest_h: float = Field(default=11, ge=0, le=48)
    max_consecutive_days: int = Field(default=6, ge=1, le=14)
    # A multi-skilled agent's least time on one queue either side of a switch (README,
    # `wfm schedule`, Queue blocks); 0 lets the queue change every interval.
    min_queue_block_min: int = Field(default=60, ge=0, le=480)


class ScheduleWeights(_Strict):
    """Costs of the schedule's soft rules that planners set (README, `wfm schedule`, Weights).

    Shortfall is minimised first and held (one agent missing for one interval costs 1000), so
    these trade against each other and against paid and idle time (1 and 2 per agent-interval),
    never against coverage. Whole numbers: the solver's costs are integers.

    Attributes:
        start_change_cost_per_h: per hour a shift starts away from the agent's usual start of
            the week (one anchor per agent the solver chooses); a whole number per interval.
        days_off_split_cost_per_block: per block of days off beyond the first in the week.
        preferred_start_miss_cost_per_h: per hour a shift starts away from the agent's
            preferred start.
        preferred_day_off_miss_cost_per_day: per preferred day off the agent works.
        both_weekend_days_cost: per agent working both Saturday and Sunday.
        max_nights_cost_per_night: per night shift of the agent who works the most of them.
    """

    start_change_cost_per_h: int = Field(default=4, ge=0, le=10_000)
    days_off_split_cost_per_block: int = Field(default=50, ge=0, le=10_000)
    preferred_start_miss_cost_per_h: int = Field(default=10, ge=0, le=10_000)
    preferred_day_off_miss_cost_per_day: int = Field(default=100, ge=0, le=10_000)
    both_weekend_days_cost: int = Field(default=30, ge=0, le=10_000)
    max_nights_cost_per_night: int = Field(default=20, ge=0, le=10_000)


class Life(_Strict):
    """How a schedule is lived, for the simulator (`wfm simulate --life`).

    Shrinkage splits into unplanned absence (whole shifts missed) and the rest (meetings,
    coaching, system downtime: agents off the phones during their shifts); on top of it come
    adherence deviations (late log-ins, long breaks, early log-outs), sampled from a history
    of agent states against the schedule they were recorded under.

    Attributes:
        absence_frac: share of scheduled shifts missed whole, for every team without its own.
        team_absence_frac: team id -> that team's absence rate.
        offphone_frac: share of scheduled work time spent off the phones (the rest of
            shrinkage); default the center's `shrinkage_frac` minus `absence_frac`.
        offphone_block_min: length of one off-phone block (a meeting, a coaching session).
        adherence_from_states: sample adherence deviations from the center folder's
            `states` and `schedule` tables (the week the states were recorded against).
        staff_as_lived: requirements (`wfm staff`, `wfm plan`) schedule enough agents that,
            with absence, off-phone time and the adherence loss of the states drawn at
            random, the expected figures still meet the target (`wfm.staffing.lived`);
            False: the plain gross-up by `shrinkage_frac`.
        staff_margin_frac: with `staff_as_lived`, the relative margin every part of the
            target must be met by (0.05: a service level of 80 % is planned at 84 %, an
            ASA of 50 s at 47.5 s), for what the model leaves out within the week (queues
            carried from one interval to the next, the intraday shape); the week's forecast
            error has its own allowance, `staff_forecast_quantile`.
        staff_forecast_quantile: with `staff_as_lived`, staff a forecast not at its point
            volume but at this one-sided quantile (a probability) of its own weekly error:
            each queue's volume times the forecaster's conformal band of actual / forecast
            weekly totals in its backtest (`forecasting.core.ratio_band`). None: the point
            forecast. Staffing history (actual volumes) is never scaled.
    """

    absence_frac: float = Field(ge=0, lt=1)
    team_absence_frac: dict[Id, Annotated[float, Field(ge=0, lt=1)]] = {}
    offphone_frac: float | None = Field(default=None, ge=0, lt=1)
    offphone_block_min: int = Field(default=30, gt=0, le=240)
    adherence_from_states: bool = True
    staff_as_lived: bool = False
    staff_margin_frac: float = Field(default=0.0, ge=0, lt=0.5)
    staff_forecast_quantile: float | None = Field(default=None, ge=0.5, lt=1)


class HolidayCalendar(_Strict):
    """Public holidays from the `holidays` package (country code, optional subdivision)."""

    country: str = "US"
    subdivision: str | None = None
    observed: bool = True


_Identified = TypeVar("_Identified", "Queue", "Contract", "ShiftTemplate")


def _by_id(items: tuple[_Identified, ...], item_id: str) -> _Identified:
    """The item of `items` with that id.

    Raises:
        KeyError: none has it.
    """
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


class Center(_Strict):
    name: str
    timezone: str
    interval_min: Literal[15, 30]
    holidays: HolidayCalendar = HolidayCalendar()
    shrinkage_frac: float = Field(ge=0, lt=1)
    max_occupancy_frac: float = Field(default=0.85, gt=0, le=1)
    queues: tuple[Queue, ...] = Field(min_length=1)
    teams: tuple[Team, ...] = ()
    shift_templates: tuple[ShiftTemplate, ...] = ()
    contracts: tuple[Contract, ...] = ()
    labor_rules: LaborRules = LaborRules()
    schedule_weights: ScheduleWeights = ScheduleWeights()
    week_start: Literal["mon", "sun", "sat"] = Field(
        default="mon", description="first day of the planning week (--week, weekly outputs)"
    )
    life: Life | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _references(self) -> Self:
        for kind, items in (
            ("queue", self.queues),
            ("team", self.teams),
            ("shift template", self.shift_templates),
            ("contract", self.contracts),
        ):
            ids = [item.id for item in items]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} id(s): {', '.join(dupes)}")
        template_ids = {t.id for t in self.shift_templates}
        for contract in self.contracts:
            unknown = [t for t in contract.shift_templates if t not in template_ids]
            if unknown:
                raise ValueError(
                    f"contract {contract.id} names unknown shift template(s) {unknown}"
                )
        per_h = self.schedule_weights.start_change_cost_per_h
        if per_h * self.interval_min % 60:
            step = 60 // math.gcd(60, self.interval_min)
            raise ValueError(
                f"schedule_weights.start_change_cost_per_h: {per_h} per hour is "
                f"{per_h * self.interval_min / 60:g} per {self.interval_min}-minute interval; "
                f"the solver needs a whole number per interval: give a multiple of {step}"
            )
        if self.life is not None:
            team_ids = {t.id for t in self.teams}
            unknown = sorted(set(self.life.team_absence_frac) - team_ids)
            if unknown:
                raise ValueError(f"life.team_absence_frac names unknown team(s) {unknown}")
            if self.life.offphone_frac is None and self.life.absence_frac > self.shrinkage_frac:
                raise ValueError(
                    "life.absence_frac exceeds shrinkage_frac: give life.offphone_frac"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def interval_s(self) -> int:
        return self.interval_min * 60

    @property
    def queue_ids(self) -> list[str]:
        return [q.id for q in self.queues]

    def queue(self, queue_id: str) -> Queue:
        return _by_id(self.queues, queue_id)

    def contract(self, contract_id: str) -> Contract:
        return _by_id(self.contracts, contract_id)

    def template(self, template_id: str) -> ShiftTemplate:
        return _by_id(self.shift_templates, template_id)

    def shrinkage_for(self, queue_id: str) -> float:
        own = self.queue(queue_id).shrinkage_frac
        return self.shrinkage_frac if own is None else own

    def absence_frac_for(self, team: str | None) -> float:
        """The life section's absence rate of a team (0 without a life section)."""
        if self.life is None:
            return 0.0
        return self.life.team_absence_frac.get(team or "", self.life.absence_frac)

    @property
    def offphone_frac(self) -> float:
        """The life section's off-phone share of work time (0 without a life section)."""
        if self.life is None:
            return 0.0
        if self.life.offphone_frac is not None:
            return self.life.offphone_frac
        return self.shrinkage_frac - self.life.absence_frac

    def local_date(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()


def load_center(path: str | Path) -> Center:
    """Load and validate a center YAML file.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks a rule; the message names
            the file and the field path of every problem.
    """
    return load_yaml_model(path, Center)
