"""`wfm data import-calls` against call records made by the simulation engine (true counts
known), DST days included, and its errors on bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import with_cells
from wfm.call_import import count_calls, read_call_records
from wfm.call_mapping import load_call_mapping
from wfm.center import Center
from wfm.errors import ConfigError, DataError
from wfm.grid import day_grid
from wfm.loaders import load_history_checked
from wfm.synthetic.call_records import CALL_MAPPING_YAML, simulated_call_records

# Saturday 7 March to Tuesday 10 March 2026 without Monday 9 (a day cut out of the export),
# then Saturday 31 October to Monday 2 November: both daylight-saving changes (8 March, 1 Nov).
DAYS = [dt.date(2026, 3, d) for d in (7, 8, 10)] + [
    dt.date(2026, 10, 31) + dt.timedelta(days=i) for i in range(3)
]


@pytest.fixture(scope="module")
def calls(center: Center):
    return simulated_call_records(center, DAYS, n_agents=4, seed=3)


@pytest.fixture
def files(tmp_path: Path, calls) -> tuple[Path, Path]:
    records = tmp_path / "calls.csv"
    calls.records.write_csv(records)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(CALL_MAPPING_YAML)
    return records, mapping


def _import(files: tuple[Path, Path], center: Center):
    mapping = load_call_mapping(files[1], center)
    return count_calls(read_call_records(files[0], mapping, center), mapping, center)


def test_recovers_the_true_counts_dst_days_included(files, calls, center: Center) -> None:
    result = _import(files, center)
    history = result.history
    truth = calls.truth
    got = history.join(truth, on=["queue_id", "interval_start"], how="left", suffix="_true")
    with_calls = got.filter(pl.col("offered_true").is_not_null())
    assert with_calls.height == truth.height  # every interval with calls has its row
    for name in ("offered", "handled", "abandoned"):
        assert (with_calls[name] == with_calls[f"{name}_true"]).all(), name
    # Every other row is an open interval with no call: zero, not missing.
    assert (got.filter(pl.col("offered_true").is_null())["offered"] == 0).all()
    answered = with_calls.filter(pl.col("handled") > 0)
    assert answered["aht_s"].to_numpy() == pytest.approx(
        (answered["work_s"] / answered["handled"]).to_numpy()
    )
    assert answered["asa_s"].to_numpy() == pytest.approx(
        (answered["wait_s"] / answered["handled"]).to_numpy()
    )
    assert with_calls["service_level"].to_numpy() == pytest.approx(
        (with_calls["within"] / with_calls["offered"]).to_numpy()
    )
    assert with_calls["abandoned"].sum() > 0 and (with_calls["asa_s"] > 0).any()

    triage = history.filter(pl.col("queue_id") == "triage_voice")
    local_day = triage["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
    per_day = dict(triage.group_by(local_day.alias("d")).len().iter_rows())
    assert per_day[dt.date(2026, 3, 8)] == 92 == len(day_grid(dt.date(2026, 3, 8), center.tz, 900))
    assert per_day[dt.date(2026, 11, 1)] == 100
    assert per_day[dt.date(2026, 3, 7)] == 96
    assert dt.date(2026, 3, 9) not in per_day  # the gap: no rows, not zeros
    # The fall-back night's repeated hour: both 01:00-02:00 passes hold their own calls.
    fold = truth.filter(
        (pl.col("queue_id") == "triage_voice")
        & pl.col("interval_start").is_between(
            dt.datetime(2026, 11, 1, 5, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, 6, 45, tzinfo=dt.UTC),
        )
    )
    assert fold.height >= 5

    tally = dict(result.tally)
    assert tally["counted answered"] == truth["handled"].sum()
    assert tally["counted abandoned"] == truth["abandoned"].sum()
    assert tally["dropped: not counted (ivr_only)"] == calls.dropped["ivr_only"]
    assert tally["dropped: not counted (phantom)"] == calls.dropped["phantom"]
    assert (
        tally["dropped: queue not imported (null in queue.codes)"]
        == calls.dropped["queue not imported"]
    )
    assert tally["calls read"] == calls.records.height
    assert result.outside_open == calls.outside_open and sum(calls.outside_open.values()) > 0
    assert result.gaps == [
        (dt.date(2026, 3, 9), dt.date(2026, 3, 9)),
        (dt.date(2026, 3, 11), dt.date(2026, 10, 30)),
    ]
    assert result.arrivals is not None and result.arrivals.height == truth["offered"].sum()


def test_history_loads_with_the_gaps_named(files, center: Center, tmp_path: Path) -> None:
    result = _import(files, center)
    path = tmp_path / "history.parquet"
    result.history.write_parquet(path)
    loaded = load_history_checked(path, center)
    assert loaded.frame.height == result.history.height
    gaps = [w.message for w in loaded.warnings if "data gap" in w.message]
    assert any("2026-03-09" in m and "triage_voice" in m for m in gaps)
    assert any("2026-03-11 to 2026-10-30" in m for m in gaps)
    outside = [w.message for w in loaded.warnings if "outside open hours" in w.message]
    # wfm data validate lists these: the calls outside open hours, per queue, on their own.
    assert len(outside) == len(result.outside_open) == 2
    for queue_id, n in result.outside_open.items():
        assert any(m.startswith(f"queue {queue_id}: {n:,} contact(s) in ") for m in outside)


def test_parquet_records_give_the_same_history(files, calls, center: Center, tmp_path) -> None:
    parquet = tmp_path / "calls.parquet"
    calls.records.write_parquet(parquet)
    from_csv = _import(files, center).history
    from_parquet = _import((parquet, files[1]), center).history
    assert from_parquet.equals(from_csv)


def test_bad_input_names_file_line_and_column(files, center: Center, tmp_path: Path) -> None:
    records, mapping = files
    bad_mapping = tmp_path / "bad.yaml"
    bad_mapping.write_text(CALL_MAPPING_YAML.replace("talk_s: talk_sec", "talk_s: talk_seconds"))
    with pytest.raises(
        DataError,
        match=r"calls\.csv, column talk_seconds: not in the file, "
        r"but the mapping's talk_s names it",
    ):
        _import((records, bad_mapping), center)

    frame = pl.read_csv(records, infer_schema=False)
    frame = with_cells(with_cells(frame, 4, disposition="XYZ"), 6, call_time="25:61:00")
    broken = tmp_path / "broken.csv"
    frame.write_csv(broken)
    with pytest.raises(DataError) as caught:
        _import((broken, mapping), center)
    text = str(caught.value)
    assert "broken.csv line 6, column disposition: unknown code 'XYZ'" in text
    assert "broken.csv line 8, column call_date+call_time: not a timestamp" in text

    spring = with_cells(frame, 2, call_date="2026-03-08", call_time="02:30:00")
    spring.slice(0, 4).write_csv(broken)
    with pytest.raises(
        DataError, match=r"line 4, column call_date\+call_time: local time does not exist"
    ):
        _import((broken, mapping), center)

    broken.write_text(records.read_text().splitlines()[0] + "\n")
    with pytest.raises(DataError, match=r"broken\.csv: no call records"):
        _import((broken, mapping), center)

    unknown_queue = tmp_path / "queue.yaml"
    unknown_queue.write_text(CALL_MAPPING_YAML.replace('201": triage_voice', '201": nurse_line'))
    with pytest.raises(ConfigError, match="queue.yaml: queue: unknown queue"):
        load_call_mapping(unknown_queue, center)


def test_a_mapping_without_codes_or_with_a_code_twice_names_the_field(
    center: Center, tmp_path: Path
) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(CALL_MAPPING_YAML.replace('  codes: {"201"', '  cods: {"201"'))
    with pytest.raises(ConfigError, match=r"mapping\.yaml: queue.*cods"):
        load_call_mapping(path, center)
    path.write_text(CALL_MAPPING_YAML.replace("abandoned: [ABN]", "abandoned: [ABN, ANS]"))
    with pytest.raises(
        ConfigError, match=r"outcome: .*code 'ANS' is in both answered and abandoned"
    ):
        load_call_mapping(path, center)
