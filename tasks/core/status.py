"""Every status the warehouse records, spelled once. They are ``StrEnum``s: each member is the
very string stored in Parquet and compared in SQL (sql/views.sql reads ``files.status``)."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """A run's record (runs/<run_id>.parquet)."""

    RUNNING = "running"  # in progress, or died without a word (then crashed once found)
    COMPLETED = "completed"
    FAILED = "failed"  # a batch or the run itself failed; what was committed stays
    INTERRUPTED = "interrupted"  # stopped by SIGINT/SIGTERM; its committed batches stay
    CRASHED = "crashed"  # found still 'running' by a later run that holds the lock


class FileStatus(StrEnum):
    """A raw file's latest record (the files table, the ledger)."""

    OK = "ok"
    PARTIAL = "partial"  # some records read, some failed (each failure named in its error)
    FAILED = "failed"  # nothing read; the reason in its error, tried again when it changes
    SKIPPED = "skipped"  # not a format we read, or a link out of the raw folder
    DELETED = "deleted"  # gone from the raw folder and pruned


UNHEALTHY_RUNS = (RunStatus.FAILED, RunStatus.CRASHED, RunStatus.INTERRUPTED)
KEPT_FILES = (FileStatus.OK, FileStatus.PARTIAL)  # statuses whose articles are in the views
