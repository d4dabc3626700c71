"""The full two-year sample center (slow): spans, sizes, realism, and the committed copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from wfm.center import load_center
from wfm.grid import with_local_columns
from wfm.synthetic import LAG_PROFILE, generate_sample_center
from wfm.validate import validate_dir

COMMITTED = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_sample_center(out, seed=7)
    return out


@pytest.mark.slow
def test_sample_spans_104_weeks_and_validates(sample):
    report = validate_dir(sample)
    assert report.ok, [(t.path.name, t.errors[:3]) for t in report.tables if t.errors]
    assert report.center is not None
    history = pl.read_parquet(sample / "history.parquet")
    local = with_local_columns(history, report.center.tz)
    assert local["local_date"].min() == dt.date(2024, 11, 18)
    assert local["local_date"].max() == dt.date(2026, 11, 15)
    drivers = pl.read_csv(sample / "drivers.csv", try_parse_dates=True)
    assert drivers["date"].max() == dt.date(2026, 11, 15) + dt.timedelta(days=42)
    past = drivers.filter(pl.col("date") <= dt.date(2026, 11, 15))["discharges"]
    assert past.min() >= 15
    assert past.quantile(0.05) >= 55 and past.quantile(0.95) <= 130


@pytest.mark.slow
def test_sample_files_stay_small(sample):
    total_mb = sum(p.stat().st_size for p in sample.iterdir()) / 1e6
    assert total_mb < 8


@pytest.mark.slow
def test_sample_roster_is_about_120_agents(sample):
    roster = pl.read_csv(sample / "roster.csv")
    assert 100 <= roster.height <= 140


@pytest.mark.slow
def test_sample_outreach_lags_discharges_by_the_profile_peak(sample):
    history = pl.read_parquet(sample / "history.parquet")
    drivers = pl.read_csv(sample / "drivers.csv", try_parse_dates=True)
    center = load_center(sample / "center.yaml")
    local = with_local_columns(history.filter(pl.col("queue_id") == "outreach_voice"), center.tz)
    daily = local.group_by("local_date").agg(pl.col("offered").sum()).sort("local_date")
    daily = daily.with_columns(pl.col("local_date").dt.weekday().alias("wd"))
    daily = daily.with_columns(
        (pl.col("offered") / pl.col("offered").median().over("wd")).alias("r")
    )
    disch = drivers.with_columns(pl.col("date").dt.weekday().alias("wd"))
    disch = disch.with_columns(
        (pl.col("discharges") / pl.col("discharges").median().over("wd")).alias("d")
    )
    by_date = dict(zip(disch["date"].to_list(), disch["d"].to_list(), strict=True))
    corr = []
    for k in range(8):
        pairs = [
            (r, by_date.get(day - dt.timedelta(days=k)))
            for day, r in zip(daily["local_date"], daily["r"], strict=True)
        ]
        x = np.array([p for p in pairs if p[1] is not None])
        keep = (x[:, 0] > 0.5) & (x[:, 0] < 1.5)  # drop holidays and outages
        corr.append(np.corrcoef(x[keep, 0], x[keep, 1])[0, 1])
    assert int(np.argmax(corr)) == int(np.argmax(LAG_PROFILE)) + 1


@pytest.mark.slow
def test_committed_sample_matches_a_fresh_run_byte_for_byte(sample):
    if not COMMITTED.exists():
        pytest.skip("no committed data/sample in this checkout")
    for path in sorted(COMMITTED.iterdir()):
        assert path.read_bytes() == (sample / path.name).read_bytes(), path.name
