"""Synthetic data: every generator the sample data, the tests and the benches use (seeded).

The sample center (`generate_sample_center`, what `wfm data generate` writes):
    sample            writes the center's files from one seed
    calendar          holidays, flu seasons, open enrollment, campaigns, outages (events)
    drivers           daily hospital discharges and their lag profile
    profiles          each queue's demand parameters
    volumes           expected and realised volume and AHT per queue and interval
    staffing_in_place the agents a queue needs, to fake the staffing the history had
    history           interval history from the demand model (`generate_history`: also
                      small panels of any center for tests and benchmarks)
    roster            agents with skills, contracts and availability (`SyntheticAgent`)
    schedule          the published week, by a fixed rule
    shifts            shifts tiled into schedule rows and the schedule table
    states            phone-system states for the scheduled week, with deviations
    network           many sample-like sites in one center (`wfm data generate-network`)
For the benches and tests:
    sim_week          a week of volumes, roster and schedule for the simulator
    adherence_day     a day of schedules and phone-state logs for adherence
    scheduling_panel  a roster and a week of requirements of any size for the scheduler
    flexible          a center's contracts with low weekly minimums (plan-quality bench)
    shaped_history    a small history with a known shape for forecasting tests
"""

from wfm.synthetic.adherence_day import SyntheticDay, synthetic_day
from wfm.synthetic.calendar import SampleEvent, events_frame, sample_events
from wfm.synthetic.drivers import LAG_PROFILE, discharges
from wfm.synthetic.flexible import flexible_contracts, flexible_roster
from wfm.synthetic.history import generate_history
from wfm.synthetic.network import generate_network
from wfm.synthetic.roster import SyntheticAgent, build_roster, roster_frame
from wfm.synthetic.sample import SAMPLE_CENTER_PATH, SampleSummary, generate_sample_center
from wfm.synthetic.schedule import build_schedule
from wfm.synthetic.scheduling_panel import synthetic_requirements, synthetic_roster
from wfm.synthetic.shaped_history import shaped_history
from wfm.synthetic.shifts import activities_frame
from wfm.synthetic.sim_week import SyntheticWeek, synthetic_week
from wfm.synthetic.states import agent_states

__all__ = [
    "LAG_PROFILE",
    "SAMPLE_CENTER_PATH",
    "SampleEvent",
    "SampleSummary",
    "SyntheticAgent",
    "SyntheticDay",
    "SyntheticWeek",
    "activities_frame",
    "agent_states",
    "build_roster",
    "build_schedule",
    "discharges",
    "events_frame",
    "flexible_contracts",
    "flexible_roster",
    "generate_history",
    "generate_network",
    "generate_sample_center",
    "roster_frame",
    "sample_events",
    "shaped_history",
    "synthetic_day",
    "synthetic_requirements",
    "synthetic_roster",
    "synthetic_week",
]
