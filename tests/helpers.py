"""Helpers for pipeline tests: run the flow in-process and query the warehouse as a user would."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

from tasks.core.settings import RunOptions, Settings


def run_pipeline(raw: Path, wh: Path, processes: int = 1, batch_articles: int = 400,
                 **options: Any) -> dict[str, Any]:
    from flows.pipeline import run_flow

    settings = Settings.from_env(raw=raw, warehouse=wh, processes=processes,
                                 batch_articles=batch_articles, progress=False,
                                 follow_links=options.pop("follow_links", None),
                                 report=options.pop("report", False),  # test_report.py asks
                                 models=options.pop("models", None),
                                 compact_batches=options.pop("compact_batches", None),
                                 publish_every_seconds=options.pop("publish_every_seconds",
                                                                   None))
    return run_flow(settings, RunOptions(**options))


def query(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def table(wh: Path, name: str, order: str) -> list[tuple]:
    """A view's rows without the batch bookkeeping columns, for run-to-run comparisons."""
    drop = {"articles": "batch_id, processed_at", "files": "batch_id, processed_at, run_id"}
    return query(wh, f"select * exclude ({drop.get(name, 'batch_id')}) from {name} order by {order}")


CLI = Path(sys.executable).parent / "news-etl"


# The API of the session's Prefect test harness once a test has started it (conftest): command
# subprocesses talk to it rather than each starting a temporary server of its own, which costs
# some 15 s a process (importing Prefect's server, then waiting for it to come up).
SHARED_API: list[str] = []


def cli_env(prefect_home: Path, own_server: bool = False, report: bool = False) -> dict[str, str]:
    """Environment for a `news-etl` subprocess: its own Prefect home, and the session harness's
    API when one is up (a test that asks for ``prefect_harness``), else, or with ``own_server``,
    the temporary server a user's run starts, on a database already migrated (as a user's is
    after the first run). Runs write no HTML report unless asked."""
    env = dict(os.environ, PREFECT_HOME=str(prefect_home), NEWS_ETL_REPORT="1" if report else "0")
    env.pop("PREFECT_API_URL", None)
    if SHARED_API and not own_server:
        env["PREFECT_API_URL"] = SHARED_API[0]
    else:
        db = prefect_home / "prefect.db"  # Prefect's default database, in its home
        if not db.exists():
            prefect_home.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(prefect_db_template(), db)
    return env


def prefect_db_template() -> Path:
    """A Prefect database with every migration applied, made once per machine and Prefect
    version (under a lock: two xdist workers may ask at once). A server started on an empty
    database migrates it first, 15 s of CPU here: the session harness on each worker and
    every command run with a home of its own paid it."""
    import fcntl
    import subprocess

    import prefect

    from tests.conftest import PROJECT

    cache = PROJECT / ".pytest_cache"
    cache.mkdir(exist_ok=True)
    template = cache / f"prefect-{prefect.__version__}.db"
    with open(cache / "prefect-db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            part = template.with_suffix(".part")
            part.unlink(missing_ok=True)
            code = ("import asyncio; from prefect.server.database import "
                    "provide_database_interface as db; asyncio.run(db().create_db())")
            env = dict(os.environ,
                       PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{part}")
            made = subprocess.run([sys.executable, "-c", code], env=env, timeout=600,
                                  capture_output=True, text=True)
            if made.returncode != 0:
                raise RuntimeError("could not make the Prefect database the tests start on: "
                                   + (made.stderr.strip().splitlines() or ["no output"])[-1])
            part.rename(template)
    return template


def deny_listing(monkeypatch: Any, folder: str) -> Any:
    """Make every folder named ``folder`` unlistable (EACCES), as a permission-less share does;
    root reads everything, so the walk's own os.scandir is what refuses. Returns the real one."""
    import errno

    real_scandir = os.scandir

    def scandir(path: Any = ".", *a: Any, **kw: Any) -> Any:
        if os.fspath(path).rstrip("/").endswith(f"/{folder}"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path, *a, **kw)

    monkeypatch.setattr(os, "scandir", scandir)
    return real_scandir


def unmount_after(monkeypatch: Any, raw: Path, opens: int, elsewhere: Path) -> Any:
    """Move the raw folder away just before the ``opens``-th raw file is opened, as an NFS share
    that goes away mid-run. Returns the real rawfs.open_raw."""
    from tasks.core import rawfs

    real_open = rawfs.open_raw
    opened: list[str] = []

    def open_raw(location: Any, rel: str, follow_links: bool = False) -> Any:
        opened.append(rel)
        if len(opened) == opens:
            os.rename(raw, elsewhere)
        return real_open(location, rel, follow_links)

    monkeypatch.setattr(rawfs, "open_raw", open_raw)
    return real_open


def remove_deep(top: Path) -> None:
    """Remove a folder tree of any depth (one nested past PATH_MAX, which shutil.rmtree cannot,
    recursing) without long paths: down by descriptors, emptying each level on the way up."""
    import stat as st_

    fds = [os.open(top, os.O_RDONLY)]
    names: list[str] = []
    try:
        while True:
            fd, sub = fds[-1], None
            for name in os.listdir(fd):
                if st_.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                    sub = name
                    break
                os.unlink(name, dir_fd=fd)
            if sub is not None:
                fds.append(os.open(sub, os.O_RDONLY, dir_fd=fd))
                names.append(sub)
            elif len(fds) == 1:
                break
            else:
                os.close(fds.pop())
                os.rmdir(names.pop(), dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)
    os.rmdir(top)
