"""One error hierarchy for everything a person running news-etl may be told, with its exit code.

Bad input files are not errors of the run (they are ``files`` rows with a reason: see
``tasks.ingest.records.ReadError``); these are the conditions that stop a command. The command line
prints the message as one line and exits with the class's code; the traceback, when there is
one worth keeping, goes to the log (Prefect's run log, and ``<warehouse>/logs/`` for a failed run).
"""

from __future__ import annotations


class NewsEtlError(Exception):
    """Something a command cannot do; ``exit_code`` is what the process exits with."""

    exit_code = 1


class UsageError(NewsEtlError, ValueError):
    """Bad arguments or settings, or a location that cannot be used: exit 2."""

    exit_code = 2


class NoWarehouse(UsageError, FileNotFoundError):
    """No warehouse where one was named (nothing has run there yet)."""


class WarehouseOutdated(NoWarehouse):
    """Seed tables written by an earlier version: reads never write, the next run upgrades them."""


class NoRawFolder(UsageError, FileNotFoundError):
    """The raw folder named does not exist or cannot be listed."""


class WarehouseBusy(NewsEtlError):
    """Another run (or a compaction) holds the warehouse: try again later (EX_TEMPFAIL, 75)."""

    exit_code = 75


class RunFailed(NewsEtlError):
    """A run could not complete; it is recorded as failed with this reason (exit 1)."""


class WarehouseCorrupt(NewsEtlError):
    """Committed data cannot be read; `news-etl run` sets it aside and rebuilds it (exit 1)."""
