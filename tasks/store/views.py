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
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tasks.core import atomic
from tasks.core.atomic import replacing
from tasks.core.errors import NoWarehouse, WarehouseOutdated
from tasks.core.sql import literal, load_sql, statements, substitute
from tasks.store import aggregates, layout
from tasks.store.commit import committed_batches

DB_NAME = layout.DB_NAME
VIEW_FILES = ("views.sql", "analysis.sql", "search.sql")
VIEWS_MARKER = layout.VIEWS_MARKER
log = logging.getLogger(__name__)


def db_path(wh: Path) -> Path:
    return wh / DB_NAME


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(literal(p) for p in paths) + "]"


def view_statements(wh: Path, batches: list[str] | None = None,
                    article_keys: list[Path] | None = None) -> list[str]:
    """The view definitions over one snapshot of committed batches. ``article_keys``: the
    batches' keys files (tasks/corpus/keys.py, one a batch, in the same order), which the live
    sets and article_dates read instead of the articles files; a connection that outlives the
    run (news.duckdb, a reader's) reads the articles files, which no run removes under it."""
    root = wh.resolve()
    if batches is None:
        batches = committed_batches(wh)
    subs = {"{root}": str(root).replace("'", "''")}
    for table in layout.TABLES:
        files = [layout.table_file(root, b, table) for b in batches]
        if table in layout.ADDED_TABLES:  # a batch from before the table existed, until backfilled
            files = [f for f in files if f.is_file()]
        subs[f"{{{table}_parquet}}"] = _sql_list([str(f) for f in files])
    subs["{article_keys}"] = f"read_parquet({_sql_list([str(f) for f in article_keys])})" \
        if article_keys is not None else \
        f"read_parquet({subs['{articles_parquet}']}, union_by_name = true)"
    current = aggregates.current(wh, batches)
    for agg in aggregates.AGGREGATES:
        where = aggregates.path(root, agg.name)
        if agg.parts:  # the parts the writer left (none: no batch, and the live SQL reads none)
            parts = sorted(str(f) for f in where.glob("*.parquet")) if current else []
            subs[agg.placeholder] = f"read_parquet({_sql_list(parts)})" if parts else agg.live
            continue
        subs[agg.placeholder] = f"read_parquet({literal(str(where))})" if current else agg.live
    runs = sorted(e.name for e in os.scandir(layout.runs_dir(wh)) if e.name.endswith(".parquet"))
    subs["{runs_parquet}"] = _sql_list([str(layout.runs_dir(root) / r) for r in runs])
    return [substitute(stmt, subs) for f in VIEW_FILES for stmt in statements(load_sql(f))]



_publish_lock = threading.Lock()


# views.sql's test of whether every row in the batch files is live (set by each connection)
ALL_LIVE = "coalesce(getvariable('news_etl_all_live'), false)"
STATE_TABLE = "news_etl_state"  # in news.duckdb: what publish found (all_live)
PUBLISH_FORMAT = "news.duckdb-3"  # bump when write_database writes something new
STORAGE_VERSION = "v1.0.0"  # news.duckdb's format: DuckDB 1.0 and every later client reads it


LIVE_TABLES = ("live_parts", "live_articles")  # views.sql's stored live sets
# each batch's live articles as one value (tasks/corpus/parts.py's LIVE_SETS_TABLE), which a
# run's connection works out once and news.duckdb keeps with the live sets
LIVE_SETS_TABLE = "batch_live_sets"
# DuckDB's memory cap in a run's own connections (the views it publishes, the corpus-level
# tables), spilling to disk beyond it: unbounded, DuckDB takes up to 80% of the machine, and
# a run at a million articles peaked at 3.4 GB. NEWS_ETL_DUCKDB_MEMORY_LIMIT sets another
# ('2GB'; 'none' for DuckDB's own).
# The views alone are published under half of it: a run publishes them while its workers parse
# the next batches (at most every publish_every_seconds).
DEFAULT_MEMORY_LIMIT = "768MB"
PUBLISH_MEMORY_LIMIT = "384MB"
# A compaction's connection holds the live sets and every view's bound Parquet footers (770 MB
# of RSS at a million articles before it merges anything) and then sorts millions of postings:
# under the run's cap it peaked at 1.55 GB, the run's process tree at 2.1 GB; under this one
# at 1.16 GB, in the same time (the sort spills). A merge waits for nothing else in the run.
COMPACT_MEMORY_LIMIT = "384MB"


@contextmanager
def spill_folder(purpose: str) -> Iterator[Path]:
    """A folder of this process's own for DuckDB to spill into: DuckDB makes it only if it
    spills, and it is removed afterwards if it was made (two processes never share one)."""
    path = Path(tempfile.gettempdir()) / f"news-etl-{purpose}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        yield path
    finally:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def cap_memory(con: Any, spill: str | Path, default: str = DEFAULT_MEMORY_LIMIT) -> None:
    """Cap a run's DuckDB connection at NEWS_ETL_DUCKDB_MEMORY_LIMIT (else ``default``),
    spilling into ``spill``."""
    limit = os.environ.get("NEWS_ETL_DUCKDB_MEMORY_LIMIT", "").strip() or default
    if limit.lower() == "none":
        return
    con.execute("set memory_limit = $l", {"l": limit})
    con.execute("set temp_directory = $d", {"d": str(spill)})


@contextmanager
def capped_connection(purpose: str, limit: str = DEFAULT_MEMORY_LIMIT) -> Iterator[Any]:
    """An in-memory DuckDB connection for a run's own work: capped (cap_memory, ``limit``
    unless NEWS_ETL_DUCKDB_MEMORY_LIMIT says otherwise), spilling to a folder of its own
    (spill_folder), Parquet footers cached, no progress bar; closed, and its spill folder
    removed, on the way out."""
    import duckdb

    with spill_folder(purpose) as spill:
        con = duckdb.connect(":memory:")
        try:
            con.execute("set enable_progress_bar = false")
            con.execute("set parquet_metadata_cache = true")  # every binding reads footers once
            cap_memory(con, spill, limit)
            yield con
        finally:
            con.close()


def short_reason(exc: BaseException) -> str:
    """An error as one line, and what to do when DuckDB ran out of the memory a run gives it
    (its own message runs on for lines of SET advice the user cannot act on here)."""
    import duckdb

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if not isinstance(exc, duckdb.OutOfMemoryException):
        return first
    return (f"{first}: set NEWS_ETL_DUCKDB_MEMORY_LIMIT higher than the run's cap (e.g. 4GB), "
            "or to 'none'")


def write_database(path: Path, stmts: list[str], con: Any = None,
                   batches: list[str] | None = None, appending: list[str] | None = None) -> None:
    """A new DuckDB file at path holding the views, in the oldest storage format DuckDB 1.x reads,
    so the CLI and tools built on DuckDB 1.x (DBeaver, the duckdb-cli package) open it too.
    ``con``: a connection that already ran views.sql over the same batches (the corpus step's):
    its live sets are copied rather than derived again from every file's ledger rows (1.9 s of
    3.6 at a million articles), and its cached footers serve the views' binding; with the
    ``batches`` they were derived from, stored beside them, so the next run can start from them
    (tasks/corpus/build.py, previous_live_sets). ``appending``: path is a copy of the last
    file, whose live sets lack only these batches' rows (publish_views)."""
    if con is None:
        with capped_connection("publish", PUBLISH_MEMORY_LIMIT) as own:
            _write_views(own, path, stmts, reuse_live=False, batches=batches)
        return
    before = con.sql("select current_database()").fetchall()[0][0]
    try:
        _write_views(con, path, stmts, reuse_live=True, source=before, batches=batches,
                     appending=appending)
    finally:
        con.execute(f"use {before}")
        con.execute("detach wh")


def live_table_of(stmt: str) -> str | None:
    """The live set (LIVE_TABLES) a views.sql statement makes, if it makes one: the statements
    a connection holding its live sets already replaces."""
    return next((t for t in LIVE_TABLES if stmt.startswith(f"create or replace table {t} as")),
                None)


def _write_views(con: Any, path: Path, stmts: list[str], reuse_live: bool,
                 source: str = "memory", batches: list[str] | None = None,
                 appending: list[str] | None = None) -> None:
    """Attach path as wh and write the views there; ``reuse_live``: copy the live sets from
    the ``source`` database instead of deriving them (``appending``: only these batches' rows,
    into the copy of the last file that path is)."""
    con.execute(f"attach {literal(path)} as wh (storage_version '{STORAGE_VERSION}')")
    con.execute("use wh")
    if appending is not None:  # the last file's views and macros go: the statements make them
        for (name,) in con.sql("select view_name from duckdb_views() where database_name = "
                               "'wh' and not internal").fetchall():
            con.execute(f'drop view wh.main."{name}"')
        for name, kind in con.sql("select distinct function_name, function_type from "
                                  "duckdb_functions() where database_name = 'wh' and "
                                  "function_type in ('macro', 'table_macro')").fetchall():
            con.execute(f'drop {"macro table" if kind == "table_macro" else "macro"} '
                        f'wh.main."{name}"')
    for stmt in stmts:
        table = live_table_of(stmt)
        if table and reuse_live and appending is not None:
            con.execute(f"insert into wh.main.{table} select * from {source}.main.{table} "
                        "where batch_id in (select unnest($b::varchar[]))", {"b": appending})
            continue
        if table and reuse_live:
            con.execute(f"create table wh.main.{table} as select * from {source}.main.{table}")
            continue
        # another client never sets the variable, so it always takes the semi-join; stored
        # as a constant, the views need no getvariable (DuckDB 1.1) to open in 1.0 either
        con.execute(stmt.replace(ALL_LIVE, "false"))
    # whether every row in the files is live, as the statements found it: a news-etl
    # connection opening this file reads the files without the semi-join when it is
    con.execute(f"create or replace table {STATE_TABLE} as select "
                f"coalesce(getvariable('news_etl_all_live'), false) as all_live, "
                "$batches::varchar[] as batches", {"batches": batches})
    if reuse_live and batches is not None and con.sql(
            "select count(*) from duckdb_tables() where temporary and table_name = "
            f"'{LIVE_SETS_TABLE}'").fetchall()[0][0]:
        con.execute(f"create or replace table wh.main.{LIVE_SETS_TABLE} as select * from "
                    f"temp.main.{LIVE_SETS_TABLE}")
    con.execute("checkpoint wh")


def views_digest(stmts: list[str]) -> str:
    """What news.duckdb was published from: the statements, and the file's own format (a file
    an earlier version wrote, without the state table, is not current, so readers make the
    views in memory and the next run writes it again)."""
    return hashlib.sha256("\n;\n".join([PUBLISH_FORMAT, *stmts]).encode()).hexdigest()


def publish_views(wh: Path, con: Any = None, appending: list[str] | None = None) -> bool:
    """Write news.duckdb with the views over the batches committed now, unless nothing changed.

    The new database is built beside the old one and renamed over it: no run ever holds a lock on
    the file analysts open, a client that opened the old file keeps a consistent snapshot, and the
    next connection sees the new one. Returns whether it rewrote the file. ``con``: as for
    write_database (the caller holds the lock that keeps the batches as they were).
    ``appending``: the batches ``con``'s live sets added to the ones news.duckdb holds now (and
    nothing else changed): the new file starts as a copy of the old one and takes their rows,
    rather than every live row again (0.4 s at a million articles)."""

    with _publish_lock:
        batches = committed_batches(wh)
        stmts = view_statements(wh, batches)
        digest = views_digest(stmts)
        marker = wh / VIEWS_MARKER
        if db_path(wh).exists() and marker.exists() and marker.read_text().strip() == digest:
            return False
        for old in wh.glob(f".{DB_NAME}.*.tmp*"):  # left by a process that died writing one
            old.unlink(missing_ok=True)
        with replacing(db_path(wh)) as tmp:
            try:
                if appending is not None and con is not None and db_path(wh).is_file():
                    shutil.copyfile(db_path(wh), tmp)
                else:
                    appending = None
                write_database(Path(tmp), stmts, con, batches, appending)
            finally:
                Path(f"{tmp}.wal").unlink(missing_ok=True)
        atomic.write_text(marker, digest + "\n")
    return True


def is_warehouse(wh: Path) -> bool:
    """Initialised: the empty seed tables every view reads are all in place."""
    return layout.seed_run_file(wh).is_file() and all(
        layout.table_file(wh, layout.SCHEMA_BATCH, t).is_file() for t in layout.TABLES
        if t not in layout.ADDED_TABLES)  # a warehouse from before a table existed gets its seed


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


def check_readable(wh: Path) -> None:
    """A warehouse a reader can open: initialised, and its seed tables this version's (a reader
    never upgrades them; the next run does, so no read writes)."""
    if not is_warehouse(wh):
        raise NoWarehouse(f"no warehouse at {wh} (run `news-etl run` first)")
    try:  # the seeds say they carry this version's schemas: no need to load pyarrow to compare
        marker = layout.batches_dir(wh) / layout.SCHEMA_BATCH / layout.SCHEMAS_MARKER
        if marker.read_text() == layout.seeds_stamp(wh, layout.SCHEMA_DIGEST):
            return
    except OSError:
        pass
    from tasks.store.staging import seeds_current

    if not seeds_current(wh):
        raise WarehouseOutdated(f"the warehouse at {wh} was written by an earlier news-etl: "
                                "`news-etl run` upgrades it first (no article is processed "
                                "again for that)")


def _open_published(wh: Path, stmts: list[str]):  # -> duckdb.DuckDBPyConnection | None
    """news.duckdb opened read-only when it holds the views these statements make (its marker
    says so and it has the state table this version writes), else None."""
    import duckdb

    try:
        if (wh / VIEWS_MARKER).read_text().strip() != views_digest(stmts):
            return None
        con = duckdb.connect(str(db_path(wh)), read_only=True)
    except (OSError, duckdb.Error):
        return None  # no marker, or the file replaced or unreadable just now
    try:
        con.execute("set parquet_metadata_cache = true")
        all_live = con.sql(f"select all_live from {STATE_TABLE}").fetchall() == [(True,)]
        con.execute(f"set variable news_etl_all_live = {str(all_live).lower()}")
        if all_live:
            # every row live: the core views read their files as they are (temporary views
            # shadow the stored ones, and every stored view reads them)
            for stmt in stmts:
                if ALL_LIVE in stmt and stmt.startswith("create or replace view "):
                    con.execute(stmt.replace("create or replace view ",
                                             "create or replace temp view ", 1)
                                .replace(ALL_LIVE, "true"))
        lock_down(con, [wh])
    except duckdb.Error:  # written otherwise than the marker says: make the views instead
        con.close()
        return None
    return con


def connect(wh: Path, writable: Path | None = None):  # -> duckdb.DuckDBPyConnection
    """A DuckDB connection with every view over this warehouse's files, locked down to them
    (lock_down): a query, a search or the report reads the warehouse and nothing else.
    ``writable`` is one more folder it may use (an export's temporary folder).

    When news.duckdb holds the views of exactly the batches committed now (its marker is the
    digest of the statements they make), it is opened read-only: the live-row tables it stores
    are not computed again, which at a million articles is most of a search's time. Otherwise
    (a run committed since and has not published yet, a moved warehouse) the views are made anew in
    memory."""
    import duckdb

    check_readable(wh)
    stmts = view_statements(wh)
    if writable is None and (published := _open_published(wh, stmts)) is not None:
        return published
    con = duckdb.connect(":memory:")
    # every query re-reads the Parquet footers otherwise (some 0.1 s a search on a compacted
    # 37k-article warehouse, its tables in thousands of small row groups); a batch's files never
    # change in place, and DuckDB re-reads a footer whose file was replaced since
    con.execute("set parquet_metadata_cache = true")
    for stmt in stmts:
        con.execute(stmt)
    lock_down(con, [wh] + ([writable] if writable is not None else []))
    return con
