"""The warehouse on disk: batch folders committed by rename, the file ledger, run records, the lock.

The layout is named in ``tasks/layout.py``; every file replaced in place goes through
``tasks/atomic.py``. A batch folder appears by a single rename, so readers see all of a batch or
none of it, and the files rows that say which inputs a batch holds travel inside the batch itself.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tasks import schemas
from tasks.atomic import fsync_dir as _fsync_dir
from tasks.atomic import fsync_file as _fsync_file
from tasks.atomic import replacing
from tasks.errors import WarehouseBusy
from tasks.layout import (  # noqa: F401  (re-exported: the layout as the store's callers know it)
    LOGS,
    QUARANTINE,
    SCHEMA_BATCH,
    batches_dir,
    runs_dir,
    seed_run_file,
    staging_dir,
)
from tasks.sql import load_sql, substitute


class RunLocked(WarehouseBusy):
    """Another run holds the warehouse."""


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


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_run_id() -> str:
    """Sortable, unique: UTC time to the microsecond plus the process id."""
    return now_utc().strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


ROW_GROUP_ROWS = 131_072  # rows per Parquet row group in big tables (DuckDB reads 122,880-row
# vectors per thread; smaller groups cost per-group overhead on every scan)


def write_table(rows: list[dict[str, Any]], schema: pa.Schema, path: Path) -> None:
    """Rows -> one Parquet file with the table's explicit schema, zstd, flushed to disk."""
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    _fsync_file(path)


def init_warehouse(wh: Path) -> None:
    """Create the folders and the empty schema batch (idempotent)."""
    for d in (batches_dir(wh), runs_dir(wh), staging_dir(wh)):
        d.mkdir(parents=True, exist_ok=True)
    refresh_seeds(wh)


def refresh_seeds(wh: Path) -> None:
    """The empty seed files carry the current schemas; rewrite them after a schema change so the
    views (which read with union_by_name) find every column even before new data has it."""
    seed = batches_dir(wh) / SCHEMA_BATCH
    staging_dir(wh).mkdir(parents=True, exist_ok=True)
    _write_seed(seed_run_file(wh), schemas.RUNS, staging_dir(wh))
    for name, schema in schemas.BATCH_TABLES.items():
        _write_seed(seed / f"{name}.parquet", schema, staging_dir(wh))


def _write_seed(path: Path, schema: pa.Schema, tmp_dir: Path) -> None:
    try:
        if pq.read_schema(path).equals(schema, check_metadata=False):
            return
    except (OSError, pa.ArrowInvalid):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, tmp_dir) as tmp:
        write_table([], schema, tmp)


PROGRESS_FILE = "_articles"  # articles staged so far, for anyone watching a long batch


def staged_articles(wh: Path) -> int:
    """Articles processed by batches still being written (0 when no run is going)."""
    total = 0
    for f in staging_dir(wh).glob(f"*/{PROGRESS_FILE}"):
        try:
            total += int(f.read_text() or 0)
        except (OSError, ValueError):
            pass
    return total


class StagedBatch:
    """A batch's tables written into its staging folder a chunk at a time, so a worker holds at
    most about one row group per table however many articles the batch has. Rows arrive as
    dicts, become Arrow at once (far smaller than the dicts) and reach disk in row groups of
    ``ROW_GROUP_ROWS``. Nothing is visible to readers until ``commit_batch`` renames the folder.
    """

    def __init__(self, wh: Path, batch_id: str, row_group_rows: int = ROW_GROUP_ROWS):
        self.path = staging_dir(wh) / batch_id
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        self.row_group_rows = row_group_rows
        self._pending: dict[str, list[pa.Table]] = {n: [] for n in schemas.BATCH_TABLES}
        self._pending_rows: dict[str, int] = dict.fromkeys(schemas.BATCH_TABLES, 0)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.articles = 0

    def add(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Queue rows of one table; full row groups go to disk."""
        if rows:
            self.add_arrow(name, pa.Table.from_pylist(rows, schema=schemas.BATCH_TABLES[name]))

    def add_arrow(self, name: str, table: pa.Table) -> None:
        """Queue an Arrow table of one table's rows (cast to its schema); full groups go to disk."""
        if not table.num_rows:
            return
        schema = schemas.BATCH_TABLES[name]
        if not table.schema.equals(schema):
            table = table.select(schema.names).cast(schema)
        if name == "articles":
            self.articles += table.num_rows
            (self.path / PROGRESS_FILE).write_text(f"{self.articles}\n")
        self._pending[name].append(table)
        self._pending_rows[name] += table.num_rows
        if self._pending_rows[name] >= self.row_group_rows:
            self._flush(name)

    def _flush(self, name: str) -> None:
        if not self._pending[name]:
            return
        table = pa.concat_tables(self._pending[name])
        self._pending[name], self._pending_rows[name] = [], 0
        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = pq.ParquetWriter(
                self.path / f"{name}.parquet", schemas.BATCH_TABLES[name], compression="zstd")
        writer.write_table(table, row_group_size=self.row_group_rows)

    def close(self) -> Path:
        """Write what is left (an empty file for an empty table) and flush it all to disk."""
        for name, schema in schemas.BATCH_TABLES.items():
            self._flush(name)
            writer = self._writers.pop(name, None)
            if writer is None:
                write_table([], schema, self.path / f"{name}.parquet")
            else:
                writer.close()
                _fsync_file(self.path / f"{name}.parquet")
        (self.path / PROGRESS_FILE).unlink(missing_ok=True)
        for extra in self.path.iterdir():
            if extra.suffix != ".parquet":
                _fsync_file(extra)
        _fsync_dir(self.path)
        return self.path


def stage_batch(wh: Path, batch_id: str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a batch's tables into its staging folder; nothing is visible to readers yet."""
    staged = StagedBatch(wh, batch_id)
    for name, rows in tables.items():
        staged.add(name, rows)
    return staged.close()


REPLACES_FILE = "REPLACES"  # in a compacted batch: the batch folders whose live rows it holds
COMPACTED_SUFFIX = "-compact"


def replaced_batches(wh: Path, names: list[str] | None = None) -> set[str]:
    """Batches superseded by a committed compacted batch (their folders may linger after a crash
    between the compaction's commit and its clean-up; they are never read again)."""
    names = names if names is not None else [e.name for e in os.scandir(batches_dir(wh))]
    out: set[str] = set()
    for name in names:
        if name.endswith(COMPACTED_SUFFIX):
            try:
                out.update((batches_dir(wh) / name / REPLACES_FILE).read_text().split())
            except OSError:
                # which batches it replaces is unknown: hide the compacted batch itself rather
                # than show its rows twice; corrupt_batches reports it and a run quarantines it
                out.add(name)
    return out


def committed_batches(wh: Path) -> list[str]:
    """The committed batch folders, listed once: a batch folder appears by an atomic rename, and
    a compacted batch hides the ones it replaces in the same rename, so one listing is a
    consistent snapshot of the warehouse."""
    names = [e.name for e in os.scandir(batches_dir(wh))
             if e.is_dir() and not e.name.startswith(".")]
    gone = replaced_batches(wh, names)
    return sorted(n for n in names if n not in gone)


def drop_replaced(wh: Path) -> int:
    """Delete the folders of batches a compaction replaced; returns how many were removed."""
    gone = replaced_batches(wh)
    n = 0
    for name in gone:
        d = batches_dir(wh) / name
        if d.is_dir():
            shutil.rmtree(d)
            n += 1
    return n


def commit_batch(wh: Path, batch_id: str) -> Path:
    """Publish a staged batch with one atomic rename."""
    src = staging_dir(wh) / batch_id
    dst = batches_dir(wh) / batch_id
    os.rename(src, dst)
    _fsync_dir(batches_dir(wh))
    return dst


def _parquet_problem(path: Path) -> str | None:
    """Why a Parquet file cannot be read (its footer and schema), or None."""
    try:
        pq.read_metadata(path)
        return None
    except FileNotFoundError:
        return "missing"
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"


def corrupt_batches(wh: Path) -> dict[str, str]:
    """Committed batches (and run records) whose Parquet files cannot be read: a truncated or
    overwritten file makes every view over the warehouse fail. Checks each file's footer, which
    is where truncation and overwrites show; returns {batch folder or runs/<file>: reason}."""
    out: dict[str, str] = {}
    for e in os.scandir(batches_dir(wh)):
        if e.name.endswith(COMPACTED_SUFFIX) and e.is_dir():
            try:
                (Path(e.path) / REPLACES_FILE).read_text()
            except OSError as exc:
                out[e.name] = f"{REPLACES_FILE} unreadable ({exc.strerror or exc}): the batches it " \
                              "replaces are unknown"
    for b in committed_batches(wh):
        for name in schemas.BATCH_TABLES:
            if (why := _parquet_problem(batches_dir(wh) / b / f"{name}.parquet")) is not None:
                out[b] = f"{name}.parquet: {why}"
                break
    for f in sorted(runs_dir(wh).glob("*.parquet")):
        if (why := _parquet_problem(f)) is not None:
            out[f"runs/{f.name}"] = why
    return out


def quarantine_corrupt(wh: Path) -> dict[str, str]:
    """Move unreadable batches and run records to ``quarantine/`` (kept for inspection, out of
    every view). The input files a batch held drop out of the ledger with it, so this run
    processes them again from the raw folder. Returns what was moved and why."""
    bad = corrupt_batches(wh)
    if not bad:
        return bad
    dest = wh / QUARANTINE
    dest.mkdir(exist_ok=True)
    stamp = now_utc().strftime("%Y%m%dT%H%M%S")
    for name in bad:
        src = wh / name if name.startswith("runs/") else batches_dir(wh) / name
        os.replace(src, dest / f"{Path(name).name}.{stamp}")
    _fsync_dir(batches_dir(wh))
    return bad


def clear_staging(wh: Path) -> int:
    """Remove what crashed runs left half-written; returns how many folders were dropped."""
    d = staging_dir(wh)
    if not d.exists():
        return 0
    n = 0
    for child in d.iterdir():
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        n += 1
    return n


def keep_traceback(wh: Path, run_id: str, exc: BaseException) -> Path:
    """Append an exception's whole traceback (a worker's included: concurrent.futures chains
    it as the cause) to ``logs/<run_id>.log``, so the one-line message people see loses
    nothing. Returns the file's path."""
    import traceback

    path = wh / LOGS / f"{run_id}.log"
    try:
        path.parent.mkdir(exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {now_utc():%Y-%m-%d %H:%M:%S} UTC\n")
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass  # a full disk: the message is still printed and recorded in runs
    return path


@dataclass
class RunRecord:
    """One row of the runs table (schemas.RUNS), as a run fills it in."""

    run_id: str
    started_at: datetime
    raw: str
    model: str
    status: str = "running"  # running | completed | failed | interrupted | crashed
    finished_at: datetime | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    files_missing: int = 0
    files_reprocessed: int = 0
    files_pruned: int = 0
    stale_articles: int = 0
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    words: int = 0
    wall_seconds: float | None = None
    error: str | None = None

    def update(self, **values: Any) -> None:
        """Set several fields at once; a name that is not a field is an error, not a new key."""
        for name, value in values.items():
            if name not in self.__dataclass_fields__:
                raise AttributeError(f"RunRecord has no field {name!r}")
            setattr(self, name, value)

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in schemas.RUNS.names}


def write_run(wh: Path, row: RunRecord | dict[str, Any]) -> None:
    """Write or replace a run's record atomically."""
    if isinstance(row, RunRecord):
        row = row.row()
    with replacing(runs_dir(wh) / f"{row['run_id']}.parquet", staging_dir(wh)) as tmp:
        write_table([row], schemas.RUNS, tmp)


def mark_crashed_runs(wh: Path) -> list[str]:
    """Runs still marked 'running' while we hold the lock died without finishing: say so."""
    crashed = []
    for f in sorted(runs_dir(wh).glob("*.parquet")):
        if f.name.startswith(SCHEMA_BATCH):
            continue
        try:
            rows = pq.read_table(f).to_pylist()
        except (OSError, pa.ArrowInvalid):
            continue
        for row in rows:
            if row["status"] == "running":
                row["status"] = "crashed"
                row["error"] = "the run process ended before the run finished"
                write_run(wh, row)
                crashed.append(row["run_id"])
    return crashed


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
