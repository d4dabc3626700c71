"""The execution seam: every executor returns the same results in input order."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from wfm.errors import ForecastError, WfmError
from wfm.execution import (
    DaskExecutor,
    Executor,
    InProcessExecutor,
    LocalProcessExecutor,
)


def square_after_wait(n: int) -> int:
    """Later items finish first, so an executor that returns completion order fails."""
    sum(range((10 - n) * 20_000))
    return n * n


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ForecastError("queue q3: no usable history days to forecast from")
    return n


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[DaskExecutor]:
    pytest.importorskip("distributed")
    with DaskExecutor("local:2") as executor:
        yield executor


def test_in_process_map_returns_results_in_input_order() -> None:
    with InProcessExecutor() as executor:
        assert executor.map(square_after_wait, range(10)) == [n * n for n in range(10)]


def test_process_pool_map_returns_results_in_input_order() -> None:
    with LocalProcessExecutor(2) as executor:
        assert executor.map(square_after_wait, range(10)) == [n * n for n in range(10)]


def test_dask_local_cluster_map_returns_results_in_input_order(
    dask_executor: DaskExecutor,
) -> None:
    assert dask_executor.n_workers == 2
    assert dask_executor.map(square_after_wait, range(10)) == [n * n for n in range(10)]


def test_dask_map_keeps_equal_items_apart(dask_executor: DaskExecutor) -> None:
    assert dask_executor.map(square_after_wait, [2, 2, 2]) == [4, 4, 4]


@pytest.fixture
def process_pool() -> Iterator[LocalProcessExecutor]:
    with LocalProcessExecutor(2) as executor:
        yield executor


@pytest.mark.parametrize("kind", ["in_process", "process_pool", "dask_executor"])
def test_a_work_unit_error_reaches_the_caller_with_its_type(
    kind: str, request: pytest.FixtureRequest
) -> None:
    executor: Executor = (
        InProcessExecutor() if kind == "in_process" else request.getfixturevalue(kind)
    )
    with pytest.raises(ForecastError, match="queue q3: no usable history"):
        executor.map(fail_on_three, range(5))


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("myhost:8786", "a Dask cluster address is tcp://host:port or local:N, got 'myhost:8786'"),
        ("local:0", "a local Dask cluster needs N >= 1 workers, got 'local:0'"),
    ],
)
def test_dask_executor_rejects_bad_addresses(address: str, message: str) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(WfmError, match=message):
        DaskExecutor(address)


def test_process_pool_needs_a_worker() -> None:
    with pytest.raises(WfmError, match="needs at least one worker, got 0"):
        LocalProcessExecutor(0)


def test_cluster_without_dask_installed_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    with pytest.raises(WfmError, match=r"pip install 'wfm\[dask\]'"):
        DaskExecutor("local:2")
