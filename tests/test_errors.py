"""Every error of the tree reaches the user one way: `Error: <message>` and exit code 1 from
the CLI, and one HTTP status with a short JSON body from the service."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.test_exports import MODULES
from wfm.cli.main import app
from wfm.errors import DataError, DataIssue, InfeasibleError, ServiceError, WfmError

runner = CliRunner()


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _all_errors() -> list[type[WfmError]]:
    for name in MODULES:
        importlib.import_module(name)
    return sorted({WfmError, *_subclasses(WfmError)}, key=lambda c: c.__qualname__)


ERRORS = _all_errors()


def _instance(cls: type[WfmError]) -> WfmError:
    if issubclass(cls, DataError):
        return cls("history.csv", [DataIssue(4, "aht_s", "must be >= 0")])
    if issubclass(cls, InfeasibleError):
        return cls("the hard rules contradict each other", ["agent A017: too few hours"])
    if issubclass(cls, ServiceError):
        return cls("POST /v1/schedules: 403 planner role needed", status=403)
    return cls("something is wrong")


def test_the_tree_holds_the_errors_of_every_package() -> None:
    modules = {cls.__module__ for cls in ERRORS}
    assert {"wfm.errors", "api.errors"} <= modules


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__qualname__)
def test_the_cli_prints_every_error_and_exits_1(cls: type[WfmError]) -> None:
    error = _instance(cls)

    @app.command("raise-for-test", hidden=True)
    def _raise() -> None:
        raise error

    try:
        result = runner.invoke(app, ["raise-for-test"])
    finally:
        app.registered_commands.pop()
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {error}".splitlines()[0])
    assert "Traceback" not in result.output


# What every error is to a caller of the service: the expected status, by the error's kind.
EXPECTED_STATUS = {
    "NotFoundError": 404,
    "PermissionDenied": 403,
    "ConflictError": 409,
    "InfeasibleError": 409,
}


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__qualname__)
def test_the_service_answers_every_error_with_its_status_and_a_short_body(
    cls: type[WfmError], tmp_path
) -> None:
    from fastapi.testclient import TestClient

    from api.errors import status_for
    from api.main import create_app
    from wfm.settings import Settings

    error = _instance(cls)
    app = create_app(Settings(data_dir=tmp_path))

    def _raise() -> None:
        raise error

    app.add_api_route("/raise-for-test", _raise)
    with TestClient(app) as client:
        response = client.get("/raise-for-test")
    expected = EXPECTED_STATUS.get(cls.__name__, 422)
    assert response.status_code == status_for(cls) == expected
    body = response.json()
    assert "detail" in body
    assert len(response.content) < 2_000
