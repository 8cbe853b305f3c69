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
SIGNATURES_FILE = "signatures.parquet"  # in aggregates/ before story parts: folded into them
STORY_BANDS_FILE = "story_bands.parquet"  # in aggregates/ before story parts: folded into them
STORY_PARTS = "story_parts"  # in aggregates/: <token>.sig.parquet and <token>.bands.parquet
STORY_EDGES_FILE = "story_edges.parquet"  # in aggregates/: text pairs found to be one story
# in aggregates/: each copy's text and its story's first text, with the two's similarity
STORY_SIMILARITY_FILE = "story_similarity.parquet"
# in aggregates/: each batch folder's article keys and dates, a file a folder (tasks/corpus/keys.py)
ARTICLE_KEYS = "article_keys.2"
# in aggregates/: live articles counted by model and extractor version (sql/article_versions.sql)
ARTICLE_VERSIONS_FILE = "article_versions.parquet"
LINEAGE_PREFIX = "lineage."  # in aggregates/: what quote lineage folded and compared (a folder)
SCHEMA_BATCH = "0-schema"  # an empty batch that gives every view its columns before any data
SCHEMAS_MARKER = "schemas.sha256"  # in the schema batch: schemas.digest() of its seed files
SCHEMA_DIGEST = "f2bdcb244cd0ea82ac637bc7846a3c8c6a950bd80d32408aa63b0f72f619bc15"  # this version's
# the tables written once per batch, in the order a batch folder holds them (their schemas:
# tasks/store/schemas.BATCH_TABLES, kept to these names); named here, without pyarrow, so a
# search or a query that only lists files starts fast
TABLES: tuple[str, ...] = ("articles", "entities", "quotes", "files", "postings")
# tables a batch committed before they existed lacks; the next run (or compaction) writes them
# from the batch's own rows instead of calling the batch corrupt
ADDED_TABLES = frozenset({"postings"})


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


def seed_files(wh: Path) -> list[Path]:
    """The empty schema seeds: one per batch table, and the runs table's."""
    seed = batches_dir(wh) / SCHEMA_BATCH
    return [seed / f"{name}.parquet" for name in TABLES] + [seed_run_file(wh)]


def seeds_stamp(wh: Path, digest: str) -> str:
    """What the schema batch's marker holds: the schemas' digest and each seed file's size and
    modification time, so a seed rewritten since (by any version) no longer matches it."""
    stats = [p.stat() for p in seed_files(wh)]
    return "\n".join([digest, *(f"{s.st_size} {s.st_mtime_ns}" for s in stats)])
