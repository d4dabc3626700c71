"""Center configuration: loading, validation, and errors that name file and field path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLE_CENTER_YAML
from wfm.center import Channel, load_center
from wfm.errors import ConfigError


def write_center(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(SAMPLE_CENTER_YAML.read_text())
    edit(raw)
    path = tmp_path / "center.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_sample_center_loads_with_all_parts(center):
    assert center.interval_s == 900
    assert len(center.queues) == 8
    assert {q.channel for q in center.queues} == set(Channel)
    assert center.queue("triage_voice").is_24_7
    assert center.queue("sched_chat").concurrency == 2
    assert center.queue("billing_email").is_deferred
    assert center.template("day8").paid_min == 480
    assert center.template("night8").start_mins()[-1] == 23 * 60 + 30
    assert center.contract("pt24").weekly_hours_max == 24
    assert center.labor_rules.min_rest_h == 11


def test_open_hours_per_weekday_are_parsed(center):
    sched = center.queue("sched_voice")
    assert sched.open_minutes(0) == [(7 * 60, 19 * 60)]
    assert sched.open_minutes(5) == [(8 * 60, 13 * 60)]
    assert sched.open_minutes(6) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c.update(timezone="Mars/Olympus"), "timezone: unknown IANA time zone"),
        (lambda c: c.update(interval_min=20), "interval_min"),
        (lambda c: c["queues"][0].update(channel="fax"), "queues[sched_voice].channel"),
        (
            lambda c: c["queues"][0]["target"].pop("answer_within_s"),
            "queues[sched_voice].target: service_level_frac and answer_within_s go together",
        ),
        (
            lambda c: c["queues"][0]["target"].update(service_level_frac=1.5),
            "queues[sched_voice].target.service_level_frac",
        ),
        (
            lambda c: c["queues"][7].update(
                target={"service_level_frac": 0.8, "answer_within_s": 20}
            ),
            "queues[billing_email]: email queues are deferred work",
        ),
        (
            lambda c: c["queues"][0].update(open_hours={"funday": "07:00-19:00"}),
            "queues[sched_voice].open_hours: unknown weekday",
        ),
        (
            lambda c: c["queues"][0].update(open_hours={"mon": "19:00-07:00"}),
            "queues[sched_voice].open_hours",
        ),
        (
            lambda c: c["queues"][0].update(colour="blue"),
            "queues[sched_voice].colour: Extra inputs",
        ),
        (lambda c: c["queues"].append(dict(c["queues"][0])), "duplicate queue id(s): sched_voice"),
        (
            lambda c: c["contracts"][0].update(shift_templates=["day9"]),
            "contract ft40 names unknown shift template(s) ['day9']",
        ),
        (
            lambda c: c["contracts"][0].update(weekly_hours_min=50),
            "contracts[ft40]: weekly_hours_max is below weekly_hours_min",
        ),
        (
            lambda c: c["shift_templates"][3]["breaks"][0].update(latest_after_start_min=300),
            "shift_templates[part4]: a break window runs past the end of the shift",
        ),
        (lambda c: c.update(shrinkage_frac=1.2), "shrinkage_frac"),
        (lambda c: c["queues"][0].update(patience_s=float("inf")), "patience_s"),
        *(
            (
                lambda c, bad=bad: c["shift_templates"][0].update(length_h=bad),
                "shift_templates[day8]: length_h must be a finite number of hours",
            )
            for bad in ([1], {}, None, 1e308, float("inf"), "many", True)
        ),
    ],
)
def test_invalid_center_names_file_and_field(tmp_path, edit, expected):
    path = write_center(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_center(path)
    assert "center.yaml: " in str(err.value)
    assert expected in str(err.value)


def test_missing_and_malformed_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_center(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("queues: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_center(bad)
