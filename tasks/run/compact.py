"""Compaction: merge many small committed batches into few large ones, atomically.

A run commits one batch folder per few hundred articles, so a warehouse fed hourly gathers
thousands of small Parquet files, and DuckDB pays per file and per row group on every scan.
Compaction rewrites consecutive small batches as one ``<id>-compact`` batch holding only their
live rows (row groups of ``staging.ROW_GROUP_ROWS``), with a REPLACES file naming the batches it
supersedes. The compacted folder appears by one rename, and the batch listing hides the
replaced folders from that instant, so readers see the old batches or the new one, never both
and never a part; the replaced folders are deleted afterwards (or by the next run or compaction
if this one is interrupted).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.core.sql import load_sql
from tasks.corpus import build, index
from tasks.store import commit, layout, lock, runs, schemas, staging, views

DEFAULT_TARGET_ROWS = 4_000_000  # entity rows per compacted batch (~60k articles)
# the tables a search reads a few rows of (the text of its best hits) arrive sorted by article
# and are flushed this many rows at a time, each flush in staging.LOOKUP_LAYOUT's small groups
SEARCHED_GROUP_ROWS = {"articles": 2_048, "quotes": 16_384}


@dataclass
class BatchStats:
    name: str
    rows: dict[str, int]
    row_groups: int


@dataclass
class CompactionReport:
    """What a compaction did, for the CLI and tests."""

    batches_before: int = 0
    batches_after: int = 0
    groups: list[list[str]] = field(default_factory=list)
    rows_dropped: dict[str, int] = field(default_factory=dict)
    row_groups_before: int = 0
    row_groups_after: int = 0
    seconds: float = 0.0


def batch_stats(wh: Path, name: str) -> BatchStats:
    """Row and row-group counts of one committed batch, from the Parquet footers only."""
    rows, groups = {}, 0
    for table in schemas.BATCH_TABLES:
        md = pq.ParquetFile(layout.table_file(wh, name, table)).metadata
        rows[table] = md.num_rows
        groups += md.num_row_groups
    return BatchStats(name, rows, groups)


def plan_groups(stats: list[BatchStats], target_rows: int) -> list[list[str]]:
    """Runs of consecutive batches to merge: each group's entity rows stay within target_rows,
    a batch already holding half the target stays as it is, and a group of one is no group."""
    groups: list[list[str]] = []
    cur: list[str] = []
    cur_rows = 0
    for st in stats:
        n = max(st.rows["entities"], st.rows["articles"])
        if n >= target_rows // 2 or (cur and cur_rows + n > target_rows):
            if len(cur) > 1:
                groups.append(cur)
            cur, cur_rows = [], 0
            if n >= target_rows // 2:
                continue
        cur.append(st.name)
        cur_rows += n
    if len(cur) > 1:
        groups.append(cur)
    return groups


def compact(wh: Path, target_rows: int = DEFAULT_TARGET_ROWS) -> CompactionReport:
    """Merge small batches under the warehouse lock (no run writes meanwhile)."""
    with lock.warehouse_lock(wh):
        return compact_locked(wh, target_rows)


def compact_locked(wh: Path, target_rows: int = DEFAULT_TARGET_ROWS, min_batches: int = 2,
                   aggregate: bool = True) -> CompactionReport:
    """Merge small batches; the caller holds the warehouse lock (`compact`, or a run merging
    what it leaves). Nothing is merged unless at least min_batches batches would be; with
    aggregate False the corpus-level tables are left to the caller, who recomputes them."""
    t0 = time.perf_counter()
    report = CompactionReport()
    staging.init_warehouse(wh)
    staging.clear_staging(wh)
    commit.drop_replaced(wh)
    index.backfill(wh)  # every batch has every table before they are merged
    names = [n for n in commit.committed_batches(wh) if n != layout.SCHEMA_BATCH]
    if len(names) < max(min_batches, 2):
        # fewer batches than would merge: nothing to plan (each batch's footers read for the
        # plan took 0.4 s of every run at a million articles, twice)
        report.batches_before = report.batches_after = len(names)
        report.row_groups_before = report.row_groups_after = -1  # (not counted)
        report.seconds = time.perf_counter() - t0
        return report
    stats = [batch_stats(wh, n) for n in names]
    report.batches_before = len(names)
    report.row_groups_before = sum(s.row_groups for s in stats)
    report.groups = plan_groups(stats, target_rows)
    if sum(len(g) for g in report.groups) < min_batches:
        report.groups = []
    by_name = {s.name: s for s in stats}
    sql = load_sql("compact.sql")
    sql_articles = load_sql("compact_articles.sql")
    for group in report.groups:
        new_id = runs.new_run_id() + commit.COMPACTED_SUFFIX
        staged = staging.StagedBatch(wh, new_id, group_rows=SEARCHED_GROUP_ROWS)
        # capped, spilling to a folder of its own: uncapped, merging 35 small batches at a
        # million articles peaked at 2.7 GB; under a run's cap at 1.55 GB (COMPACT_MEMORY_LIMIT)
        with views.capped_connection("compact", views.COMPACT_MEMORY_LIMIT) as con:
            for stmt in views.view_statements(wh):
                con.execute(stmt)
            # the batch ids whose rows these folders hold (a compacted folder holds many;
            # every live row of one batch id is in one folder)
            ids = [r[0] for r in con.sql(
                "select distinct batch_id from read_parquet($files)",
                params={"files": [str(layout.table_file(wh, b, "files"))
                                  for b in group]}).fetchall()]
            for table in schemas.BATCH_TABLES:
                kept = 0
                query = sql_articles if table == "articles" else sql.replace(
                    "{table}", "file_parts" if table == "files" else table).replace(
                    "{order}", ", ".join(staging.LOOKUP_LAYOUT.get(table, (["batch_id"],))[0]))
                reader = con.sql(query, params={"batches": ids}).arrow()
                for rb in reader:
                    staged.add_arrow(table, pa.Table.from_batches([rb]))
                    kept += rb.num_rows
                before = sum(by_name[b].rows[table] for b in group)
                report.rows_dropped[table] = report.rows_dropped.get(table, 0) + before - kept
        (staged.path / commit.REPLACES_FILE).write_text("\n".join(group) + "\n")
        staged.close()  # flushes the tables, REPLACES and the folder to disk
        commit.commit_batch(wh, new_id)  # the merged rows appear and the old batches go, at once
        views.publish_views(wh)
        commit.drop_replaced(wh)
    if report.groups and aggregate:  # same rows, new folder list: the aggregates follow
        build.materialize(wh)
        views.publish_views(wh)
    after = [n for n in commit.committed_batches(wh) if n != layout.SCHEMA_BATCH]
    report.batches_after = len(after)
    report.row_groups_after = sum(batch_stats(wh, n).row_groups for n in after) \
        if report.groups else report.row_groups_before
    report.seconds = time.perf_counter() - t0
    return report
