"""Capacity engine: supply, hiring suggestions and scenarios with known answers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from tests.wfm.capacity.conftest import START, intervals_for
from wfm.capacity.demand import net_hours
from wfm.capacity.hiring import suggest_classes
from wfm.capacity.plan import CapacityPlan, HireDefaults, HiringClass
from wfm.capacity.run import plan_capacity
from wfm.capacity.scenarios import Scenario
from wfm.capacity.supply import weekly_supply, weekly_survival
from wfm.center import Center

NO_BAND = pl.DataFrame(schema={"week": pl.Date, "lo_ratio": pl.Float64, "hi_ratio": pl.Float64})


def test_roster_contracts_attrition_and_a_ramping_class(
    small_center: Center, small_roster: pl.DataFrame
) -> None:
    hire = HireDefaults(training_weeks=2, ramp_weeks=2, ramp_start_frac=0.5)
    plan = CapacityPlan(
        attrition_frac_per_month=0.0,
        hire=hire,
        classes=[HiringClass(team="t1", start=START + dt.timedelta(weeks=1), size=4)],
    )
    supply = weekly_supply(small_roster, small_center, plan, start=START, n_weeks=7)
    # 10 x 40 h + 2 x 20 h = 11 FTE; the class: 2 weeks training, then 50 %, 75 %, 100 %.
    assert supply["fte_roster"].to_list() == pytest.approx([11.0] * 7)
    assert supply["fte_classes"].to_list() == pytest.approx([0, 0, 0, 2, 3, 4, 4])
    assert supply["fte_onboarding"].to_list() == pytest.approx([0, 4, 4, 2, 1, 0, 0])
    with_attrition = weekly_supply(
        small_roster,
        small_center,
        plan.model_copy(update={"attrition_frac_per_month": 0.12, "classes": []}),
        start=START,
        n_weeks=53,
    )
    # A 12 %/month rate leaves (0.88)^12 of the roster after 52 weeks.
    assert with_attrition["fte_roster"][52] == pytest.approx(11 * 0.88**12)
    assert weekly_survival(0.0) == 1.0


def test_the_latest_class_start_meets_the_peak() -> None:
    plan = CapacityPlan(
        attrition_frac_per_month=0.0,
        recruiting_lead_weeks=4,
        hire=HireDefaults(training_weeks=3, ramp_weeks=2),
    )
    need = np.full(20, 10.0)
    need[12:15] = [12.2, 13.5, 11.0]  # a peak from week 12

    def suggest(plan: CapacityPlan):
        # No center: a hire without a contract is one FTE, so none is read.
        return suggest_classes(
            need,
            np.full(20, 10.0),
            group="g",
            team="t1",
            center=None,  # type: ignore[arg-type]
            plan=plan,
            start=START,
        )

    classes, why = suggest(plan)
    # Fully productive at week 12 means starting 3 + 2 weeks before; 4 heads close 3.5 FTE.
    assert [(c.start, c.size) for c in classes] == [(START + dt.timedelta(weeks=7), 4)]
    row = why.row(0, named=True)
    assert row["on_time"] and row["latest_start"] == START + dt.timedelta(weeks=7)
    assert row["recruit_by"] == START + dt.timedelta(weeks=3)
    late, late_why = suggest(plan.model_copy(update={"recruiting_lead_weeks": 9}))
    # Too late for week 12: the earliest class (week 9) is productive from week 14 only.
    assert [c.start for c in late] == [START + dt.timedelta(weeks=9)]
    assert not late_why["on_time"][0] and late[0].size == 1


def _base_and(
    scenario: Scenario, center: Center, roster: pl.DataFrame, contacts: float = 40.0
) -> pl.DataFrame:
    result = plan_capacity(
        intervals_for(center, 2, contacts),
        center,
        roster,
        CapacityPlan(attrition_frac_per_month=0.0),
        start=START,
        n_weeks=2,
        band=NO_BAND,
        scenarios=[scenario],
    )
    return result.queues.pivot("scenario", index="week", values="fte_required").sort("week")


def test_ten_percent_more_volume_costs_what_erlang_says(
    small_center: Center, small_roster: pl.DataFrame
) -> None:
    more = Scenario(name="more", volume=[{"change_frac": 0.10}])
    # Whole agents per interval: +10 % contacts is +5.6 % FTE at 80 per half hour (pooling),
    # +12.5 % at 30 (one more agent on eight); each as the Erlang math gives it.
    for contacts, expected_ratio in ((80.0, 19 / 18), (30.0, 9 / 8)):
        table = _base_and(more, small_center, small_roster, contacts)
        intervals = intervals_for(small_center, 2, contacts)
        expected_h = net_hours(intervals, small_center, pl.col("volume") * 1.1)["agent_h"][0]
        assert table["more"][0] == pytest.approx(expected_h / (0.8 * 40))
        assert table["more"][0] / table["base"][0] == pytest.approx(expected_ratio)


def test_aht_target_shrinkage_and_closing_scenarios(
    small_center: Center, small_roster: pl.DataFrame
) -> None:
    cases = {
        "aht": Scenario(name="aht", aht=[{"queues": ["voice"], "change_frac": 0.10}]),
        "sl": Scenario(name="sl", targets=[{"queues": ["voice"], "service_level_frac": 0.95}]),
        "shrink": Scenario(name="shrink", shrinkage_change_frac=0.05),
        "close": Scenario(
            name="close", close_queues=[{"queue": "voice", "start": START + dt.timedelta(weeks=1)}]
        ),
    }
    tables = {n: _base_and(s, small_center, small_roster) for n, s in cases.items()}
    base = tables["aht"]["base"][0]
    assert tables["aht"]["aht"][0] > base  # longer calls, more work
    assert tables["sl"]["sl"][0] > base
    # Shrinkage only changes the paid hours per productive hour: 0.8 / 0.75 exactly.
    assert tables["shrink"]["shrink"][0] == pytest.approx(base * 0.8 / 0.75)
    assert tables["close"]["close"].to_list() == pytest.approx([base, 0.0])


def test_a_new_queue_and_the_gap_per_group(
    small_center: Center, small_roster: pl.DataFrame
) -> None:
    result = plan_capacity(
        intervals_for(small_center, 2, 40.0),
        small_center,
        small_roster,
        CapacityPlan(attrition_frac_per_month=0.0),
        start=START,
        n_weeks=2,
        band=NO_BAND,
        scenarios=[
            Scenario(name="chat", new_queues=[{"id": "v2", "like": "voice", "volume_frac": 1.0}])
        ],
    )
    groups = result.groups
    base = groups.filter(pl.col("scenario") == "base")
    assert base["group"].unique().to_list() == ["t1"]
    assert base["fte_available"].to_list() == pytest.approx([11.0, 11.0])
    assert base["gap_fte"].to_list() == pytest.approx(
        (base["fte_required"] - base["fte_available"]).to_list()
    )
    chat = groups.filter(pl.col("scenario") == "chat")
    # The copy of the queue joins its model's group: twice the queues' FTE.
    assert chat["fte_required"][0] == pytest.approx(2 * base["fte_required"][0])
    short = chat["gap_fte"][0] > 0.5
    assert short == (
        result.summary.filter(pl.col("scenario") == "chat")["short_group_weeks"][0] > 0
    )
    assert math.isfinite(result.summary["over_cost"][0])
