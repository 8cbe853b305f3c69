"""One run at a time per warehouse: an exclusive flock on ``<warehouse>/.lock``, released by
the kernel when the process holding it dies, so a crash never leaves the warehouse locked."""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tasks.core.errors import WarehouseBusy


class RunLocked(WarehouseBusy):
    """Another run holds the warehouse."""


@contextmanager
def warehouse_lock(wh: Path) -> Iterator[None]:
    """One run at a time per warehouse: a second run fails at once with RunLocked."""
    wh.mkdir(parents=True, exist_ok=True)
    path = wh / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                raise RunLocked(
                    f"another news-etl run (pid {holder}) is writing to {wh}; "
                    "wait for it to finish and run again"
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
