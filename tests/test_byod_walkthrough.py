"""The README's "Bring your own data" walk-through, command by command: generated call
records, then the US bank data (skipped with a message when the real data is absent)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import REALDATA_DIR
from wfm.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
REALDATA = Path(os.environ.get("WFM_REALDATA_DIR", REALDATA_DIR))


def _section_commands() -> list[list[str]]:
    """The shell commands of the section, one list of words per command (`&&` splits)."""
    section = README.split("## Bring your own data", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            for part in filter(None, (p.strip() for p in line.split("&&"))):
                commands.append(shlex.split(part))
    return commands


def _local(word: str) -> str:
    if word.startswith("../shared/realdata/"):
        return str(REALDATA / word.removeprefix("../shared/realdata/"))
    if word.startswith("tests/"):
        return str(ROOT / word)
    return word


def _run(words: list[str]) -> str:
    words = [_local(w) for w in words]
    if words[0] == "mkdir":
        Path(words[-1]).mkdir(parents=True, exist_ok=True)
        return ""
    if words[0] == "cp":
        shutil.copy(words[1], words[2])
        return ""
    assert words[0] == "wfm", words
    result = CliRunner().invoke(app, words[1:])
    assert result.exit_code == 0, f"{' '.join(words)}\n{result.output}"
    return result.output


def test_the_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = _section_commands()
    bank = [c for c in commands if any("bank" in w for w in c)]
    generated = [c for c in commands if c not in bank]
    assert len(generated) == 3 and len(bank) >= 4
    outputs = [_run(c) for c in generated]
    assert "counted answered" in outputs[1] and "dropped: not counted (ivr_only)" in outputs[1]
    assert "All files valid." in outputs[2]
    history = pl.read_parquet(tmp_path / "out/calls/history.parquet")
    local = history["interval_start"].dt.convert_time_zone("America/New_York").dt.date()
    triage = history.filter(pl.col("queue_id") == "triage_voice")
    per_day = triage.group_by(local.filter(history["queue_id"] == "triage_voice")).len()
    assert sorted(per_day["len"].to_list()) == [96] * 6 + [100]  # 1 November: clocks go back
    if not REALDATA.joinpath("us_bank_2003_calls_5min.csv").exists():
        pytest.skip(f"real bank data not found in {REALDATA}: its part of the walk-through")
    outputs = [_run(c) for c in bank]
    text = "\n".join(outputs)
    assert "5,323,661" in text and "data gap 2003-04-04" in text
    assert "All files valid." in text
    forecast = pl.read_csv(tmp_path / "out/bank/forecast.csv")
    assert forecast["volume"].sum() > 0
