"""The installed command in a subprocess, as a user runs it: sample corpus, rerun, locked warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tasks.store import warehouse_lock
from tests.conftest import PROJECT
from tests.helpers import CLI, cli_env, query

pytestmark = pytest.mark.slow  # runs the flow or the command in a process of its own


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = cli_env(tmp_path / "prefect-home")
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, timeout=600)


def test_run_sample_corpus_then_rerun_does_nothing(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    wh = tmp_path / "wh"
    first = run_cli(["run", "--raw", str(raw), "--warehouse", str(wh)], tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    n_files = sum(1 for p in raw.rglob("*") if p.is_file())
    assert f"files: {n_files} seen, {n_files} new" in first.stdout
    assert "batch 1/1" in first.stderr  # progress lines
    articles = query(wh, "select count(*) from articles")[0][0]
    assert articles >= 14

    second = run_cli(["run", "--raw", str(raw), "--warehouse", str(wh)], tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"0 new, 0 changed, {n_files} unchanged" in second.stdout
    assert "rows:  0 articles" in second.stdout
    assert query(wh, "select count(*) from articles") == [(articles,)]
    assert query(wh, "select status, files_new from runs order by started_at") == [
        ("completed", n_files), ("completed", 0)]


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
