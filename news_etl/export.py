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
from typing import Any

from tasks.core.errors import NewsEtlError, UsageError

# The tables exported: the four a run writes (quotes with each speaker's corpus-level
# identity), the run records, each name's identity, and the corpus-level tables an analyst
# counts by (stories and copies, speakers, entities), so that counts made elsewhere from the
# export are the views' counts.
TABLES = ("articles", "entities", "quotes", "files", "runs", "identity_names", "article_stories",
          "stories", "speakers", "entity_summary")
# what each table is exported as, where that is more than the view itself
TABLE_SQL = {
    "quotes": "select q.*, coalesce(i.identity, q.speaker) as speaker_identity from quotes q "
              "left join identity_names i on i.name = q.speaker",
}


class ExportError(NewsEtlError):
    """The export folder cannot be written (exit 1, one line)."""


class ExportTargetError(ExportError, UsageError):
    """An export folder this command cannot use: one that would become input or warehouse
    data, a link, a file, a folder with files in it (exit 2: the argument is wrong)."""

    exit_code = 2


FORMATS = ("parquet", "delta")


def check_target(wh: Path, out: Path, raw_folders: list[Path]) -> None:
    """Refuse an export folder inside the warehouse (its batches/ would read it as a committed
    batch: every row counted twice) or inside a raw folder (the next run reads it as input)."""
    from tasks.core.rawfs import inside

    if inside(wh, out):
        raise ExportTargetError(f"{out} is inside the warehouse {wh}: its files would be read as "
                                "warehouse data (every row counted twice); export elsewhere")
    for raw in raw_folders:
        if inside(raw, out):
            raise ExportTargetError(f"{out} is inside the raw folder {raw}: the next run would "
                                    "read the export as input; export elsewhere")


def _modes(wh: Path, out: Path) -> tuple[int, int]:
    """(folder mode, file mode) for an export: an existing target keeps its own mode, and
    nothing created is wider than the warehouse folder (a private warehouse stays private)."""
    umask = os.umask(0)
    os.umask(umask)
    wh_mode = os.stat(wh).st_mode & 0o777
    dir_mode = (os.stat(out).st_mode & 0o7777 if out.is_dir()
                else 0o777 & ~umask & (wh_mode | 0o700))
    file_mode = 0o666 & ~umask & wh_mode
    return dir_mode, file_mode | 0o600


def _apply_modes(top: Path, dir_mode: int, file_mode: int) -> None:
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), file_mode)
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), dir_mode | 0o700)
    os.chmod(top, dir_mode)


def export(wh: Path, out: Path, fmt: str = "parquet",
           raw_folders: list[Path] | None = None) -> dict[str, int]:
    """Write every table's live rows to out/<table>.parquet (or out/<table>/ as a Delta table);
    returns the row count per table.

    Refuses an out folder that exists and is not empty, so an export never mixes with an older
    one; a crash leaves only a hidden temporary folder beside out, never a partial out. Refuses
    one inside the warehouse or any of ``raw_folders`` (check_target)."""
    from tasks.store.views import connect

    check_target(wh, out, list(raw_folders or []))

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} ({' or '.join(FORMATS)})")
    write_delta: Any = None
    if fmt == "delta":
        try:
            from deltalake import write_deltalake

            write_delta = write_deltalake
        except ImportError:
            raise ExportError("Delta Lake export needs the deltalake package: pip install "
                              "'news-etl[delta]' (or deltalake==1.6.6)") from None

    if out.is_symlink():  # renaming over a link would replace the link, not fill its folder
        raise ExportTargetError(f"{out} is a link" + ("" if out.exists() else
                                " to nothing") + "; give the folder itself (or a new path)")
    if out.exists() and not out.is_dir():
        raise ExportTargetError(f"{out} exists and is not a folder: export into a new folder")
    if out.exists() and any(out.iterdir()):
        raise ExportTargetError(f"{out} exists and is not empty: export into a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    dir_mode, file_mode = _modes(wh, out)
    tmp = out.parent / f".{out.name}.export-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700)  # private until its modes are set
    con = connect(wh, writable=tmp)  # the views over one listing of the committed batches
    counts = {}
    try:
        for table in TABLES:
            select = TABLE_SQL.get(table, f"select * from {table}")
            if write_delta is not None:
                write_delta(str(tmp / table), con.sql(select).arrow())
            else:
                target = str(tmp / f"{table}.parquet").replace("'", "''")
                con.execute(f"copy ({select}) to '{target}' (format parquet)")
            counts[table] = con.sql(f"select count(*) from ({select})").fetchall()[0][0]
        _apply_modes(tmp, dir_mode, file_mode)
        if out.exists():
            out.rmdir()  # empty, checked above
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    return counts
