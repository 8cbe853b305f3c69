"""Run records: one Parquet file per run in ``runs/``, replaced atomically as the run goes on,
runs that died marked crashed by the next one, and each run's tracebacks in ``logs/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks.core.atomic import replacing
from tasks.core.status import FileStatus, RunStatus
from tasks.store import schemas
from tasks.store.layout import LOGS, SCHEMA_BATCH, runs_dir, staging_dir
from tasks.store.staging import write_table


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_run_id() -> str:
    """Sortable, unique: UTC time to the microsecond plus the process id."""
    return now_utc().strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


@dataclass
class RunRecord:
    """One row of the runs table (schemas.RUNS), as a run fills it in."""

    run_id: str
    started_at: datetime
    raw: str
    model: str
    status: str = RunStatus.RUNNING  # tasks/core/status.py
    finished_at: datetime | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    files_missing: int = 0
    files_reprocessed: int = 0
    files_pruned: int = 0
    stale_articles: int = 0
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    words: int = 0
    wall_seconds: float | None = None
    error: str | None = None

    def update(self, **values: Any) -> None:
        """Set several fields at once; a name that is not a field is an error, not a new key."""
        for name, value in values.items():
            if name not in self.__dataclass_fields__:
                raise AttributeError(f"RunRecord has no field {name!r}")
            setattr(self, name, value)

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in schemas.RUNS.names}


def write_run(wh: Path, row: RunRecord | dict[str, Any]) -> None:
    """Write or replace a run's record atomically."""
    if isinstance(row, RunRecord):
        row = row.row()
    with replacing(runs_dir(wh) / f"{row['run_id']}.parquet", staging_dir(wh)) as tmp:
        write_table([row], schemas.RUNS, tmp)


def mark_crashed_runs(wh: Path) -> list[str]:
    """Runs still marked 'running' while we hold the lock died without finishing: say so."""
    crashed = []
    for f in sorted(runs_dir(wh).glob("*.parquet")):
        if f.name.startswith(SCHEMA_BATCH):
            continue
        try:
            rows = pq.read_table(f).to_pylist()
        except (OSError, pa.ArrowInvalid):
            continue
        for row in rows:
            if row["status"] == RunStatus.RUNNING:
                row["status"] = RunStatus.CRASHED
                row["error"] = "the run process ended before the run finished"
                row.update(committed_counts(wh, row["run_id"]))
                write_run(wh, row)
                crashed.append(row["run_id"])
    return crashed


def committed_counts(wh: Path, run_id: str) -> dict[str, int]:
    """What a run's committed batches hold (articles, entities, quotes, words, failed files),
    counted from the batches themselves: a run killed after a commit and before its record was
    written again still gets every row it stored. Its batches are named after it."""
    from tasks.store.commit import committed_batches
    from tasks.store.layout import table_file

    counts = {"articles": 0, "entities": 0, "quotes": 0, "words": 0, "files_failed": 0}
    for batch in committed_batches(wh):
        if not batch.startswith(f"{run_id}-"):
            continue
        try:
            for table in ("articles", "entities", "quotes"):
                path = table_file(wh, batch, table)
                if path.exists():
                    counts[table] += pq.ParquetFile(path).metadata.num_rows
            words = pq.read_table(table_file(wh, batch, "articles"), columns=["word_count"])
            counts["words"] += int(pc.sum(words.column("word_count")).as_py() or 0)
            files = pq.read_table(table_file(wh, batch, "files"), columns=["status"])
            counts["files_failed"] += files.column("status").to_pylist().count(FileStatus.FAILED)
        except (OSError, pa.ArrowInvalid, KeyError):
            continue  # an unreadable batch is the quarantine's business, not the count's
    return counts


def raw_locations(wh: Path) -> set[str]:
    """Every raw location (runs.raw) the warehouse's runs read: where its input lives."""
    found: set[str] = set()
    for f in sorted(runs_dir(wh).glob("*.parquet")):
        if f.name.startswith(SCHEMA_BATCH):
            continue
        try:
            found.update(r for r in pq.read_table(f, columns=["raw"]).column("raw").to_pylist()
                         if r)
        except (OSError, pa.ArrowInvalid, KeyError):
            continue
    return found


def keep_traceback(wh: Path, run_id: str, exc: BaseException) -> Path:
    """Append an exception's whole traceback (a worker's included: concurrent.futures chains
    it as the cause) to ``logs/<run_id>.log``, so the one-line message people see loses
    nothing. Returns the file's path."""
    import traceback

    path = wh / LOGS / f"{run_id}.log"
    try:
        path.parent.mkdir(exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {now_utc():%Y-%m-%d %H:%M:%S} UTC\n")
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass  # a full disk: the message is still printed and recorded in runs
    return path
