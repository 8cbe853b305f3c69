"""SIGKILL a multi-batch run at different moments, again and again; after one clean run the
warehouse must equal that of a single uninterrupted run, and readers never see half a batch.
The corpus opens with a big JSON Lines file, read in parts: a run killed in the middle of it
keeps the parts it committed, and the next run reads only the others."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tasks.store import views
from tests.corpus import write_corpus
from tests.helpers import CLI, cli_env, run_pipeline

# runs the command in processes of its own, which talk to the session's Prefect harness
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

TABLES = {
    "articles": "source_path, record_index",
    "entities": "article_id, entity_index",
    "quotes": "article_id, quote_index",
    "files": "path",
}


def start(raw: Path, wh: Path, home: Path, processes: int, killed: bool = True
          ) -> subprocess.Popen:
    env = cli_env(home)
    # in the runs to be killed, news.duckdb is refreshed after every batch, so kills also land
    # in the middle of one (the runs that finish publish as a user's do: it adds ~10 s a run)
    publish = ["--publish-every-seconds", "0"] if killed else []
    return subprocess.Popen([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh),
                             "--batch-articles", "4", "--processes", str(processes), "--quiet",
                             *publish],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)


def committed(wh: Path) -> int:
    d = wh / "batches"
    return sum(1 for p in d.iterdir() if p.name != "0-schema") if d.is_dir() else 0


def recorded_runs(wh: Path) -> int:
    """Run records written so far: a new one appears once a run holds the lock and starts."""
    d = wh / "runs"
    return sum(1 for p in d.iterdir() if p.suffix == ".parquet") if d.is_dir() else 0


def snapshot(wh: Path) -> dict[str, list[tuple]]:
    con = views.connect(wh)
    try:
        out = {}
        for table, order in TABLES.items():
            drop = {"articles": "batch_id, processed_at", "files": "batch_id, processed_at, run_id"
                    }.get(table, "batch_id")
            out[table] = con.sql(f"select * exclude ({drop}) from {table} order by {order}").fetchall()
        return out
    finally:
        con.close()


def check_consistent(wh: Path) -> set[str]:
    """Readers see whole batches only; returns the batches holding parts of archive.jsonl."""
    if not views.is_warehouse(wh):
        return set()
    con = views.connect(wh)
    try:
        n, from_files, distinct = con.sql(
            "select (select count(*) from articles), (select coalesce(sum(articles), 0) from files),"
            " (select count(distinct article_id) from articles)").fetchall()[0]
        parts = {r[0] for r in con.sql(
            "select batch_id from file_parts where path = 'archive.jsonl'").fetchall()}
    finally:
        con.close()
    assert n == from_files == distinct
    return parts


def test_repeated_sigkill_then_clean_run_equals_uninterrupted_run(tmp_path):
    raw = tmp_path / "raw"
    n = 60  # 28 files and an archive of 32 read in eight parts (the suite's time budget)
    write_corpus(raw, n, archive=32)
    ref = tmp_path / "ref"
    # the reference: an uninterrupted run, here in the test's process (its batches the same)
    assert run_pipeline(raw, ref, batch_articles=4)["status"] == "completed"
    expected = snapshot(ref)
    assert len(expected["articles"]) == n and len(expected["quotes"]) > n
    total_batches = committed(ref)
    assert total_batches >= 8
    n_parts = len(check_consistent(ref))
    assert n_parts >= 8  # the archive's 32 articles were read in parts of about 4

    wh = tmp_path / "wh"
    rng = random.Random(20261128)
    # kill moments: once the run has recorded itself (start-up: recovery and planning), on the
    # first staged batch, and after k committed batches
    plans = [("startup", 0), ("staging", 0), ("after", 1), ("after", 3)]
    kills = 0
    kept: set[str] = set()  # archive parts committed by killed runs
    for round_no, (when, arg) in enumerate(plans):
        proc = start(raw, wh, tmp_path / "ph", processes=2 if round_no % 2 else 1)
        base = committed(wh)
        run_files = recorded_runs(wh)
        # a killed run's half-written batches stay in _staging until the next run clears them:
        # only a batch folder this run creates means it is staging
        stale = set(os.listdir(wh / "_staging")) if (wh / "_staging").is_dir() else set()
        deadline = time.time() + 120
        while proc.poll() is None and time.time() < deadline:
            if when == "startup" and recorded_runs(wh) > run_files:
                break
            staging = wh / "_staging"
            if when == "staging" and staging.is_dir() and any(
                    e.is_dir() and e.name not in stale for e in staging.iterdir()):
                break
            if when == "after" and committed(wh) >= base + arg:
                time.sleep(rng.uniform(0, 0.3))
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        kept |= check_consistent(wh)
    assert kills >= 3
    assert 0 < len(kept) < n_parts  # some runs died in the middle of the big file

    final = start(raw, wh, tmp_path / "ph", processes=2, killed=False)
    assert final.wait(timeout=600) == 0
    assert snapshot(wh) == expected
    assert check_consistent(wh) >= kept  # no part a killed run committed was read again
    con = views.connect(wh)
    statuses = [r[0] for r in con.sql("select status from runs order by started_at").fetchall()]
    con.close()
    assert statuses[-1] == "completed"
    assert statuses.count("crashed") >= 3  # killed runs are recorded as such, not forgotten
    # and with the articles they committed (they said 0): every article was stored by one run
    # exactly, so the runs' counts add up to the corpus
    con = views.connect(wh)
    assert con.sql("select sum(articles) from runs").fetchall() == [(n,)]
    assert con.sql("select count(*) from runs where status = 'crashed' and articles > 0"
                   ).fetchall()[0][0] >= 1
    con.close()
    assert not [e for e in (wh / "_staging").iterdir()]
