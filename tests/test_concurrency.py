"""Readers and runs at the same time, in real separate processes, in both directions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tasks.store import views
from tests.helpers import CLI, cli_env, run_pipeline

# runs the command in processes of its own, which talk to the session's Prefect harness
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

NAMES = ["Helen Brandt", "Tomas Varga", "Miriam Okafor", "Daniel Reyes", "Agnes Whitlow"]


def write_corpus(raw: Path, n: int, offset: int = 0) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(offset, offset + n):
        who = NAMES[i % len(NAMES)]
        (raw / f"story-{i:03d}.txt").write_text(
            f"Story {i}\n\n{who} visited Port Alder on Monday to open project number {i}.\n\n"
            f"\u201cThis is a good day for the city,\u201d {who} said. Officials said that the "
            f"work would finish in {i % 12 + 1} months.\n\n"
            + "The council said the budget had been approved after a long debate in March. " * 12
            + "\n", encoding="utf-8")


@pytest.mark.usefixtures("prefect_harness")
def test_run_completes_while_an_analyst_holds_the_database(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 3)
    run_pipeline(raw, wh)
    analyst = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(wh / 'news.duckdb')!r}, read_only=True)\n"
         "print(con.sql('select count(*) from articles').fetchall()[0][0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(con.sql('select count(*) from articles').fetchall()[0][0], flush=True)\n"
         "con.close()\n"
         f"con2 = duckdb.connect({str(wh / 'news.duckdb')!r}, read_only=True)\n"
         "print(con2.sql('select count(*) from articles').fetchall()[0][0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "3"
        write_corpus(raw, 2, offset=3)
        s = run_pipeline(raw, wh)  # rewrites news.duckdb under the analyst's open connection
        assert s["status"] == "completed" and s["articles"] == 2
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        # the open connection keeps its consistent snapshot; a new one sees the new batch
        assert analyst.stdout.readline().strip() == "3"
        assert analyst.stdout.readline().strip() == "5"
    finally:
        analyst.kill()
        analyst.wait()
    assert views.connect(wh).sql("select count(*) from articles").fetchall() == [(5,)]


def test_readers_during_a_run_see_whole_batches_only(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 40)
    env = cli_env(tmp_path / "ph")
    proc = subprocess.Popen([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh),
                             "--batch-articles", "2", "--processes", "1", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    consistency = ("select (select count(*) from articles), (select coalesce(sum(articles), 0) "
                   "from files), (select count(*) from files)")
    seen: list[int] = []  # through `news-etl query`'s in-memory views
    seen_db: list[int] = []  # through news.duckdb, as a DuckDB client opens it

    def look() -> None:
        if views.is_warehouse(wh):
            con = views.connect(wh)
            n_articles, n_files_articles, n_files = con.sql(consistency).fetchall()[0]
            con.close()
            # every visible file brings exactly its articles: no half-committed batch
            assert n_articles == n_files_articles == n_files
            seen.append(n_articles)
        if (wh / "news.duckdb").exists():
            ro = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
            n_articles, n_files_articles, n_files = ro.sql(consistency).fetchall()[0]
            ro.close()
            assert n_articles == n_files_articles == n_files
            seen_db.append(n_articles)

    def batches() -> int:
        d = wh / "batches"
        return sum(1 for e in d.iterdir() if e.name != "0-schema") if d.is_dir() else 0

    # on each of the first three commits the readers look in with the run frozen wherever it
    # is (mid-write, mid-rename, mid-refresh of news.duckdb), then it goes on; in between and
    # after, they keep reading while it runs
    frozen_at: list[int] = []
    deadline = time.time() + 300
    while proc.poll() is None and time.time() < deadline:
        n = batches()
        if len(frozen_at) < 3 and n > (frozen_at[-1] if frozen_at else 0):
            os.killpg(proc.pid, signal.SIGSTOP)
            try:
                look()
                frozen_at.append(n)
            finally:
                os.killpg(proc.pid, signal.SIGCONT)
        else:
            look()
        time.sleep(0.05)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert (out, err) == ("", "")  # --quiet: nothing failed, so nothing is said (cron mails no one)
    assert seen == sorted(seen) and seen_db == sorted(seen_db)  # counts only grow
    # the readers really did look in while batches were landing
    assert len(frozen_at) == 3 and len(set(seen)) >= 3
    assert views.connect(wh).sql("select count(*) from articles").fetchall() == [(40,)]
