"""One execution seam: run independent work units in-process, in local processes, or on Dask.

Forecasting and staffing (per queue) and scheduling (per independent agent pool) hand their
work units to an `Executor`. A work unit is a top-level function applied to plain data (polars
frames, numpy arrays, dataclasses, the pydantic Center) that returns plain data, so the same
call gives the same result whichever executor runs it:

    InProcessExecutor        the default: a plain loop in this process
    LocalProcessExecutor(n)  a pool of n local processes (one machine, no extra dependency)
    DaskExecutor(address)    a Dask distributed cluster: "tcp://host:8786" connects to a
                             running scheduler, "local:N" starts a LocalCluster of N
                             single-threaded worker processes on this machine

Dask is an optional extra (`pip install 'wfm[dask]'`) imported only when a DaskExecutor
starts. Executors are context managers: leaving the block stops their processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Any, Self, TypeVar

from wfm.errors import WfmError

__all__ = [
    "DaskExecutor",
    "Executor",
    "InProcessExecutor",
    "LocalProcessExecutor",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

_LOCAL = re.compile(r"local:(\d+)")
_INSTALL_HINT = "pip install 'wfm[dask]'"


class Executor:
    """Runs a work function over items; results come back in the order of the items.

    Subclasses implement `imap`; use an executor as a context manager so its processes stop.
    """

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Submit every item at once; yield each result in input order as it is ready.

        An exception raised by `fn` is re-raised here, with its own type.
        """
        raise NotImplementedError

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """All results, in input order."""
        return list(self.imap(fn, items))

    def close(self) -> None:
        """Stop the executor's processes (nothing to do in-process)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class InProcessExecutor(Executor):
    """A plain loop in the calling process (the default)."""

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return (fn(item) for item in items)

    def __repr__(self) -> str:
        return "in-process"


class LocalProcessExecutor(Executor):
    """A pool of local worker processes (standard library only).

    Workers are started with "spawn": forking a process that already runs polars or BLAS
    thread pools can deadlock the child.

    Args:
        n_workers: number of worker processes (>= 1).
    """

    def __init__(self, n_workers: int) -> None:
        if n_workers < 1:
            raise WfmError(f"the process pool needs at least one worker, got {n_workers}")
        self.n_workers = n_workers
        self._pool = ProcessPoolExecutor(
            max_workers=n_workers, mp_context=multiprocessing.get_context("spawn")
        )

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        futures = [self._pool.submit(fn, item) for item in items]
        return (future.result() for future in futures)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __repr__(self) -> str:
        return f"process pool ({self.n_workers} workers)"


class DaskExecutor(Executor):
    """Work units as Dask futures on a distributed cluster.

    Args:
        address: "tcp://host:8786" (a running scheduler; its workers must have wfm installed)
            or "local:N" (start a LocalCluster of N worker processes, one thread each, and
            stop it on close).

    Raises:
        WfmError: dask/distributed are not installed, or the address is malformed.
    """

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise WfmError(
                f"the Dask cluster {address} needs Dask distributed, which is not installed: "
                f"{_INSTALL_HINT}"
            ) from exc
        self.address = address
        self._cluster: Any = None
        local = _LOCAL.fullmatch(address)
        if local:
            n_workers = int(local.group(1))
            if n_workers < 1:
                raise WfmError(f"a local Dask cluster needs N >= 1 workers, got {address!r}")
            import dask

            # The statistical profiler samples every task thread each 10 ms and takes the GIL
            # to do it: a measurable tax on pure-Python work units, for a dashboard not shown.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            self._client = Client(self._cluster)
        elif "://" in address:
            self._client = Client(address)
        else:
            raise WfmError(f"a Dask cluster address is tcp://host:port or local:N, got {address!r}")
        log.info("dask cluster %s: %d workers", address, self.n_workers)

    @property
    def n_workers(self) -> int:
        """Workers currently connected to the scheduler."""
        return len(self._client.scheduler_info(n_workers=-1)["workers"])

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        # pure=False: two equal items are still two units (no key collisions, no caching).
        futures = self._client.map(fn, list(items), pure=False)
        return (future.result() for future in futures)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __repr__(self) -> str:
        return f"dask {self.address}"
