"""Adherence rules load from YAML with defaults, and bad files name the field."""

from __future__ import annotations

import pytest

from wfm.adherence import DEFAULT_MAPPING, AdherenceRules, load_rules
from wfm.errors import ConfigError


def test_defaults_map_the_common_phone_states():
    rules = load_rules(None)
    assert rules.mapping["After Call Work"] == "work"
    assert rules.mapping["Logged Out"] == "off"
    assert (rules.grace_s, rules.severe_s) == (300, 900)
    assert set(DEFAULT_MAPPING) <= set(rules.mapping)


def test_a_rules_file_may_nest_under_adherence(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("adherence:\n  grace_s: 60\n  mapping: {Ready: work, Away: break}\n")
    rules = load_rules(path)
    assert rules.grace_s == 60
    assert rules.mapping == {"Ready": "work", "Away": "break"}


def test_an_unknown_family_is_a_config_error_naming_the_field(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("mapping: {Ready: working}\n")
    with pytest.raises(ConfigError, match=r"rules.yaml: mapping.Ready"):
        load_rules(path)


def test_an_unknown_key_is_refused(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("grace_min: 5\n")
    with pytest.raises(ConfigError, match="grace_min"):
        load_rules(path)


def test_severe_below_grace_is_refused():
    with pytest.raises(ValueError, match="severe_s"):
        AdherenceRules(grace_s=600, severe_s=300)
