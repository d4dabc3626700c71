"""The edge layer: one function per use case, called by the CLI and the service alike.

A use case loads its inputs (files or frames, through the loaders), calls the engines of
`forecasting`, `wfm.staffing`, `scheduling`, `wfm.adherence` and `wfm.simulation` (which take
frames and return frames), and writes its outputs through `wfm.output`. It returns a small
result object for the caller to render; it never prints and never names a CLI option.

    forecast.py    forecast and backtest a center's history
    staff.py       requirements from a forecast or a history table
    schedule.py    the week's schedule from requirements and a roster; its files
    plan.py        the planner's week: forecast -> staff -> schedule
    adherence.py   adherence, exceptions and real time; plan vs actual
    simulate.py    a schedule simulated against arrivals
    capacity.py    the managers' capacity plan: FTE required against available, scenarios
"""
