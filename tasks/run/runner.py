"""Where batches run: in this process, or in a pool of worker processes that load the model once.

A worker that dies (killed, out of memory, a crash in native code) breaks the whole pool; the
executor then starts a fresh pool and runs the batch again, and when the same batch breaks a
pool twice, runs its files one by one, so the file that kills a worker is named and recorded as
failed while every other file of the batch is stored.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from tasks.nlp.extract import load_nlp
from tasks.run.batch import BatchResult, BatchSpec, process_batch
from tasks.store.layout import staging_dir

WORKER_DIED = ("the worker process died while reading or parsing this file (killed, or out of "
               "memory); the other files of its batch were stored")


# How often a thread waiting for its batch checks that the pool can still run it.
POLL_SECONDS = 2.0
CLOSE_GRACE_SECONDS = 10.0  # for the workers to leave once the pool is told to stop

# Set by the run's SIGTERM/SIGINT handler (tasks/run/interrupt.py) before it stops the workers: a
# pool broken by that must not be replaced by a new one the handler would never see.
STOPPING = threading.Event()


def _init_worker(model: str, disable: tuple[str, ...], parent: int | None = None) -> None:
    import os
    import signal

    os.environ.setdefault("DO_NOT_TRACK", "1")
    _die_with_parent(parent)
    # the run process handles stopping: a Ctrl-C sent to the whole process group must not
    # make every worker print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load_nlp(model, disable)


def _die_with_parent(parent: int | None = None) -> None:
    """On Linux, have the kernel kill this worker when the run process dies (even by SIGKILL),
    so no orphan keeps writing into the staging folder of a run that is gone. A worker whose
    run died before this ran (the kernel would never tell it) exits at once."""
    import ctypes
    import os
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # reparented: the run is already gone


class BatchExecutor:
    """Runs ``process_batch`` with ``processes`` workers; 1 means in the calling process."""

    def __init__(self, processes: int, model: str, disable: tuple[str, ...],
                 fn: Callable[[BatchSpec], BatchResult] = process_batch):
        self.processes = processes
        self.model = model
        self.disable = tuple(disable)
        self.fn = fn
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = self._new_pool() if processes > 1 else None
        self.restarts = 0
        self.killed_on_close = 0  # workers that did not leave when closed (the run says so)

    def _new_pool(self) -> ProcessPoolExecutor:
        import os

        if STOPPING.is_set():
            raise RuntimeError("the run is stopping: no new worker pool")
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=mp.get_context("spawn"),
                                   initializer=_init_worker,
                                   initargs=(self.model, self.disable, os.getpid()))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:  # the first thread to notice replaces it
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                self.restarts += 1

    def _try(self, spec: BatchSpec) -> BatchResult | None:
        """The batch's result, or None when its worker died."""
        pool = self._pool
        if pool is None:
            raise RuntimeError("the run is stopping: no worker pool")
        try:
            try:
                fut = pool.submit(self.fn, spec)
            except RuntimeError:
                if pool is self._pool:
                    raise
                return None  # another batch's thread shut this pool down as it was read
            return self._wait(pool, fut)
        except BrokenProcessPool:
            shutil.rmtree(staging_dir(Path(spec.warehouse)) / spec.batch_id, ignore_errors=True)
            self._replace(pool)
            return None

    def _wait(self, pool: ProcessPoolExecutor, fut: Future[BatchResult]) -> BatchResult:
        """The future's result; raises BrokenProcessPool when the pool can no longer give it.

        A pool fails its pending futures when a worker dies, but a batch submitted in the same
        instant can be left out (CPython 3.11 marks the pool broken and fails its futures
        without the lock that submit takes): that future would never finish and the run would
        hang. So the wait wakes up every POLL_SECONDS and gives the batch up when the pool is
        broken or was replaced, or has had a dead worker for two checks in a row without
        noticing."""
        dead_checks = 0
        while True:
            try:
                return fut.result(timeout=POLL_SECONDS)
            except FutureTimeout:
                if getattr(pool, "_broken", False) or pool is not self._pool:
                    # (a pool another batch's thread replaced was shut down with its futures:
                    # one it left pending would never finish)
                    dead_checks = 2
                elif _has_dead_worker(pool):
                    dead_checks += 1
                else:
                    dead_checks = 0
                if dead_checks >= 2 and not fut.done():
                    fut.cancel()
                    for proc in _processes(pool):
                        proc.kill()
                    raise BrokenProcessPool("a worker died and the pool lost this batch") from None

    def run(self, spec: BatchSpec) -> list[BatchResult]:
        """Process one batch and wait for it (called from one thread per worker). Returns one
        result, or one per file when the batch had to be split to find a file that kills
        workers."""
        if self._pool is None:
            return [self.fn(spec)]
        for _ in range(2):  # a worker killed from outside: the batch runs again in a new pool
            if (result := self._try(spec)) is not None:
                return [result]
        results = []
        for j, fw in enumerate(spec.files):
            one = replace(spec, batch_id=f"{spec.batch_id}-{j:04d}", files=[fw])
            result = self._try(one)
            if result is None:  # this file kills its worker: record it as failed
                dead = replace(fw, error=WORKER_DIED, skip_reason=None, status=None)
                result = process_batch(replace(one, files=[dead]))
            results.append(result)
        return results

    def close(self, wait: bool = True) -> None:
        """Stop the pool; ``wait=False`` kills the workers instead of letting batches finish.
        A worker still alive CLOSE_GRACE_SECONDS after the pool was told to stop is killed: a
        worker killed from outside while it held the pool's queue lock leaves the others
        waiting for that lock for ever, and the pool's shutdown would wait for them."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        procs = _processes(pool)
        if not wait:
            for proc in procs:
                proc.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            return
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            # the pool's own thread joins every worker as it shuts down: done, none is left
            # (joined from here too, the two raced to reap a worker, which then looked alive)
            manager.join(CLOSE_GRACE_SECONDS)
            if not manager.is_alive():
                return
        deadline = time.monotonic() + CLOSE_GRACE_SECONDS
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive() and _running(proc.pid):
                proc.kill()
                proc.join(5)
                self.killed_on_close += 1
        if manager is not None:
            manager.join(CLOSE_GRACE_SECONDS)

    def __enter__(self) -> BatchExecutor:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(wait=exc_type is None)


def _running(pid: int | None) -> bool:
    """Whether a process of that id still exists (a worker another thread reaped does not)."""
    import os

    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _processes(pool: ProcessPoolExecutor) -> list[mp.process.BaseProcess]:
    return list((getattr(pool, "_processes", None) or {}).values())


def _has_dead_worker(pool: ProcessPoolExecutor) -> bool:
    """A worker that exited: workers only end with their pool, so the pool is broken."""
    return any(proc.exitcode is not None for proc in _processes(pool))
