"""The installed command in a subprocess, as a user runs it: a locked warehouse, a missing folder,
a regular install, serve's refusals (the sample corpus run as a user runs it, and its rerun: in
test_progress.py, on a terminal)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tasks.store.lock import warehouse_lock
from tests.conftest import PROJECT
from tests.helpers import CLI, cli_env

pytestmark = pytest.mark.slow  # runs the flow or the command in a process of its own


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = cli_env(tmp_path / "prefect-home", own_server=True, report=True)  # as a user runs it
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, timeout=600)


def test_second_run_on_a_locked_warehouse_exits_at_once(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "data" / "raw" / "sport", raw)
    wh = tmp_path / "wh"
    with warehouse_lock(wh):
        res = run_cli(["run", "--raw", str(raw), "--warehouse", str(wh)], tmp_path)
    assert res.returncode == 75
    assert f"another news-etl run (pid {os.getpid()}) is writing to" in res.stderr
    assert not (wh / "batches").exists()


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    res = run_cli(["run", "--raw", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w")],
                  tmp_path)
    assert res.returncode == 2
    assert "raw folder not found" in res.stderr


def test_a_regular_install_finds_its_sql_from_any_directory(tmp_path):
    """`pip install .` (not editable): sql/ travels as package data (news_etl/sql)."""
    import sys

    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(PROJECT)], check=True,
                   timeout=300)
    [wheel] = wheels.glob("news_etl-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    assert (target / "news_etl" / "sql" / "views.sql").is_file()
    assert (target / "news_etl" / "sql" / "report" / "overview.sql").is_file()
    code = ("import tasks.core.sql as s, news_etl.query as q; "
            f"assert s.__file__.startswith({str(target)!r}), s.__file__; "
            "print(len(s.statements(s.load_sql('views.sql'))), len(q.named_queries()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=elsewhere, env=dict(os.environ, PYTHONPATH=str(target)), timeout=120)
    assert out.returncode == 0, out.stderr
    n_views, n_queries = map(int, out.stdout.split())
    assert n_views >= 5 and n_queries == len(list((PROJECT / "sql" / "queries").glob("*.sql")))


def test_serve_without_a_server_or_with_a_bad_schedule_refuses_at_once(tmp_path):
    # it once warned, said it was serving, and never ran anything (and took 97 s to stop)
    import time

    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    for args, message in (
            (["--interval", "3600"], "serve needs a Prefect server"),
            (["--cron", "* * *"], "is not a cron schedule"),
            (["--interval", "nan"], "must be a number of seconds above 0")):
        started = time.monotonic()
        res = run_cli(["serve", "--raw", str(raw), "--warehouse", str(tmp_path / "wh"), *args],
                      tmp_path)
        assert time.monotonic() - started < 10
        assert res.returncode == 2, res.stderr
        assert message in res.stderr and len(res.stderr.strip().splitlines()) <= 3, res.stderr
        assert "Traceback" not in res.stderr
    assert not (tmp_path / "wh").exists()
