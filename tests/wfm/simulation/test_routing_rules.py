"""Hand-built cases for the event loop's routing rules (times in seconds after the origin)."""

from __future__ import annotations

import math

import numpy as np

from tests.wfm.simulation.conftest import NEVER, contacts, segments
from wfm.simulation import QueueRules, run_events

ONE_QUEUE = QueueRules(priority=(0,), concurrency=(1,))
TWO_QUEUES = QueueRules(priority=(0, 10), concurrency=(1, 1))


def test_an_agent_that_gets_free_serves_the_higher_priority_queue_first() -> None:
    # The agent is busy until 10; a low-priority contact waits from 1, a high-priority from 2.
    cs = contacts([(0, 0, 10, NEVER), (1, 0, 5, NEVER), (2, 1, 5, NEVER)])
    out = run_events(cs, segments([(0, 0, 100, (0, 1))], 1), TWO_QUEUES)
    assert out.answer_s.tolist() == [0, 15, 10]


def test_within_one_priority_the_longest_waiting_contact_goes_first() -> None:
    rules = QueueRules(priority=(5, 5), concurrency=(1, 1))
    cs = contacts([(0, 0, 10, NEVER), (1, 1, 5, NEVER), (2, 0, 5, NEVER)])
    out = run_events(cs, segments([(0, 0, 100, (0, 1))], 1), rules)
    assert out.answer_s.tolist() == [0, 10, 15]


def test_a_contact_goes_to_the_longest_idle_agent() -> None:
    # Agent 0 is on from 0, agent 1 from 1; the first contact goes to agent 0 (idle since 0).
    # Agent 0 is idle again at 5, so at 6 agent 1 (idle since 1) has waited longest.
    cs = contacts([(2, 0, 3, NEVER), (6, 0, 3, NEVER), (7, 0, 3, NEVER)])
    segs = segments([(0, 0, 100, (0,)), (1, 1, 100, (0,))], 2)
    out = run_events(cs, segs, ONE_QUEUE)
    assert out.agent.tolist() == [0, 1, 0]
    assert out.answer_s.tolist() == [2, 6, 7]


def test_an_agent_only_serves_the_queues_of_its_segment() -> None:
    # Agent 0 serves queue 0 only; the queue-1 contact waits for agent 1, on from 50.
    cs = contacts([(0, 1, 5, NEVER)])
    segs = segments([(0, 0, 100, (0,)), (1, 50, 100, (1,))], 2)
    out = run_events(cs, segs, TWO_QUEUES)
    assert out.agent.tolist() == [1]
    assert out.answer_s.tolist() == [50]


def test_a_break_takes_the_agent_away_after_its_contact_and_ends_on_schedule() -> None:
    # Work 0-100, break 100-130, work 130-200. The contact in hand at 100 runs to 120; the
    # contact arriving at 110 waits for the end of the break.
    cs = contacts([(90, 0, 30, NEVER), (110, 0, 5, NEVER)])
    segs = segments([(0, 0, 100, (0,)), (0, 130, 200, (0,))], 1)
    out = run_events(cs, segs, ONE_QUEUE)
    assert out.answer_s.tolist() == [90, 130]


def test_an_agent_on_break_takes_no_contact_even_when_idle() -> None:
    cs = contacts([(105, 0, 5, NEVER)])
    segs = segments([(0, 0, 100, (0,)), (0, 130, 200, (0,)), (1, 120, 200, (0,))], 2)
    out = run_events(cs, segs, ONE_QUEUE)
    assert out.agent.tolist() == [1]
    assert out.answer_s.tolist() == [120]


def test_a_waiting_contact_hangs_up_when_its_patience_runs_out() -> None:
    # The agent is busy until 10: the contact with 5 s of patience is gone, the one with 50
    # is answered at 10.
    cs = contacts([(0, 0, 10, NEVER), (1, 0, 5, 5.0), (2, 0, 5, 50.0)])
    out = run_events(cs, segments([(0, 0, 100, (0,))], 1), ONE_QUEUE)
    assert math.isnan(out.answer_s[1])
    assert out.answer_s[2] == 10
    assert out.agent.tolist() == [0, -1, 0]


def test_a_chat_agent_holds_up_to_the_queue_concurrency() -> None:
    rules = QueueRules(priority=(0,), concurrency=(2,))
    cs = contacts([(0, 0, 10, NEVER), (1, 0, 10, NEVER), (2, 0, 10, NEVER)])
    out = run_events(cs, segments([(0, 0, 100, (0,))], 1), rules)
    assert out.answer_s.tolist() == [0, 1, 10]


def test_an_agent_with_a_chat_in_hand_takes_no_voice_call() -> None:
    # Queue 0 is chat (concurrency 2), queue 1 voice: the call waits until the chat ends.
    rules = QueueRules(priority=(0, 0), concurrency=(2, 1))
    cs = contacts([(0, 0, 10, NEVER), (1, 1, 5, NEVER)])
    out = run_events(cs, segments([(0, 0, 100, (0, 1))], 1), rules)
    assert out.answer_s.tolist() == [0, 10]


def test_a_contact_nobody_can_serve_stays_unanswered() -> None:
    cs = contacts([(0, 1, 5, NEVER)])
    out = run_events(cs, segments([(0, 0, 100, (0,))], 1), TWO_QUEUES)
    assert np.isnan(out.answer_s).all()
