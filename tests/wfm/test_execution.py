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
    executor_from_option,
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
    ("cluster", "workers", "expected"),
    [
        (None, None, InProcessExecutor),
        (None, 1, InProcessExecutor),
        (None, 2, LocalProcessExecutor),
    ],
)
def test_executor_from_option_picks_the_executor(
    cluster: str | None, workers: int | None, expected: type
) -> None:
    with executor_from_option(cluster, workers=workers) as executor:
        assert type(executor) is expected


@pytest.mark.parametrize(
    ("cluster", "workers", "message"),
    [
        ("local:2", 2, "give --cluster or --workers, not both"),
        ("myhost:8786", None, "--cluster expects tcp://host:port or local:N, got 'myhost:8786'"),
        ("local:0", None, "--cluster local:N needs N >= 1, got 'local:0'"),
    ],
)
def test_executor_from_option_rejects_bad_values(
    cluster: str, workers: int | None, message: str
) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(WfmError, match=message):
        executor_from_option(cluster, workers=workers)


def test_process_pool_needs_a_worker() -> None:
    with pytest.raises(WfmError, match="needs at least one worker, got 0"):
        LocalProcessExecutor(0)


def test_cluster_without_dask_installed_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    with pytest.raises(WfmError, match=r"pip install 'wfm\[dask\]'"):
        executor_from_option("local:2")
