"""Every analysis view and named query on a small warehouse whose rows are written by hand,
so each expected figure can be worked out on paper."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from news_etl import query
from tasks.corpus import build, index
from tasks.ingest.records import article_id
from tasks.store import commit, staging, views
from tests.helpers import CLI

PROCESSED = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)

# (path, source, published) -- weeks start on Monday: 11-02, 11-09, 11-16
ARTICLES = {
    "a1": ("politics/a1.txt", "Valley Wire", datetime(2026, 11, 2, 9, tzinfo=UTC)),
    "a2": ("politics/a2.txt", "Valley Wire", datetime(2026, 11, 10, 9, tzinfo=UTC)),
    "a3": ("env/a3.json", "Coastal Ledger", datetime(2026, 11, 17, 9, tzinfo=UTC)),
    "a4": ("env/a4.json", "Coastal Ledger", datetime(2026, 11, 18, 9, tzinfo=UTC)),
    "a5": ("sport/a5.txt", None, None),  # no date: processed_at stands in
}
ENTITIES = {  # (text, label, canonical)
    "a1": [("Ruth Calloway", "PERSON", "Ruth Calloway"), ("Calloway", "PERSON", "Ruth Calloway"),
           ("the Alder River Trust", "ORG", "Alder River Trust"), ("Greyford", "GPE", "Greyford")],
    "a2": [("Calloway", "PERSON", "Ruth Calloway"), ("Ben Okoro", "PERSON", "Ben Okoro"),
           ("Greyford", "GPE", "Greyford"), ("Monday", "DATE", "Monday")],
    "a3": [("Ben Okoro", "PERSON", "Ben Okoro"), ("Okoro", "PERSON", "Ben Okoro"),
           ("Alder River Trust", "ORG", "Alder River Trust")],
    "a4": [("Okoro", "PERSON", "Ben Okoro"), ("Ruth Calloway", "PERSON", "Ruth Calloway"),
           ("Greyford", "GPE", "Greyford")],
    "a5": [("Jonah Mbeki", "PERSON", "Jonah Mbeki"), ("Northfield Rovers", "ORG", "Northfield Rovers")],
}
QUOTES = {  # (speaker, quote_type, text)
    "a1": [("Ruth Calloway", "direct", "When the river runs low, farms lose first"),
           ("Ruth Calloway", "indirect", "the bill would protect family farms")],
    "a2": [("Ben Okoro", "direct", "This bill writes the fish out of the river"),
           ("Ben Okoro", "belief", "the salmon runs will not recover")],  # not speech
    "a3": [("Ben Okoro", "direct", "Salmon need cold water in August"),
           (None, "direct", "Nobody here remembers a drier summer than this one")],
    "a4": [("Ben Okoro", "mixed", "the vote was \"a loss for the river\""),
           ("Ruth Calloway", "indirect", "the committee had listened to farmers")],
    "a5": [("Jonah Mbeki", "direct", "I just closed my eyes and jumped")],
}


# What each article says of its speakers: (role, organisation, gender) per (article, quote).
SPEAKER_FACTS = {
    ("a1", 0): ("senator", None, "female"), ("a1", 1): ("senator", None, "female"),
    ("a4", 1): ("senator", None, None),  # this article gives her no pronoun
    ("a2", 0): ("spokesman", "Alder River Trust", "male"),
    ("a3", 0): ("spokesman", "Alder River Trust", None),
    ("a4", 0): ("river keeper", "Alder River Trust", "male"),
}


def build_warehouse(wh: Path) -> dict[str, str]:
    """Write the rows above as one committed batch, then publish the views."""
    staging.init_warehouse(wh)
    batch = "20261118T120000000000Z-1-00000"
    ids = {k: article_id(v[0], 0) for k, v in ARTICLES.items()}
    arts, ents, quotes, files = [], [], [], []
    for key, (path, source, published) in ARTICLES.items():
        text = " ".join(t for t, _, _ in ENTITIES[key]) + ". " + " ".join(q[2] for q in QUOTES[key])
        arts.append({"article_id": ids[key], "batch_id": batch, "source_path": path,
                     "record_index": 0, "title": f"Story {key}", "text": text,
                     "published_at": published, "source": source, "url": None, "authors": [],
                     "language": "en", "word_count": len(text.split()), "content_hash": key,
                     "extra": None, "model": "m", "extractor_version": "x",
                     "processed_at": PROCESSED})
        files.append({"path": path, "batch_id": batch, "run_id": "r", "content_hash": key,
                      "size": 1, "mtime_ns": 1, "format": path.rsplit(".", 1)[1], "status": "ok",
                      "error": None, "articles": 1, "records_failed": 0, "processed_at": PROCESSED})
        for i, (t, label, canon) in enumerate(ENTITIES[key]):
            start = text.index(t)
            ents.append({"article_id": ids[key], "batch_id": batch, "entity_index": i,
                         "start_char": start, "end_char": start + len(t), "text": t,
                         "label": label, "sentence_index": 0, "canonical": canon})
        for i, (speaker, qtype, qtext) in enumerate(QUOTES[key]):
            start = text.index(qtext)
            quotes.append({"article_id": ids[key], "batch_id": batch, "quote_index": i,
                           "text": qtext, "spans": [{"start": start, "end": start + len(qtext)}],
                           "quote_type": qtype, "cue": "said", "cue_start": None, "cue_end": None,
                           "speaker": speaker, "speaker_text": speaker, "speaker_start": None,
                           "speaker_end": None, "speaker_label": "PERSON" if speaker else None,
                           **dict(zip(("speaker_role", "speaker_organisation", "speaker_gender"),
                                      SPEAKER_FACTS.get((key, i), (None, None, None)),
                                      strict=True))})
    files.append({"path": "broken.json", "batch_id": batch, "run_id": "r", "content_hash": "b",
                  "size": 5, "mtime_ns": 1, "format": "json", "status": "failed",
                  "error": "malformed JSON: Expecting value at line 1 column 1", "articles": 0,
                  "records_failed": 0, "processed_at": PROCESSED})
    cols = index.posting_columns(d for a in arts for d in index.documents(
        a["article_id"], batch, a["title"], a["text"],
        [q for q in quotes if q["article_id"] == a["article_id"]]))
    postings = [dict(zip(cols, r, strict=True)) for r in zip(*cols.values(), strict=True)]
    staging.stage_batch(wh, batch, {"articles": arts, "entities": ents, "quotes": quotes,
                                  "files": files, "postings": postings})
    commit.commit_batch(wh, batch)
    views.publish_views(wh)
    return ids


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    wh = tmp_path_factory.mktemp("wh")
    ids = build_warehouse(wh)
    con = views.connect(wh)
    yield wh, con, ids
    con.close()


def rows(con, sql, params=None):
    return con.sql(sql, params=params).fetchall() if params else con.sql(sql).fetchall()


def named(con, name, **params):
    sql, bound = query.resolve(name, {k: str(v) for k, v in params.items()})
    return [tuple(r.values()) for r in query.run(con, sql, bound).iter_rows(named=True)]


D = date


def test_entity_summary(built):
    _, con, _ = built
    got = rows(con, """select identity, kind, articles, mentions, first_seen::date, last_seen::date
                       from entity_summary order by identity""")
    assert got == [
        ("Alder River Trust", "organisation", 2, 2, D(2026, 11, 2), D(2026, 11, 17)),
        ("Ben Okoro", "person", 3, 4, D(2026, 11, 10), D(2026, 11, 18)),
        ("Greyford", "place", 3, 3, D(2026, 11, 2), D(2026, 11, 18)),
        ("Jonah Mbeki", "person", 1, 1, D(2026, 11, 18), D(2026, 11, 18)),
        ("Northfield Rovers", "organisation", 1, 1, D(2026, 11, 18), D(2026, 11, 18)),
        ("Ruth Calloway", "person", 3, 4, D(2026, 11, 2), D(2026, 11, 18)),
    ]


def test_mentions_per_day_and_week(built):
    _, con, _ = built
    assert rows(con, """select day, mentions, articles, undated_articles from entity_mentions_daily
                        where identity = 'Ruth Calloway' order by day""") == [
        (D(2026, 11, 2), 2, 1, 0), (D(2026, 11, 10), 1, 1, 0), (D(2026, 11, 18), 1, 1, 0)]
    assert rows(con, """select week, mentions, articles from entity_mentions_weekly
                        where identity = 'Ben Okoro' order by week""") == [
        (D(2026, 11, 9), 1, 1), (D(2026, 11, 16), 3, 2)]
    assert rows(con, "select count(*) from entity_mentions_daily where identity = 'Monday'") == [(0,)]
    # the undated article (a5) is placed by when it was first stored, and says so
    assert rows(con, """select day, undated_articles from entity_mentions_daily
                        where identity = 'Jonah Mbeki'""") == [(PROCESSED.date(), 1)]


def test_cooccurrence(built):
    _, con, _ = built
    assert rows(con, "select * from entity_cooccurrence order by articles desc, entity_a, entity_b") == [
        ("Greyford", "place", "Ruth Calloway", "person", 3),
        ("Ben Okoro", "person", "Greyford", "place", 2),
        ("Ben Okoro", "person", "Ruth Calloway", "person", 2),
        ("Alder River Trust", "organisation", "Ben Okoro", "person", 1),
        ("Alder River Trust", "organisation", "Greyford", "place", 1),
        ("Alder River Trust", "organisation", "Ruth Calloway", "person", 1),
        ("Jonah Mbeki", "person", "Northfield Rovers", "organisation", 1),
    ]


def test_materialized_cooccurrence_equals_live_and_goes_live_when_stale(tmp_path):
    wh = tmp_path / "wh"
    build_warehouse(wh)
    order = "order by articles desc, entity_a, entity_b"
    con = views.connect(wh)
    live = rows(con, f"select * from entity_cooccurrence {order}")
    con.close()
    assert len(live) == 7
    build.materialize(wh)
    views.publish_views(wh)
    con = views.connect(wh)
    definition = rows(con, "select sql from duckdb_views() where view_name = 'entity_cooccurrence'")
    assert "aggregates" in definition[0][0]
    assert rows(con, f"select * from entity_cooccurrence {order}") == live
    con.close()
    # a batch committed after the table was computed: the view computes live again, correctly
    batch = "20991231T000000000000Z-1-00000"
    staging.stage_batch(wh, batch, {"files": [{
        "path": "late.txt", "batch_id": batch, "run_id": "r", "content_hash": "l", "size": 1,
        "mtime_ns": 1, "format": "txt", "status": "failed", "error": "empty file",
        "articles": 0, "records_failed": 0, "processed_at": PROCESSED}]})
    commit.commit_batch(wh, batch)
    con = views.connect(wh)
    definition = rows(con, "select sql from duckdb_views() where view_name = 'entity_cooccurrence'")
    assert "aggregates" not in definition[0][0]
    assert rows(con, f"select * from entity_cooccurrence {order}") == live
    con.close()


def test_speakers_sources_and_volume(built):
    _, con, _ = built
    assert rows(con, "select * from top_speakers order by quotes desc, speaker") == [
        ("Ben Okoro", "person", 3, 2, 1, 0, 3, 2, 3),  # stories: no copies here, one each
        ("Ruth Calloway", "person", 3, 1, 0, 2, 2, 2, 2),
        ("Jonah Mbeki", "person", 1, 1, 0, 0, 1, None, 1),  # no source named: not "0 sources"
    ]
    # who the quoted are: the role and organisation most articles give, the gender where any
    # article's words give one; the belief row (a2) is no quote and counts nowhere here
    assert rows(con, "select * from speakers order by quotes desc, speaker") == [
        ("Ben Okoro", "person", "spokesman", "Alder River Trust", "male", "text", 2, 3, 3, 2, 3),
        ("Ruth Calloway", "person", "senator", None, "female", "text", 1, 3, 2, 2, 2),
        ("Jonah Mbeki", "person", None, None, None, None, 0, 1, 1, None, 1),
    ]
    assert rows(con, "select count(*) from quotes where quote_type = 'belief'") == [(1,)]
    assert rows(con, "select * from speaker_source order by speaker, source") == [
        ("Ben Okoro", "Coastal Ledger", 2, 2), ("Ben Okoro", "Valley Wire", 1, 1),
        ("Jonah Mbeki", "(unknown)", 1, 1),
        ("Ruth Calloway", "Coastal Ledger", 1, 1), ("Ruth Calloway", "Valley Wire", 2, 1),
    ]
    assert rows(con, "select * from source_daily order by day, source") == [
        ("Valley Wire", D(2026, 11, 2), 1), ("Valley Wire", D(2026, 11, 10), 1),
        ("Coastal Ledger", D(2026, 11, 17), 1), ("(unknown)", D(2026, 11, 18), 1),
        ("Coastal Ledger", D(2026, 11, 18), 1),
    ]


def test_rising_entities(built):
    _, con, _ = built
    assert rows(con, """select identity, week, mentions, articles, previous_avg, rise
                        from rising_entities order by rise desc, identity""") == [
        ("Ben Okoro", D(2026, 11, 16), 3, 2, 0.25, 6.0),
        ("Alder River Trust", D(2026, 11, 16), 1, 1, 0.25, 2.0),
        ("Greyford", D(2026, 11, 16), 1, 1, 0.5, 2.0),
        ("Jonah Mbeki", D(2026, 11, 16), 1, 1, 0.0, 2.0),
        ("Northfield Rovers", D(2026, 11, 16), 1, 1, 0.0, 2.0),
        ("Ruth Calloway", D(2026, 11, 16), 1, 1, 0.75, 1.33),
    ]


def test_every_named_query(built):
    _, con, _ = built
    assert named(con, "top-people") == [("Ben Okoro", 3, 4, ["Ben Okoro"]),
                                        ("Ruth Calloway", 3, 4, ["Ruth Calloway"]),
                                        ("Jonah Mbeki", 1, 1, ["Jonah Mbeki"])]
    assert [r[:3] for r in named(con, "top-people", path_prefix="politics/")] == [
        ("Ruth Calloway", 2, 3), ("Ben Okoro", 1, 1)]
    assert [r[:4] for r in named(con, "top-entities")] == [
        ("Alder River Trust", "organisation", 2, 2), ("Northfield Rovers", "organisation", 1, 1)]
    assert named(con, "entity-timeline", entity="Ben Okoro") == [
        (D(2026, 11, 10), 1, 1, 0), (D(2026, 11, 17), 2, 1, 0), (D(2026, 11, 18), 1, 1, 0)]
    assert named(con, "entity-timeline", entity="Ben Okoro", since="2026-11-18") == [
        (D(2026, 11, 18), 1, 1, 0)]
    assert named(con, "entity-cooccurrence", entity="Greyford") == [
        ("Ruth Calloway", "person", 3), ("Ben Okoro", "person", 2),
        ("Alder River Trust", "organisation", 1)]
    assert named(con, "entity-cooccurrence", entity="Greyford", kind="organisation") == [
        ("Alder River Trust", "organisation", 1)]
    assert named(con, "top-pairs") == [("Ben Okoro", "person", "Ruth Calloway", "person", 2)]
    assert named(con, "top-pairs", kind_a="place", kind_b="person", limit=1) == [
        ("Greyford", "place", "Ruth Calloway", "person", 3)]
    # the kinds asked for come in the order asked, however the pair is stored
    assert named(con, "top-pairs", kind_a="person", kind_b="place", limit=1) == [
        ("Ruth Calloway", "person", "Greyford", "place", 3)]
    assert named(con, "top-speakers") == [("Ben Okoro", "person", 3, 2, 3, 2),
                                          ("Ruth Calloway", "person", 3, 1, 2, 2),
                                          ("Jonah Mbeki", "person", 1, 1, 1, 0)]
    assert named(con, "top-speakers", source="Valley Wire") == [
        ("Ruth Calloway", "person", 2, 1, 1, 1), ("Ben Okoro", "person", 1, 1, 1, 1)]
    assert [(r[1], r[3], r[5]) for r in named(con, "speaker-quotes", speaker="Ruth Calloway")] == [
        ("Valley Wire", "direct", "When the river runs low, farms lose first"),
        ("Valley Wire", "indirect", "the bill would protect family farms"),
        ("Coastal Ledger", "indirect", "the committee had listened to farmers")]
    assert named(con, "speaker-sources", speaker="Ben Okoro") == [
        ("Ben Okoro", "Coastal Ledger", 2, 2), ("Ben Okoro", "Valley Wire", 1, 1)]
    assert named(con, "source-volume", since="2026-11-17", until="2026-11-17") == [
        ("Coastal Ledger", D(2026, 11, 17), 1)]
    assert [r[:2] for r in named(con, "rising-entities", min_mentions=2)] == [("Ben Okoro", "person")]
    assert [r[:2] for r in named(con, "failed-files")] == [("broken.json", "failed")]
    # people quoted per outlet and month by the gender the articles give them (each person once;
    # Okoro is a man and Calloway a woman in every outlet, as some article says so)
    # columns: source, month, people, women, men, unknown, unknown share, women's share of the
    # known with its 95% Wilson interval (1 of 2: 0.095 to 0.905), then the same from the
    # articles' words alone (here all of it); an article with no outlet and no date says so,
    # never a month it was only processed in
    assert named(con, "source-diversity") == [
        ("(no outlet named)", "undated", 1, 0, 0, 1, 1.0, None, None, None, 0, 0, None, 1.0),
        ("Coastal Ledger", "2026-11", 2, 1, 1, 0, 0.0, 0.5, 0.095, 0.905, 1, 1, 0.5, 0.0),
        ("Valley Wire", "2026-11", 2, 1, 1, 0, 0.0, 0.5, 0.095, 0.905, 1, 1, 0.5, 0.0)]
    assert named(con, "source-diversity", by_month=0)[1][:2] == ("Coastal Ledger", "all")
    assert named(con, "source-diversity", source="Valley Wire", since="2026-12") == []
    assert [r[:2] for r in named(con, "quote-search", phrase="RIVER")] == [
        ("Ruth Calloway", "direct"), ("Ben Okoro", "direct"), ("Ben Okoro", "mixed")]
    # every file in sql/queries is covered above, or in tests/test_lineage.py (the quotation
    # queries, on quotes repeated across outlets)
    assert set(query.named_queries()) == {
        "top-people", "top-entities", "entity-timeline", "entity-cooccurrence", "top-pairs",
        "top-speakers", "speaker-quotes", "speaker-sources", "source-volume", "rising-entities",
        "failed-files", "quote-search", "source-diversity", "most-repeated-quotes",
        "conflicting-attributions", "quote-history"}


def test_parameter_errors(built):
    _, con, _ = built
    with pytest.raises(query.QueryError, match="needs --param entity=VALUE"):
        query.resolve("entity-timeline", {})
    with pytest.raises(query.QueryError, match="has no parameter colour"):
        query.resolve("top-people", {"colour": "red"})
    with pytest.raises(query.QueryError, match="no named query 'top-peple'"):
        query.resolve("top-peple", {})


def cli(args, cwd=None):
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.slow
def test_query_command_formats(built, tmp_path):
    wh, _, _ = built
    res = cli(["query", "top-speakers", "--warehouse", str(wh), "-f", "csv", "-p", "limit=2"])
    assert res.returncode == 0, res.stderr
    assert res.stdout == ("speaker,kind,quotes,direct,articles,sources\n"
                          "Ben Okoro,person,3,2,3,2\nRuth Calloway,person,3,1,2,2\n")
    out = tmp_path / "q.json"
    res = cli(["query", "select identity, articles from entity_summary where kind = 'place'",
               "--warehouse", str(wh), "--format", "json", "--output", str(out)])
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text()) == [{"identity": "Greyford", "articles": 3}]
    pq_out = tmp_path / "q.parquet"
    res = cli(["query", "speaker-quotes", "-p", "speaker=Jonah Mbeki", "--warehouse", str(wh),
               "-f", "parquet", "-o", str(pq_out)])
    assert res.returncode == 0, res.stderr
    import pyarrow.parquet as pq

    assert pq.read_table(pq_out).column("text").to_pylist() == ["I just closed my eyes and jumped"]
    res = cli(["query", "top-people", "--warehouse", str(wh)])
    assert "Ruth Calloway" in res.stdout and "(3 rows)" in res.stdout
    listing = cli(["query", "--list"]).stdout
    assert all(name in listing for name in query.named_queries())
    bad = cli(["query", "select * from nowhere", "--warehouse", str(wh)])
    assert bad.returncode == 1 and "nowhere" in bad.stderr


@pytest.mark.slow
def test_shell_runs_statements_from_stdin(built):
    wh, _, _ = built
    res = subprocess.run([str(CLI), "shell", "--warehouse", str(wh)], capture_output=True,
                         text=True, timeout=60,
                         input="select count(*) as n\nfrom articles;\n.run top-people limit=1\n.quit\n")
    assert res.returncode == 0, res.stderr
    assert "│ 5 " in res.stdout and "Ben Okoro" in res.stdout


def test_moved_warehouse_keeps_working(tmp_path, monkeypatch):
    wh = tmp_path / "old" / "wh"
    build_warehouse(wh)
    moved = tmp_path / "new-place" / "copy"
    moved.parent.mkdir()
    shutil.move(str(wh), str(moved))
    shutil.rmtree(tmp_path / "old")
    # the query command builds its views for where the warehouse is now, from any directory
    res = cli(["query", "select count(*) from articles", "--warehouse", str(moved), "-f", "csv"],
              cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[1] == "5"
    # news.duckdb itself is repointed by the next publish (every run does one)
    assert views.publish_views(moved)
    import duckdb

    monkeypatch.chdir(tmp_path)
    con = duckdb.connect(str(moved / "news.duckdb"), read_only=True)
    assert con.sql("select count(*) from quotes").fetchall() == [(9,)]
    con.close()


def test_duckdb_1x_clients_open_news_duckdb_and_read_every_view(built):
    """news.duckdb is written in a storage format DuckDB 1.x reads: the duckdb-cli 1.5.6 package
    (what DBeaver-style tools embed) opens it and every view gives the rows DuckDB 2 gives."""
    wh, con, _ = built
    cli_1x = Path(sys.executable).parent / "duckdb"
    version = subprocess.run([str(cli_1x), "--version"], capture_output=True, text=True,
                             timeout=60).stdout
    assert version.startswith("v1."), version
    view_names = [r[0] for r in con.sql("select view_name from duckdb_views() where not internal "
                                   "order by view_name").fetchall()]
    assert {"articles", "quotes", "speakers", "speaker_quotes", "identity_names"} <= set(view_names)
    sql = "; ".join(f"select '{v}', count(*) from {v}" for v in view_names)
    res = subprocess.run([str(cli_1x), "-readonly", str(wh / "news.duckdb"), "-csv", "-noheader",
                          "-c", sql], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    theirs = dict(line.split(",") for line in res.stdout.split())
    ours = {v: str(con.sql(f"select count(*) from {v}").fetchall()[0][0]) for v in view_names}
    assert theirs == ours
    # the stored view_names hold no getvariable (DuckDB 1.1+): a client never sets the variable that
    # lets our own connections skip the semi-join on live rows, so it is stored as false
    stored = subprocess.run([str(cli_1x), "-readonly", str(wh / "news.duckdb"), "-csv",
                             "-noheader", "-c", "select count(*) from duckdb_views() "
                             "where sql ilike '%getvariable%'"], capture_output=True, text=True,
                            timeout=60)
    assert stored.stdout.strip() == "0", stored.stdout + stored.stderr
    macro = subprocess.run([str(cli_1x), "-readonly", str(wh / "news.duckdb"), "-csv",
                            "-noheader", "-c", "select identity_of('Calloway')"],
                           capture_output=True, text=True, timeout=60)
    assert macro.stdout.strip() == con.sql("select identity_of('Calloway')").fetchall()[0][0]
    # full-text search is SQL too: the 1.x client ranks the same articles
    word = max(con.sql("select title from articles where title is not null order by article_id "
                       "limit 1").fetchall()[0][0].split(), key=len).strip(".,:;")
    search = f"select article_id from search_articles('{word}') order by score desc, article_id"
    found = subprocess.run([str(cli_1x), "-readonly", str(wh / "news.duckdb"), "-csv",
                            "-noheader", "-c", search], capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    ours_found = [r[0] for r in con.sql(search).fetchall()]
    assert ours_found and found.stdout.split() == ours_found


def test_export_writes_the_live_rows_once_and_never_over_an_earlier_export(built, tmp_path):
    from news_etl.export import ExportError, export

    wh, con, _ = built
    out = tmp_path / "snapshot"
    counts = export(wh, out)
    assert counts["quotes"] == con.sql("select count(*) from quotes").fetchall()[0][0] == 9
    # counted elsewhere from the export alone, the speakers and stories are the views' (the
    # quotes carry each speaker's identity; the corpus tables are there too)
    import duckdb

    other = duckdb.connect()
    exported = other.sql(f"""
        select speaker_identity, count(*) from read_parquet('{out}/quotes.parquet')
        where speaker is not null and quote_type <> 'belief' group by 1 order by 1""").fetchall()
    assert exported == con.sql("select speaker, quotes from top_speakers order by 1").fetchall()
    for table in ("speakers", "stories", "entity_summary", "article_stories"):
        n = other.sql(f"select count(*) from read_parquet('{out}/{table}.parquet')").fetchall()
        assert n == con.sql(f"select count(*) from {table}").fetchall(), table
    other.close()
    with pytest.raises(ExportError, match="exists and is not empty"):
        export(wh, out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_reads_never_write_and_an_earlier_versions_warehouse_waits_for_a_run(tmp_path):
    """A query, the ledger and the Warehouse object only read: no file of the warehouse changes.
    A warehouse whose seed tables an earlier version wrote is refused with the advice to run
    (it was once upgraded in place by whoever read it first); the run's upgrade makes it readable."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.core.errors import WarehouseOutdated
    from tasks.run.quick import _needs_repair
    from tasks.store import layout, ledger, schemas
    from tasks.store.warehouse import Warehouse

    wh = tmp_path / "wh"
    build_warehouse(wh)
    views.publish_views(wh)

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(wh)): (p.stat().st_mtime_ns, p.stat().st_size)
                for p in sorted(wh.rglob("*"))}

    before = snapshot()
    w = Warehouse(wh)
    con = w.connect()
    assert con.sql("select count(*) from articles").fetchall()[0][0] > 0
    con.close()
    assert w.ledger() == ledger.read_ledger(wh) and w.exists() and w.current()
    assert snapshot() == before, "a read changed the warehouse"

    seed = w.table_file("0-schema", "quotes")  # as an earlier version wrote it: a column short
    old = pa.schema([f for f in schemas.BATCH_TABLES["quotes"] if f.name != "speaker_rule"])
    pq.write_table(old.empty_table(), seed)
    assert not w.current() and _needs_repair(wh)
    with pytest.raises(WarehouseOutdated, match="`news-etl run` upgrades it"):
        w.connect()
    with pytest.raises(WarehouseOutdated):
        w.ledger()
    assert pq.read_schema(seed).equals(old), "the refused read left the seed as it was"
    w.upgrade()  # what a run does first, under its lock
    assert w.current() and not _needs_repair(wh)
    # the seeds say what they were written with, this version's digest (a reader trusts the
    # stamp instead of loading pyarrow: any rewritten seed, as above, no longer matches it)
    assert layout.SCHEMA_DIGEST == schemas.digest(), "update layout.SCHEMA_DIGEST"
    marker = wh / "batches" / layout.SCHEMA_BATCH / layout.SCHEMAS_MARKER
    assert marker.read_text() == layout.seeds_stamp(wh, layout.SCHEMA_DIGEST)
    con = w.connect()
    assert "speaker_rule" in con.sql("select * from quotes limit 0").columns
    con.close()


def test_a_first_set_up_killed_half_way_is_no_warehouse_yet(tmp_path, monkeypatch):
    """The seed that makes a folder a warehouse is written last: a first run killed while
    writing the seeds leaves no warehouse (the next run sets it up), never one a reader refuses
    as written by an earlier version (the kill -9 test found that order)."""
    from tasks.core.errors import NoWarehouse, WarehouseOutdated
    from tasks.store import schemas

    real = staging._write_seed
    last_table = list(schemas.BATCH_TABLES)[-1]

    def dies_on_the_last_table_seed(path, schema, tmp_dir):
        if path.name == f"{last_table}.parquet":
            raise KeyboardInterrupt("killed")
        return real(path, schema, tmp_dir)

    monkeypatch.setattr(staging, "_write_seed", dies_on_the_last_table_seed)
    with pytest.raises(KeyboardInterrupt):
        staging.init_warehouse(tmp_path)
    assert not views.is_warehouse(tmp_path)
    with pytest.raises(NoWarehouse) as err:
        views.connect(tmp_path)
    assert not isinstance(err.value, WarehouseOutdated)
    monkeypatch.setattr(staging, "_write_seed", real)
    staging.init_warehouse(tmp_path)
    views.connect(tmp_path).close()


def test_a_reader_opens_the_published_views_when_they_are_current(tmp_path):
    """news.duckdb holds the views of the batches committed when it was published: a reader
    opens it read-only then (no live-row table computed again: most of a search's time at a
    million articles), and makes the views anew in memory as soon as a batch is committed
    after it. Both ways give the same rows."""
    from tasks.corpus import build as corpus_build
    from tests.test_identity import build

    wh = tmp_path / "wh"
    build(wh, {"a.txt": ([("Ruth Calloway", "PERSON")], [("Ruth Calloway", "We will vote no")])})
    corpus_build.materialize(wh)
    views.publish_views(wh)

    def read() -> tuple[str, list]:
        con = views.connect(wh)
        try:
            where = con.sql("select current_database()").fetchall()[0][0]
            rows = [con.sql(f"select count(*) from {v}").fetchall()[0][0]
                    for v in ("articles", "entities", "quotes", "postings", "named_entities",
                              "speaker_quotes", "article_meta")]
            return where, rows
        finally:
            con.close()

    published, rows = read()
    assert published == "news" and rows[:3] == [1, 1, 1]
    build(wh, {"b.txt": ([("Ben Okoro", "PERSON")], [("Ben Okoro", "The river is low")])},
          batch="20261121T000000000000Z-1-00000")
    fresh, rows2 = read()
    assert fresh == "memory" and rows2[:3] == [2, 2, 2]  # the new batch, at once
    corpus_build.materialize(wh)
    views.publish_views(wh)
    again, rows3 = read()
    assert again == "news" and rows3 == read_in_memory(wh)
    # a file an earlier version published, without the state table this one writes: the
    # views are made in memory (its marker no longer matches), and a file that lacks it
    # whatever the marker says is not trusted either
    import duckdb

    con = duckdb.connect(str(views.db_path(wh)))
    con.execute(f"drop table {views.STATE_TABLE}")
    con.close()
    assert read() == ("memory", rows3)
    (wh / views.VIEWS_MARKER).write_text("an earlier version's digest\n")
    assert read() == ("memory", rows3)


def read_in_memory(wh: Path) -> list:
    """The same counts through views made in memory (an export's connection always is)."""
    con = views.connect(wh, writable=wh)
    try:
        assert con.sql("select current_database()").fetchall()[0][0] == "memory"
        return [con.sql(f"select count(*) from {v}").fetchall()[0][0]
                for v in ("articles", "entities", "quotes", "postings", "named_entities",
                          "speaker_quotes", "article_meta")]
    finally:
        con.close()


def test_a_speakers_gender_is_the_majority_and_an_even_split_none():
    """The speakers view's gender: the articles' own words by majority, a first name's where the
    words give none or split evenly, and no gender for an even split of both: never the first
    of a tie in whatever order DuckDB met the quotes (mode() did that, and the women counted at
    a million articles moved from one query to the next)."""
    import duckdb

    from tasks.core.sql import load_sql, statements

    con = duckdb.connect()
    con.execute("create table speaker_quotes (identity varchar, kind varchar, speaker_role "
                "varchar, speaker_organisation varchar, speaker_gender varchar, "
                "speaker_gender_source varchar, article_id varchar, source varchar, "
                "story_id varchar)")
    said = {  # identity: (gender, source) of each quote
        "Ana Ruiz": [("female", "text"), ("female", "text"), ("male", "text")],
        "Kim Lee": [("female", "text"), ("male", "text"), ("male", "name")],
        "Sam Oduya": [("female", "text"), ("male", "text")],
        "Dana Fox": [("female", "name"), (None, None)],
        "Old Row": [("male", None)],  # before quotes-12: no source, the articles' words
        "No One": [(None, None)],
    }
    for who, quotes in said.items():
        for k, (gender, source) in enumerate(quotes):
            con.execute("insert into speaker_quotes values (?, 'person', null, null, ?, ?, ?, "
                        "'Wire', ?)", [who, gender, source, f"{who}-{k}", f"{who}-{k}"])
    for stmt in statements(load_sql("analysis.sql")):
        if stmt.startswith(("create or replace macro speaker_gender",
                            "create or replace macro gender_votes",
                            "create or replace view speakers as")):
            con.execute(stmt)
    got = {r[0]: r[1:] for r in con.sql(
        "select speaker, gender, gender_source, gender_articles from speakers").fetchall()}
    assert got == {
        "Ana Ruiz": ("female", "text", 3),
        "Kim Lee": ("male", "name", 3),  # the words split evenly: the first name decides
        "Sam Oduya": (None, None, 2),  # an even split is no gender, not either one
        "Dana Fox": ("female", "name", 1),
        "Old Row": ("male", "text", 1),
        "No One": (None, None, 0),
    }


def test_a_runs_key_files_give_the_live_sets_and_dates_the_articles_files_give(tmp_path):
    """The corpus step reads each batch's article keys from a narrow file of its own
    (tasks/corpus/keys.py); what is live and each article's date must be what the articles
    files say, with an article reprocessed in a later batch and a batch from before first_seen
    existed."""
    import duckdb
    import pyarrow.parquet as pq

    from tasks.corpus.keys import key_files
    from tasks.store import layout

    wh = tmp_path / "wh"
    ids = build_warehouse(wh)
    later = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    batch2 = "20261120T080000000000Z-2-00000"
    # a5 (undated) reprocessed: its row in batch 2 supersedes batch 1's, its date stays the
    # first time it was stored
    staging.stage_batch(wh, batch2, {
        "articles": [{"article_id": ids["a5"], "batch_id": batch2, "source_path": ARTICLES["a5"][0],
                      "record_index": 0, "title": "Story a5, again", "text": "Jonah Mbeki.",
                      "published_at": None, "source": None, "url": None, "authors": [],
                      "language": "en", "word_count": 2, "content_hash": "a5b", "extra": None,
                      "model": "m", "extractor_version": "y", "processed_at": later}],
        "files": [{"path": ARTICLES["a5"][0], "batch_id": batch2, "run_id": "r2",
                   "content_hash": "a5b", "size": 2, "mtime_ns": 2, "format": "txt",
                   "status": "ok", "error": None, "articles": 1, "records_failed": 0,
                   "processed_at": later}],
        "entities": [], "quotes": [], "postings": []})
    commit.commit_batch(wh, batch2)
    # batch 1 as a warehouse from before first_seen was a column wrote it
    first = layout.table_file(wh, "20261118T120000000000Z-1-00000", "articles")
    pq.write_table(pq.read_table(first).drop_columns(["first_seen"]), first)
    batches = build.committed_batches(wh)

    def read(keys: list[Path] | None) -> tuple[list, list]:
        con = duckdb.connect()
        for stmt in views.view_statements(wh, batches, keys):
            con.execute(stmt)
        out = (con.sql("select * from live_articles order by all").fetchall(),
               con.sql("select * from article_dates order by all").fetchall())
        con.close()
        return out

    con = duckdb.connect()
    files = key_files(con, wh, batches)
    assert [f.stem for f in files] == batches
    live, dates = read(files)
    assert (live, dates) == read(None)
    assert (ids["a5"], batch2) in live and (ids["a5"], "20261118T120000000000Z-1-00000") not in live
    a5 = [d for d in dates if d[0] == ids["a5"]]
    assert [(d[3], d[4], d[6]) for d in a5] == [(PROCESSED, "first_seen", PROCESSED)]
    assert len(dates) == len(ARTICLES)
    # the corpus step counts the live articles by model and extractor from them, for staleness
    # after a run and `status` (a5's batch-1 row, extractor x, is superseded by its y row)
    from tasks.core.sql import load_sql
    from tasks.store import reprocess

    build.materialize(wh)
    counted = reprocess.counted_versions(wh)
    reader = views.connect(wh)
    assert counted == reader.sql(load_sql("stale.sql")).fetchall() == [
        ("m", "x", len(ARTICLES) - 1), ("m", "y", 1)]
    reader.close()
    with pytest.MonkeyPatch.context() as mp:  # answered from those counts, no article read
        mp.setattr(views, "connect", lambda *a, **k: pytest.fail("read the articles"))
        assert reprocess.staleness(wh, "m").stale == len(ARTICLES)
    # written once a folder, and gone with it
    stamps = [f.stat().st_mtime_ns for f in files]
    assert [f.stat().st_mtime_ns for f in key_files(con, wh, batches)] == stamps
    shutil.rmtree(layout.batches_dir(wh) / batch2)
    assert reprocess.counted_versions(wh) is None  # counts of other batches are not believed
    assert not key_files(con, wh, batches[:-1])[-1].name.startswith(batch2)
    assert not files[-1].exists()
