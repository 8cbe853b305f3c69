"""Publish step and read access: DuckDB views (sql/views.sql, sql/analysis.sql) over the Parquet.

news.duckdb holds the views with the warehouse's absolute path, so the DuckDB CLI or any client
can open it from any working directory; every run refreshes them, so a moved warehouse is right
again after its next run. ``news-etl query`` does not depend on that: it builds the same views
for the warehouse's current location in an in-memory connection, which locks nothing.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from tasks.sql import load_sql, statements

DB_NAME = "news.duckdb"
VIEW_FILES = ("views.sql", "analysis.sql")
VIEWS_MARKER = "views.sha256"  # digest of the view SQL last written into news.duckdb
log = logging.getLogger(__name__)


def db_path(wh: Path) -> Path:
    return wh / DB_NAME


def view_statements(wh: Path) -> list[str]:
    """The view definitions with the warehouse folder filled in."""
    root = str(wh.resolve()).replace("'", "''")
    return [s.replace("{root}", root) for f in VIEW_FILES for s in statements(load_sql(f))]


def publish_views(wh: Path) -> bool:
    """Create or refresh the views in news.duckdb when their definitions (or the warehouse's
    location) changed since the last publish; otherwise leave the file alone, so a run does not
    touch a database analysts may have open. Returns False, with a warning, when an analyst's
    connection holds the file: the views read Parquet globs, so they already show the new data."""
    import duckdb

    stmts = view_statements(wh)
    digest = hashlib.sha256("\n;\n".join(stmts).encode()).hexdigest()
    marker = wh / VIEWS_MARKER
    if db_path(wh).exists() and marker.exists() and marker.read_text().strip() == digest:
        return True
    try:
        con = duckdb.connect(str(db_path(wh)))
    except duckdb.IOException as exc:
        log.warning("views not refreshed, %s is in use: %s", db_path(wh), exc)
        return False
    try:
        for stmt in stmts:
            con.execute(stmt)
    finally:
        con.close()
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(digest + "\n")
    tmp.replace(marker)
    return True


def is_warehouse(wh: Path) -> bool:
    return (wh / "batches").is_dir()


def connect(wh: Path):  # -> duckdb.DuckDBPyConnection
    """An in-memory DuckDB connection with every view over this warehouse's files."""
    import duckdb

    if not is_warehouse(wh):
        raise FileNotFoundError(f"no warehouse at {wh} (run `news-etl run` first)")
    con = duckdb.connect(":memory:")
    for stmt in view_statements(wh):
        con.execute(stmt)
    return con
