"""Stopping a run on SIGTERM or SIGINT within seconds, children and all.

A run's data is safe whenever it dies (a batch appears by one rename; a kill -9 is already
survived), so stopping does not wait for a batch to finish: the handler records the run as
``interrupted``, ends every child process (NLP workers, Dask workers, Prefect's temporary API
server, which would otherwise be left running), and exits with 128 + the signal number. Prefect
installs its own SIGTERM handler while a flow runs, which waits for running tasks; the flow
re-arms this one (``arm``) once it has started.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from tasks.core.status import RunStatus

_enabled = False
_current: dict[str, Any] = {}
_lock = threading.Lock()
GRACE_SECONDS = 3.0  # children get SIGTERM, then SIGKILL after this long


OWNER_VAR = "NEWS_ETL_OWNER"  # "pid:start time" of the run that started a process


def _start_time(pid: int) -> str | None:
    import psutil

    try:
        return f"{psutil.Process(pid).create_time():.3f}"
    except psutil.Error:
        return None


def mark_owner() -> None:
    """Every process this run starts (Prefect's temporary server, NLP and Dask workers) inherits
    who started it, so a later run can tell an orphan of a killed run (kill -9 leaves the
    server running, reparented to init) from a live run's child."""
    os.environ[OWNER_VAR] = f"{os.getpid()}:{_start_time(os.getpid())}"


def reap_orphans(grace: float = GRACE_SECONDS) -> list[int]:
    """Stop every process a news-etl run started whose run is gone (its pid ended, or now names
    another process); returns their pids. Processes of live runs are left alone."""
    import psutil

    found = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            owner = proc.environ().get(OWNER_VAR)
        except (psutil.Error, OSError):
            continue
        if not owner:
            continue
        pid, _, started = owner.partition(":")
        if pid == str(os.getpid()) or (pid.isdigit() and _start_time(int(pid)) == started):
            continue  # ours, or its run is alive
        found.append(proc)
    _end(found, grace)
    return [p.pid for p in found]


def _end(procs: list[Any], grace: float) -> None:
    """SIGTERM, then SIGKILL for those still alive after ``grace``; waits for them."""
    import psutil

    for proc in procs:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)


def take_over() -> None:
    """Stop what killed runs left running, and mark this process's future children as its own
    (every command that starts Prefect or workers: run, serve)."""
    reap_orphans()
    mark_owner()


def enable() -> None:
    """Install the handlers in this (main-thread, command-line) process, then take_over."""
    global _enabled
    _enabled = True
    arm()
    take_over()


def arm() -> None:
    """(Re)install the handlers, if enabled; a no-op for library and test use."""
    if not _enabled or threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _handle)


def track(wh: Path, run: Any) -> None:
    """The run record to mark ``interrupted`` if a signal stops this process."""
    _current.update(wh=wh, run=run)


def untrack() -> None:
    _current.clear()


def _handle(signum: int, frame: object) -> None:
    if not _lock.acquire(blocking=False):
        return  # a second signal while stopping: the first one is already on it
    name = signal.Signals(signum).name
    from tasks.run.runner import STOPPING

    STOPPING.set()  # no thread may start a new worker pool while the workers are stopped
    # From here on the other threads fail as their pools go (and Prefect logs each failure with
    # its traceback): what reaches the terminal is this handler's own lines, nothing else.
    err = _silence()
    _say(err, f"\nnews-etl: {name} received, stopping the run\n")
    try:
        _say(err, _record(name) + "\n")
    finally:
        stop_children()
        os._exit(128 + signum)


def _silence() -> int:
    """Point this process's stdout and stderr at /dev/null; returns a descriptor on the real
    stderr for the handler's own lines (-1 if there is none)."""
    try:
        sys.stderr.flush()
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        err = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        return err
    except OSError:
        return -1


def _say(fd: int, text: str) -> None:
    if fd < 0:
        return
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    except OSError:
        pass


def _record(name: str) -> str:
    """Mark the run interrupted, with what it committed; returns the line that says so."""
    if not _current:
        return "news-etl: stopped before the run began; nothing was written"
    try:
        from tasks.store import reprocess, runs

        wh = _current["wh"]
        run = dataclasses.replace(_current["run"])  # a copy: the flow's own record is untouched
        # counted from the committed batches: a signal between a commit and the record's
        # update must not lose that batch's rows from the count
        counts = runs.committed_counts(wh, run.run_id)
        left = reprocess.pending(wh)
        rest = ("the next `news-etl run` finishes it (the files still to reprocess for "
                + ", ".join(reprocess.describe(e) for e in left) + " included)" if left else
                "the next `news-etl run` processes the rest")
        if run.status == RunStatus.RUNNING:
            run.update(**counts)
            run.update(status=RunStatus.INTERRUPTED, finished_at=runs.now_utc(),
                       error=f"stopped by {name}; committed batches are kept; {rest}")
            runs.write_run(wh, run)
        return (f"news-etl: run {run.run_id} interrupted: {counts['articles']:,} articles "
                f"committed and kept; {rest}")
    except Exception as exc:  # noqa: BLE001  (stopping matters more than the record)
        return f"news-etl: could not record the run as interrupted: {exc}"


def stop_children(grace: float = GRACE_SECONDS) -> None:
    """Terminate every descendant process, then kill those still alive after ``grace``; and
    again for any started meanwhile (a thread that saw its pool break), until none is left."""
    import time

    import psutil

    deadline = time.monotonic() + 4 * grace
    while True:
        try:
            children = psutil.Process().children(recursive=True)
        except psutil.Error:
            return
        if not children or time.monotonic() > deadline:
            return
        _end(children, grace)
