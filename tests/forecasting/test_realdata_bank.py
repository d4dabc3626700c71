"""Real call-center data (a US bank, 2003, 5-minute counts) goes through the normal loader
and the forecaster: weekdays only, business hours only, missing days, no drivers."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from forecasting import backtest
from tests.conftest import REALDATA_DIR
from wfm.center import load_center
from wfm.loaders import load_history

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared/realdata from the project root, or the folder named by WFM_REALDATA_DIR.
BANK_CSV = Path(os.environ.get("WFM_REALDATA_DIR", REALDATA_DIR)) / "us_bank_2003_calls_5min.csv"


def bank_history_csv(source: Path, out: Path, *, planning_aht_s: float) -> Path:
    """Rewrite the bank export as a wfm history table (5-minute rows, queue `bank`).

    The export counts handled calls and nothing else: offered = handled = calls, no
    abandons, and, since the history loader requires an AHT wherever calls were handled,
    the queue's planning AHT stands in for the handle time the export does not have.
    """
    raw = pl.read_csv(source)
    local = raw["interval_start"].str.to_datetime("%Y-%m-%d %H:%M:%S")
    frame = pl.DataFrame(
        {
            "queue_id": "bank",
            # The export has no zone; the bank is taken to be on New York time.
            "interval_start": local.dt.replace_time_zone("America/New_York").dt.convert_time_zone(
                "UTC"
            ),
            "offered": raw["calls"],
            "handled": raw["calls"],
            "abandoned": 0,
            "aht_s": pl.Series([planning_aht_s] * raw.height, dtype=pl.Float64),
        }
    )
    frame.write_csv(out)
    return out


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    if not BANK_CSV.exists():
        pytest.skip(f"real bank data not found at {BANK_CSV}")
    center = load_center(FIXTURES / "bank_center.yaml")
    path = bank_history_csv(
        BANK_CSV,
        tmp_path_factory.mktemp("bank") / "history.csv",
        planning_aht_s=center.queue("bank").aht_s,
    )
    return center, load_history(path, center, source_interval_s=300)


def test_bank_data_loads_onto_the_15_minute_grid(bank):
    center, history = bank
    assert history["queue_id"].unique().to_list() == ["bank"]
    local = history["interval_start"].dt.convert_time_zone(center.timezone)
    assert set(local.dt.minute().unique().to_list()) == {0, 15, 30, 45}
    assert (local.dt.weekday() <= 5).all()
    # 164 days x 169 five-minute slots = 27,716 slots: 57 quarter-hours a day (the last one
    # 21:00-21:15 holds a single five-minute slot).
    assert history.height == 164 * 57
    assert history["offered"].sum() == pl.read_csv(BANK_CSV)["calls"].sum()


def test_bank_backtest_beats_seasonal_naive(bank):
    center, history = bank
    table = backtest(
        history, center, horizon_days=7, n_folds=4, models=("seasonal_naive", "weighted_avg", "ets")
    )
    interval = {
        r["model"]: r["wape"]
        for r in table.filter(pl.col("level") == "interval").iter_rows(named=True)
    }
    assert interval["weighted_avg"] < interval["seasonal_naive"]
    assert interval["ets"] < interval["seasonal_naive"]
    assert table["n_folds"].to_list() == [4] * table.height
