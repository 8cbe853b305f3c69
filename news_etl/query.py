"""Named queries (sql/queries/*.sql) and ad-hoc SQL against the warehouse, with output formats.

A named query file starts with header comments:
    -- name: top-people
    -- description: one line
    -- param: limit = 20        (a default; a param without one is required)
and uses its parameters as DuckDB named parameters ($limit).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasks.core.errors import NewsEtlError
from tasks.core.printable import printable_lines
from tasks.core.sql import SQL_DIR

QUERIES_DIR = SQL_DIR / "queries"
_PARAM = re.compile(r"^--\s*param:\s*(\w+)\s*(?:=\s*('(?:[^']|'')*'|[-\w.]+))?\s*(.*)$")


class QueryError(NewsEtlError, ValueError):
    """A problem with the user's query or parameters, shown without a traceback (exit 1)."""


@dataclass
class NamedQuery:
    name: str
    description: str
    sql: str
    params: dict[str, Any] = field(default_factory=dict)  # name -> default (None: required)
    param_help: dict[str, str] = field(default_factory=dict)


def parse_value(text: str) -> Any:
    """'20' -> 20, '0.5' -> 0.5, "'x'" or x -> 'x' (quotes optional on the command line)."""
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] == "'":
        return t[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    if re.fullmatch(r"-?\d+\.\d*", t):
        return float(t)
    return t


def load_named(path: Path) -> NamedQuery:
    name = path.stem
    description = ""
    params: dict[str, Any] = {}
    helps: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if not s.startswith("--"):
            if s:
                break
            continue
        if m := re.match(r"^--\s*name:\s*(\S+)", s):
            name = m.group(1)
        elif m := re.match(r"^--\s*description:\s*(.*)$", s):
            description = m.group(1).strip()
        elif m := _PARAM.match(s):
            params[m.group(1)] = parse_value(m.group(2)) if m.group(2) is not None else None
            helps[m.group(1)] = m.group(3).strip()
    return NamedQuery(name, description, path.read_text(encoding="utf-8"), params, helps)


def named_queries() -> dict[str, NamedQuery]:
    return {q.name: q for q in (load_named(p) for p in sorted(QUERIES_DIR.glob("*.sql")))}


def bind(query: NamedQuery, given: dict[str, str]) -> dict[str, Any]:
    """Defaults overridden by --param values; unknown or missing parameters are errors."""
    unknown = set(given) - set(query.params)
    if unknown:
        raise QueryError(f"{query.name} has no parameter {', '.join(sorted(unknown))} "
                         f"(it takes: {', '.join(query.params) or 'none'})")
    values = {k: parse_value(v) for k, v in given.items()}
    out = {k: values.get(k, d) for k, d in query.params.items()}
    missing = [k for k, v in out.items() if v is None]
    if missing:
        raise QueryError(f"{query.name} needs --param {missing[0]}=VALUE")
    return out


def parse_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            raise QueryError(f"--param takes key=value, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def resolve(text: str, params: dict[str, str]) -> tuple[str, dict[str, Any] | None]:
    """A named query's SQL and bound parameters, or ad-hoc SQL as given."""
    queries = named_queries()
    if text in queries:
        q = queries[text]
        return q.sql, bind(q, params)
    if re.fullmatch(r"[\w-]+", text.strip()):
        raise QueryError(f"no named query {text!r}; `news-etl query --list` shows them")
    if params:
        return text, {k: parse_value(v) for k, v in params.items()}
    return text, None


READ_ONLY_HINT = ("`query` and `shell` only read the warehouse: they run SELECT statements "
                  "(WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN included)")


def check_read_only(con: Any, sql: str) -> None:
    """Refuse any statement but a read: COPY ... TO, ATTACH, CREATE, DROP, SET, PRAGMA, INSTALL,
    EXPORT and the rest could write into the warehouse folder or change what other clients see.
    DuckDB parses the text, so no spelling, comment or second statement slips past."""
    import duckdb

    try:
        stmts = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    for stmt in stmts:
        kind = stmt.type
        if kind == duckdb.StatementType.EXPLAIN:
            inner = re.sub(r"^\s*explain\s+(analy[sz]e\s+)?", "", stmt.query, flags=re.I)
            if inner.strip() == stmt.query.strip():  # EXPLAIN in a form we do not parse
                raise QueryError(f"not allowed: {READ_ONLY_HINT}")
            check_read_only(con, inner)
            continue
        if kind != duckdb.StatementType.SELECT:
            raise QueryError(f"{kind.name} statements are not allowed: {READ_ONLY_HINT}")


def run(con: Any, sql: str, params: dict[str, Any] | None) -> Any:
    """Execute a read-only statement and return a polars DataFrame."""
    import duckdb

    check_read_only(con, sql)
    try:  # DuckDB binds in con.sql and executes in .pl(): an error can come from either
        rel = con.sql(sql, params=params) if params else con.sql(sql)
        if rel is None:
            import polars as pl

            return pl.DataFrame()
        return rel.pl()
    except duckdb.Error as exc:
        # a query's own refusal (error('...') in SQL) reads as its message alone
        raise QueryError(str(exc).removeprefix("Invalid Input Error: ")) from None


def write(df: Any, fmt: str, output: Path | None) -> None:
    """Print a readable table, or export csv/json/parquet to a file (csv/json also to stdout)."""
    import polars as pl

    if fmt == "table":
        with pl.Config(tbl_rows=200, tbl_cols=30, fmt_str_lengths=80, tbl_width_chars=200,
                       tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
            text = str(df)
        if output:
            _write_whole(output, (text + "\n").encode("utf-8"))
        else:
            print(printable_lines(text))  # data never drives the terminal
            print(f"({df.height} row{'s' if df.height != 1 else ''})")
        return
    if fmt == "parquet":
        if output is None:
            raise QueryError("--format parquet needs --output FILE")
        _write_whole(output, df.write_parquet)
        return
    if fmt == "csv":
        # CSV has no lists or structs: a list becomes its items joined by "; ", a struct JSON
        df = df.with_columns(_flat(c, t) for c, t in df.schema.items() if t.is_nested())
        text = df.write_csv()
    elif fmt == "json":
        text = df.write_json()
    else:
        raise QueryError(f"unknown format {fmt!r}")
    if output:
        _write_whole(output, text.encode("utf-8"))
    else:
        if sys.stdout.isatty():  # a pipe gets the data as it is; a terminal, visible escapes
            text = printable_lines(text.rstrip("\n"))
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _flat(name: str, dtype: Any) -> Any:
    """A nested column as CSV text: a list of plain values joined by '; ', a struct as JSON, a
    list of structs (a DuckDB MAP, such as files.record_kinds) as its items' JSON joined."""
    import polars as pl

    if isinstance(dtype, pl.Struct):
        return pl.col(name).struct.json_encode()
    Map = getattr(pl, "Map", None)  # noqa: N806  (Polars 2's MAP type, DuckDB's MAP read as it)
    if Map is not None and isinstance(dtype, Map):
        return pl.col(name).map.entries().list.eval(pl.element().struct.json_encode()
                                                    ).list.join("; ")
    inner = dtype.inner
    item = (pl.element().struct.json_encode() if isinstance(inner, pl.Struct)
            else pl.element().cast(pl.String))
    if isinstance(dtype, pl.Array):
        return pl.col(name).arr.to_list().list.eval(item).list.join("; ")
    return pl.col(name).list.eval(item).list.join("; ")


def _write_whole(output: Path, data: bytes | Callable[[Path], object]) -> None:
    """Write a result file whole or not at all (bytes, or a writer given the temporary path):
    a failed write leaves no truncated file."""
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            data(tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def list_text() -> str:
    lines = []
    for q in named_queries().values():
        params = " ".join(f"{k}" + (f"={v!r}" if v is not None else "") for k, v in q.params.items())
        lines.append(f"{q.name:22} {q.description}")
        if params:
            lines.append(f"{'':22}   params: {params}")
    return "\n".join(lines)


def columns_contract(wh: Path) -> dict[str, dict[str, list[str]]]:
    """Every view's and every named query's columns with their types ('name TYPE'): the
    contract analysts' queries rely on (tests/fixtures/columns.json pins it, docs/reference.md
    lists it). Named queries are bound with their defaults, and 'x' for a required parameter,
    without running them."""
    from tasks.store.views import connect

    con = connect(wh)
    try:
        names = [r[0] for r in con.sql("select view_name from duckdb_views() where not internal "
                                       "and schema_name = 'main' order by 1").fetchall()]
        out: dict[str, dict[str, list[str]]] = {"views": {}, "queries": {}}
        for v in names:
            rel = con.sql(f'select * from "{v}"')
            out["views"][v] = [f"{c} {t}" for c, t in zip(rel.columns, rel.types, strict=True)]
        for name, q in sorted(named_queries().items()):
            params = {k: ("x" if d is None else d) for k, d in q.params.items()}
            rel = con.sql(q.sql, params=params) if params else con.sql(q.sql)
            out["queries"][name] = [f"{c} {t}" for c, t in zip(rel.columns, rel.types, strict=True)]
        return out
    finally:
        con.close()
