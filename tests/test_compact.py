"""news-etl compact: many small batches become few large ones; the views do not change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.run import compact
from tasks.store import commit, layout, ledger, runs, staging
from tests.corpus import write_corpus
from tests.helpers import CLI, cli_env, query, run_pipeline
from tests.helpers import table as view_rows

pytestmark = pytest.mark.usefixtures("prefect_harness")

VIEWS = {"articles": "article_id", "entities": "article_id, entity_index",
         "quotes": "article_id, quote_index", "files": "path"}


def snapshot(wh: Path) -> dict[str, list[tuple]]:
    # batch_id stays with every row through a compaction, so it is compared too
    return {v: query(wh, f"select * from {v} order by {o}") for v, o in VIEWS.items()}


def own_snapshot(wh: Path) -> tuple[bool, dict[str, list[tuple]]]:
    """The views as the project's own connection reads them, and whether it found every row in
    the batch files live (then entities, quotes and postings skip the semi-join on
    live_articles; another client opening news.duckdb always takes it)."""
    from tasks.store import views

    con = views.connect(wh)
    try:
        rows = {v: con.sql(f"select * from {v} order by {o}").fetchall()
                for v, o in {**VIEWS, "postings": "article_id, quote_index, term"}.items()}
        return con.sql("select getvariable('news_etl_all_live')").fetchall()[0][0], rows
    finally:
        con.close()


def batch_dirs(wh: Path) -> list[str]:
    return sorted(p.name for p in (wh / "batches").iterdir() if p.name != layout.SCHEMA_BATCH)


@pytest.fixture(scope="module")
def small_batches_built(tmp_path_factory) -> tuple[Path, Path]:
    """A warehouse of many small batches, with rows superseded by a change and by a prune:
    built once for the module (two runs), copied for each test."""
    base = tmp_path_factory.mktemp("small_batches")
    raw, wh = base / "raw", base / "wh"
    write_corpus(raw, 40)
    run_pipeline(raw, wh, batch_articles=2)
    changed = sorted(raw.glob("story-*.txt"))[0]
    changed.write_text(changed.read_text() + "\n\nMayor Helen Brandt said the vote was close.\n")
    sorted(raw.glob("story-*.txt"))[1].unlink()
    run_pipeline(raw, wh, batch_articles=2, prune=True)
    return raw, wh


@pytest.fixture()
def small_batches(small_batches_built, tmp_path: Path) -> tuple[Path, Path]:
    """This test's own copy (files keep their times, so a run finds them unchanged); its
    news.duckdb is pointed at the copy's batches before the test reads it."""
    from tasks.store import views

    raw, wh = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(small_batches_built[0], raw)
    shutil.copytree(small_batches_built[1], wh)
    views.publish_views(wh)
    return raw, wh


def test_compact_keeps_every_view_and_merges_the_files(small_batches):
    raw, wh = small_batches
    before = snapshot(wh)
    dates = "select article_id, seen_at, date_source from article_dates order by article_id"
    dates_before = query(wh, dates)
    # the changed file's article was first stored by the first run, then stored again
    changed = query(wh, "select count(*) from article_dates d join articles a using (article_id)"
                        " where d.seen_at < a.processed_at")
    assert changed == [(1,)]
    ledger_before = ledger.read_ledger(wh)
    n_before = len(batch_dirs(wh))
    assert n_before >= 5

    all_live, own_before = own_snapshot(wh)
    assert all_live is False  # the changed file's first rows and the pruned file's are dead
    assert {v: own_before[v] for v in VIEWS} == before

    report = compact.compact(wh, target_rows=100_000)

    assert snapshot(wh) == before
    # only live rows are left: the views read the files as they are, and read the same
    assert own_snapshot(wh) == (True, own_before)
    # its first version's row is gone, and its first-seen time with it unless carried forward
    assert query(wh, dates) == dates_before
    assert ledger.read_ledger(wh) == ledger_before
    assert report.batches_before == n_before
    assert report.batches_after == len(batch_dirs(wh)) == 1
    assert report.row_groups_after < report.row_groups_before
    # the changed file's first version and the pruned file's rows are left behind
    assert report.rows_dropped["articles"] == 2 and report.rows_dropped["files"] == 2
    merged = wh / "batches" / batch_dirs(wh)[0]
    assert pq.ParquetFile(merged / "entities.parquet").metadata.num_row_groups == 1
    # what a search looks up (staging.LOOKUP_LAYOUT) is sorted by its key: articles and quotes
    # by article, each row group covering its own range, so a search's hits pick their groups
    for table, (keys, group_rows) in staging.LOOKUP_LAYOUT.items():
        f = pq.ParquetFile(merged / f"{table}.parquet")
        rows = f.read(columns=keys).to_pylist()
        assert rows and [tuple(r[k] for k in keys) for r in rows] == sorted(
            tuple(r[k] for k in keys) for r in rows), table
        assert all(f.metadata.row_group(g).num_rows <= group_rows
                   for g in range(f.metadata.num_row_groups)), table
    # a run after compaction has nothing to do; a later change replaces rows as before
    s = run_pipeline(raw, wh)
    assert s["files_new"] + s["files_changed"] == 0 and s["files_missing"] == 0
    target = sorted(raw.glob("story-*.txt"))[3]
    target.write_text(target.read_text().replace("Tuesday", "Friday"))
    s = run_pipeline(raw, wh)
    assert s["files_changed"] == 1
    texts = query(wh, f"select text from articles where source_path = '{target.name}'")
    assert len(texts) == 1 and "Friday" in texts[0][0]


def test_compaction_respects_the_target_and_recompacts(small_batches):
    raw, wh = small_batches
    before = snapshot(wh)
    per_batch = max(compact.batch_stats(wh, b).rows["entities"] for b in batch_dirs(wh))
    report = compact.compact(wh, target_rows=per_batch * 3)
    assert len(report.groups) > 1 and all(len(g) <= 3 for g in report.groups)
    assert snapshot(wh) == before
    again = compact.compact(wh, target_rows=10_000_000)  # compacted batches merge again
    assert again.batches_after == 1
    assert snapshot(wh) == before


def test_interrupted_compaction_never_shows_both_versions(small_batches, tmp_path):
    raw, wh = small_batches
    before = snapshot(wh)
    saved = tmp_path / "saved"
    shutil.copytree(wh / "batches", saved)
    compact.compact(wh, target_rows=100_000)
    # a crash after the commit but before the clean-up leaves the replaced folders behind:
    for d in saved.iterdir():
        if not (wh / "batches" / d.name).exists():
            shutil.copytree(d, wh / "batches" / d.name)
    assert len(batch_dirs(wh)) > 1
    assert snapshot(wh) == before  # hidden by the compacted batch's REPLACES list
    # a crash before the commit leaves only a staging folder, which nobody reads
    staged = wh / "_staging" / f"{runs.new_run_id()}{commit.COMPACTED_SUFFIX}"
    shutil.copytree(next(d for d in saved.iterdir() if d.name != layout.SCHEMA_BATCH), staged)
    assert snapshot(wh) == before
    s = run_pipeline(raw, wh)  # the next run cleans both up and processes nothing
    assert s["files_new"] + s["files_changed"] == 0
    assert len(batch_dirs(wh)) == 1 and not staged.exists()
    assert snapshot(wh) == before


def test_compact_command(small_batches, tmp_path):
    _raw, wh = small_batches
    before = snapshot(wh)
    out = subprocess.run([str(CLI), "compact", "--warehouse", str(wh)], capture_output=True,
                         text=True, env=cli_env(tmp_path / "ph"), timeout=300)
    assert out.returncode == 0, out.stderr
    assert "-> 1 (1 merged)" in out.stdout
    assert snapshot(wh) == before
    missing = subprocess.run([str(CLI), "compact", "--warehouse", str(tmp_path / "none")],
                             capture_output=True, text=True, env=cli_env(tmp_path / "ph"))
    assert missing.returncode == 2


def test_fewer_batches_than_would_merge_plan_nothing(small_batches, monkeypatch):
    """A run asks for a merge after every commit: with fewer batches than would merge, nothing
    is planned and no batch's footers are read (at a million articles, 0.8 s of every run);
    with enough, the same call merges."""
    _, wh = small_batches
    n = len(batch_dirs(wh))

    def no_footers(*args):
        raise AssertionError("a batch's footers were read")

    real = compact.batch_stats
    monkeypatch.setattr(compact, "batch_stats", no_footers)
    report = compact.compact_locked(wh, min_batches=n + 1, aggregate=False)
    assert (report.groups, report.batches_before, report.batches_after) == ([], n, n)
    assert batch_dirs(wh)[0] and len(batch_dirs(wh)) == n
    monkeypatch.setattr(compact, "batch_stats", real)
    report = compact.compact_locked(wh, min_batches=n, aggregate=False)
    assert report.groups and len(batch_dirs(wh)) == 1


def test_a_run_that_leaves_many_small_batches_merges_them(small_batches, tmp_path):
    """More small batches than compact_batches after a run: the run merges them before it
    computes the aggregates, and every view reads as it would have without the merge."""
    raw, wh = small_batches
    twin = tmp_path / "twin"
    shutil.copytree(wh, twin)
    target = sorted(raw.glob("story-*.txt"))[3]
    target.write_text(target.read_text() + "\n\nCouncillor Ada Moreno said the budget was fair.\n")
    n_small = len(batch_dirs(wh))
    assert n_small > 3

    plain = run_pipeline(raw, twin, batch_articles=2, compact_batches=0)
    merged = run_pipeline(raw, wh, batch_articles=2, compact_batches=3)

    assert len(batch_dirs(twin)) == n_small + 1  # left as they were
    assert batch_dirs(wh)[0].endswith(commit.COMPACTED_SUFFIX) and len(batch_dirs(wh)) == 1
    assert merged["files_changed"] == plain["files_changed"] == 1
    for view, order in {**VIEWS, "article_meta": "article_id"}.items():
        assert view_rows(wh, view, order) == view_rows(twin, view, order), view
    for view in ("speakers", "top_speakers", "entity_summary"):
        sql = f"select * from {view} order by all"
        assert query(wh, sql) == query(twin, sql), view
    # the aggregates were computed for the merged batch (not left to compute live)
    assert query(wh, "select count(*) from article_meta") == [(39,)]
    from tasks.store import aggregates, views

    assert aggregates.current(wh, views.committed_batches(wh))
    found = query(wh, "select speaker from search_quotes('budget fair')")
    assert found and found[0][0] == "Ada Moreno"
    # 0 is off; a run with nothing to do merges nothing either way
    again = run_pipeline(raw, twin, compact_batches=1)
    assert again["files_new"] + again["files_changed"] == 0
    assert len(batch_dirs(twin)) == n_small + 1
