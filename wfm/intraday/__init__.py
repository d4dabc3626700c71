"""Intraday: today's actuals against the plan and a reforecast of the rest of the day
(`engine`), and how the day so far moves the rest of it (`reforecast`)."""

from wfm.intraday.engine import INTERVAL_COLUMNS, MOVE_COLUMNS, QUEUE_COLUMNS, Intraday, intraday
from wfm.intraday.reforecast import DEFAULT_RULE, METHODS, ReforecastRule, shrink_weight

__all__ = [
    "DEFAULT_RULE",
    "INTERVAL_COLUMNS",
    "METHODS",
    "MOVE_COLUMNS",
    "QUEUE_COLUMNS",
    "Intraday",
    "ReforecastRule",
    "intraday",
    "shrink_weight",
]
