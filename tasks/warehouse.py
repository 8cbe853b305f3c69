"""Publish step: the DuckDB database of views over the committed Parquet files."""

from __future__ import annotations

import logging
from pathlib import Path

from tasks.sql import load_sql, statements

DB_NAME = "news.duckdb"
log = logging.getLogger(__name__)


def db_path(wh: Path) -> Path:
    return wh / DB_NAME


def view_statements(wh: Path) -> list[str]:
    """sql/views.sql with the warehouse folder filled in."""
    root = str(wh.resolve()).replace("'", "''")
    return [s.replace("{root}", root) for s in statements(load_sql("views.sql"))]


def publish_views(wh: Path) -> bool:
    """(Re)create the views in news.duckdb. Returns False, with a warning, when an analyst's open
    connection holds the file: the views read Parquet globs, so they already show the new data."""
    import duckdb

    try:
        con = duckdb.connect(str(db_path(wh)))
    except duckdb.IOException as exc:
        log.warning("views not refreshed, %s is in use: %s", db_path(wh), exc)
        return False
    try:
        for stmt in view_statements(wh):
            con.execute(stmt)
    finally:
        con.close()
    return True
