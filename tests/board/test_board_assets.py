"""The board's files: served without a key from the package, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes.board import ASSETS
from wfm.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    root = tmp_path_factory.mktemp("assets")
    settings = Settings(db_url=f"sqlite:///{root / 'db.sqlite3'}", data_dir=root)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/board", "text/html"),
        ("/board/board.js", "text/javascript"),
        ("/board/board.css", "text/css"),
    ],
)
def test_the_board_is_served_without_a_key_and_may_load_only_its_own_files(client, path, kind):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert response.headers["cache-control"] == "no-store"


def test_an_unknown_board_file_is_404(client):
    assert client.get("/board/secrets.txt").status_code == 404
    assert client.get("/board/..%2Fmain.py").status_code == 404


def test_no_asset_names_another_site():
    for name in ASSETS:
        text = files("api.board").joinpath(name).read_text(encoding="utf-8")
        # The SVG namespace is a name, not a download.
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, (name, urls)
        assert "?key=" not in text and "api_key" not in text
