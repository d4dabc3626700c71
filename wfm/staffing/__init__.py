"""Staffing: contact volume -> agents needed, per queue and interval.

The only place the queueing math lives: Erlang B / C / A (`erlang`), targets -> agents
(`requirements`), deferred work by backlog and deadlines (`deferred`), the requirements
table from forecast or history frames (`frame`), and the calls behind the CLI
(`calculator`, `plan`).
"""

from wfm.staffing.deferred import DeferredPlan, deferred_agents
from wfm.staffing.erlang import (
    ErlangAResult,
    ErlangCResult,
    erlang_a,
    erlang_b,
    erlang_c,
    traffic_erl,
)
from wfm.staffing.frame import requirements_from_frame, summarize_requirements
from wfm.staffing.requirements import (
    StaffingFigures,
    StaffingTarget,
    agents_required,
    evaluate_agents,
)

__all__ = [
    "DeferredPlan",
    "ErlangAResult",
    "ErlangCResult",
    "StaffingFigures",
    "StaffingTarget",
    "agents_required",
    "deferred_agents",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "evaluate_agents",
    "requirements_from_frame",
    "summarize_requirements",
    "traffic_erl",
]
