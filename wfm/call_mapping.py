"""The mapping file of `wfm data import-calls` (README, Bring your own data): which columns of
a call-records export hold the arrival time, the queue, the outcome and the seconds, and what
its codes mean.

```yaml
timezone: America/New_York            # zone of timestamps without a UTC offset
arrival: {timestamp: call_start}      # or {date: call_date, time: call_time}
queue: {column: split, codes: {"101": triage_voice, "999": null}}   # null: not imported
outcome:
  column: disposition
  answered: [ANS]
  abandoned: [ABN]
  not_counted: {ivr_only: [IVR], transfer: [XFER]}
wait_s: queue_sec
talk_s: talk_sec
wrap_s: acw_sec
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.yamlfile import load_yaml_model

__all__ = [
    "ArrivalColumns",
    "CallMapping",
    "OutcomeMapping",
    "QueueMapping",
    "load_call_mapping",
]

Outcome = Literal["answered", "abandoned"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _column_or_value(
    column: str | None, value: object, codes: object, *, value_is: str, missing_codes: str
) -> None:
    """A mapping reads a column (with its codes) or gives one value for the whole file."""
    if (column is None) == (value is None):
        raise ValueError(f"give either column (with its codes) or value ({value_is})")
    if column is not None and not codes:
        raise ValueError(missing_codes)


class ArrivalColumns(_Strict):
    """Where a call's arrival time is: one timestamp column, or a date and a time-of-day."""

    timestamp: str | None = None
    date: str | None = None
    time: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.timestamp is not None and (self.date is not None or self.time is not None):
            raise ValueError("give either timestamp, or date and time, not both")
        if self.timestamp is None and (self.date is None or self.time is None):
            raise ValueError("give timestamp, or both date and time")
        return self

    @property
    def columns(self) -> list[str]:
        return [self.timestamp] if self.timestamp else [str(self.date), str(self.time)]


class QueueMapping(_Strict):
    """The queue of each call: a column whose codes map to queue ids (null: not imported),
    or one queue for the whole file."""

    column: str | None = None
    codes: dict[str, str | None] = Field(default_factory=dict)
    value: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        _column_or_value(
            self.column,
            self.value,
            self.codes,
            value_is="one queue for the whole file",
            missing_codes="codes: map each code of the column to a queue id (or null)",
        )
        return self

    @property
    def queue_ids(self) -> list[str]:
        if self.value is not None:
            return [self.value]
        return sorted({q for q in self.codes.values() if q is not None})


class OutcomeMapping(_Strict):
    """The outcome of each call: a column whose codes are answered, abandoned or not counted
    (per reason, e.g. ivr_only, phantom, transfer), or one outcome for the whole file."""

    column: str | None = None
    answered: tuple[str, ...] = ()
    abandoned: tuple[str, ...] = ()
    not_counted: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    value: Outcome | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        _column_or_value(
            self.column,
            self.value,
            self.answered,
            value_is="answered or abandoned for the whole file",
            missing_codes="answered: list the codes of answered calls",
        )
        seen: dict[str, str] = {}
        groups = {"answered": self.answered, "abandoned": self.abandoned}
        groups |= {f"not_counted.{k}": v for k, v in self.not_counted.items()}
        for name, codes in groups.items():
            for code in codes:
                if code in seen:
                    raise ValueError(f"code {code!r} is in both {seen[code]} and {name}")
                seen[code] = name
        return self

    @property
    def codes(self) -> dict[str, str]:
        """Code -> answered, abandoned, or the reason it is not counted."""
        out = dict.fromkeys(self.answered, "answered") | dict.fromkeys(self.abandoned, "abandoned")
        for reason, codes in self.not_counted.items():
            out |= dict.fromkeys(codes, reason)
        return out


class CallMapping(_Strict):
    """A call-records export described column by column.

    Attributes:
        timezone: IANA zone of timestamps without a UTC offset (default: the center's).
        count: a column holding how many calls a row stands for (an export of counts per
            interval); without it every row is one call.
    """

    timezone: str | None = None
    arrival: ArrivalColumns
    queue: QueueMapping
    outcome: OutcomeMapping
    wait_s: str | None = None
    talk_s: str | None = None
    wrap_s: str | None = None
    count: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    def source_tz(self, center: Center) -> ZoneInfo:
        return ZoneInfo(self.timezone) if self.timezone else center.tz

    @property
    def columns(self) -> dict[str, str]:
        """Every source column the mapping reads -> the mapping field naming it."""
        named: dict[str, str] = {}
        if self.arrival.timestamp:
            named[self.arrival.timestamp] = "arrival.timestamp"
        else:
            named[str(self.arrival.date)] = "arrival.date"
            named[str(self.arrival.time)] = "arrival.time"
        for field, column in (
            ("queue.column", self.queue.column),
            ("outcome.column", self.outcome.column),
            ("wait_s", self.wait_s),
            ("talk_s", self.talk_s),
            ("wrap_s", self.wrap_s),
            ("count", self.count),
        ):
            if column is not None:
                named[column] = field
        return named


def load_call_mapping(path: str | Path, center: Center) -> CallMapping:
    """Load a mapping file and check its queue ids against the center.

    Raises:
        ConfigError: the file is missing or invalid, or names a queue the center lacks.
    """
    mapping = load_yaml_model(path, CallMapping)
    unknown = [q for q in mapping.queue.queue_ids if q not in center.queue_ids]
    if unknown:
        raise ConfigError(
            f"{Path(path).name}: queue: unknown queue(s) {', '.join(unknown)}; "
            f"the center has {', '.join(center.queue_ids)}"
        )
    return mapping
