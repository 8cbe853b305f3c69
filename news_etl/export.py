"""`news-etl export DIR`: the warehouse's live rows as plain Parquet, one file per table.

The batch folders are not a table another engine can read correctly: a changed file's older
batch still holds its superseded rows, and a prune's 'deleted' record hides rows without removing
them. The views resolve all that; an export writes what they show, from one snapshot of the
committed batches (every table sees the same batches, even while a run commits), into a folder
that appears whole by one rename. Polars, Spark, pandas or any Parquet reader then reads it
without knowing the batch layout.

``--format delta`` writes each table as a Delta Lake table instead (one folder per table, through
the ``deltalake`` package: ``pip install 'news-etl[delta]'``), for Spark and lakehouse tools; the
rows stream from DuckDB in record batches, so no table is held in memory whole.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tasks.errors import NewsEtlError

# The tables exported: the four a run writes, the run records, and each name's identity.
TABLES = ("articles", "entities", "quotes", "files", "runs", "identity_names")


class ExportError(NewsEtlError):
    """The export folder cannot be written (exit 1, one line)."""


FORMATS = ("parquet", "delta")


def export(wh: Path, out: Path, fmt: str = "parquet") -> dict[str, int]:
    """Write every table's live rows to out/<table>.parquet (or out/<table>/ as a Delta table);
    returns the row count per table.

    Refuses an out folder that exists and is not empty, so an export never mixes with an older
    one; a crash leaves only a hidden temporary folder beside out, never a partial out."""
    from tasks.warehouse import connect

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} ({' or '.join(FORMATS)})")
    write_delta = None
    if fmt == "delta":
        try:
            from deltalake import write_deltalake as write_delta
        except ImportError:
            raise ExportError("Delta Lake export needs the deltalake package: pip install "
                              "'news-etl[delta]' (or deltalake==1.6.6)") from None

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"{out} exists and is not empty: export into a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.export-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    con = connect(wh)  # the views over one listing of the committed batches
    counts = {}
    try:
        for table in TABLES:
            if write_delta is not None:
                write_delta(str(tmp / table), con.sql(f"select * from {table}").arrow())
            else:
                target = str(tmp / f"{table}.parquet").replace("'", "''")
                con.execute(f"copy (select * from {table}) to '{target}' (format parquet)")
            counts[table] = con.sql(f"select count(*) from {table}").fetchall()[0][0]
        if out.exists():
            out.rmdir()  # empty, checked above
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    return counts
