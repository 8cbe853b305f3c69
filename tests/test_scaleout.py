"""The same flow on Prefect's Dask task runner, and raw/warehouse locations given as URLs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from flows.pipeline import run_flow
from tasks.core.settings import Settings
from tests.corpus import write_corpus
from tests.helpers import CLI, cli_env, run_pipeline, table

pytestmark = pytest.mark.usefixtures("prefect_harness")

PROJECT = Path(__file__).resolve().parent.parent
VIEWS = {"articles": "article_id", "entities": "article_id, entity_index",
         "quotes": "article_id, quote_index", "files": "path"}


def views(wh: Path) -> dict[str, list[tuple]]:
    return {v: table(wh, v, order) for v, order in VIEWS.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The shipped sample plus generated articles and a bad file: several batches' worth."""
    raw = tmp_path_factory.mktemp("scaleout") / "raw"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    write_corpus(raw / "generated", 24)
    (raw / "broken.json").write_text('{"title": "cut off", "text": "The mayor said')
    return raw


@pytest.fixture(scope="module")
def default_run(corpus, tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("default") / "wh"
    s = run_pipeline(corpus, wh, processes=2, batch_articles=4)
    assert s["status"] == "completed" and s["files_failed"] == 1, s["failures"]
    return wh


def test_dask_runner_on_a_local_two_worker_cluster_equals_the_default(corpus, default_run,
                                                                     tmp_path):
    wh = tmp_path / "wh"
    settings = Settings.from_env(raw=corpus, warehouse=wh, processes=2, batch_articles=4,
                                 progress=False, runner="dask")
    s = run_flow(settings)
    assert s["status"] == "completed"
    assert s["files_failed"] == 1 and s["articles"] > 30
    assert views(wh) == views(default_run)
    again = run_flow(settings)  # the ledger is exact: nothing to do
    assert again["files_new"] + again["files_changed"] == 0 and again["articles"] == 0


def test_raw_and_warehouse_as_file_urls(corpus, default_run, tmp_path):
    wh = tmp_path / "wh"
    s = run_pipeline(f"file://{corpus}", f"file://{wh}", processes=2, batch_articles=4)
    assert s["status"] == "completed" and s["files_failed"] == 1
    assert views(wh) == views(default_run)
    env = cli_env(tmp_path / "ph")
    again = subprocess.run([str(CLI), "run", "--raw", f"file://{corpus}", "--warehouse",
                            f"file://{wh}"], capture_output=True, text=True, env=env,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 changed" in again.stdout
    st = subprocess.run([str(CLI), "status", "--warehouse", f"file://{wh}"], capture_output=True,
                        text=True, env=env, timeout=120)
    assert st.returncode == 0, st.stderr
    # the recorded URL was walked (not "not found"), and every recorded file is present
    assert "not found" not in st.stdout and "missing" not in st.stdout


def test_object_store_warehouse_is_refused_clearly(corpus, tmp_path):
    out = subprocess.run([str(CLI), "run", "--raw", str(corpus), "--warehouse", "s3://bucket/wh"],
                         capture_output=True, text=True, env=cli_env(tmp_path / "ph"), timeout=120)
    assert out.returncode == 2
    assert "needs a POSIX filesystem" in out.stderr and "Traceback" not in out.stderr
