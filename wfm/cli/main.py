"""The `wfm` application: registers the command groups and holds the one error boundary."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from wfm.errors import WfmError

__all__ = ["app", "main"]

app = typer.Typer(
    name="wfm",
    help="Workforce management for medical contact centers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    app.info.context_settings = {"obj": {"debug": debug}}


def _register() -> None:
    # Command groups register themselves on import; imported here so `wfm --help` lists all.
    pass


_register()


def main() -> None:
    """Console entry point: run the app; turn a WfmError into `Error: ...` and exit code 1."""
    try:
        app(standalone_mode=False)
    except WfmError as exc:
        if "--debug" in sys.argv:
            raise
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("Aborted.")
        sys.exit(1)
    except Exception as exc:  # click usage errors come through here in standalone_mode=False
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
