"""The file ledger: what the warehouse last recorded for each input path, read from the files
table of the committed batches (a batch carries the rows that say which inputs it holds)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.core.sql import literal, load_sql, substitute
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


def _ledger_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("path", pa.string()), ("content_hash", pa.string()), ("size", pa.int64()),
                      ("mtime_ns", pa.int64()), ("status", pa.string()), ("format", pa.string()),
                      ("retryable", pa.bool_()), ("split_id", pa.string()),
                      ("split_cuts", pa.list_(pa.int64())), ("stored", pa.list_(pa.int32())),
                      ("torn", pa.bool_()), ("batch_id", pa.string())])


class Ledger(Mapping[str, LedgerEntry]):
    """The ledger as one Arrow table and an index of its paths: a million recorded files take
    about 300 MB here, against 1 GB as a dict of LedgerEntry (2 GB at its peak), and an entry is
    made only for the paths a plan asks about. Missing paths are found column-wise."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self._row = {p: i for i, p in enumerate(table.column("path").to_pylist())}

    @classmethod
    def of(cls, entries: Mapping[str, LedgerEntry]) -> Ledger:
        """A ledger of these entries (a Ledger is returned as it is): what plan() takes from a
        caller holding LedgerEntry objects."""
        import pyarrow as pa

        if isinstance(entries, Ledger):
            return entries
        return cls(pa.Table.from_pylist(
            [{"path": e.path, "content_hash": e.content_hash, "size": e.size,
              "mtime_ns": e.mtime_ns, "status": e.status, "format": e.format,
              "retryable": e.retryable, "split_id": e.split_id,
              "split_cuts": list(e.cuts) or None, "stored": list(e.stored) or None,
              "torn": e.torn, "batch_id": e.batch_id} for e in entries.values()],
            schema=_ledger_schema()))

    def __getitem__(self, path: str) -> LedgerEntry:
        i = self._row[path]
        r = {name: self.table.column(name)[i].as_py() for name in self.table.column_names}
        return LedgerEntry(path=path, content_hash=r["content_hash"], size=r["size"],
                           mtime_ns=r["mtime_ns"], status=r["status"], format=r["format"],
                           retryable=r["retryable"], split_id=r["split_id"],
                           cuts=tuple(r["split_cuts"] or ()), stored=tuple(r["stored"] or ()),
                           torn=r["torn"], batch_id=r["batch_id"])

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, path: object) -> bool:
        return path in self._row

    def paths_where(self, present: set[str], status_not: str | None = None,
                    format_is: str | None = None, status_is: str | None = None) -> list[str]:
        """Recorded paths not in ``present`` whose row matches, sorted: what a plan needs of
        the whole ledger (missing files, folders listable again), without an entry per path."""
        import pyarrow as pa
        import pyarrow.compute as pc

        t = self.table
        mask = pc.invert(pc.is_in(t.column("path"), value_set=pa.array(sorted(present),
                                                                         pa.string())))
        if status_not is not None:
            mask = pc.and_(mask, pc.or_kleene(pc.is_null(t.column("status")),
                                              pc.not_equal(t.column("status"), status_not)))
        if status_is is not None:
            mask = pc.and_(mask, pc.equal(t.column("status"), status_is))
        if format_is is not None:
            mask = pc.and_(mask, pc.equal(t.column("format"), format_is))
        return sorted(t.filter(pc.fill_null(mask, False)).column("path").to_pylist())


LEDGER_MEMORY = "512MB"  # DuckDB's cap while it works the ledger out


def read_ledger(wh: Path) -> Ledger:
    """Latest files row per input path, across all committed batches."""
    import duckdb

    from tasks.store.views import capped_connection, check_readable, short_reason

    check_readable(wh)  # read only: a run upgraded an earlier version's seeds before planning
    files = [table_file(wh, b, "files").resolve() for b in committed_batches(wh)]
    sql = substitute(load_sql("ledger.sql"),
                     {"{files_parquet}": "[" + ", ".join(literal(f) for f in files) + "]"})
    # the latest row of a million paths: 1.7 GB at its peak unbounded, 0.7 GB (and 1.7 s more)
    # within LEDGER_MEMORY, spilling to a folder of its own (no warehouse write: status reads
    # the ledger too)
    with capped_connection("ledger", LEDGER_MEMORY) as con:
        try:
            return Ledger(con.sql(sql).to_arrow_table())
        except duckdb.OutOfMemoryException as exc:
            raise MemoryError(f"reading the file ledger: {short_reason(exc)}") from exc


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
