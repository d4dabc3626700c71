"""Adherence rules: which phone-system state counts as which scheduled activity, and the
thresholds that decide what counts as a deviation.

The center file refuses unknown keys, so these settings live in their own model, loaded from
an optional YAML file (`--rules FILE`). Every field has a sensible default.

Example::

    mapping:
      Available: work
      On Call: work
      Coaching: meeting
      System Down: neutral
    grace_s: 300
    severe_s: 900
    neutral_activities: [training]
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wfm.errors import ConfigError
from wfm.loaders import ACTIVITIES

__all__ = [
    "DEFAULT_MAPPING",
    "FAMILIES",
    "AdherenceRules",
    "load_rules",
]

# A phone state maps to a scheduled activity, or to "neutral" (time that counts neither way).
FAMILIES = (*ACTIVITIES, "neutral")

Family = Literal["work", "break", "lunch", "meeting", "training", "off", "neutral"]
Activity = Literal["work", "break", "lunch", "meeting", "training", "off"]

DEFAULT_MAPPING: dict[str, str] = {
    "Available": "work",
    "On Call": "work",
    "After Call Work": "work",
    "Outbound": "work",
    "Chat": "work",
    "Email": "work",
    "Break": "break",
    "Lunch": "lunch",
    "Meeting": "meeting",
    "Training": "training",
    "Logged Out": "off",
}


class AdherenceRules(BaseModel):
    """How actual phone states are compared with the schedule.

    Attributes:
        mapping: phone-system state name -> activity family (an activity of the schedule,
            or "neutral"). A state not listed here is an error, never guessed.
        grace_s: a deviation run shorter than this (seconds) counts as in adherence.
        severe_s: a deviation run at least this long (seconds) is severe.
        neutral_activities: scheduled activities whose time is left out of adherence.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    mapping: dict[str, Family] = Field(default_factory=lambda: dict(DEFAULT_MAPPING))
    grace_s: float = Field(default=300, ge=0)
    severe_s: float = Field(default=900, gt=0)
    neutral_activities: tuple[Activity, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.severe_s < self.grace_s:
            raise ValueError("severe_s must be at least grace_s")
        if "off" in self.neutral_activities:
            raise ValueError("'off' cannot be neutral: it is not scheduled time")
        return self


def load_rules(path: str | Path | None) -> AdherenceRules:
    """Load adherence rules from a YAML file; None gives the defaults.

    The file may hold the fields at top level or under an `adherence:` key. A given
    `mapping` replaces the default mapping entirely.

    Raises:
        ConfigError: the file is missing, not YAML, or breaks a rule (names the field).
    """
    if path is None:
        return AdherenceRules()
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read adherence rules ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if isinstance(raw, dict) and set(raw) == {"adherence"}:
        raw = raw["adherence"]
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of adherence settings")
    try:
        return AdherenceRules.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
