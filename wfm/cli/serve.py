"""`wfm serve`, `wfm users add|revoke|list`, `wfm db upgrade`: the service's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wfm.cli.main import app
from wfm.cli.options import console
from wfm.settings import Settings, get_settings

__all__ = ["DbOpt", "db_app", "settings_for", "users_app"]

users_app = typer.Typer(help="API keys: add, revoke, list.", no_args_is_help=True)
db_app = typer.Typer(help="The service database.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: WFM_DB_URL or a SQLite file in var/)"),
]


def settings_for(db: str | None, data_dir: Path | None = None) -> Settings:
    """The service settings (environment), with the --db and --data-dir options on top."""
    update: dict[str, object] = {}
    if db:
        update["db_url"] = db
    if data_dir is not None:
        update["data_dir"] = data_dir
    return get_settings().model_copy(update=update)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    db: DbOpt = None,
    access_log: Annotated[bool, typer.Option(help="log one line per request")] = True,
) -> None:
    """Run the HTTP API (FastAPI under uvicorn); migrates the database first.

    Example: wfm serve --port 8000 --db sqlite:///var/wfm.sqlite3
    """
    from api.service import serve

    serve(settings_for(db), host=host, port=port, access_log=access_log)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name (shown in the audit log)")],
    role: Annotated[str, typer.Option(help="planner | supervisor | manager | admin | ingest")],
    team: Annotated[list[str] | None, typer.Option(help="a supervisor's team (repeatable)")] = None,
    db: DbOpt = None,
) -> None:
    """Create an API key; the key is printed once and only its hash is stored.

    Example: wfm users add dana --role supervisor --team triage_a --team triage_b
    """
    from api.service import add_user

    key = add_user(settings_for(db), name=name, role=role, teams=team or [])
    console.print(f"key id {key.key_id} for {key.name} ({key.role}); store this key now:")
    typer.echo(key.token)


@users_app.command("revoke")
def users_revoke(
    name_or_key_id: Annotated[str, typer.Argument(help="user name (all its keys) or a key id")],
    db: DbOpt = None,
) -> None:
    """Revoke keys: every live key of a user, or one key by its id.

    Example: wfm users revoke dana
    """
    from api.service import revoke_user

    n_revoked = revoke_user(settings_for(db), name_or_key_id=name_or_key_id)
    console.print(f"revoked {n_revoked} key(s)")


@users_app.command("list")
def users_list(db: DbOpt = None) -> None:
    """List keys (name, key id, role, teams, created, revoked); secrets are never stored.

    Example: wfm users list
    """
    from api.service import list_users

    table = Table("name", "key id", "role", "teams", "created", "revoked")
    for key in list_users(settings_for(db)):
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else ""
        table.add_row(
            key.name,
            key.key_id,
            key.role,
            ",".join(key.teams),
            key.created_at.isoformat(timespec="seconds"),
            revoked,
        )
    console.print(table)


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Apply pending schema migrations (the server also does this at start-up).

    Example: wfm db upgrade --db postgresql://wfm@localhost/wfm
    """
    from api.service import upgrade_database

    console.print(f"database at head: {upgrade_database(settings_for(db))}")
