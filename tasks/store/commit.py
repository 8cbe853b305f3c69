"""Committed batches: a staged batch published by one rename, the listing readers and the ledger
take as the warehouse's state (compacted batches hiding the ones they replace), and the check
that moves unreadable batches out of every view."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tasks.core.atomic import fsync_dir
from tasks.store.layout import ADDED_TABLES, QUARANTINE, TABLES, batches_dir, runs_dir, staging_dir


def commit_batch(wh: Path, batch_id: str) -> Path:
    """Publish a staged batch with one atomic rename."""
    src = staging_dir(wh) / batch_id
    dst = batches_dir(wh) / batch_id
    os.rename(src, dst)
    fsync_dir(batches_dir(wh))
    return dst


REPLACES_FILE = "REPLACES"  # in a compacted batch: the batch folders whose live rows it holds


COMPACTED_SUFFIX = "-compact"


def replaced_batches(wh: Path, names: list[str] | None = None) -> set[str]:
    """Batches superseded by a committed compacted batch (their folders may linger after a crash
    between the compaction's commit and its clean-up; they are never read again)."""
    names = names if names is not None else [e.name for e in os.scandir(batches_dir(wh))]
    out: set[str] = set()
    for name in names:
        if name.endswith(COMPACTED_SUFFIX):
            try:
                out.update((batches_dir(wh) / name / REPLACES_FILE).read_text().split())
            except OSError:
                # which batches it replaces is unknown: hide the compacted batch itself rather
                # than show its rows twice; corrupt_batches reports it and a run quarantines it
                out.add(name)
    return out


def committed_batches(wh: Path) -> list[str]:
    """The committed batch folders, listed once: a batch folder appears by an atomic rename, and
    a compacted batch hides the ones it replaces in the same rename, so one listing is a
    consistent snapshot of the warehouse."""
    names = [e.name for e in os.scandir(batches_dir(wh))
             if e.is_dir() and not e.name.startswith(".")]
    gone = replaced_batches(wh, names)
    return sorted(n for n in names if n not in gone)


def drop_replaced(wh: Path) -> int:
    """Delete the folders of batches a compaction replaced; returns how many were removed."""
    gone = replaced_batches(wh)
    n = 0
    for name in gone:
        d = batches_dir(wh) / name
        if d.is_dir():
            shutil.rmtree(d)
            n += 1
    return n


def _parquet_problem(path: Path) -> str | None:
    """Why a Parquet file cannot be read (its footer and schema), or None."""
    import pyarrow as pa  # here: a search lists the committed batches without pyarrow
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
        return None
    except FileNotFoundError:
        return "missing"
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"


def corrupt_batches(wh: Path) -> dict[str, str]:
    """Committed batches (and run records) whose Parquet files cannot be read: a truncated or
    overwritten file makes every view over the warehouse fail. Checks each file's footer, which
    is where truncation and overwrites show; returns {batch folder or runs/<file>: reason}."""
    out: dict[str, str] = {}
    for e in os.scandir(batches_dir(wh)):
        if e.name.endswith(COMPACTED_SUFFIX) and e.is_dir():
            try:
                (Path(e.path) / REPLACES_FILE).read_text()
            except OSError as exc:
                out[e.name] = f"{REPLACES_FILE} unreadable ({exc.strerror or exc}): the batches it " \
                              "replaces are unknown"
    for b in committed_batches(wh):
        for name in TABLES:
            path = batches_dir(wh) / b / f"{name}.parquet"
            if name in ADDED_TABLES and not path.exists():
                continue  # committed before the table existed: backfilled, not corrupt
            if (why := _parquet_problem(path)) is not None:
                out[b] = f"{name}.parquet: {why}"
                break
    for f in sorted(runs_dir(wh).glob("*.parquet")):
        if (why := _parquet_problem(f)) is not None:
            out[f"runs/{f.name}"] = why
    return out


def quarantine_corrupt(wh: Path) -> dict[str, str]:
    """Move unreadable batches and run records to ``quarantine/`` (kept for inspection, out of
    every view). The input files a batch held drop out of the ledger with it, so this run
    processes them again from the raw folder. Returns what was moved and why."""
    bad = corrupt_batches(wh)
    if not bad:
        return bad
    from tasks.store.runs import now_utc

    dest = wh / QUARANTINE
    dest.mkdir(exist_ok=True)
    stamp = now_utc().strftime("%Y%m%dT%H%M%S")
    for name in bad:
        src = wh / name if name.startswith("runs/") else batches_dir(wh) / name
        os.replace(src, dest / f"{Path(name).name}.{stamp}")
    fsync_dir(batches_dir(wh))
    return bad
