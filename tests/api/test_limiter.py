"""Failed logins per key id and per client address (api.limiter), on a fake clock, and the
limit as the service applies it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.limiter import FailedLogins, Refusal
from api.main import create_app
from tests.api.helpers import bearer
from wfm.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def test_a_client_is_blocked_after_its_failures_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    limiter = FailedLogins(max_failures=3, window_s=60, clock=clock)
    for offset_s in (0, 10, 20):
        clock.now_s = 1000 + offset_s
        assert limiter.check(key_id=None, client="a") is None
        limiter.failed(key_id=None, client="a")
    assert limiter.check(key_id=None, client="a") == Refusal(retry_after_s=40, first=True)
    assert limiter.check(key_id=None, client="a") == Refusal(retry_after_s=40, first=False)
    assert limiter.check(key_id=None, client="b") is None  # another client tries on
    clock.now_s = 1060  # the first failure has left the window
    assert limiter.check(key_id=None, client="a") is None
    limiter.failed(key_id=None, client="a")
    assert limiter.check(key_id=None, client="a") == Refusal(retry_after_s=10, first=True)


def test_a_key_id_is_blocked_whichever_client_tries_it() -> None:
    limiter = FailedLogins(max_failures=2, window_s=60, clock=Clock())
    limiter.failed(key_id="k1", client="a")
    limiter.failed(key_id="k1", client="b")
    refusal = limiter.check(key_id="k1", client="c")
    assert refusal is not None and refusal.first
    assert limiter.check(key_id="k2", client="c") is None


def test_the_subjects_remembered_are_bounded() -> None:
    limiter = FailedLogins(max_failures=1, window_s=60, clock=Clock(), max_tracked=10)
    for i in range(100):
        limiter.failed(key_id=f"k{i}", client=f"c{i}")
    assert len(limiter) == 10
    assert limiter.check(key_id="k99", client="c99") is not None  # the latest are kept


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:
    return Settings(db_url=db_url, data_dir=tmp_path, auto_migrate=False, login_failures_max=3)


def test_the_service_answers_429_after_the_failures_of_a_key_id_from_any_client(
    settings: Settings, keys: dict[str, str]
) -> None:
    key_id = keys["admin"].split("_")[1]
    wrong = bearer(f"wfm_{key_id}_{'A' * 43}")
    app = create_app(settings)
    with (
        TestClient(app, client=("10.0.0.1", 1)) as first,
        TestClient(app, client=("10.0.0.2", 1)) as second,
    ):
        assert [first.get("/v1/center", headers=wrong).status_code for _ in range(3)] == [401] * 3
        refused = second.get("/v1/center", headers=wrong)
        assert refused.status_code == 429 and refused.headers["retry-after"]
        assert second.get("/v1/center", headers=bearer(keys["manager"])).status_code == 404
