"""Replacing a file atomically, with one fsync discipline everywhere: write a temporary file
on the same filesystem, flush it to disk, rename it over the target, flush the folder. Readers
see the old file or the new one, never a part; a crash leaves at most a temporary file, which
is removed on failure and ignored otherwise (its name starts with a dot)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(final: Path, tmp_dir: Path | None = None) -> Iterator[Path]:
    """A temporary path to write; on leaving the block it replaces ``final`` atomically (or is
    removed, if the block raised). ``tmp_dir`` must be on final's filesystem."""
    tmp = (tmp_dir or final.parent) / f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(final.parent)


def write_text(final: Path, text: str) -> None:
    """Replace a small text file (a marker, a digest) atomically."""
    with replacing(final) as tmp:
        tmp.write_text(text, encoding="utf-8")
