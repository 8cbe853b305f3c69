"""Publish step and read access: DuckDB views (sql/views.sql, analysis.sql, search.sql) over the Parquet.

news.duckdb holds the views over an explicit list of the committed batch files (absolute paths),
rewritten after every batch commit, so the DuckDB CLI or any client can open it from any working
directory and always reads a consistent snapshot; a moved warehouse is right again after its next
run. ``news-etl query`` does not depend on that file: it lists the batches once and builds the same
views for the warehouse's current location in an in-memory connection, which locks nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

from tasks.core import atomic
from tasks.core.atomic import replacing
from tasks.core.errors import NoWarehouse
from tasks.core.sql import load_sql, statements, substitute
from tasks.corpus.dedup import STORIES_FILE, story_table
from tasks.store import layout
from tasks.store.commit import committed_batches
from tasks.store.schemas import ADDED_TABLES

DB_NAME = layout.DB_NAME
VIEW_FILES = ("views.sql", "analysis.sql", "search.sql")
VIEWS_MARKER = "views.sha256"  # digest of the view SQL last written into news.duckdb
log = logging.getLogger(__name__)


def db_path(wh: Path) -> Path:
    return wh / DB_NAME


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def view_statements(wh: Path, batches: list[str] | None = None) -> list[str]:
    """The view definitions over one snapshot of committed batches."""
    root = wh.resolve()
    if batches is None:
        batches = committed_batches(wh)
    subs = {"{root}": str(root).replace("'", "''")}
    for table in layout.TABLES:
        files = [layout.table_file(root, b, table) for b in batches]
        if table in ADDED_TABLES:  # a batch from before the table existed, until backfilled
            files = [f for f in files if f.is_file()]
        subs[f"{{{table}_parquet}}"] = _sql_list([str(f) for f in files])
    subs["{cooccurrence_source}"] = "entity_cooccurrence_live"
    subs["{identity_source}"] = NO_IDENTITIES
    subs["{stories_source}"] = NO_STORIES
    subs["{article_meta_source}"] = "article_meta_live"
    subs["{quote_speakers_source}"] = "quote_speakers_live"
    if materialized_current(wh, batches):
        subs["{article_meta_source}"] = "read_parquet('" + str(
            root / AGGREGATES / ARTICLE_META_FILE).replace("'", "''") + "')"
        subs["{quote_speakers_source}"] = "read_parquet('" + str(
            root / AGGREGATES / QUOTE_SPEAKERS_FILE).replace("'", "''") + "')"
        subs["{cooccurrence_source}"] = "read_parquet('" + str(
            root / AGGREGATES / "entity_cooccurrence.parquet").replace("'", "''") + "')"
        subs["{identity_source}"] = "read_parquet('" + str(
            root / AGGREGATES / IDENTITY_FILE).replace("'", "''") + "')"
        subs["{stories_source}"] = "read_parquet('" + str(
            root / AGGREGATES / STORIES_FILE).replace("'", "''") + "')"
    runs = sorted(e.name for e in os.scandir(layout.runs_dir(wh)) if e.name.endswith(".parquet"))
    subs["{runs_parquet}"] = _sql_list([str(layout.runs_dir(root) / r) for r in runs])
    return [substitute(stmt, subs) for f in VIEW_FILES for stmt in statements(load_sql(f))]



AGGREGATES = layout.AGGREGATES
IDENTITY_FILE = "identity_names.parquet"


def _identity_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("name", pa.string()), ("identity", pa.string()), ("kind", pa.string()),
                      ("status", pa.string()), ("candidates", pa.list_(pa.string()))])
# Until a run has resolved identities for exactly the committed batches, every name is its own
# identity and its label says its kind (the views' coalesce): fewer merges, never a stale one.
NO_IDENTITIES = ("(select null::varchar as name, null::varchar as identity, null::varchar as kind, "
                 "null::varchar as status, null::varchar[] as candidates where false)")
ARTICLE_META_FILE = "article_meta.parquet"
QUOTE_SPEAKERS_FILE = "quote_speakers.parquet"
# Row groups of the aggregates a search looks a few rows up in (by a sorted key): small enough
# that the lookup skips most, big enough that a full scan (the corpus's size, a report) pays
# little per group. DuckDB's cost per group is high: at 37k articles, 128-row groups made the
# corpus statistics four times slower and the lookup no faster than one group of 37k.
LOOKUP_GROUP_ROWS = {"article_meta": 2_048, "identity_names": 4_096}
# Until a run has grouped the committed articles into stories, every article is its own story.
NO_STORIES = ("(select null::varchar as article_id, null::varchar as story_id, "
              "null::float as similarity where false)")
COOCCURRENCE_SCHEMA_FIELDS = (("entity_a", "string"), ("kind_a", "string"),
                              ("entity_b", "string"), ("kind_b", "string"),
                              ("articles", "int64"))


def _batches_digest(batches: list[str]) -> str:
    """What aggregates/ was computed from: the batch list, and the definitions that computed it
    (the analysis views, the name statistics and the identity rules), so an upgrade that changes
    any of them is never served an old table."""
    from tasks.corpus import identity
    from tasks.nlp import names

    h = hashlib.sha256("\n".join(sorted(batches)).encode())
    for text in (load_sql("analysis.sql"), load_sql("identity_stats.sql"),
                 Path(identity.__file__).read_text(encoding="utf-8"),
                 Path(names.__file__).read_text(encoding="utf-8")):  # tidy_name lives there
        h.update(b"\0" + text.encode())
    return h.hexdigest()


def materialized_current(wh: Path, batches: list[str]) -> bool:
    """Whether aggregates/ was computed from exactly these committed batches."""
    marker = wh / AGGREGATES / "batches.sha256"
    try:
        return marker.read_text().strip() == _batches_digest(batches) and \
            (wh / AGGREGATES / "entity_cooccurrence.parquet").is_file() and \
            (wh / AGGREGATES / IDENTITY_FILE).is_file() and \
            (wh / AGGREGATES / STORIES_FILE).is_file() and \
            (wh / AGGREGATES / ARTICLE_META_FILE).is_file() and \
            (wh / AGGREGATES / QUOTE_SPEAKERS_FILE).is_file()
    except OSError:
        return False


def identity_table(con: Any) -> Any:
    """Resolve every stored entity and speaker name to its corpus-level identity
    (tasks/corpus/identity.py) from the name statistics of the views in ``con``; an Arrow table."""
    import pyarrow as pa

    from tasks.corpus.identity import NameStats, resolve_identities

    rows = con.sql(load_sql("identity_stats.sql")).fetchall()
    resolved = resolve_identities(NameStats(*r) for r in rows)
    return pa.Table.from_pylist(
        [{"name": i.name, "identity": i.identity, "kind": i.kind, "status": i.status,
          "candidates": i.candidates} for i in resolved], schema=_identity_schema())


def materialize(wh: Path) -> float:
    """Compute the corpus-level tables from the committed batches and store them as Parquet
    (files renamed into place, then their batch-list marker): the identity of every name, and
    the co-occurrence table, so ``entity_cooccurrence`` reads a table instead of a self-join
    over every mention. Called by a run after its last commit and by
    ``compact``; until then, or after a crash in between, the view computes live. Returns
    seconds taken."""
    import time

    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.store.staging import ROW_GROUP_ROWS

    t0 = time.perf_counter()
    batches = committed_batches(wh)
    schema = pa.schema([pa.field(n, t) for n, t in COOCCURRENCE_SCHEMA_FIELDS])
    out_dir = wh / AGGREGATES
    out_dir.mkdir(exist_ok=True)
    # no DuckDB progress bar on the terminal in the middle of a run's own
    con = duckdb.connect(":memory:")
    con.execute("set enable_progress_bar = false")
    try:
        for stmt in view_statements(wh, batches):
            con.execute(stmt)
        # sorted by name in row groups a lookup of a search's twenty speakers mostly skips
        identities = identity_table(con).sort_by("name")
        with replacing(out_dir / IDENTITY_FILE) as tmp:
            pq.write_table(identities, tmp, compression="zstd",
                           row_group_size=LOOKUP_GROUP_ROWS["identity_names"])
        found = story_table(con, out_dir)
        with replacing(out_dir / STORIES_FILE) as tmp:
            pq.write_table(found, tmp, compression="zstd")
        # one small row per live article: what a search ranks and shows without the text
        meta = con.sql("select * from article_meta_live order by article_id").to_arrow_table()
        with replacing(out_dir / ARTICLE_META_FILE) as tmp:
            pq.write_table(meta, tmp, compression="zstd",
                           row_group_size=LOOKUP_GROUP_ROWS["article_meta"])
        # the co-occurrence below pairs identities: the views read the table just written
        con.register("identities_now", identities)
        con.execute("create or replace view identity_names as "
                    "select name, identity, kind, status, candidates from identities_now")
        # who said each quote, by identity, in big row groups: a speaker search scans it whole
        said = con.sql("select * from quote_speakers_live order by identity").to_arrow_table()
        with replacing(out_dir / QUOTE_SPEAKERS_FILE) as tmp:
            pq.write_table(said, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        reader = con.sql("select * from entity_cooccurrence_live "
                         "order by articles desc, entity_a, entity_b").arrow()
        with replacing(out_dir / "entity_cooccurrence.parquet") as tmp, \
                pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for rb in reader:
                writer.write_table(pa.Table.from_batches([rb]).cast(schema),
                                   row_group_size=ROW_GROUP_ROWS)
    finally:
        con.close()
    atomic.write_text(out_dir / "batches.sha256", _batches_digest(batches) + "\n")
    return time.perf_counter() - t0


_publish_lock = threading.Lock()


# views.sql's test of whether every row in the batch files is live (set by each connection)
ALL_LIVE = "coalesce(getvariable('news_etl_all_live'), false)"
STORAGE_VERSION = "v1.0.0"  # news.duckdb's format: DuckDB 1.0 and every later client reads it


def write_database(path: Path, stmts: list[str]) -> None:
    """A new DuckDB file at path holding the views, in the oldest storage format DuckDB 1.x reads,
    so the CLI and tools built on DuckDB 1.x (DBeaver, the duckdb-cli package) open it too."""
    import duckdb

    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"attach '{quoted}' as wh (storage_version '{STORAGE_VERSION}')")
        con.execute("use wh")
        for stmt in stmts:
            # another client never sets the variable, so it always takes the semi-join; stored
            # as a constant, the views need no getvariable (DuckDB 1.1) to open in 1.0 either
            con.execute(stmt.replace(ALL_LIVE, "false"))
        con.execute("checkpoint wh")
    finally:
        con.close()


def publish_views(wh: Path) -> bool:
    """Write news.duckdb with the views over the batches committed now, unless nothing changed.

    The new database is built beside the old one and renamed over it: no run ever holds a lock on
    the file analysts open, a client that opened the old file keeps a consistent snapshot, and the
    next connection sees the new one. Returns whether it rewrote the file."""

    with _publish_lock:
        stmts = view_statements(wh)
        digest = hashlib.sha256("\n;\n".join(stmts).encode()).hexdigest()
        marker = wh / VIEWS_MARKER
        if db_path(wh).exists() and marker.exists() and marker.read_text().strip() == digest:
            return False
        for old in wh.glob(f".{DB_NAME}.*.tmp*"):  # left by a process that died writing one
            old.unlink(missing_ok=True)
        with replacing(db_path(wh)) as tmp:
            try:
                write_database(Path(tmp), stmts)
            finally:
                Path(f"{tmp}.wal").unlink(missing_ok=True)
        atomic.write_text(marker, digest + "\n")
    return True


def is_warehouse(wh: Path) -> bool:
    """Initialised: the empty seed tables every view reads are all in place."""
    return layout.seed_run_file(wh).is_file() and all(
        layout.table_file(wh, layout.SCHEMA_BATCH, t).is_file() for t in layout.TABLES
        if t not in ADDED_TABLES)  # a warehouse from before a table existed gets its seed


def lock_down(con, folders: list[Path]) -> None:  # con: duckdb.DuckDBPyConnection
    """Let a connection touch these folders' files only: no other file (``read_text('/etc/
    shadow')``), no URL, no extension installed or loaded on demand (a ``read_parquet('http://
    ...')`` would fetch httpfs), and no statement that sets it back (the configuration is
    locked)."""
    allowed = sorted({os.path.join(str(p), "") for f in folders
                      for p in (Path(f).absolute(), Path(os.path.realpath(f)))})
    con.execute("set allowed_directories = $dirs", {"dirs": allowed})
    con.execute("set enable_external_access = false")
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute("set lock_configuration = true")


def connect(wh: Path, writable: Path | None = None):  # -> duckdb.DuckDBPyConnection
    """An in-memory DuckDB connection with every view over this warehouse's files, locked down
    to them (lock_down): a query, a search or the report reads the warehouse and nothing else.
    ``writable`` is one more folder it may use (an export's temporary folder)."""
    import duckdb

    if not is_warehouse(wh):
        raise NoWarehouse(f"no warehouse at {wh} (run `news-etl run` first)")
    try:  # a warehouse written before a schema change: bring its empty seed tables up to date
        from tasks.store.staging import refresh_seeds

        refresh_seeds(wh)
    except OSError:
        pass  # a read-only copy; views still work unless a column is missing
    con = duckdb.connect(":memory:")
    # every query re-reads the Parquet footers otherwise (some 0.1 s a search on a compacted
    # 37k-article warehouse, its tables in thousands of small row groups); a batch's files never
    # change in place, and DuckDB re-reads a footer whose file was replaced since
    con.execute("set parquet_metadata_cache = true")
    for stmt in view_statements(wh):
        con.execute(stmt)
    lock_down(con, [wh] + ([writable] if writable is not None else []))
    return con
