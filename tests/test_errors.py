"""One error hierarchy: each kind of failure exits with its documented code and one line, and
nothing is passed over silently (issue 12, item 4). In-process, no Prefect."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from news_etl.cli import main
from tasks.core.errors import NewsEtlError, NoWarehouse, RunFailed, UsageError, WarehouseBusy
from tasks.core.rawfs import LocationError
from tasks.store import commit, layout, lock, runs, schemas, staging
from tasks.store.lock import RunLocked


def test_the_hierarchy_gives_each_kind_its_exit_code():
    from news_etl.query import QueryError
    from tasks.core.settings import SettingsError

    assert issubclass(SettingsError, UsageError) and issubclass(LocationError, UsageError)
    assert issubclass(NoWarehouse, UsageError) and issubclass(NoWarehouse, FileNotFoundError)
    assert issubclass(RunLocked, WarehouseBusy)
    assert {cls.exit_code for cls in (UsageError, SettingsError, LocationError, NoWarehouse)} == {2}
    assert (WarehouseBusy.exit_code, RunFailed.exit_code, QueryError.exit_code) == (75, 1, 1)
    assert all(issubclass(c, NewsEtlError) for c in (QueryError, RunFailed, RunLocked))


def _last_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The message line; no traceback (DuckDB's own hint may follow a query error)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert err and not any("Traceback" in line for line in err), err
    assert len(err) == 1 or err[0].startswith("news-etl query: "), err
    return err[0]


def test_commands_exit_by_kind_with_one_line(tmp_path, capsys):
    nowhere = str(tmp_path / "nowhere")
    for argv in (["query", "select 1", "--warehouse", nowhere], ["shell", "--warehouse", nowhere],
                 ["compact", "--warehouse", nowhere]):
        assert main(argv) == 2, argv
        assert "no warehouse at" in _last_line(capsys)
    assert main(["eval", "quotes", str(tmp_path / "gold.jsonl")]) == 2
    assert "no gold file" in _last_line(capsys)
    assert main(["query"]) == 2
    assert "give SQL, a named query, or --list" in _last_line(capsys)
    assert main(["query", "top-peple"]) == 1
    assert "no named query 'top-peple'" in _last_line(capsys)
    wh = tmp_path / "wh"
    staging.init_warehouse(wh)
    with lock.warehouse_lock(wh):
        assert main(["compact", "--warehouse", str(wh)]) == 75
    assert "another news-etl run" in _last_line(capsys)
    assert main(["query", "select * from nowhere_table", "--warehouse", str(wh)]) == 1
    assert "nowhere_table" in _last_line(capsys)
    assert main(["query", "copy files to 'x.csv'", "--warehouse", str(wh)]) == 1
    assert "COPY statements are not allowed" in _last_line(capsys)


def test_an_unreadable_replaces_list_never_shows_rows_twice(tmp_path):
    wh = tmp_path / "wh"
    staging.init_warehouse(wh)
    for name in ("20261101-a", "20261101-b", "20261102-x-compact"):
        d = layout.batches_dir(wh) / name
        d.mkdir()
        for table, schema in schemas.BATCH_TABLES.items():
            pq.write_table(schema.empty_table(), d / f"{table}.parquet")
    (layout.batches_dir(wh) / "20261102-x-compact" / commit.REPLACES_FILE).mkdir()  # unreadable
    # which batches the compacted one replaces is unknown: it is hidden, the others stay
    assert commit.committed_batches(wh) == ["0-schema", "20261101-a", "20261101-b"]
    assert commit.corrupt_batches(wh) == {
        "20261102-x-compact": "REPLACES unreadable (Is a directory): the batches it replaces are "
                              "unknown"}
    moved = commit.quarantine_corrupt(wh)
    assert list(moved) == ["20261102-x-compact"]
    assert not (layout.batches_dir(wh) / "20261102-x-compact").exists()
    assert commit.corrupt_batches(wh) == {}


def test_tracebacks_are_kept_in_the_warehouse_log(tmp_path):
    wh = tmp_path / "wh"
    staging.init_warehouse(wh)

    def fail() -> None:
        raise OSError(5, "Input/output error")

    try:
        fail()
    except OSError as exc:
        path = runs.keep_traceback(wh, "run-1", exc)
    text = path.read_text()
    assert path == wh / "logs" / "run-1.log"
    assert "Traceback (most recent call last)" in text and "in fail" in text
    assert "OSError: [Errno 5] Input/output error" in text


def test_processes_left_by_a_killed_run_are_stopped_and_live_runs_kept(tmp_path):
    # issue 24: kill -9 of a run left Prefect's temporary server running (reparented to init),
    # one more per crash. A stand-in run marks itself as news-etl's run does and starts a
    # long-lived child (its "server"); killed with -9, the child lives on as an orphan, which
    # the next run's reap stops. A live run's child is left alone.
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    from tasks.run.interrupt import OWNER_VAR, reap_orphans

    run_code = ("import subprocess, sys, time\n"
                "from tasks.run.interrupt import mark_owner\n"
                "mark_owner()\n"
                "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
                "print(child.pid, flush=True)\n"
                "time.sleep(300)\n")
    runs = [subprocess.Popen([sys.executable, "-c", run_code], stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    killed, live = runs
    servers = [int(r.stdout.readline()) for r in runs]
    try:
        for pid in servers:  # each child carries its run's identity
            for _ in range(100):
                if OWNER_VAR in psutil.Process(pid).environ():
                    break
                time.sleep(0.05)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        assert psutil.Process(servers[0]).is_running()  # the orphan the issue found
        reaped = reap_orphans(grace=2)
        assert servers[0] in reaped and servers[1] not in reaped
        assert not psutil.pid_exists(servers[0]) or psutil.Process(servers[0]).status() == "zombie"
        assert psutil.Process(servers[1]).is_running() and live.poll() is None
    finally:
        for pid in servers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        live.kill()
        live.wait()
