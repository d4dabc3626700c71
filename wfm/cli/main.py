"""The `wfm` application: registers the command groups and holds the one error boundary."""

from __future__ import annotations

import logging
from typing import Any

import typer
from typer.core import TyperGroup

from wfm.cli.options import err_console
from wfm.errors import WfmError

__all__ = ["app", "main"]


class _ErrorBoundary(TyperGroup):
    """Turns any WfmError from a command into `Error: <message>` and exit code 1."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WfmError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            err_console.print(f"[bold red]Error:[/] {exc}", markup=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="wfm",
    cls=_ErrorBoundary,
    help="Workforce management for medical contact centers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"debug": debug}


def _register() -> None:
    # Each command module adds its commands to `app` on import.
    from wfm.cli import (
        adherence,  # noqa: F401
        capacity,  # noqa: F401
        data,  # noqa: F401
        data_generate,  # noqa: F401
        data_import,  # noqa: F401
        forecast,  # noqa: F401
        intraday,  # noqa: F401
        plan,  # noqa: F401
        schedule,  # noqa: F401
        serve,  # noqa: F401
        service,  # noqa: F401
        simulate,  # noqa: F401
        staffing,  # noqa: F401
    )


if __name__ != "__main__":
    # As __main__ the commands register on the importable module below instead; importing
    # them here too would re-enter this file half-initialised.
    _register()


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    # Under `python -m wfm.cli.main` this file runs as __main__, while command modules register
    # on the `wfm.cli.main` module: run that one.
    from wfm.cli.main import main as _main

    _main()
