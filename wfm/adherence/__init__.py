"""Adherence: compare what agents did (phone states) with what they were scheduled to do.

The report writer and the timeline picture (`wfm.adherence.report`, `wfm.adherence.plot`) are
not imported here: they pull in matplotlib, which the engine does not need.
"""

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
from wfm.adherence.plan_actual import PLAN_ACTUAL_COLUMNS, PlanActual, plan_vs_actual
from wfm.adherence.realtime import REALTIME_COLUMNS, RealtimeIndex, realtime_snapshot

__all__ = [
    "AGENT_DAY_COLUMNS",
    "DEFAULT_MAPPING",
    "EXCEPTION_COLUMNS",
    "EXCEPTION_KINDS",
    "PLAN_ACTUAL_COLUMNS",
    "REALTIME_COLUMNS",
    "AdherenceResult",
    "AdherenceRules",
    "PlanActual",
    "RealtimeIndex",
    "adherence",
    "flatten_schedule",
    "load_rules",
    "normalize_states",
    "plan_vs_actual",
    "realtime_snapshot",
    "team_rollup",
    "timeline",
]
