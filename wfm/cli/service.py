"""`wfm service ...`: the path from the planner's CLI into the supervisors' service.

`up` / `down` run a local service with a center folder loaded; `load`, `publish`,
`push-states` and `push-history` send tables to a running service through its own routes;
`realtime` reads a supervisor's real-time adherence from it. The service's URL and key come
from options or the environment (WFM_URL, WFM_KEY, WFM_KEY_FILE); the key is never printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.launcher import stop_background
from wfm.center import Center, load_center
from wfm.cli.adherence import realtime_table
from wfm.cli.main import app
from wfm.cli.options import console, parse_instant, progress_bar
from wfm.cli.serve import DbOpt, settings_for
from wfm.client import ServiceClient
from wfm.folder import open_folder
from wfm.usecases.bring_up import bring_up, read_key
from wfm.usecases.service import (
    PushSummary,
    load_center_into,
    publish_schedule,
    push,
)

__all__ = ["KeyFileOpt", "KeyOpt", "UrlOpt", "client_or_none", "service_app"]

service_app = typer.Typer(
    help="Connect the CLI with a running service: load, publish, push, read.",
    no_args_is_help=True,
)
app.add_typer(service_app, name="service")

UrlOpt = Annotated[str, typer.Option("--url", envvar="WFM_URL", help="The service's base URL.")]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="WFM_KEY",
        help="API key (better: WFM_KEY or --key-file).",
        show_default=False,
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option("--key-file", envvar="WFM_KEY_FILE", help="File holding the API key."),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Folder of the local service's database, keys and log."),
]
DEFAULT_URL = "http://127.0.0.1:8000"


def _client(url: str, key: str | None, key_file: Path | None) -> ServiceClient:
    if key is None and key_file is not None:
        key = read_key(key_file)
    if not key:
        raise typer.BadParameter("give the API key: --key-file, WFM_KEY_FILE or WFM_KEY")
    return ServiceClient(url, key)


def _center(client: ServiceClient, path: Path | None) -> Center:
    """The center from the file given, else the service's (an ingest key may not read it)."""
    return client.center() if path is None else load_center(path)


def client_or_none(
    url: str, key: str | None, key_file: Path | None, *, needed: bool
) -> ServiceClient | None:
    """A client of the service when a command's options need one, else None."""
    return _client(url, key, key_file) if needed else None


def _render_push(title: str, summary: PushSummary) -> None:
    table = Table(title=title, show_header=False)
    for label, value in (
        ("rows in the file", f"{summary.n_rows:,}"),
        ("sent before (resumed)", f"{summary.skipped:,}"),
        ("accepted", f"{summary.accepted:,}"),
        ("duplicates (stored before)", f"{summary.duplicates:,}"),
        ("refused", f"{summary.n_refused:,}"),
    ):
        table.add_row(label, value)
    console.print(table)
    for row, column, message in summary.refused[:20]:
        console.print(
            f"[yellow]refused[/] row {row}"
            + (f", column {column}" if column else "")
            + f": {message}"
        )


@service_app.command("up")
def up_command(
    directory: Annotated[Path, typer.Argument(help="Center folder: center.yaml and its tables.")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Bring a local service up with a center folder loaded: start `wfm serve` in the
    background (unless one answers), create a key per role (admin, planner, ingest, a
    supervisor per team) in DATA_DIR/keys, load the center and roster, publish the folder's
    schedule, push its states and history.

    Example:
        wfm service up data/sample --port 8000
    """
    settings = settings_for(db, data_dir)
    folder = open_folder(directory / "center.yaml")
    with progress_bar(counts=True) as bar:
        task = bar.add_task("starting", total=None)
        done = bring_up(
            folder,
            settings,
            host=host,
            port=port,
            step=lambda label: bar.update(task, description=label, total=None, completed=0),
            progress=lambda table, d, n: bar.update(task, total=n, completed=d),
        )
    table = Table(title=f"Service at {done.url}", show_header=False)
    table.add_row("server", "started in the background" if done.started else "already running")
    table.add_row("center / roster", f"version {done.center_version} / {done.roster_version}")
    for week in done.published:
        table.add_row(
            "schedule published",
            f"week {week.week_start}: version {week.version}, {week.n_rows:,} rows",
        )
    for name, summary in (("history", done.history), ("agent states", done.states)):
        if summary is not None:
            table.add_row(
                f"{name} pushed",
                f"{summary.accepted:,} new, {summary.duplicates:,} already stored, "
                f"{summary.n_refused:,} refused",
            )
    console.print(table)
    keys = Table("user", "key file", title="Keys (the files are readable by you only)")
    for user, path in done.keys.items():
        keys.add_row(user, str(path))
    console.print(keys)


@service_app.command("down")
def down_command(db: DbOpt = None, data_dir: DataDirOpt = None) -> None:
    """Stop the background service `wfm service up` started.

    Example:
        wfm service down
    """
    pid = stop_background(settings_for(db, data_dir).data_dir)
    console.print(
        "no background service was running"
        if pid is None
        else f"stopped the service (process {pid})"
    )


@service_app.command("load")
def load_command(
    directory: Annotated[Path, typer.Argument(help="Center folder: center.yaml and roster.")],
    url: UrlOpt = DEFAULT_URL,
    key: KeyOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Load or replace the service's center and roster from a center folder (admin key).

    Example:
        wfm service load data/sample --key-file var/keys/wfm-admin.key
    """
    folder = open_folder(directory / "center.yaml")
    with _client(url, key, key_file) as client:
        center_version, roster_version = load_center_into(client, folder)
    console.print(f"center version {center_version}, roster version {roster_version} at {url}")


@service_app.command("publish")
def publish_command(
    source: Annotated[Path, typer.Argument(help="Schedule file, or a folder holding one.")],
    center: LocalCenterOpt = None,
    url: UrlOpt = DEFAULT_URL,
    key: KeyOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Publish a schedule as the weeks its shifts start in (planner key); a Sunday-night
    shift's rows after midnight publish with its week.

    Example:
        wfm service publish out/plan --key-file var/keys/wfm-planner.key
    """
    with _client(url, key, key_file) as client:
        weeks = publish_schedule(client, source, _center(client, center))
    for week in weeks:
        console.print(
            f"published week {week.week_start}: version {week.version}, {week.n_rows:,} rows"
        )


def _push_command(
    kind: str,
    source: Path,
    center: Path | None,
    url: str,
    key: str | None,
    key_file: Path | None,
    batch_size: int,
    resume: bool,
) -> None:
    checkpoint = source.with_name(f".{source.name}.pushed") if resume else None
    with _client(url, key, key_file) as client, progress_bar(counts=True) as bar:
        task = bar.add_task(f"pushing {kind}", total=None)
        summary = push(
            client,
            kind,  # type: ignore[arg-type]
            source,
            _center(client, center),
            batch_size=batch_size,
            checkpoint=checkpoint,
            progress=lambda done, total: bar.update(task, total=total, completed=done),
        )
    _render_push(f"{kind.capitalize()} pushed to {url}", summary)


BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, max=5000, help="Rows per request.")]
LocalCenterOpt = Annotated[
    Path | None,
    typer.Option(
        "--center",
        help="Center configuration for reading the file's local times (default: the "
        "service's; an ingest key needs this).",
    ),
]
ResumeOpt = Annotated[
    bool,
    typer.Option(
        "--resume/--no-resume",
        help="Keep a checkpoint beside the file, so a rerun after an interruption skips what "
        "the service acknowledged.",
    ),
]


SourceArg = Annotated[
    Path, typer.Argument(help="The table to push: agent states (or an event log), or history.")
]


def _push_cmd(kind: str, doc: str) -> Callable[..., None]:
    """A push command for one kind of table (the two differ only in what they push)."""

    def command(
        source: SourceArg,
        center: LocalCenterOpt = None,
        url: UrlOpt = DEFAULT_URL,
        key: KeyOpt = None,
        key_file: KeyFileOpt = None,
        batch_size: BatchOpt = 5000,
        resume: ResumeOpt = True,
    ) -> None:
        _push_command(kind, source, center, url, key, key_file, batch_size, resume)

    command.__doc__ = doc
    return command


service_app.command("push-states")(
    _push_cmd(
        "states",
        """Push agent states in batches (ingest key): idempotent by event id, resumable, with a
    summary of accepted, duplicate and refused rows.

    Example:
        wfm service push-states data/sample/states.parquet --center data/sample/center.yaml
        --key-file var/keys/wfm-ingest.key
    """,
    )
)
service_app.command("push-history")(
    _push_cmd(
        "history",
        """Push actual interval volumes (planner key), so the service forecasts from its own
    database; a row for a queue and interval it has replaces it.

    Example:
        wfm service push-history data/sample/history.parquet --key-file var/keys/wfm-planner.key
    """,
    )
)


@service_app.command("realtime")
def realtime_command(
    url: UrlOpt = DEFAULT_URL,
    key: KeyOpt = None,
    key_file: KeyFileOpt = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    at: Annotated[
        str | None, typer.Option(help="Instant (ISO; local time of the center if no offset).")
    ] = None,
    top: Annotated[int, typer.Option(help="Rows shown.")] = 20,
) -> None:
    """Real-time adherence from the service, worst first: what a supervisor's key sees.

    Example:
        wfm service realtime --key-file var/keys/supervisor-triage_a.key --at 2026-11-12T11:00
    """
    with _client(url, key, key_file) as client:
        center = client.center()
        instant = None if at is None else parse_instant(at, center.tz, option="--at")
        body = client.realtime(team=team, at=instant)
    snapshot = dt.datetime.fromisoformat(body["at"]).astimezone(center.tz)
    title = f"Real-time adherence at {snapshot:%a %Y-%m-%d %H:%M} local, worst first"
    rows = body["data"]
    console.print(realtime_table(rows[:top], center.tz, title))
    n_out = sum(r["severity"] != "ok" for r in rows)
    console.print(f"{body['count']} agents; {n_out} out of adherence")
