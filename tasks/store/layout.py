"""The warehouse folder's layout, named once: every module that reads or writes the warehouse
finds its places here.

  batches/<batch_id>/{articles,entities,quotes,files}.parquet  one committed batch each
  batches/0-schema/                empty tables that give every view its columns
  runs/<run_id>.parquet            one row per run, replaced in place
  _staging/<batch_id>/             batches being written (never read)
  aggregates/                      corpus-level tables (tasks/store/aggregates.py), their marker,
                                   and the stories' signature cache
  report.html                      the HTML report; pending-reprocess.json: a stopped rebuild
  quarantine/                      unreadable batches and run records, set aside by a run
  logs/<run_id>.log                tracebacks of failed runs and batches
  news.duckdb                      views over the above (sql/views.sql)
"""

from __future__ import annotations

from pathlib import Path

from tasks.store.schemas import BATCH_TABLES

BATCHES = "batches"
RUNS = "runs"
STAGING = "_staging"
AGGREGATES = "aggregates"
QUARANTINE = "quarantine"
LOGS = "logs"
DB_NAME = "news.duckdb"
REPORT_FILE = "report.html"  # the HTML report a run refreshes (tasks/report/page.py)
VIEWS_MARKER = "views.sha256"  # digest of the view SQL last written into news.duckdb
PENDING_FILE = "pending-reprocess.json"  # reprocess selections a stopped run left to do
PROGRESS_FILE = "_articles"  # in a staging folder: articles staged so far, for the progress bar
AGGREGATE_MARKER = "batches.sha256"  # in aggregates/: what the tables there were computed for
SIGNATURES_FILE = "signatures.parquet"  # in aggregates/: MinHash signatures by content hash
SCHEMA_BATCH = "0-schema"  # an empty batch that gives every view its columns before any data
TABLES: tuple[str, ...] = tuple(BATCH_TABLES)  # articles, entities, quotes, files


def batches_dir(wh: Path) -> Path:
    return wh / BATCHES


def runs_dir(wh: Path) -> Path:
    return wh / RUNS


def staging_dir(wh: Path) -> Path:
    return wh / STAGING


def table_file(wh: Path, batch: str, table: str) -> Path:
    """One table's Parquet file in one committed batch."""
    return wh / BATCHES / batch / f"{table}.parquet"


def seed_run_file(wh: Path) -> Path:
    return wh / RUNS / f"{SCHEMA_BATCH}.parquet"
