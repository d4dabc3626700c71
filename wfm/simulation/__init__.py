"""Discrete-event simulation of the contact center: what a schedule really delivers.

Modules: `arrivals` (contacts from volumes or timestamps), `handle_times` (lognormal or
exponential laws fitted to AHT), `shifts` (the schedule as availability), `engine` (the event
loop and routing rules), `results` (tallies and confidence intervals), `run` (`simulate`: the
replications, then their interval, day and summary tables), `plot` (achieved service level
against target).
"""

from wfm.simulation.arrivals import (
    ArrivalPlan,
    Contacts,
    arrival_plan,
    arrivals_between,
    load_arrivals,
)
from wfm.simulation.engine import Outcome, QueueRules, run_events
from wfm.simulation.handle_times import HandleTimeModel
from wfm.simulation.run import SimulationResult, simulate
from wfm.simulation.shifts import WorkSegments, schedule_days, work_segments

__all__ = [
    "ArrivalPlan",
    "Contacts",
    "HandleTimeModel",
    "Outcome",
    "QueueRules",
    "SimulationResult",
    "WorkSegments",
    "arrival_plan",
    "arrivals_between",
    "load_arrivals",
    "run_events",
    "schedule_days",
    "simulate",
    "work_segments",
]
