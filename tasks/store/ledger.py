"""The file ledger: what the warehouse last recorded for each input path, read from the files
table of the committed batches (a batch carries the rows that say which inputs it holds)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.core.sql import load_sql, substitute
from tasks.store.commit import committed_batches
from tasks.store.layout import table_file


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
    split_id: str | None = None  # read in parts: the latest split, its cuts, the parts stored
    cuts: tuple[int, ...] = ()
    stored: tuple[int, ...] = ()
    torn: bool = False  # parts of the split saw different contents: the file must be redone
    batch_id: str | None = None  # the batch of its latest record (named after its run: sortable)

    @property
    def missing_parts(self) -> list[int]:
        """Parts of the latest split not yet stored (a run stopped before them)."""
        if self.split_id is None:
            return []
        return sorted(set(range(len(self.cuts) + 1)) - set(self.stored))


def read_ledger(wh: Path) -> dict[str, LedgerEntry]:
    """Latest files row per input path, across all committed batches."""
    import duckdb

    from tasks.store.views import check_readable

    check_readable(wh)  # read only: a run upgraded an earlier version's seeds before planning
    files = [str(table_file(wh, b, "files").resolve()).replace("'", "''")
             for b in committed_batches(wh)]
    con = duckdb.connect()
    try:
        sql = substitute(load_sql("ledger.sql"),
                         {"{files_parquet}": "[" + ", ".join(f"'{f}'" for f in files) + "]"})
        rows = con.sql(sql).fetchall()
    finally:
        con.close()
    return {r[0]: LedgerEntry(path=r[0], content_hash=r[1], size=r[2], mtime_ns=r[3], status=r[4],
                              format=r[5], retryable=r[6], split_id=r[7], cuts=tuple(r[8] or ()),
                              stored=tuple(r[9] or ()), torn=r[10], batch_id=r[11]) for r in rows}


def record_deleted(wh: Path, batch_id: str, run_id: str, paths: list[str]) -> None:
    """Commit 'deleted' records for files gone from the raw folder: as each file's latest
    record, they take its articles, entities and quotes out of every view."""
    from tasks.core.status import FileStatus
    from tasks.store import staging
    from tasks.store.commit import commit_batch
    from tasks.store.runs import now_utc

    now = now_utc()
    rows = [{"path": p, "batch_id": batch_id, "run_id": run_id, "content_hash": None, "size": 0,
             "mtime_ns": 0, "format": None, "status": FileStatus.DELETED,
             "error": "removed from the raw folder; pruned", "warning": None, "articles": 0,
             "records_failed": 0, "processed_at": now} for p in paths]
    staging.stage_batch(wh, batch_id, {"files": rows})
    commit_batch(wh, batch_id)
