"""Staging: a batch's tables written chunk by chunk into ``staging/<batch>/``, invisible to
readers until commit.py renames the folder into ``batches/``; and the warehouse's folders and
empty schema seeds, which every view reads so that it finds each column before data has it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.core.atomic import fsync_dir, fsync_file, replacing
from tasks.store import schemas
from tasks.store.layout import (
    PROGRESS_FILE,
    SCHEMA_BATCH,
    SCHEMAS_MARKER,
    batches_dir,
    runs_dir,
    seed_run_file,
    seeds_stamp,
    staging_dir,
)

ROW_GROUP_ROWS = 131_072  # rows per Parquet row group in big tables (DuckDB reads 122,880-row
# vectors per thread; smaller groups cost per-group overhead on every scan)
# The postings of about 1,000 articles are sorted by term together (some 30 MB of Arrow at the
# most) and written in row groups whose min/max terms let a search skip all but a few.
POSTINGS_RUN_GROUPS = 4
POSTINGS_GROUP_ROWS = 16_384
# The tables a search reads a few rows of: each flush is sorted by its key and written in row
# groups small enough that a scan for some twenty hits (a join's pushed-down OR filter on the
# key) reads their groups alone: the text of twenty articles, not of every article in a file.
# Not smaller: DuckDB checks every group's statistics against the filter (some 6-13 us each),
# which at a million articles outweighs the text read. There, 128-row article groups (7,800)
# and 1,024-row quote groups (8,000) cost 0.05 and 0.15 s of CPU to find twenty hits; 256 and
# 4,096 halve and quarter the groups and made a search 0.03-0.07 s faster. With text that
# compresses as real text does, 256 rows read twenty articles no slower than 128 at 250k
# articles (512 did, by 0.01-0.02 s), and 4,096 quotes no slower than 1,024 at 2.4M quotes.
LOOKUP_LAYOUT: dict[str, tuple[list[str], int]] = {
    "postings": (["term"], POSTINGS_GROUP_ROWS),
    "articles": (["article_id"], 256),
    "quotes": (["article_id", "quote_index"], 4_096),
}


def write_table(rows: list[dict[str, Any]], schema: pa.Schema, path: Path) -> None:
    """Rows -> one Parquet file with the table's explicit schema, zstd, flushed to disk."""
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    fsync_file(path)


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
    for name, schema in schemas.BATCH_TABLES.items():
        _write_seed(seed / f"{name}.parquet", schema, staging_dir(wh))
    # last: it is what makes the folder a warehouse (views.is_warehouse), so a first set-up
    # killed half-way is no warehouse yet rather than one a reader must refuse as outdated
    _write_seed(seed_run_file(wh), schemas.RUNS, staging_dir(wh))
    mark_seeds(wh)


def mark_seeds(wh: Path) -> None:
    """Record what the seeds were written with (they must be current): a reader compares it
    with layout.SCHEMA_DIGEST instead of every seed's schema (no marker, or another stamp: it
    compares the schemas). Called by the writer, under the warehouse's lock."""
    marker = batches_dir(wh) / SCHEMA_BATCH / SCHEMAS_MARKER
    stamp = seeds_stamp(wh, schemas.digest())
    try:
        if marker.read_text() == stamp:
            return
    except OSError:
        pass
    with replacing(marker, staging_dir(wh)) as tmp:
        tmp.write_text(stamp)


def seeds_current(wh: Path) -> bool:
    """Whether the seed files carry this version's schemas (read only: a reader never upgrades
    a warehouse, the next run does, under its lock)."""
    seed = batches_dir(wh) / SCHEMA_BATCH
    wanted = [(seed_run_file(wh), schemas.RUNS)] + [
        (seed / f"{name}.parquet", schema) for name, schema in schemas.BATCH_TABLES.items()]
    try:
        return all(pq.read_schema(p).equals(s, check_metadata=False) for p, s in wanted)
    except (OSError, pa.ArrowInvalid):
        return False


def _write_seed(path: Path, schema: pa.Schema, tmp_dir: Path) -> None:
    try:
        if pq.read_schema(path).equals(schema, check_metadata=False):
            return
    except (OSError, pa.ArrowInvalid):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, tmp_dir) as tmp:
        write_table([], schema, tmp)




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

    def __init__(self, wh: Path, batch_id: str, row_group_rows: int = ROW_GROUP_ROWS,
                 group_rows: dict[str, int] | None = None):
        self.path = staging_dir(wh) / batch_id
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        self.row_group_rows = row_group_rows
        self.group_rows = group_rows or {}  # tables written in smaller row groups than that
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
        limit = self.group_rows.get(name, self.row_group_rows) * (
            POSTINGS_RUN_GROUPS if name == "postings" else 1)
        if self._pending_rows[name] >= limit:
            self._flush(name)

    def _flush(self, name: str) -> None:
        if not self._pending[name]:
            return
        table = pa.concat_tables(self._pending[name])
        self._pending[name], self._pending_rows[name] = [], 0
        group_rows = self.group_rows.get(name, self.row_group_rows)
        if name in LOOKUP_LAYOUT:  # sorted runs in small row groups: a search reads a few
            keys, group_rows = LOOKUP_LAYOUT[name]
            table = table.sort_by([(k, "ascending") for k in keys])
        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = pq.ParquetWriter(
                self.path / f"{name}.parquet", schemas.BATCH_TABLES[name], compression="zstd")
        writer.write_table(table, row_group_size=group_rows)

    def close(self) -> Path:
        """Write what is left (an empty file for an empty table) and flush it all to disk."""
        for name, schema in schemas.BATCH_TABLES.items():
            self._flush(name)
            writer = self._writers.pop(name, None)
            if writer is None:
                write_table([], schema, self.path / f"{name}.parquet")
            else:
                writer.close()
                fsync_file(self.path / f"{name}.parquet")
        (self.path / PROGRESS_FILE).unlink(missing_ok=True)
        for extra in self.path.iterdir():
            if extra.suffix != ".parquet":
                fsync_file(extra)
        fsync_dir(self.path)
        return self.path


def stage_batch(wh: Path, batch_id: str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a batch's tables into its staging folder; nothing is visible to readers yet."""
    staged = StagedBatch(wh, batch_id)
    for name, rows in tables.items():
        staged.add(name, rows)
    return staged.close()


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
