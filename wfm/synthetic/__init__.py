"""Synthetic data: the sample center (`generate_sample_center`) and small reusable history
panels for tests and benchmarks (`generate_history`)."""

from wfm.synthetic.calendar import SampleEvent, events_frame, sample_events
from wfm.synthetic.drivers import LAG_PROFILE, discharges
from wfm.synthetic.history import generate_history
from wfm.synthetic.roster import build_roster, roster_frame
from wfm.synthetic.sample import SAMPLE_CENTER_PATH, SampleSummary, generate_sample_center

__all__ = [
    "LAG_PROFILE",
    "SAMPLE_CENTER_PATH",
    "SampleEvent",
    "SampleSummary",
    "build_roster",
    "discharges",
    "events_frame",
    "generate_history",
    "generate_sample_center",
    "roster_frame",
    "sample_events",
]
