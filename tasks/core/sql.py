"""Load SQL text from the project's sql/ folder (every statement the project runs lives there)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any


def _sql_dir() -> Path:
    """The SQL folder: installed as the package data ``news_etl.sql``; a source checkout that is
    not installed at all (scripts run with sys.path pointing at it) reads ./sql beside tasks/."""
    try:
        from importlib.resources import files

        found = Path(str(files("news_etl.sql")))
        if (found / "views.sql").is_file():
            return found
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "sql"


SQL_DIR = _sql_dir()


@cache
def load_sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


_END = re.compile(r";[ \t]*(?:\n|$)")


def statements(sql: str) -> list[str]:
    """Split a file of statements, each ending with ';' at the end of a line (so a string may
    hold '; '), dropping comment-only pieces."""
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [part.strip() for part in _END.split(body) if part.strip()]


def run_script(con: Any, name: str, subs: dict[str, str] | None = None) -> None:
    """Run every statement of sql/<name> on con, with its {placeholders} filled in."""
    for stmt in statements(substitute(load_sql(name), subs) if subs else load_sql(name)):
        con.execute(stmt)


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def substitute(sql: str, subs: dict[str, str]) -> str:
    """Fill {placeholders} in one pass: a value (a warehouse path holding '{runs_parquet}') is
    never itself searched for placeholders."""
    return _PLACEHOLDER.sub(lambda m: subs.get(m.group(0), m.group(0)), sql)


def literal(value: object) -> str:
    """A string (a path) as a SQL string literal, for the places DuckDB takes no parameter: a
    view's read_parquet, COPY ... TO, ATTACH."""
    return "'" + str(value).replace("'", "''") + "'"


def literals(values: Iterable[object]) -> str:
    """Values as a comma-separated list of SQL string literals: a query names a few keys or
    files where a constant list lets DuckDB prune, or no parameter is taken."""
    return ", ".join(literal(v) for v in values)


def count_rows(con: Any, name: str) -> int:
    """Rows of a table or view in a DuckDB connection."""
    return int(con.sql(f"select count(*) from {name}").fetchall()[0][0])
