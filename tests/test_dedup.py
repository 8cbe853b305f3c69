"""Duplicates and syndication: exact copies and lightly edited, re-headlined or trimmed copies of
one story share a story_id, kept when later copies arrive; different stories do not."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import pytest

from tasks.corpus.dedup import THRESHOLD, signature, similarity, stories, story_table
from tests.helpers import query, run_pipeline

WIRE = ("PORT ALDER (Harbour Wire) - The regional transit authority approved a 40 million dollar "
        "plan on Tuesday to replace the ageing ferry fleet that links the islands of Kell and "
        "Marra with the mainland, ending two years of argument over the cost.\n\n"
        "\"These boats are older than most of the people who ride them,\" said board chair "
        "Marcus Hale, adding that the first of four new vessels would enter service in 2028.\n\n"
        "The plan will be paid for by a provincial grant and a fare increase of 50 cents a trip. "
        "Island residents, who had asked for a fare freeze, said they would appeal to the "
        "province. \"We are being asked to pay for the boats twice,\" said Kell councillor Ruth "
        "Amadi.\n\nThe authority said construction contracts would be tendered in the spring.")
# the same wire story as an outlet runs it: its own lede, a word changed, the last paragraph cut
EDITED = ("The Harbour Times: " + WIRE.replace("ageing", "aging").replace(
    "ending two years", "ending more than two years").rsplit("\n\n", 1)[0])
OTHER = ("Northgate General recorded its longest emergency waits on record last month, with "
         "patients spending an average of fourteen hours in the department before a bed was "
         "found. \"Our staff are exhausted,\" said Dr. Amara Osei, who runs the department. The "
         "health authority said it would open twenty temporary beds before winter.")


def test_copies_are_one_story_and_other_stories_are_not():
    a, b, c = signature(WIRE), signature(EDITED), signature(OTHER)
    assert similarity(a, b) >= THRESHOLD > similarity(a, c)
    assert signature("Too short to shingle.") is None
    t0, t1, t2, t3 = (datetime(2026, 11, d) for d in (1, 2, 3, 4))
    found = stories([("late-copy", "h1", t2, a), ("first", "h1", t1, a),
                     ("edited", "h2", t3, b), ("other", "h3", t0, c),
                     ("short-1", "h4", t0, None), ("short-2", "h4", t1, None),
                     ("short-3", "h5", t1, None)])
    assert {k: v[0] for k, v in found.items()} == {
        "first": "first", "late-copy": "first", "edited": "first",  # the copy stored first
        "other": "other", "short-1": "short-1", "short-2": "short-1", "short-3": "short-3"}
    assert found["late-copy"][1] == 1.0 and THRESHOLD <= found["edited"][1] < 1.0


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_stories_across_outlets_and_runs(tmp_path, prefect_harness):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    raw.mkdir()
    write_jsonl(raw / "wire.jsonl", [
        {"title": "Ferry fleet to be replaced", "text": WIRE, "source": "Harbour Wire"},
        {"title": "Record waits at Northgate", "text": OTHER, "source": "Valley Wire"}])
    write_jsonl(raw / "times.jsonl", [
        {"title": "Islanders face fare rise as new ferries approved", "text": EDITED,
         "source": "Harbour Times"}])
    run_pipeline(raw, wh)
    [(story_id, copies, outlets)] = query(wh, "select story_id, copies, outlets from stories "
                                              "where copies > 1")
    assert (copies, outlets) == (2, 2)
    # stored in the same batch, the two copies tie on when they were first stored: the smaller
    # article_id names the story
    assert story_id == min(r[0] for r in query(
        wh, "select article_id from articles where source in ('Harbour Wire', 'Harbour Times') "
            "and title <> 'Record waits at Northgate'"))
    # a byte-identical copy arriving later joins the story under the same id
    write_jsonl(raw / "gazette.jsonl", [{"title": "Ferries", "text": WIRE,
                                         "source": "Island Gazette"}])
    summary = run_pipeline(raw, wh)
    assert (summary["copies"], summary["stories_with_copies"]) == (2, 1)  # the run says so
    assert query(wh, "select story_id, copies, outlets from stories where copies > 1") == [
        (story_id, 3, 3)]
    # counting stories, not copies: the wire story's people once
    hale = query(wh, "select articles, stories from entity_summary where identity = "
                     "'Marcus Hale'")
    assert hale == [(3, 1)]
    assert query(wh, "select count(*), count(distinct story_id) from article_stories") == [(4, 2)]


# slow tier: the corpus stages run again and again against a full computation
@pytest.mark.slow
def test_stories_kept_between_runs_equal_a_full_grouping(tmp_path, monkeypatch):
    """The warehouse's grouping (signatures and band buckets kept in parts, one per run that
    signed new texts, similar pairs in one file; new texts joined to them in DuckDB) gives what
    stories() gives on every signature at once, run after run: a later exact copy, an edited
    copy and a short text's copy join; a run stopped before its signatures is redone; too many
    parts are merged into one of the live texts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.corpus import dedup
    from tasks.ingest.records import article_id
    from tasks.store import layout
    from tests.test_identity import build_texts, views_connection

    wh, kept = tmp_path / "wh", tmp_path / "aggregates"
    kept.mkdir()
    # the runs that worked out only the stories an added batch's articles join, from the last
    # table (its basis: the batches, texts, pairs and parts it was computed from)
    added: list[int] = []
    real_added = dedup._added_stories
    monkeypatch.setattr(dedup, "_added_stories", lambda *a: added.append(1) or real_added(*a))

    def grouped(out):
        con = views_connection(wh)
        try:
            rows = con.sql("select a.article_id, a.content_hash, d.first_seen, a.text "
                           "from articles a join article_dates d using (article_id)").fetchall()
            ref = stories((aid, h, first, signature(text)) for aid, h, first, text in rows)
            table, basis = out / "stories.parquet", {}
            found = story_table(con, out, table if table.is_file() else None, basis)
            pq.write_table(found.replace_schema_metadata(basis), table)
            got = found.to_pylist()
        finally:
            con.close()
        # an article without a row is a story of its own; a row is an article of a story of
        # two or more
        sizes = Counter(story for story, _ in ref.values())
        assert all(sizes[r["story_id"]] > 1 for r in got)
        have = {aid: (aid, 1.0) for aid in ref} | {
            r["article_id"]: (r["story_id"], round(r["similarity"], 3)) for r in got}
        assert have == {k: (v[0], round(v[1], 3)) for k, v in ref.items()}
        return {aid: story for aid, (story, _) in have.items()}

    short = "Too short to shingle."
    build_texts(wh, {"wire.txt": (WIRE, []), "other.txt": (OTHER, []), "s1.txt": (short, [])},
                hashes={"wire.txt": "h-wire", "s1.txt": "h-short"})
    first = grouped(kept)
    assert len(set(first.values())) == 3 and not added
    parts = kept / layout.STORY_PARTS
    first_parts = set(parts.iterdir())
    build_texts(wh, {"copy.txt": (WIRE, []), "edited.txt": (EDITED, []), "s2.txt": (short, []),
                     "other.txt": ("A different text now stands in this file, long enough to "
                                   "be signed and compared with the rest.", [])},
                batch="20261121T000000000000Z-2-00000",
                hashes={"copy.txt": "h-wire", "s2.txt": "h-short", "other.txt": "h-other-2"})
    second = grouped(kept)
    assert not added  # (other.txt read again: the first batch's live articles changed)
    (tmp_path / "fresh").mkdir()
    assert second == grouped(tmp_path / "fresh")  # kept files or none: the same stories
    ids = {path: next(a for a in second if a.startswith(article_id(path, 0)))
           for path in ("wire.txt", "copy.txt", "edited.txt", "s1.txt", "s2.txt", "other.txt")}
    # (stored at the same time here, a story is named by its smallest article id)
    assert second[ids["copy.txt"]] == second[ids["edited.txt"]] == second[ids["wire.txt"]]
    assert second[ids["s2.txt"]] == second[ids["s1.txt"]]
    assert len(set(second.values())) == 3  # the wire story, the short text, the new text
    second_parts = set(parts.iterdir()) - first_parts
    assert len(second_parts) == 2  # the second run wrote a part of its own, the first's stays
    signed = set(pq.read_table(sorted(parts.glob("*.sig.parquet"))).column(
        "content_hash").to_pylist())
    assert {"h-wire", "h-short", "h-other-2", "edited.txt"} <= signed
    banded = pq.read_table(sorted(parts.glob("*.bands.parquet")))
    assert set(banded.column("content_hash").to_pylist()) == signed - {"h-short"}  # no signature
    assert banded.num_rows == 16 * len(signed - {"h-short"})
    edges = pq.read_table(kept / layout.STORY_EDGES_FILE).to_pylist()
    assert edges == [{"a": "edited.txt", "b": "h-wire"}]  # the one near copy (texts by hash)
    # each copy's similarity to its story's first text is kept by the pair of texts: the exact
    # copies (their first's text: 1.0; a text too short to sign: 0.0) and the near copy
    sims = {(r["a"], r["b"]): r["similarity"]
            for r in pq.read_table(kept / layout.STORY_SIMILARITY_FILE).to_pylist()}
    assert set(sims) == {("h-wire", "h-wire"), ("h-wire", "edited.txt"), ("h-short", "h-short")}
    assert sims[("h-wire", "h-wire")] == 1.0 and sims[("h-short", "h-short")] == 0.0
    assert THRESHOLD <= sims[("h-wire", "edited.txt")] < 1.0
    # a kept pair is not computed again: a value planted in the file is what the table shows
    # (the file is a cache: a pair's similarity cannot change)
    planted = pq.read_table(kept / layout.STORY_SIMILARITY_FILE).to_pylist()
    for r in planted:
        if r["b"] == "edited.txt":
            r["similarity"] = 0.75
    pq.write_table(pa.Table.from_pylist(planted, schema=pq.read_schema(
        kept / layout.STORY_SIMILARITY_FILE)), kept / layout.STORY_SIMILARITY_FILE)
    con = views_connection(wh)
    try:
        table = story_table(con, kept).to_pylist()
    finally:
        con.close()
    assert {r["similarity"] for r in table if r["article_id"] == ids["edited.txt"]} == {0.75}
    pq.write_table(pa.Table.from_pylist([r for r in planted if r["b"] != "edited.txt"],
                                        schema=pq.read_schema(kept / layout.STORY_SIMILARITY_FILE)),
                   kept / layout.STORY_SIMILARITY_FILE)  # the pair lost: computed again
    assert grouped(kept) == second
    # a run stopped after writing the buckets but before the signatures: the next signs and
    # bands those texts again, and groups as before, each text's buckets once
    next(p for p in second_parts if p.name.endswith(".sig.parquet")).unlink()
    before = len(added)
    assert grouped(kept) == second
    assert len(added) == before  # (a part lost since the table: every text is grouped again)
    banded_again = pq.read_table(sorted(parts.glob("*.bands.parquet")))
    assert banded_again.num_rows == banded.num_rows
    # past MAX_STORY_PARTS the parts become one, of the live texts only (the first text of
    # other.txt, superseded, leaves), and the next run reads it alone
    monkeypatch.setattr(dedup, "MAX_STORY_PARTS", 1)
    build_texts(wh, {"late.txt": (EDITED, [])}, batch="20261122T000000000000Z-3-00000",
                hashes={"late.txt": "h-late"})  # the edited copy again, as a text of its own
    before = len(added)
    third = grouped(kept)
    assert len(added) == before + 1  # a batch added: only the story it joins worked out again
    assert third[next(a for a in third if a.startswith(article_id("late.txt", 0)))] == \
        third[ids["wire.txt"]]
    assert len(list(parts.glob("*.sig.parquet"))) == len(list(parts.glob("*.bands.parquet"))) == 1
    merged = pq.read_table(next(parts.glob("*.sig.parquet")))
    assert "other.txt" not in merged.column("content_hash").to_pylist()
    assert merged.num_rows == len(signed) - 1 + 1  # the superseded text out, the late one in
    assert grouped(kept) == third


# slow tier: the corpus stages run again and again against a full computation
@pytest.mark.slow
def test_article_meta_follows_a_story_changed_by_a_later_batch(tmp_path):
    """article_meta keeps a part per batch and a run computes only its own batches' rows; but a
    later batch can change the story of an article it does not hold (the story's first copy is
    superseded by another text). That article's row follows, and the kept parts equal a
    rebuild from scratch."""
    import shutil

    import pyarrow.parquet as pq

    from tasks.corpus.build import materialize
    from tasks.ingest.records import article_id
    from tasks.store import aggregates
    from tests.test_identity import build_texts

    wh = tmp_path / "wh"
    # stored at the same time, a story is named by its smaller article id: that copy goes first
    first, later = sorted(("wire.txt", "copy.txt"), key=lambda p: article_id(p, 0))
    ids = {p: article_id(p, 0) for p in (first, later)}
    build_texts(wh, {first: (WIRE, []), "other.txt": (OTHER, [])}, hashes={first: "h-wire"})
    materialize(wh)
    build_texts(wh, {later: (WIRE, [])}, batch="20261121T000000000000Z-2-00000",
                hashes={later: "h-wire"})
    materialize(wh)

    def meta(w):
        rows = pq.read_table(aggregates.path(w, "article_meta")).to_pylist()
        return {r["article_id"]: r for r in rows}

    assert meta(wh)[ids[later]]["story_id"] == ids[first]
    parts = set(aggregates.path(wh, "article_meta").glob("*.parquet"))
    assert len(parts) == 2  # a part a batch
    # the first copy's file now holds another text: the later copy, in a batch no run touches,
    # is a story of its own
    build_texts(wh, {first: ("A council report on road repairs, with nothing of the ferries "
                             "in it at all, long enough to be signed and compared.", [])},
                batch="20261122T000000000000Z-3-00000", hashes={first: "h-roads"})
    materialize(wh)
    kept = meta(wh)
    assert kept[ids[later]]["story_id"] == ids[later]
    assert len(kept) == 3
    copy = tmp_path / "rebuilt"
    shutil.copytree(wh, copy)
    shutil.rmtree(copy / "aggregates")
    materialize(copy)
    assert kept == meta(copy)
