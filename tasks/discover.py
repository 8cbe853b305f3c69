"""Discover step: walk the raw folder and decide which files are new, changed or unchanged."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tasks import rawfs
from tasks.rawfs import RawLocation
from tasks.readers import is_supported
from tasks.store import LedgerEntry


@dataclass
class FileWork:
    """One input file to process (or to record as failed/skipped)."""

    path: str  # relative to the raw folder, '/'-separated
    size: int = 0
    mtime_ns: int = 0
    content_hash: str | None = None  # known when discovery had to hash it
    error: str | None = None  # set when the file could not even be stat'ed
    skip_reason: str | None = None  # unsupported type, directory link, ...
    change: str = "new"  # new | changed | retry | reprocess


@dataclass
class Plan:
    """What a run will do: the work list and the counts that go into the runs table."""

    work: list[FileWork] = field(default_factory=list)
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    reprocess: int = 0
    missing: list[str] = field(default_factory=list)


def hash_file(path: Path, chunk: int = 1 << 20) -> str:
    """Content hash of a local file's bytes (blake2b, 128 bits)."""
    return rawfs.hash_file(path.parent, path.name, chunk)


def hash_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def walk(raw: RawLocation) -> list[FileWork]:
    """Every file under raw (hidden names skipped), links to files followed, links to folders not."""
    if rawfs.is_url(raw):
        return [FileWork(rel, size=size, mtime_ns=mtime,
                         skip_reason=None if is_supported(rel) else "unsupported file type")
                for rel, size, mtime in rawfs.list_url(str(raw))]
    found: list[FileWork] = []
    for dirpath, dirnames, filenames in os.walk(raw, followlinks=False):
        base = Path(dirpath)
        dirnames.sort()
        for d in list(dirnames):
            if d.startswith("."):
                dirnames.remove(d)
            elif (base / d).is_symlink():
                rel = (base / d).relative_to(raw).as_posix()
                found.append(FileWork(rel, skip_reason="link to a folder, not followed"))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = base / name
            rel = full.relative_to(raw).as_posix()
            try:
                st = full.stat()
            except OSError as exc:
                found.append(FileWork(rel, error=f"cannot stat file: {exc.strerror or exc}"))
                continue
            fw = FileWork(rel, size=st.st_size, mtime_ns=st.st_mtime_ns)
            if not stat.S_ISREG(st.st_mode):
                fw.error = "not a regular file (a pipe, socket or device), not read"
            elif not is_supported(name):
                fw.skip_reason = "unsupported file type"
            found.append(fw)
    found.sort(key=lambda f: f.path)
    return found


def plan(raw: RawLocation, ledger: dict[str, LedgerEntry], retry_failed: bool = False,
         reprocess: Callable[[str], bool] | None = None) -> Plan:
    """Compare the raw folder with the ledger: new and changed files become work, and so do
    files the ``reprocess`` predicate selects (and failed ones with ``retry_failed``)."""
    p = Plan()
    files = walk(raw)
    p.seen = len(files)
    present = set()
    for fw in files:
        present.add(fw.path)
        old = ledger.get(fw.path)
        if old is None or old.status == "deleted":
            fw.change = "new"
            p.new += 1
            p.work.append(fw)
            continue
        if reprocess is not None and reprocess(fw.path):
            fw.change = "reprocess"
            p.reprocess += 1
            p.work.append(fw)
            continue
        if fw.error is None and fw.skip_reason is None and (
            fw.size != old.size or fw.mtime_ns != old.mtime_ns
        ):
            try:
                fw.content_hash = rawfs.hash_file(raw, fw.path)
            except OSError as exc:
                fw.error = f"cannot read file: {exc.strerror or exc}"
        if fw.error is not None:
            same = old.status == "failed"  # still unreadable: nothing new to record
        else:
            same = fw.content_hash is None or fw.content_hash == old.content_hash
        if same and not (retry_failed and old.status == "failed"):
            p.unchanged += 1
            continue
        fw.change = "retry" if same else "changed"
        p.changed += 1
        p.work.append(fw)
    p.missing = missing_paths(present, ledger)
    return p


def missing_paths(present: set[str], ledger: dict[str, LedgerEntry]) -> list[str]:
    """Paths the warehouse holds that are no longer in the raw folder (pruned ones excepted)."""
    return sorted(path for path, e in ledger.items() if path not in present and e.status != "deleted")


MIN_BATCH_BYTES = 64 * 1024
GZIP_FACTOR = 4  # a gzipped file is counted at this many times its size


def _estimate(fw: FileWork) -> int:
    return fw.size * (GZIP_FACTOR if fw.path.lower().endswith(".gz") else 1)


def batch_target(work: list[FileWork], max_bytes: int, processes: int) -> int:
    """Bytes per batch: at most max_bytes, and small enough that every worker gets about four
    batches, so the last batch of a run does not leave the other workers idle for long."""
    total = sum(_estimate(fw) for fw in work)
    return min(max_bytes, max(MIN_BATCH_BYTES, total // max(1, 4 * processes)))


def split_batches(work: list[FileWork], target_bytes: int) -> list[list[FileWork]]:
    """Group files, in path order, into batches of about target_bytes of text."""
    batches: list[list[FileWork]] = []
    cur: list[FileWork] = []
    cur_bytes = 0
    for fw in work:
        est = _estimate(fw)
        if cur and cur_bytes + est > target_bytes:
            batches.append(cur)
            cur, cur_bytes = [], 0
        cur.append(fw)
        cur_bytes += est
    if cur:
        batches.append(cur)
    return batches
