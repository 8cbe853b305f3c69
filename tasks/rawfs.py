"""Where raw files come from: a local folder, or any URL PyArrow's filesystems open
(``file://``, ``s3://``, ``gs://``, ``hdfs://``, ``abfs://``), for runs on a cluster whose
workers share storage. Local folders keep the os-level walk (links, FIFOs, unreadable files each
get their own reason); a URL is walked and read through ``pyarrow.fs``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlparse


class LocationError(ValueError):
    """A raw or warehouse location this tool cannot use."""


RawLocation = Path | str  # a local folder, or a URL (a str containing "://")


def is_url(location: RawLocation) -> bool:
    return isinstance(location, str) and "://" in location


def parse_location(value: str | Path) -> RawLocation:
    """A CLI or environment value as a location: URLs stay strings, the rest become Paths."""
    s = str(value)
    return s.rstrip("/") if "://" in s else Path(s)


def local_warehouse(value: str | Path) -> Path:
    """The warehouse must be a POSIX folder (atomic rename, fsync, flock): a plain path or a
    ``file://`` URL. Object stores have no atomic rename; mount shared storage instead."""
    s = str(value)
    if "://" not in s:
        return Path(s)
    u = urlparse(s)
    if u.scheme != "file":
        raise LocationError(f"warehouse {s}: needs a POSIX filesystem (atomic renames and locks); "
                         f"{u.scheme}:// is not one. Use a local or network-mounted folder "
                         "(NFS, EFS, Lustre) shared by the flow and its workers.")
    return Path(unquote(u.path))


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


def list_url(url: str) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file under a URL, hidden names skipped."""
    from pyarrow import fs

    filesystem, base = _fs(url)
    out = []
    for info in filesystem.get_file_info(fs.FileSelector(base, recursive=True)):
        if info.type != fs.FileType.File:
            continue
        rel = info.path[len(base):].lstrip("/")
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        out.append((rel, info.size or 0, info.mtime_ns or 0))
    out.sort()
    return out


def read_bytes(location: RawLocation, rel: str) -> bytes:
    """The bytes of one raw file, as stored (PyArrow would otherwise gunzip .gz files itself,
    and the readers want to see, and report, a corrupt gzip)."""
    if not is_url(location):
        return (Path(location) / rel).read_bytes()
    filesystem, base = _fs(str(location))
    with filesystem.open_input_stream(f"{base}/{rel}", compression=None) as f:
        return f.read()


def hash_file(location: RawLocation, rel: str, chunk: int = 1 << 20) -> str:
    """Content hash of a raw file (blake2b, 128 bits), streamed."""
    h = hashlib.blake2b(digest_size=16)
    if not is_url(location):
        with open(Path(location) / rel, "rb") as f:
            while block := f.read(chunk):
                h.update(block)
        return h.hexdigest()
    filesystem, base = _fs(str(location))
    with filesystem.open_input_stream(f"{base}/{rel}", compression=None) as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def display(location: RawLocation) -> str:
    """The location as recorded in runs.raw: a URL as given, a folder as an absolute path."""
    return str(location) if is_url(location) else str(Path(location).resolve())
