"""Run every bench/bench_*.py and write one results table (Markdown and JSON).

Each script prints one JSON object per line (its cases); other output is ignored. Every row
gets the script name and the machine it ran on (host name, CPU count), unless the script gave
them already. A script that fails or times out gets a row saying so, with the end of its
error output, and the run goes on.

Writes bench/results/results.json (rows plus run metadata) and bench/results/results.md.

Run: python bench/run_all.py [--only NAME] [--timeout-s 900]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
# Keys shown in their own columns; every other key goes to "figures".
_OWN = ("script", "bench", "wall_s", "machine", "cpus", "git_sha")


def run_script(path: Path, *, timeout_s: float) -> list[dict[str, object]]:
    """Run one bench script; its JSON lines as rows (or one row saying why there are none)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [{"script": path.name, "bench": "-", "error": f"timed out after {timeout_s:g} s"}]
    wall_s = round(time.perf_counter() - started, 1)
    rows: list[dict[str, object]] = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                rows.append({"script": path.name, **machine(), **record})
    if done.returncode != 0 or not rows:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        rows.append(
            {
                "script": path.name,
                "bench": "-",
                "error": f"exit code {done.returncode}: {tail}" if tail else "no JSON lines",
                "script_wall_s": wall_s,
                **machine(),
            }
        )
    return rows


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def to_markdown(rows: list[dict[str, object]]) -> str:
    """One table: script, case, wall time, the other figures as key=value, machine."""
    lines = [
        "| script | case | wall_s | figures | machine | cpus | git |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        figures = ", ".join(f"{k}={_cell(v)}" for k, v in row.items() if k not in _OWN)
        lines.append(
            "| "
            + " | ".join(
                [
                    _cell(row.get("script", "")),
                    _cell(row.get("bench", "")),
                    _cell(row.get("wall_s", row.get("wall_s_per_replication", "-"))),
                    figures,
                    _cell(row.get("machine", "")),
                    _cell(row.get("cpus", "")),
                    _cell(row.get("git_sha", "")),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only scripts whose name contains this")
    parser.add_argument("--timeout-s", type=float, default=900.0)
    args = parser.parse_args()
    scripts = sorted(BENCH.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if args.only in s.name]
    rows: list[dict[str, object]] = []
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        rows += run_script(script, timeout_s=args.timeout_s)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **machine()}
    (RESULTS / "results.json").write_text(json.dumps({"run": meta, "rows": rows}, indent=1) + "\n")
    (RESULTS / "results.md").write_text(
        f"# Bench results\n\nRun finished {meta['finished_at']} on {meta['machine']} "
        f"({meta['cpus']} CPUs).\n\n" + to_markdown(rows)
    )
    print(to_markdown(rows))


if __name__ == "__main__":
    main()
