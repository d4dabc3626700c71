"""Adherence: compare what agents did (phone states) with what they were scheduled to do."""

from wfm.adherence.engine import (
    AGENT_DAY_COLUMNS,
    AdherenceResult,
    adherence,
    team_rollup,
    timeline,
)
from wfm.adherence.exceptions import EXCEPTION_COLUMNS, EXCEPTION_KINDS
from wfm.adherence.mapping import DEFAULT_MAPPING, AdherenceRules, load_rules
from wfm.adherence.normalize import flatten_schedule, normalize_states
from wfm.adherence.realtime import REALTIME_COLUMNS, RealtimeIndex, realtime_snapshot

__all__ = [
    "AGENT_DAY_COLUMNS",
    "DEFAULT_MAPPING",
    "EXCEPTION_COLUMNS",
    "EXCEPTION_KINDS",
    "REALTIME_COLUMNS",
    "AdherenceResult",
    "AdherenceRules",
    "RealtimeIndex",
    "adherence",
    "flatten_schedule",
    "load_rules",
    "normalize_states",
    "realtime_snapshot",
    "team_rollup",
    "timeline",
]
