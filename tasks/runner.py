"""Where batches run: in this process, or in a pool of worker processes that load the model once."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import Future, ProcessPoolExecutor

from tasks.batch import BatchResult, BatchSpec, process_batch
from tasks.extract import load_nlp


def _init_worker(model: str, disable: tuple[str, ...]) -> None:
    import os

    os.environ.setdefault("DO_NOT_TRACK", "1")
    _die_with_parent()
    load_nlp(model, disable)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the run process dies (even by SIGKILL),
    so no orphan keeps writing into the staging folder of a run that is gone."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass


class BatchExecutor:
    """Runs ``process_batch`` with ``processes`` workers; 1 means in the calling process."""

    def __init__(self, processes: int, model: str, disable: tuple[str, ...]):
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        if processes > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=mp.get_context("spawn"),
                initializer=_init_worker,
                initargs=(model, tuple(disable)),
            )

    def run(self, spec: BatchSpec) -> BatchResult:
        """Process one batch and wait for it (called from one thread per worker)."""
        if self._pool is None:
            return process_batch(spec)
        fut: Future[BatchResult] = self._pool.submit(process_batch, spec)
        return fut.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> BatchExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
