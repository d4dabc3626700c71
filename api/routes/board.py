"""GET /board: the supervisors' board, a static page over the /v1 routes (assets in api.board).

The page needs no key itself: it asks for one and sends it as a header to the /v1 routes,
which do the authentication and the team scoping. Its assets ship in the package, and the
page may load nothing from elsewhere (Content-Security-Policy).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from api.errors import NotFoundError

__all__ = ["ASSETS", "router"]

router = APIRouter()

ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "board.js": "text/javascript; charset=utf-8",
    "board.css": "text/css; charset=utf-8",
}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


def _asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFoundError(f"no board file {name}")
    body = files("api.board").joinpath(name).read_bytes()
    headers = {"Content-Security-Policy": POLICY, "Referrer-Policy": "no-referrer"}
    return Response(body, media_type=ASSETS[name], headers=headers)


@router.get("/board")
def board_page() -> Response:
    """The board's page."""
    return _asset("index.html")


@router.get("/board/{name}")
def board_asset(name: str) -> Response:
    """One of the board's scripts or stylesheets."""
    return _asset(name)
