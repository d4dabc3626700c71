"""The board in a real Chromium against a real service: sign-in, team scoping, the board
changing after new states, the agent's day, intraday per queue, a revoked key sent back to
sign-in. Screenshots go to the test's folder (and `out/board_screenshots/` when `out/`
exists)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from api.service import revoke_user
from tests.board.conftest import Service, post_states
from wfm.settings import Settings

TIMEOUT_MS = 20_000


@pytest.fixture
def page(browser, service: Service) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def sign_in(page, service: Service, key: str) -> None:
    page.goto(f"{service.server.base_url}/board?refresh_s=1")
    page.fill("#key", key)
    page.click("#sign-in button")
    page.wait_for_selector("#board-view:not([hidden])")
    page.wait_for_selector("#realtime tbody tr[data-agent]")


def realtime_agents(page) -> list[str]:
    return page.eval_on_selector_all(
        "#realtime tbody tr[data-agent]", "rows => rows.map(r => r.dataset.agent)"
    )


def test_a_supervisor_signs_in_and_sees_only_its_teams(page, service: Service) -> None:
    sign_in(page, service, service.keys["triage"])
    assert page.inner_text("#teams") == "teams: triage_a"
    agents = realtime_agents(page)
    assert agents == sorted(agents) and len(agents) == 3
    assert all(a.startswith("triage_a-") for a in agents)
    page.wait_for_selector("#teams-today tbody td:has-text('triage_a')")
    assert "sched_a" not in page.inner_text("#board-view")
    # The key is in the tab's session storage only, never in the address.
    assert page.evaluate("sessionStorage.getItem('wfm.key')") == service.keys["triage"]
    assert service.keys["triage"] not in page.url
    page.wait_for_selector("#intraday .queue[data-queue='triage_voice']")
    queues = page.eval_on_selector_all("#intraday .queue", "q => q.map(e => e.dataset.queue)")
    assert queues == ["triage_voice"]
    page.screenshot(path=str(service.shots / "board_supervisor_triage_a.png"), full_page=True)

    page.click("#sign-out")
    sign_in(page, service, service.keys["sched"])
    assert page.inner_text("#teams") == "teams: sched_a"
    assert all(a.startswith("sched_a-") for a in realtime_agents(page))


def test_the_board_changes_after_new_states_are_posted(page, service: Service) -> None:
    sign_in(page, service, service.keys["triage"])
    row = "#realtime tbody tr[data-agent='triage_a-002']"
    assert page.get_attribute(row, "data-severity") == "ok"
    # On break for 20 minutes while scheduled to work: severe (over severe_s, 900 s).
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
    post_states(service, [{"event_id": "brk-002", "agent_id": "triage_a-002", "state": "Break",
                           "start": since.isoformat()}])  # fmt: skip
    page.wait_for_selector(f"{row}[data-severity='severe']")  # the board refreshes by itself
    # Worst first, and the severity is written out beside its colour.
    assert realtime_agents(page)[0] == "triage_a-002"
    assert page.inner_text(f"{row} .badge") == "severe"
    assert page.inner_text(f"{row} td:nth-child(4)") == "Break"
    page.screenshot(path=str(service.shots / "board_after_new_state.png"), full_page=True)

    page.click(row)
    page.wait_for_selector("#timeline-panel:not([hidden]) .track.actual .seg.break")
    scheduled = page.eval_on_selector_all(
        "#timeline .track.scheduled .seg", "s => s.map(e => e.textContent)"
    )
    assert scheduled == ["work", "break", "work"]
    actual = page.eval_on_selector_all(
        "#timeline .track.actual .seg", "s => s.map(e => e.textContent)"
    )
    assert actual == ["Available", "Break"]
    page.screenshot(path=str(service.shots / "board_agent_day.png"), full_page=True)


def test_a_revoked_key_is_sent_back_to_sign_in(page, service: Service) -> None:
    sign_in(page, service, service.keys["sched"])
    assert revoke_user(Settings(db_url=service.db_url), name_or_key_id="sam") == 1
    page.wait_for_selector("#sign-in-view:not([hidden])")  # at the next refresh
    assert "refused" in page.inner_text("#sign-in-message")
    assert page.evaluate("sessionStorage.getItem('wfm.key')") is None
    page.screenshot(path=str(service.shots / "board_revoked.png"))


def test_a_wrong_key_stays_on_sign_in(page, service: Service) -> None:
    page.goto(f"{service.server.base_url}/board?refresh_s=1")
    page.fill("#key", "wfm_nope_nope")
    page.click("#sign-in button")
    page.wait_for_selector("#sign-in-message:has-text('refused')")
    assert page.is_hidden("#board-view")


def test_the_board_fits_a_tablet(browser, service: Service) -> None:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, service, service.keys["triage"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    page.screenshot(path=str(service.shots / "board_tablet.png"), full_page=True)
    context.close()
