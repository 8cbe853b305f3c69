"""Per-batch parts of the corpus-level tables (tasks/corpus/parts.py): merged by level so a
folder stays small over thousands of runs, each live batch's rows held exactly once."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tasks.corpus import parts


def _rows(folder: Path, files: list[str]) -> list[tuple[str, str]]:
    table = pq.ParquetDataset([str(folder / f) for f in files]).read()
    return sorted(zip(table["batch_id"].to_pylist(), table["article_id"].to_pylist(),
                      strict=True))


def test_parts_merge_by_level_and_unmerge_when_a_batch_they_cover_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "MERGE_FANOUT", 3)
    con = duckdb.connect()
    con.execute("create table live_articles (article_id varchar, batch_id varchar)")
    folder = tmp_path / "parts"
    computed: list[str] = []

    def compute(todo: list[str]):
        computed.extend(todo)
        return con.sql("select batch_id, article_id from live_articles "
                       "where batch_id in (select unnest($b)) order by article_id",
                       params={"b": todo}).to_arrow_table()

    def run() -> list[str]:
        covered = parts.batch_parts(con, folder, compute, keep_batch_id=True, order="article_id")
        want = sorted(covered)
        parts.drop_other_parts(folder, want)
        assert sorted(p.name for p in folder.iterdir()) == want
        live = sorted(con.sql("select batch_id, article_id from live_articles").fetchall())
        assert _rows(folder, want) == live  # every live row, once
        # each file says which batches it holds, each live batch held by one
        held = sorted(parts.part_batch(k) for keys in covered.values() for k in keys)
        assert held == sorted({b for b, _ in live})
        return want

    before = tmp_path / "before"
    for i in range(9):  # nine hourly runs of a batch each
        if i == 8:
            shutil.copytree(folder, before)
        con.execute("insert into live_articles values (?, ?), (?, ?)",
                    [f"a{i}-1", f"b{i}", f"a{i}-2", f"b{i}"])
        want = run()
    # three parts became a merged part of level 1, three of those one of level 2
    assert [w[:4] for w in want] == ["m.2."]
    assert computed == [f"b{i}" for i in range(9)]  # each batch computed once
    merged = folder / want[0]
    assert (pq.read_schema(merged).metadata or {})[b"level"] == b"2"

    # a run stopped after the merge, before it dropped what it merged (the parts of before are
    # back beside the merged one): the part covering more stands, nothing is computed again
    for p in before.iterdir():
        shutil.copy(p, folder / p.name)
    assert run() == want and computed == [f"b{i}" for i in range(9)]
    computed.clear()

    # a later batch supersedes one of b4's articles: the merged part covering b4 falls; the
    # batches still live as they were are read from it by batch_id into a part of their own,
    # and only b4 (its new live set) and the new batch are computed; each live row once
    con.execute("delete from live_articles where article_id = 'a4-2'")
    con.execute("insert into live_articles values ('a4-2', 'b11')")
    want = run()
    assert sorted(computed) == ["b11", "b4"]
    assert not (folder / merged.name).exists()
    assert len(want) < 2 * parts.MERGE_FANOUT
    # and a stopped run's salvage, found again, is not made twice
    computed.clear()
    assert run() == want and computed == []


def test_a_parts_folder_is_named_after_its_version_and_another_versions_goes(tmp_path):
    """Parts are kept from run to run by batch: a folder another version of the writer left is
    neither read nor kept."""
    from tasks.corpus.build import materialize
    from tasks.store import aggregates
    from tests.test_identity import build_texts

    wh = tmp_path / "wh"
    build_texts(wh, {"a.txt": ("Ruth Calloway said the ferry would run.",
                               [("Ruth Calloway", "PERSON")])})
    materialize(wh)
    folder = aggregates.path(wh, "quote_speakers")
    assert folder.name.endswith(aggregates.BY_NAME["quote_speakers"].version)
    assert list(folder.glob("*.parquet"))
    stale = folder.with_name("quote_speakers_parts.quote-speakers-0")
    shutil.copytree(folder, stale)
    materialize(wh)
    assert folder.is_dir() and not stale.exists()


def test_a_big_batchs_part_is_not_rewritten_by_the_merge_of_small_ones(tmp_path, monkeypatch):
    """A compacted or bulk batch of many articles starts at the level of its size: the merge of
    the next hourly batches' small parts leaves its part as it is (at a million simulated
    articles in batches of 100k, counting it as level 0 made the fifth hourly run rewrite 16M
    co-occurrence rows, 9.6 s)."""
    monkeypatch.setattr(parts, "MERGE_FANOUT", 3)
    monkeypatch.setattr(parts, "PART_BASE_ARTICLES", 4)
    assert [parts.level_of(n) for n in (1, 4, 5, 12, 13, 36, 37)] == [0, 0, 1, 1, 2, 2, 3]
    con = duckdb.connect()
    con.execute("create table live_articles (article_id varchar, batch_id varchar)")
    con.execute("insert into live_articles select 'big-' || i, 'a-big' from range(20) t(i)")
    folder = tmp_path / "parts"

    def compute(todo: list[str]):
        return con.sql("select batch_id, article_id from live_articles "
                       "where batch_id in (select unnest($b)) order by article_id",
                       params={"b": todo}).to_arrow_table()

    def run() -> list[str]:
        want = sorted(parts.batch_parts(con, folder, compute, keep_batch_id=True,
                                        order="article_id"))
        parts.drop_other_parts(folder, want)
        assert _rows(folder, want) == sorted(
            con.sql("select batch_id, article_id from live_articles").fetchall())
        return want

    big = [p for p in run()]
    assert len(big) == 1 and not big[0].startswith(parts.MERGED_PREFIX)
    written = (folder / big[0]).stat().st_mtime_ns
    for i in range(3):  # three hourly batches of one article: merged into one part of level 1
        con.execute("insert into live_articles values (?, ?)", [f"h{i}", f"b{i}"])
        want = run()
    assert big[0] in want and (folder / big[0]).stat().st_mtime_ns == written
    assert [w for w in want if w != big[0]][0].startswith(parts.MERGED_PREFIX + "1.")
