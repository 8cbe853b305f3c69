"""Where raw files come from: a local folder, or any URL PyArrow's filesystems open
(``s3://``, ``gs://``, ``hdfs://``, ``abfs://``), for runs on a cluster whose workers share
storage. Local folders (and ``file://`` URLs, which are local folders) keep the os-level walk
(links, FIFOs, unreadable files each get their own reason); a URL is walked and read through
``pyarrow.fs``. Every read re-checks what it opens: a regular file, inside the raw folder unless
links are followed on purpose, so a file swapped for a pipe or a device after planning cannot
block or flood a worker.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from tasks.core.errors import UsageError


class LocationError(UsageError):
    """A raw or warehouse location this tool cannot use."""


class RawUnavailable(OSError):
    """The raw folder itself is gone (unmounted, removed): the run cannot go on, and nothing
    about the files it could not read may be recorded as a property of those files."""


NOT_REGULAR = "not a regular file (a pipe, socket or device), not read"
LINK_OUTSIDE = "link to a file outside the raw folder, not followed (--follow-links to read it)"


class NotRegular(OSError):
    """Not a regular file (a pipe, socket or device): never read."""


class LinkOutside(NotRegular):
    """A link leading out of the raw folder, refused unless links are followed on purpose."""


# Errors that say the storage is unwell, not the file: the file stays retryable.
TRANSIENT_ERRNOS = frozenset(getattr(errno, n) for n in (
    "EIO", "ESTALE", "ENOTCONN", "ETIMEDOUT", "EHOSTDOWN", "EHOSTUNREACH", "ENETDOWN",
    "ENETUNREACH", "ECONNRESET", "ECONNABORTED", "EAGAIN", "EBUSY", "ENOENT", "ENOMEDIUM",
    "ENOLINK", "ECOMM", "EREMOTEIO") if hasattr(errno, n))


def is_transient(exc: OSError) -> bool:
    """Whether a read error may well go away by itself (a file vanishing mid-run counts)."""
    return exc.errno in TRANSIENT_ERRNOS


RawLocation = Path | str  # a local folder, or a URL (a str containing "://")


def is_url(location: RawLocation) -> bool:
    return isinstance(location, str) and "://" in location


def parse_location(value: str | Path) -> RawLocation:
    """A CLI or environment value as a location: URLs stay strings, the rest (and ``file://``
    URLs, which name a local folder) become Paths."""
    s = str(value)
    if s.startswith("file://"):
        return Path(unquote(urlparse(s).path))
    return s.rstrip("/") if "://" in s else Path(s)


def local_warehouse(value: str | Path) -> Path:
    """The warehouse must be a POSIX folder (atomic rename, fsync, flock): a plain path or a
    ``file://`` URL. Object stores have no atomic rename; mount shared storage instead."""
    location = parse_location(value)
    if is_url(location):
        scheme = urlparse(str(location)).scheme
        raise LocationError(f"warehouse {location}: needs a POSIX filesystem (atomic renames and "
                            f"locks); {scheme}:// is not one. Use a local or network-mounted folder "
                            "(NFS, EFS, Lustre) shared by the flow and its workers.")
    return Path(location)


def _fs(url: str):  # -> tuple[pyarrow.fs.FileSystem, str]
    from pyarrow import fs

    return fs.FileSystem.from_uri(url)


def exists(location: RawLocation) -> bool:
    """Whether the raw location is a folder that can be listed."""
    if not is_url(location):
        return Path(location).is_dir()
    from pyarrow import fs

    try:
        filesystem, base = _fs(str(location))
        return filesystem.get_file_info(base).type == fs.FileType.Directory
    except (OSError, ValueError):
        return False


def list_url(url: str) -> list[tuple[str, int, int, str | None]]:
    """(relative path, size, mtime_ns, problem) of every entry under a URL but folders, hidden
    names skipped; ``problem`` says why an entry that is not a plain file cannot be read."""
    from pyarrow import fs

    filesystem, base = _fs(url)
    out = []
    for info in filesystem.get_file_info(fs.FileSelector(base, recursive=True)):
        if info.type == fs.FileType.Directory:
            continue
        rel = info.path[len(base):].lstrip("/")
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        problem = None
        if info.type != fs.FileType.File:
            problem = f"not a regular file ({info.type.name.lower()} entry), not read"
        out.append((rel, info.size or 0, info.mtime_ns or 0, problem))
    out.sort()
    return out


def inside(root: Path, path: Path) -> bool:
    """Whether path, every link resolved, lies inside root (resolved too)."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


@contextmanager
def open_raw(location: RawLocation, rel: str, follow_links: bool = False) -> Iterator[BinaryIO]:
    """A raw file opened for reading, as stored (PyArrow would otherwise gunzip .gz files itself,
    and the readers want to see, and report, a corrupt gzip). A local file is opened without
    blocking and checked after opening (fstat), so a pipe or device swapped in after planning is
    refused, and so is a link out of the raw folder unless ``follow_links``. Raises
    RawUnavailable when the raw folder itself has gone."""
    if is_url(location):
        filesystem, base = _fs(str(location))
        try:
            f = filesystem.open_input_stream(f"{base}/{rel}", compression=None)
        except OSError:
            if not exists(location):
                raise RawUnavailable(errno.ENOENT, f"raw folder {location} is not reachable") from None
            raise
        with f:
            yield f
        return
    root = Path(location)
    path = root / rel
    if not follow_links and not inside(root, path):
        raise LinkOutside(errno.EPERM, LINK_OUTSIDE)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        if not root.is_dir():
            raise RawUnavailable(errno.ENOENT, f"raw folder {root} is gone") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, NOT_REGULAR)
        os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def hash_file(location: RawLocation, rel: str, chunk: int = 1 << 20,
              follow_links: bool = False) -> str:
    """Content hash of a raw file (blake2b, 128 bits), streamed."""
    h = hashlib.blake2b(digest_size=16)
    with open_raw(location, rel, follow_links) as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def display(location: RawLocation) -> str:
    """The location as recorded in runs.raw: a URL as given, a folder as an absolute path."""
    return str(location) if is_url(location) else str(Path(location).resolve())
