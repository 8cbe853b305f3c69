"""Discover step: walk the raw folder and decide which files are new, changed or unchanged."""

from __future__ import annotations

import errno
import math
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tasks.core import rawfs
from tasks.core.rawfs import RawLocation
from tasks.core.status import KEPT_FILES, FileStatus
from tasks.ingest.formats import Span
from tasks.ingest.readers import is_supported, record_starts, splittable
from tasks.store.ledger import Ledger, LedgerEntry

# a run's summary lists this many of the missing files (files_missing counts them all)
MISSING_KEPT = 100


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
    fs_path: str | None = None  # the name on disk, when it is not valid UTF-8 (path is escaped)
    warning: str | None = None  # recorded with the file's row (e.g. the name was escaped)
    retryable: bool = False  # the error may pass (storage trouble): the next run tries again
    folder: bool = False  # an entry for a folder that could not be listed
    status: str | None = None  # a status decided at planning time ('deleted' for a folder row
    # whose folder can be listed again)
    # a part of a big record-stream file (see split_files): the split it belongs to, its number,
    # the split's cut points (record_index where parts 1.. start), its share of the records
    split_id: str | None = None
    part: int | None = None
    cuts: tuple[int, ...] = ()
    share: float = 1.0

    def span(self) -> Span | None:
        """The record_index range [from, to) this work covers; None for the whole file."""
        if self.part is None:
            return None
        bounds = (None, *self.cuts, None)
        return bounds[self.part], bounds[self.part + 1]

    def label(self) -> str:
        """The path, and which part of it this is, for messages."""
        if self.part is None:
            return self.path
        return f"{self.path} (part {self.part + 1} of {len(self.cuts) + 1})"


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
    unlisted: list[str] = field(default_factory=list)  # folders that could not be listed
    kept: int = 0  # files recorded before that could not be read now for a passing reason


def hash_file(path: Path, chunk: int = 1 << 20) -> str:
    """Content hash of a local file's bytes (blake2b, 128 bits)."""
    return rawfs.hash_file(path.parent, path.name, chunk)


FOLDER_FORMAT = "folder"
PATH_MAX = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096
NAME_WARNING = ("file name is not valid UTF-8; recorded with its undecodable bytes written as "
                "\\xNN escapes")


def safe_rel(rel: str) -> str:
    """A relative path as it is recorded: names that are not valid UTF-8 (old archives, Windows
    shares) keep their bad bytes as visible ``\\xNN`` escapes, the same on every run. A
    backslash in any name is written twice, so an escape never reads as a real name: the byte
    0xE9 is ``\\xe9`` and a name spelled backslash-x-e-9 is ``\\\\xe9`` (two files, two rows)."""
    try:
        rel.encode("utf-8")
        return rel.replace("\\", "\\\\")
    except UnicodeEncodeError:
        return os.fsencode(rel).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def _entry(rel: str, **kw: object) -> FileWork:
    path = safe_rel(rel)
    fw = FileWork(path, **kw)  # type: ignore[arg-type]
    if path != rel:
        fw.fs_path = rel
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            fw.warning = NAME_WARNING
    return fw


def walk(raw: RawLocation, follow_links: bool = False,
         exclude: Path | None = None) -> list[FileWork]:
    """Every entry under raw (hidden names skipped): files to read, and a row's worth of reason
    for everything else. Links are followed only inside the raw folder unless ``follow_links``;
    a folder that cannot be listed is an entry of its own (``folder=True``), never an absence;
    ``exclude`` (the warehouse, when it sits inside raw) is left out. Raises RawUnavailable when
    raw itself cannot be listed."""
    if rawfs.is_url(raw):
        return [FileWork(rel, size=size, mtime_ns=mtime, error=problem,
                         skip_reason=None if problem or is_supported(rel) else "unsupported file type")
                for rel, size, mtime, problem in rawfs.list_url(str(raw))]
    root = Path(raw)
    found: list[FileWork] = []
    excluded = os.path.realpath(exclude) if exclude is not None else None
    visited: set[str] = {os.path.realpath(root)}

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        if os.path.realpath(where) == os.path.realpath(root):
            raise rawfs.RawUnavailable(exc.errno or errno.EIO,
                                       f"cannot list the raw folder {root}: {exc.strerror or exc}")
        found.append(_entry(where.relative_to(root).as_posix(), folder=True, retryable=True,
                            error=f"cannot list folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links, onerror=unlistable):
        base = Path(dirpath)
        dirnames.sort()
        for d in list(dirnames):
            full = base / d
            if d.startswith("."):
                dirnames.remove(d)
                continue
            try:
                is_link = full.is_symlink()
            except OSError as exc:  # e.g. nested past PATH_MAX: one failed row, not the run
                dirnames.remove(d)
                found.append(_entry(full.relative_to(root).as_posix(), folder=True,
                                    retryable=rawfs.is_transient(exc),
                                    error=f"cannot list folder: {exc.strerror or exc}"
                                    + (f" (its path is over the system's limit of {PATH_MAX:,} "
                                       "bytes)" if exc.errno == errno.ENAMETOOLONG else "")))
                continue
            if excluded is not None and os.path.realpath(full) == excluded:
                dirnames.remove(d)  # the warehouse itself: our output, not input
            elif is_link:
                real = os.path.realpath(full)
                rel = full.relative_to(root).as_posix()
                if not follow_links:
                    dirnames.remove(d)
                    found.append(_entry(rel, skip_reason="link to a folder, not followed "
                                        "(--follow-links to read it)"))
                elif real in visited or not os.path.isdir(real):
                    dirnames.remove(d)
                    found.append(_entry(rel, skip_reason="link to a folder already read (a loop)"
                                        if real in visited else "dangling link to a folder"))
                else:
                    visited.add(real)
            elif follow_links:
                visited.add(os.path.realpath(full))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = base / name
            rel = full.relative_to(root).as_posix()
            try:
                st = full.stat()
            except OSError as exc:
                # a dangling link (ENOENT) or a loop says something about the file itself
                found.append(_entry(rel, error=f"cannot stat file: {exc.strerror or exc}",
                                    retryable=exc.errno != errno.ENOENT
                                    and rawfs.is_transient(exc)))
                continue
            fw = _entry(rel, size=st.st_size, mtime_ns=st.st_mtime_ns)
            if not stat.S_ISREG(st.st_mode):
                fw.error = rawfs.NOT_REGULAR
            elif not follow_links and full.is_symlink() and not rawfs.inside(root, full):
                fw.skip_reason = rawfs.LINK_OUTSIDE
            elif not is_supported(name):
                fw.skip_reason = "unsupported file type"
            found.append(fw)
    found.sort(key=lambda f: f.path)
    return found


def plan(raw: RawLocation, ledger: Mapping[str, LedgerEntry], retry_failed: bool = False,
         reprocess: Callable[[str], bool] | None = None, follow_links: bool = False,
         exclude: Path | None = None) -> Plan:
    """Compare the raw folder with the ledger: new and changed files become work, and so do
    files the ``reprocess`` predicate selects (and failed ones with ``retry_failed``, and those
    that failed for a passing reason always). A file recorded before that cannot be read now
    for a passing reason keeps its rows; a folder that cannot be listed hides nothing: the
    files recorded under it are not missing."""
    recorded = Ledger.of(ledger)
    p = Plan()
    files = walk(raw, follow_links, exclude)
    p.seen = sum(1 for fw in files if not fw.folder)
    p.unlisted = [fw.path for fw in files if fw.folder]
    present = set()
    for fw in files:
        present.add(fw.path)
        old = ledger.get(fw.path)
        if old is None or old.status == FileStatus.DELETED:
            fw.change = "new"
            p.new += 1
            p.work.append(fw)
            continue
        if fw.folder:  # still unlistable: its failed row stands, or one is recorded now
            if old.status != FileStatus.FAILED:
                p.work.append(fw)
            continue
        if old.split_id is not None and (old.missing_parts or old.torn) and _resume(
                raw, fw, old, follow_links, p):
            continue
        if reprocess is not None and reprocess(fw.path):
            fw.change = "reprocess"
            p.reprocess += 1
            p.work.append(fw)
            continue
        _hash_if_touched(raw, fw, old, follow_links)
        if fw.error is not None and fw.retryable and old.status in KEPT_FILES:
            p.kept += 1  # unreadable for now: keep what was stored, look again next run
            p.unchanged += 1
            continue
        if fw.error is not None:
            same = old.status == FileStatus.FAILED  # still unreadable: nothing new to record
        else:
            same = fw.content_hash is None or fw.content_hash == old.content_hash
        if same and not (old.retryable or (retry_failed and old.status == FileStatus.FAILED)):
            p.unchanged += 1
            continue
        fw.change = "retry" if same else "changed"
        p.changed += 1
        p.work.append(fw)
    # folders that could not be listed before and now can: their rows give way to their files'
    for path in recorded.paths_where(present, format_is=FOLDER_FORMAT,
                                     status_is=FileStatus.FAILED):
        p.work.append(FileWork(path, folder=True, status=FileStatus.DELETED,
                               error="folder can be listed again; its files have their own rows"))
        present.add(path)
    p.missing = missing_paths(present, recorded, p.unlisted)
    return p


def _hash_if_touched(raw: RawLocation, fw: FileWork, old: LedgerEntry, follow_links: bool
                     ) -> None:
    """A readable file whose size or time differ from its record gets its content hash (it may
    hold the same bytes: touched, copied back); one that cannot be read now gets its error."""
    if fw.error is not None or fw.skip_reason is not None or fw.content_hash is not None or (
            fw.size == old.size and fw.mtime_ns == old.mtime_ns):
        return
    try:
        fw.content_hash = rawfs.hash_file(raw, fw.fs_path or fw.path, follow_links=follow_links)
    except rawfs.RawUnavailable:
        raise
    except OSError as exc:
        fw.error = f"cannot read file: {exc.strerror or exc}"
        fw.retryable = rawfs.is_transient(exc)


def _resume(raw: RawLocation, fw: FileWork, old: LedgerEntry, follow_links: bool,
            p: Plan) -> bool:
    """A file whose latest split a run left unfinished: when the file still has the contents its
    stored parts saw, the parts not stored become the work (the same cuts, so the parts fit);
    when it changed (or its parts disagree), the whole file is work again. False when it cannot
    be read now: the usual rules decide."""
    _hash_if_touched(raw, fw, old, follow_links)
    if fw.error is not None or fw.skip_reason is not None:
        return False
    p.changed += 1
    if old.torn or (fw.content_hash is not None and fw.content_hash != old.content_hash):
        fw.change = "changed"
        p.work.append(fw)
        return True
    p.work.extend(replace(fw, change="resume", split_id=old.split_id, part=k, cuts=old.cuts,
                          share=1 / (len(old.cuts) + 1)) for k in old.missing_parts)
    return True


def missing_paths(present: set[str], ledger: Mapping[str, LedgerEntry],
                  unlisted: list[str] | None = None) -> list[str]:
    """Paths the warehouse holds that are no longer in the raw folder (pruned ones excepted).
    Paths under a folder that could not be listed are not missing: nobody knows."""
    hidden = tuple(u.rstrip("/") + "/" for u in unlisted or [])
    return [path for path in Ledger.of(ledger).paths_where(present, status_not=FileStatus.DELETED)
            if not (hidden and path.startswith(hidden))]


MIN_BATCH_BYTES = 64 * 1024
GZIP_FACTOR = 4  # a gzipped file is counted at this many times its size


def _estimate(fw: FileWork) -> int:
    return int(fw.size * fw.share * (GZIP_FACTOR if fw.path.lower().endswith(".gz") else 1))


def batch_target(work: list[FileWork], max_bytes: int, processes: int) -> int:
    """Bytes per batch: at most max_bytes, and small enough that every worker gets about four
    batches, so the last batch of a run does not leave the other workers idle for long."""
    total = sum(_estimate(fw) for fw in work)
    return min(max_bytes, max(MIN_BATCH_BYTES, total // max(1, 4 * processes)))


def cut_points(starts: Iterable[int], per_part: int) -> tuple[list[int], int]:
    """Where to cut a file whose records start at ``starts`` into parts of per_part records: the
    record_index of each part's first record after the first part, and how many records there
    are. A remainder under half a part joins the last part, so no part exceeds 1.5 x per_part;
    one part is no cut at all."""
    cuts: list[int] = []
    n = total = 0
    for index in starts:
        if n == per_part:
            cuts.append(index)
            n = 0
        n += 1
        total += 1
    if cuts and n < per_part / 2:
        cuts.pop()
    return cuts, total


# a file is scanned for cut points only when its (estimated) text could hold 1.5 parts of articles
# this short: a smaller one cannot need cutting
MIN_ARTICLE_BYTES = 1_000


# a part of a file of short records holds at most this many times per_part records (its bytes,
# not its count, make a batch's work: 20k seven-word records cut by count made 241 batches of 83
# articles, a run of 263 s against 30 s for the same words in 100 records)
MAX_PART_RECORDS_FACTOR = 50


# records shorter than this on average are short (a headline, a brief, a social post): a part of
# per_part of them would be a batch of almost no text
SHORT_RECORD_BYTES = 250


def part_records(per_part: int, total: int, est_bytes: int, target_bytes: int | None) -> int:
    """Records per part of a file of ``total`` records and about ``est_bytes`` of text: per_part,
    or, when its records are short (SHORT_RECORD_BYTES), as many as make target_bytes (at most
    MAX_PART_RECORDS_FACTOR times per_part)."""
    if target_bytes is None or total <= 0 or est_bytes <= 0 or \
            est_bytes / total >= SHORT_RECORD_BYTES:
        return per_part
    fit = int(target_bytes / (est_bytes / total))
    return max(per_part, min(fit, MAX_PART_RECORDS_FACTOR * per_part))


def split_files(work: list[FileWork], raw: RawLocation, per_part: int, split_id: str,
                follow_links: bool = False, target_bytes: int | None = None) -> list[FileWork]:
    """The work with every big record-stream file (JSON Lines, WARC) cut into parts of about
    per_part articles, each read by its own batch: a file of any size then costs at most one
    batch when a run dies, and keeps every worker busy. With ``target_bytes``, a file of short
    records is cut into parts of about that many bytes instead (part_records). Cutting needs one
    cheap pass over the file (no parsing); a file that cannot be scanned stays whole and its
    batch says why."""
    out: list[FileWork] = []
    for fw in work:
        if (fw.part is not None or fw.error or fw.skip_reason or fw.status or fw.folder
                or not splittable(fw.path) or _estimate(fw) < 1.5 * per_part * MIN_ARTICLE_BYTES):
            out.append(fw)
            continue
        try:
            with rawfs.open_raw(raw, fw.fs_path or fw.path, follow_links) as f:
                starts = list(record_starts(f, fw.path))
            size = part_records(per_part, len(starts), _estimate(fw), target_bytes)
            cuts, total = cut_points(starts, size)
        except Exception:  # noqa: BLE001 - any trouble is the whole-file batch's to report
            cuts, total = [], 0
        if not cuts:
            out.append(fw)
            continue
        n_parts = len(cuts) + 1
        rest = total - size * len(cuts)  # the last part holds what the others leave
        out.extend(replace(fw, split_id=split_id, part=k, cuts=tuple(cuts),
                           share=(rest if k == n_parts - 1 else size) / total)
                   for k in range(n_parts))
    return out


TARGET_BYTES_PER_ARTICLE = 3_000  # a batch of batch_articles articles is about this much text each


def batches_for(work: list[FileWork], raw: RawLocation, batch_articles: int, processes: int,
                split_id: str, follow_links: bool = False) -> list[list[FileWork]]:
    """A run's work in batches: the byte target (batch_target), big record streams cut into
    parts (split_files), files grouped (split_batches). One place, for the run and for
    benchmarks/plan.py."""
    target = batch_target(work, batch_articles * TARGET_BYTES_PER_ARTICLE, processes)
    parts = split_files(work, raw, max(1, target // TARGET_BYTES_PER_ARTICLE), split_id,
                        follow_links, target)
    return split_batches(parts, target)


def split_batches(work: list[FileWork], target_bytes: int) -> list[list[FileWork]]:
    """Group files, in path order, into batches of at most about target_bytes of text, as even
    as the files allow: as many batches as the target needs, each file in the batch its middle
    falls in. Filling each batch to the target instead left a last batch of what remained (100
    files of 10 KB in eight batches of 12 and one of 4), which one worker ran while the others
    had nothing to do. Each part of a split file is a batch of its own (with small files around
    it at most)."""
    total = sum(_estimate(fw) for fw in work)
    share = total / max(1, math.ceil(total / max(1, target_bytes)))
    batches: list[list[FileWork]] = []
    cur: list[FileWork] = []
    done = 0  # bytes of the files before this one
    cut = share  # where the current batch ends: the next multiple of share after its start (a
    # batch a split file's part began elsewhere ends at most about 1.5 shares later)
    cur_part = False  # whether cur holds a part of a split file (a flag, not a scan of cur:
    # that made planning 100k small files quadratic, 40 s)
    for fw in work:
        est = _estimate(fw)
        if cur and (done + est / 2 > cut or fw.part is not None and cur_part):
            batches.append(cur)
            cur, cur_part = [], False
            cut = (round(done / share) + 1) * share
        cur.append(fw)
        done += est
        cur_part = cur_part or fw.part is not None
    if cur:
        batches.append(cur)
    return batches
