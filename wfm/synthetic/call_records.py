"""Per-call records made by the simulation engine, with their true counts per interval.

Contacts are drawn on the center's grid and run through the event loop (`wfm.simulation`)
against a fixed team of agents, so each call has a real answer or hang-up and a wait. The
records are written the way a phone system exports them: local wall-clock date and time
columns (no UTC offset), a split code per queue, a disposition code, seconds in queue, talk
and after-call work. The true counts are tallied from the simulation's own arrays (interval =
seconds since the grid's origin // interval), independently of the import code they check.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from wfm.center import Center, load_center
from wfm.grid import grid, open_mask
from wfm.output import replace_file, write_table
from wfm.simulation import HandleTimeModel, QueueRules, WorkSegments, arrival_plan, run_events
from wfm.synthetic.sample import SAMPLE_CENTER_PATH

__all__ = [
    "CALL_MAPPING_YAML",
    "SyntheticCalls",
    "simulated_call_records",
    "write_call_records",
]

# Split codes of the generated export (the sample center's queue ids in a phone system's
# numbering); "999" is a queue the mapping leaves out.
SPLITS = {"triage_voice": "201", "sched_voice": "101", "billing_voice": "301"}

CALL_MAPPING_YAML = """\
# What each column of the generated call records means (wfm data generate-calls).
timezone: America/New_York
arrival: {date: call_date, time: call_time}
queue:
  column: split
  codes: {"201": triage_voice, "101": sched_voice, "301": billing_voice, "999": null}
outcome:
  column: disposition
  answered: [ANS]
  abandoned: [ABN]
  not_counted: {ivr_only: [IVR], phantom: [PHN]}
wait_s: queue_sec
talk_s: talk_sec
wrap_s: acw_sec
"""


@dataclass(frozen=True)
class SyntheticCalls:
    """Generated call records and what an import must find in them.

    Attributes:
        records: split, call_date, call_time (local), disposition, queue_sec, talk_sec,
            acw_sec, caller_ref (a column the mapping does not read).
        truth: per queue and interval with calls: offered, handled, abandoned, work_s (sum of
            talk + wrap of answered calls), wait_s (sum of waits of answered calls), within
            (answered within the queue's answer_within_s).
        dropped: calls not counted, by reason (ivr_only, phantom, queue not imported).
        outside_open: counted calls that came while their queue was closed, per queue.
    """

    records: pl.DataFrame
    truth: pl.DataFrame
    dropped: dict[str, int]
    outside_open: dict[str, int]


def simulated_call_records(
    center: Center,
    days: list[dt.date],
    *,
    calls_per_interval: float = 3.0,
    closed_calls_per_interval: float = 0.05,
    n_agents: int = 6,
    seed: int = 0,
) -> SyntheticCalls:
    """Simulate the sample's voice queues of `SPLITS` on `days` (local) and export the calls.

    Each open interval gets Poisson(`calls_per_interval`) calls, each closed one
    Poisson(`closed_calls_per_interval`) (calls outside open hours); `n_agents` agents serve
    every queue the whole time. About 4 % of extra rows are IVR-only, 1 % phantom and 1 %
    for split 999.
    """
    queue_ids = list(SPLITS)
    interval_s = center.interval_s
    parts = []
    for day in days:
        starts = grid(day, day + dt.timedelta(days=1), center.tz, interval_s)
        for q in queue_ids:
            is_open = open_mask(center.queue(q), starts, center.tz)
            parts.append(
                pl.DataFrame(
                    {
                        "queue_id": [q] * len(starts),
                        "interval_start": starts,
                        "volume": (is_open.cast(pl.Float64) * calls_per_interval).clip(
                            closed_calls_per_interval
                        ),
                        "open": is_open,
                    }
                )
            )
    cells = pl.concat(parts)
    plan = arrival_plan(cells.drop("open"), center)
    rng = np.random.default_rng(seed)
    patience = np.array([math.inf if q.patience_s is None else q.patience_s for q in center.queues])
    contacts = plan.draw(rng, handle_times=HandleTimeModel(), mean_patience_s=patience)
    horizon_s = float(plan.n_intervals * interval_s + 86_400)
    all_queues = tuple(center.queue_ids.index(q) for q in queue_ids)
    segments = WorkSegments(
        agent_ids=tuple(f"a{i}" for i in range(n_agents)),
        agent=np.arange(n_agents, dtype=np.int64),
        start_s=np.zeros(n_agents),
        end_s=np.full(n_agents, horizon_s),
        queues=(all_queues,) * n_agents,
    )
    rules = QueueRules(
        priority=tuple(q.priority for q in center.queues),
        concurrency=tuple(q.concurrency for q in center.queues),
    )
    outcome = run_events(contacts, segments, rules)

    # Whole seconds, as exports have them; flooring never leaves the interval (its edges are
    # whole seconds from the origin).
    arrival_s = np.floor(contacts.arrival_s)
    answered = ~np.isnan(outcome.answer_s)
    wait_s = np.where(answered, outcome.answer_s - contacts.arrival_s, contacts.patience_s)
    wait_s = np.round(wait_s)
    talk_s = np.round(contacts.handle_s * 0.85)
    wrap_s = np.round(contacts.handle_s) - talk_s
    interval = (arrival_s // interval_s).astype(np.int64)
    names = np.array(center.queue_ids)[contacts.queue]
    within_s = np.array(
        [center.queue(q).target.answer_within_s or 0.0 for q in names], dtype=np.float64
    )
    calls = pl.DataFrame(
        {
            "queue_id": names,
            "interval_start": plan.interval_starts.gather(interval),
            "ts": plan.origin + pl.Series(arrival_s * 1e6).cast(pl.Duration("us")),
            "answered": answered,
            "wait_s": wait_s,
            "talk_s": talk_s,
            "wrap_s": wrap_s,
            "within": answered & (wait_s <= within_s),
        }
    )
    truth = (
        calls.group_by("queue_id", "interval_start")
        .agg(
            pl.len().alias("offered"),
            pl.col("answered").sum().alias("handled"),
            (~pl.col("answered")).sum().alias("abandoned"),
            (pl.col("talk_s") + pl.col("wrap_s")).filter("answered").sum().alias("work_s"),
            pl.col("wait_s").filter("answered").sum().alias("wait_s"),
            pl.col("within").sum().alias("within"),
        )
        .sort("queue_id", "interval_start")
    )
    is_open = cells.select("queue_id", "interval_start", "open")
    closed = calls.join(is_open, on=["queue_id", "interval_start"]).filter(~pl.col("open"))
    outside = dict(closed.group_by("queue_id").len().sort("queue_id").iter_rows())

    extra = rng.choice(calls.height, size=max(3, calls.height * 6 // 100), replace=False)
    kinds = rng.choice(["IVR"] * 4 + ["PHN", "999"], size=len(extra))
    junk = calls[extra].with_columns(pl.Series("kind", kinds))
    records = pl.concat(
        [
            calls.with_columns(
                pl.col("queue_id").replace_strict(SPLITS).alias("split"),
                pl.when("answered")
                .then(pl.lit("ANS"))
                .otherwise(pl.lit("ABN"))
                .alias("disposition"),
            ),
            junk.with_columns(
                pl.when(pl.col("kind") == "999")
                .then(pl.lit("999"))
                .otherwise(pl.col("queue_id").replace_strict(SPLITS))
                .alias("split"),
                pl.when(pl.col("kind") == "999")
                .then(pl.lit("ANS"))
                .otherwise(pl.col("kind"))
                .alias("disposition"),
            ).drop("kind"),
        ]
    ).sort("ts", maintain_order=True)
    local = pl.col("ts").dt.convert_time_zone(center.timezone)
    records = records.select(
        "split",
        local.dt.strftime("%Y-%m-%d").alias("call_date"),
        local.dt.strftime("%H:%M:%S").alias("call_time"),
        "disposition",
        pl.col("wait_s").cast(pl.Int64).alias("queue_sec"),
        pl.when("answered").then(pl.col("talk_s")).otherwise(0.0).cast(pl.Int64).alias("talk_sec"),
        pl.when("answered").then(pl.col("wrap_s")).otherwise(0.0).cast(pl.Int64).alias("acw_sec"),
        pl.int_range(pl.len()).cast(pl.String).str.zfill(7).alias("caller_ref"),
    )
    dropped = {
        "ivr_only": int((kinds == "IVR").sum()),
        "phantom": int((kinds == "PHN").sum()),
        "queue not imported": int((kinds == "999").sum()),
    }
    return SyntheticCalls(records, truth, dropped, outside)


def write_call_records(
    out_dir: str | Path, *, start: dt.date, n_days: int, seed: int = 0
) -> dict[Path, int | None]:
    """Write `calls.csv` (the sample center's voice queues on `n_days` local days from
    `start`), `mapping.yaml` and the sample `center.yaml` in `out_dir`; returns the files and
    their rows."""
    out = Path(out_dir)
    center = load_center(SAMPLE_CENTER_PATH)
    days = [start + dt.timedelta(days=i) for i in range(n_days)]
    calls = simulated_call_records(center, days, seed=seed)
    files: dict[Path, int | None] = {
        write_table(calls.records, out / "calls.csv"): calls.records.height
    }
    for name, text in (
        ("mapping.yaml", CALL_MAPPING_YAML),
        ("center.yaml", SAMPLE_CENTER_PATH.read_text()),
    ):
        path = out / name
        files[replace_file(path, lambda tmp, text=text: Path(tmp).write_text(text))] = None
    return files
