"""A large synthetic network: many sites of the sample center's kind in one configuration.

Each site gets `queues_per_site` queues, cycling through the sample center's eight queue kinds
(scheduling phone / chat / SMS, nurse triage 24/7, billing phone / email, pharmacy,
outreach) with ids `s01_sched_voice_0`, ..., one team, and `agents_per_site` agents skilled
only in their own site's queues, so every site is an independent agent pool. Volumes come
from the sample generator (`generate_history`: profile by channel and hours, events,
discharges), one site at a time so memory stays at one site's history. Shift templates,
contracts and labor rules are the sample center's.

Generated, never committed: `generate_network(out_dir, ...)` writes center.yaml, roster.csv
and history/site=sNN.parquet (a hive-partitioned dataset: `pl.scan_parquet(out/"history")`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.synthetic.calendar import sample_events
from wfm.synthetic.drivers import LAG_PROFILE, discharges
from wfm.synthetic.history import generate_history
from wfm.synthetic.roster import SyntheticAgent, roster_to_disk
from wfm.synthetic.sample import SAMPLE_CENTER_PATH

__all__ = [
    "NetworkSummary",
    "generate_network",
    "network_center",
    "network_config",
    "network_roster",
    "site_histories",
]

log = logging.getLogger(__name__)

_PART_TIME_FRAC = 0.2
_MAX_SKILLS = 3


def _site_id(site: int) -> str:
    return f"s{site + 1:02d}"


def network_config(*, n_sites: int, queues_per_site: int, interval_min: int = 30) -> dict[str, Any]:
    """The network's center configuration as the YAML mapping (see the module docstring)."""
    if n_sites < 1 or queues_per_site < 1:
        raise ConfigError("a network needs at least one site and one queue per site")
    raw = yaml.safe_load(SAMPLE_CENTER_PATH.read_text(encoding="utf-8"))
    kinds = raw["queues"]
    queues, teams = [], []
    for site in range(n_sites):
        sid = _site_id(site)
        for k in range(queues_per_site):
            kind = kinds[k % len(kinds)]
            queues.append(
                kind
                | {"id": f"{sid}_{kind['id']}_{k // len(kinds)}", "name": f"{sid} {kind['name']}"}
            )
        teams.append(
            {"id": sid, "name": f"Site {sid}", "supervisor": f"Lead {sid}", "site": f"site_{sid}"}
        )
    config = raw | {
        "name": f"Synthetic network: {n_sites} sites, {n_sites * queues_per_site} queues",
        "interval_min": interval_min,
        "queues": queues,
        "teams": teams,
    }
    if "life" in raw:
        # The sample's team rates name its own teams, and a network has no states history.
        life = {k: v for k, v in raw["life"].items() if k != "team_absence_frac"}
        config["life"] = life | {"adherence_from_states": False}
    return config


def network_center(*, n_sites: int, queues_per_site: int, interval_min: int = 30) -> Center:
    """The network's Center (validated); see `network_config`."""
    return Center.model_validate(
        network_config(n_sites=n_sites, queues_per_site=queues_per_site, interval_min=interval_min)
    )


def _site_queues(center: Center, site: int) -> list[str]:
    prefix = _site_id(site) + "_"
    return [q.id for q in center.queues if q.id.startswith(prefix)]


def network_roster(center: Center, *, agents_per_site: int, seed: int) -> list[SyntheticAgent]:
    """Agents per site (team), each skilled in 1-3 of its own site's queues only.

    Agent i of a site serves queue i (cycling) and, while i + 1 is a queue, queue i + 1 too:
    that chain makes each site one connected pool whenever agents_per_site >= queues_per_site
    - 1. Every queue gets an agent while the site has agents to spare; a fifth
    of each site works part time (contract pt24), the rest ft40. Ids are A00001, A00002, ...
    """
    rng = np.random.default_rng([seed, 0x4E37])
    agents: list[SyntheticAgent] = []
    for site, team in enumerate(center.teams):
        queue_ids = _site_queues(center, site)
        n_part = round(_PART_TIME_FRAC * agents_per_site)
        for i in range(agents_per_site):
            chosen = [queue_ids[i % len(queue_ids)]]
            if i < len(queue_ids) - 1:
                chosen.append(queue_ids[i + 1])  # a chain through all queues: one pool per site
            others = [q for q in queue_ids if q not in chosen]
            n_extra = min(int(rng.integers(0, _MAX_SKILLS - len(chosen) + 1)), len(others))
            if n_extra:
                chosen += rng.choice(others, size=n_extra, replace=False).tolist()
            skills = tuple((q, round(float(rng.uniform(0.75, 1.0)), 2)) for q in chosen)
            agent_id = f"A{len(agents) + 1:05d}"
            agents.append(
                SyntheticAgent(
                    agent_id=agent_id,
                    name=f"Agent {agent_id}",
                    team=team.id,
                    supervisor=team.supervisor,
                    skills=skills,
                    contract="pt24" if i >= agents_per_site - n_part else "ft40",
                )
            )
    return agents


def site_histories(
    center: Center, *, start: dt.date, n_days: int, seed: int
) -> Iterator[tuple[str, pl.DataFrame]]:
    """(site id, that site's history table) for each site, generated one site at a time.

    The event calendar and the discharge series are shared by every site (one health system's
    calendar); each queue draws from its own random stream, so a queue's history does not
    depend on how many sites the network has.
    """
    events = sample_events(start, start + dt.timedelta(days=n_days - 1))
    n_lag = len(LAG_PROFILE)
    census = discharges(center, start - dt.timedelta(days=n_lag), n_days + n_lag, seed=seed)
    for site in range(len(center.teams)):
        site_center = center.model_copy(
            update={"queues": tuple(center.queue(q) for q in _site_queues(center, site))}
        )
        history = generate_history(
            site_center,
            start=start,
            n_days=n_days,
            seed=seed,
            events=events,
            discharges_daily=census["discharges"].to_numpy(),
        )
        yield _site_id(site), history


@dataclass(frozen=True)
class NetworkSummary:
    """What `generate_network` wrote."""

    out_dir: Path
    n_sites: int
    n_queues: int
    n_agents: int
    n_history_rows: int


def generate_network(
    out_dir: str | Path,
    *,
    n_sites: int = 50,
    queues_per_site: int = 20,
    agents_per_site: int = 100,
    n_days: int = 730,
    interval_min: int = 30,
    start: dt.date = dt.date(2024, 11, 18),
    seed: int = 11,
    on_site: Callable[[str], None] | None = None,
) -> NetworkSummary:
    """Write a synthetic network: center.yaml, roster.csv, history/site=sNN/part.parquet.

    The defaults are the scale-out issue's network: 50 sites, 1,000 queues, 5,000 agents,
    two years of 30-minute history (about 20 million rows; a few minutes per 100 queues).

    Args:
        out_dir: output folder (created).
        n_sites: sites (teams, independent agent pools).
        queues_per_site: queues per site.
        agents_per_site: agents per site.
        n_days: local days of history from `start`.
        interval_min: 15 or 30.
        start: first local history day.
        seed: random seed; same arguments, same files.
        on_site: called with each site's id once its history is written (progress).
    """
    out = Path(out_dir)
    raw = network_config(
        n_sites=n_sites, queues_per_site=queues_per_site, interval_min=interval_min
    )
    center = Center.model_validate(raw)
    out.mkdir(parents=True, exist_ok=True)
    (out / "center.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    agents = network_roster(center, agents_per_site=agents_per_site, seed=seed)
    roster_to_disk(agents).write_csv(out / "roster.csv")
    n_rows = 0
    for sid, history in site_histories(center, start=start, n_days=n_days, seed=seed):
        part = out / "history" / f"site={sid}"
        part.mkdir(parents=True, exist_ok=True)
        history.write_parquet(part / "part.parquet")
        n_rows += history.height
        log.info("site %s: %d history rows", sid, history.height)
        if on_site is not None:
            on_site(sid)
    return NetworkSummary(
        out_dir=out,
        n_sites=n_sites,
        n_queues=len(center.queues),
        n_agents=len(agents),
        n_history_rows=n_rows,
    )
