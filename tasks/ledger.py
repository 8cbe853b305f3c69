"""The file ledger: what the warehouse last recorded for each input path, read from the files
table of the committed batches (a batch carries the rows that say which inputs it holds)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.commit import committed_batches
from tasks.layout import batches_dir
from tasks.sql import load_sql, substitute


@dataclass
class LedgerEntry:
    """What the warehouse last recorded for one input path."""

    path: str
    content_hash: str | None
    size: int
    mtime_ns: int
    status: str
    format: str | None = None
    retryable: bool = False  # failed for a passing reason: try again on the next run


def read_ledger(wh: Path) -> dict[str, LedgerEntry]:
    """Latest files row per input path, across all committed batches."""
    import duckdb

    files = [str((batches_dir(wh) / b / "files.parquet").resolve()).replace("'", "''")
             for b in committed_batches(wh)]
    con = duckdb.connect()
    try:
        sql = substitute(load_sql("ledger.sql"),
                         {"{files_parquet}": "[" + ", ".join(f"'{f}'" for f in files) + "]"})
        rows = con.sql(sql).fetchall()
    finally:
        con.close()
    return {r[0]: LedgerEntry(*r) for r in rows}
