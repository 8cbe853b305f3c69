"""Corpus-level identity: each rule on name statistics written here, then end to end through
the warehouse views and named queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tasks.corpus import build as corpus_build
from tasks.corpus.identity import NameStats, bare_name, name_key, resolve_identities, tidy_name
from tasks.ingest.records import article_id
from tasks.store import commit, staging, views
from tests.test_warehouse import named


def by_name(stats: list[NameStats]) -> dict[str, tuple[str, str, str, list[str]]]:
    return {i.name: (i.identity, i.kind, i.status, i.candidates) for i in resolve_identities(stats)}


def test_a_lone_surname_takes_the_one_full_name_the_corpus_points_to():
    got = by_name([NameStats("Tony Blair", "PERSON", 300, 150),
                   NameStats("Cherie Blair", "PERSON", 6, 4),
                   NameStats("Blair", "PERSON", 20, 13),
                   NameStats("Blair", "ORG", 2, 2)])
    assert got["Blair"] == ("Tony Blair", "person", "resolved", [])
    assert got["Cherie Blair"] == ("Cherie Blair", "person", "exact", [])


def test_an_ambiguous_surname_stays_itself_and_lists_its_candidates():
    got = by_name([NameStats("Kenneth Clarke", "PERSON", 40, 12),
                   NameStats("Charles Clarke", "PERSON", 35, 10),
                   NameStats("Clarke", "PERSON", 9, 7)])
    assert got["Clarke"] == ("Clarke", "person", "ambiguous", ["Kenneth Clarke", "Charles Clarke"])


def test_a_full_name_seen_once_does_not_claim_a_surname():
    got = by_name([NameStats("Dana Voss", "PERSON", 1, 1),
                   NameStats("Voss", "PERSON", 12, 9, titled=3)])
    assert got["Voss"] == ("Voss", "person", "exact", [])


def test_a_lone_name_is_read_as_surname_or_first_name_by_the_articles_behind_each():
    stats = [NameStats("Michael Howard", "PERSON", 300, 100), NameStats("Ron Howard", "PERSON", 6, 5),
             NameStats("Howard Hughes", "PERSON", 20, 14), NameStats("Howard", "PERSON", 8, 4),
             NameStats("Charles Kennedy", "PERSON", 120, 49),
             NameStats("Charles Clarke", "PERSON", 70, 29), NameStats("Ray Charles", "PERSON", 60, 19),
             NameStats("Charles", "PERSON", 6, 5)]
    got = by_name(stats)
    assert got["Howard"][:3] == ("Michael Howard", "person", "resolved")
    assert got["Charles"] == ("Charles", "person", "ambiguous", ["Charles Kennedy", "Charles Clarke"])


def test_a_lone_word_no_full_name_or_title_backs_is_not_a_person():
    got = by_name([NameStats("Euronext", "PERSON", 40, 20), NameStats("Yukos", "PERSON", 165, 27),
                   NameStats("Yukos", "ORG", 9, 9), NameStats("Madonna", "PERSON", 11, 7, titled=2)])
    assert got["Euronext"][1] == "other" and got["Yukos"][1] == "organisation"
    assert got["Madonna"][1] == "person"  # "singer Madonna": a mononym introduced by a title


def test_a_name_written_after_the_or_an_is_not_a_person():
    got = by_name([NameStats("Oscar", "PERSON", 130, 72, titled=4, determined=44),
                   NameStats("Oscar Wilde", "PERSON", 5, 3),
                   NameStats("Welsh", "PERSON", 27, 20, determined=12), NameStats("Welsh", "ORG", 5, 4),
                   NameStats("Tony Blair", "PERSON", 505, 150, determined=3)])
    assert got["Oscar"][1] == "other" and got["Welsh"][1] == "group"
    assert got["Tony Blair"][1] == "person"
    # a lower-case "name" is a common noun the NER misread, not a spelling of the proper name
    got = by_name([NameStats("bush", "PERSON", 12, 10, determined=10),
                   NameStats("Bush", "PERSON", 40, 30), NameStats("George Bush", "PERSON", 90, 40)])
    assert got["Bush"][:3] == ("George Bush", "person", "resolved") and got["bush"][1] == "other"


def test_debris_around_names_is_cleaned_before_they_are_compared():
    assert tidy_name("Howard - can") == "Howard" and tidy_name("Virgin Blue -") == "Virgin Blue"
    assert tidy_name("Best First Feature at Cannes - Nair") == "Nair"
    assert tidy_name("Justin Trudeau Trudeau") == "Justin Trudeau"
    assert tidy_name("Instagram/Jane Roe") == "Jane Roe"
    assert tidy_name("Nielsen/NetRatings") == "Nielsen/NetRatings"
    assert tidy_name("Roddick 6-2 7-6") == "Roddick"
    assert tidy_name("Blair&#191;s") == "Blair" and tidy_name("ex-Yukos") == "Yukos"
    assert tidy_name("al-Shabaab") == "al-Shabaab" and tidy_name("anti-Blair") == "Blair"
    assert tidy_name("Inter-American Development Bank (IADB") == "Inter-American Development Bank"
    assert tidy_name("Everton v Sunderland") == "Everton"
    assert tidy_name("Sven-Goran Eriksson") == "Sven-Goran Eriksson"
    got = by_name([NameStats("Blair&#191;s", "PERSON", 6, 6), NameStats("Tony Blair", "PERSON", 50, 40),
                   NameStats("Alan Milburn - the", "PERSON", 2, 2),
                   NameStats("Alan Milburn", "PERSON", 40, 20)])
    assert got["Blair&#191;s"][0] == "Tony Blair" and got["Alan Milburn - the"][0] == "Alan Milburn"


def test_an_organisation_mislabelled_as_a_person_in_a_minority_of_mentions_is_an_organisation():
    got = by_name([NameStats("Labour", "ORG", 300, 126), NameStats("Labour", "PERSON", 90, 62),
                   NameStats("Labour", "GPE", 2, 2)])
    assert {v[:3] for v in got.values()} == {("Labour", "organisation", "exact")}
    # an organisation word in the name outweighs the votes
    got = by_name([NameStats("Manchester United", "PERSON", 50, 45),
                   NameStats("Manchester United", "ORG", 10, 8)])
    assert got["Manchester United"][1] == "organisation"


def test_personal_titles_are_person_evidence():
    got = by_name([NameStats("Hale", "ORG", 4, 3), NameStats("Hale", "PERSON", 1, 1, titled=3)])
    assert got["Hale"][1] == "person"
    assert by_name([NameStats("Yukos", "PERSON", 165, 27), NameStats("Yukos", "ORG", 200, 60)]
                   )["Yukos"][1] == "organisation"


def test_plural_groups_join_their_singular_and_people_do_not():
    got = by_name([NameStats("Tories", "NORP", 70, 40), NameStats("Tory", "NORP", 50, 35),
                   NameStats("Tory", "ORG", 10, 8), NameStats("Lib Dems", "ORG", 60, 50),
                   NameStats("Lib Dem", "PERSON", 30, 41), NameStats("Lib Dem", "ORG", 40, 30),
                   NameStats("Williams", "PERSON", 20, 15), NameStats("William", "PERSON", 30, 20)])
    assert got["Tories"][0] == got["Tory"][0] == "Tories" and got["Tory"][1] == "group"
    assert got["Tories"][2] == "joined" and got["Tory"][2] == "exact"
    assert got["Lib Dems"][0] == got["Lib Dem"][0] and got["Lib Dem"][1] == "organisation"
    assert got["Williams"][0] == "Williams" and got["William"][0] == "William"


def test_spellings_and_a_middle_initial_are_one_name():
    got = by_name([NameStats("George W. Bush", "PERSON", 40, 26),
                   NameStats("George Bush", "PERSON", 10, 8),
                   NameStats("Bush", "PERSON", 30, 22), NameStats("Laura Bush", "PERSON", 3, 2)])
    assert got["George W. Bush"][0] == got["George Bush"][0] == got["Bush"][0] == "George W. Bush"
    assert got["Bush"][2] == "resolved"
    assert name_key("the Kremlin’s") == ("kremlin",) == name_key("Kremlin")


def test_titles_roles_and_openers_are_not_part_of_a_name():
    """'Mr Hague', 'Hague' and 'William Hague' are one person; a role, a sentence's opening word
    or a day glued to a name by the NER is dropped, and so is a -style suffix."""
    got = by_name([NameStats("William Hague", "PERSON", 40, 20), NameStats("Mr Hague", "PERSON", 9, 6),
                   NameStats("Mr Hague", "ORG", 2, 2), NameStats("Hague", "PERSON", 12, 8),
                   NameStats("Ed Balls", "PERSON", 8, 5), NameStats("Mr Balls", "PERSON", 6, 4),
                   NameStats("Rapper 50 Cent", "PERSON", 4, 3), NameStats("50 Cent", "PERSON", 9, 5),
                   NameStats("Tuesday Mr Ebbers", "PERSON", 1, 1),
                   NameStats("Bernie Ebbers", "PERSON", 30, 12),
                   NameStats("George Bush-style", "PERSON", 2, 2),
                   NameStats("George Bush", "PERSON", 50, 30),
                   NameStats('" Mr de Vabres', "ORG", 1, 1),
                   NameStats("Renaud Donnedieu de Vabres", "PERSON", 3, 2),
                   NameStats("Both Mr Brown and Mr Blair", "PERSON", 2, 2)])
    assert {got[n][0] for n in ("William Hague", "Mr Hague", "Hague")} == {"William Hague"}
    assert got["Mr Balls"][0] == "Ed Balls" and got["Rapper 50 Cent"][0] == "50 Cent"
    assert got["Tuesday Mr Ebbers"][0] == "Bernie Ebbers"
    assert got["George Bush-style"][0] == "George Bush"
    assert got['" Mr de Vabres'][0] == "de Vabres"  # no stray quote mark, no title
    assert got["Both Mr Brown and Mr Blair"][1] == "other"  # two people are no one name
    # a word glued before a full name written alone far more often, and a name written surname
    # first, are that name; a middle name is not (John Quincy Adams is not John Adams)
    got = by_name([NameStats("Kelly Holmes", "PERSON", 60, 18),
                   NameStats("Sprinter Kelly Holmes", "PERSON", 2, 2),
                   NameStats("Donald Trump", "PERSON", 900, 400), NameStats("Trump Donald", "PERSON", 3, 2),
                   NameStats("John Adams", "PERSON", 20, 10),
                   NameStats("John Quincy Adams", "PERSON", 6, 4)])
    assert got["Sprinter Kelly Holmes"][0] == "Kelly Holmes"
    assert got["Trump Donald"][0] == "Donald Trump"
    assert got["John Quincy Adams"][0] == "John Quincy Adams"
    # a hyphenated surname alone is the full name it ends, spaced or not
    got = by_name([NameStats("Robert Kilroy-Silk", "PERSON", 30, 13),
                   NameStats("Kilroy-Silk", "PERSON", 20, 10), NameStats("Kilroy Silk", "PERSON", 2, 2),
                   NameStats("Mr Kilroy-Silk", "PERSON", 5, 4)])
    assert {v[0] for v in got.values()} == {"Robert Kilroy-Silk"}
    # kept: a title not before a name, a day before no title, a word that is the name
    assert bare_name("Lord of the Rings") == "Lord of the Rings"
    assert bare_name("Sunday Times") == "Sunday Times" and bare_name("New York") == "New York"
    assert bare_name("Supt Peters") == "Peters" and bare_name("Det Sgt Ana Cole") == "Ana Cole"
    # a name never read as a person's keeps its title: a drink, an album
    got = by_name([NameStats("Dr Pepper", "ORG", 5, 4), NameStats("Pepper", "ORG", 3, 2),
                   NameStats("Sgt Pepper", "WORK_OF_ART", 4, 3)])
    assert got["Dr Pepper"][0] == "Dr Pepper" and got["Sgt Pepper"][0] == "Sgt Pepper"


def test_an_organisation_and_its_short_forms_are_one():
    got = by_name([NameStats("Labour", "ORG", 300, 126), NameStats("Labour Party", "ORG", 40, 30),
                   NameStats("EU", "ORG", 120, 70), NameStats("European Union", "ORG", 30, 25),
                   NameStats("US", "GPE", 400, 200), NameStats("United States", "GPE", 60, 40),
                   NameStats("United States", "ORG", 10, 9),
                   NameStats("UN", "ORG", 20, 15), NameStats("United Nations", "ORG", 12, 10),
                   NameStats("Ulster Nationalists", "ORG", 1, 1)])
    assert got["Labour Party"][0] == got["Labour"][0] == "Labour"
    assert got["European Union"][0] == "EU" and got["United States"][:2] == ("US", "place")
    assert got["UN"][0] == "UN" == got["United Nations"][0]  # the one the corpus points to
    # an organisation word makes no place an organisation: the votes say United States is one
    got = by_name([NameStats("United States", "GPE", 60, 40), NameStats("United States", "ORG", 10, 9),
                   NameStats("Manchester United", "PERSON", 50, 45),
                   NameStats("Team GB", "PERSON", 7, 4), NameStats("Team GB", "ORG", 3, 3)])
    assert got["United States"][1] == "place" and got["Manchester United"][1] == "organisation"
    assert got["Team GB"][1] == "organisation"
    # a hyphenated word counts its parts; an acronym never joins a name it is a word of, nor a
    # name of another kind
    got = by_name([NameStats("WADA", "ORG", 9, 6), NameStats("World Anti-Doping Agency", "ORG", 5, 4),
                   NameStats("BT", "ORG", 30, 20), NameStats("BT Together", "ORG", 3, 2),
                   NameStats("TB", "ORG", 6, 3), NameStats("Tate Britain", "GPE", 4, 3)])
    assert got["World Anti-Doping Agency"][0] == "WADA"
    assert got["BT Together"][0] == "BT Together" and got["Tate Britain"][0] == "Tate Britain"


def test_people_never_merge_with_plurals_and_members_are_a_group():
    got = by_name([NameStats("Simpson", "ORG", 8, 4), NameStats("Simpson", "PERSON", 2, 1, titled=2),
                   NameStats("Simpsons", "ORG", 10, 6, determined=10),
                   NameStats("Charlie Simpson", "PERSON", 9, 5),
                   NameStats("Smith", "PERSON", 4, 4), NameStats("Smiths", "PERSON", 1, 1),
                   NameStats("Will Smith", "PERSON", 6, 4), NameStats("Alan Smith", "PERSON", 5, 3),
                   NameStats("Labour MPs", "PERSON", 15, 12), NameStats("Labour MPs", "ORG", 6, 6)])
    assert got["Simpsons"][0] == "Simpsons" and got["Simpson"][0] != "Simpsons"
    assert got["Smiths"][0] == "Smiths" and got["Smith"][0] == "Smith"
    assert got["Labour MPs"][1] == "group"
    # a place, an organisation and a building by turns is no person, whatever its PERSON votes
    got = by_name([NameStats("Aston Villa", "PERSON", 8, 7), NameStats("Aston Villa", "FAC", 2, 2),
                   NameStats("Aston Villa", "GPE", 2, 2), NameStats("Aston Villa", "ORG", 1, 1)])
    assert got["Aston Villa"][1] != "person"
    # an award is no person, nor the word its name begins with
    got = by_name([NameStats("Grammy Awards", "PERSON", 6, 5), NameStats("Grammy", "PERSON", 11, 10),
                   NameStats("Grammy", "WORK_OF_ART", 4, 3), NameStats("Davis Cup", "PERSON", 5, 4)])
    assert got["Grammy Awards"][1] == "other" and got["Davis Cup"][1] == "other"
    assert got["Grammy"][1] != "person"


PROCESSED = datetime(2026, 11, 20, tzinfo=UTC)


def build(wh, articles: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]],
          published: datetime | None = PROCESSED, processed: datetime = PROCESSED,
          batch: str = "20261120T000000000000Z-1-00000", source: str = "Ledger") -> None:
    """One committed batch: per article, entity (canonical, label) and quote (speaker, text) rows."""
    staging.init_warehouse(wh)
    tables: dict[str, list[dict]] = {"articles": [], "entities": [], "quotes": [], "files": []}
    for path, (ents, quotes) in articles.items():
        aid = article_id(path, 0)
        text = " ".join(n for n, _ in ents) + ". " + " ".join(q[1] for q in quotes)
        tables["articles"].append({
            "article_id": aid, "batch_id": batch, "source_path": path, "record_index": 0,
            "title": path, "text": text, "published_at": published, "source": source,
            "url": None, "authors": [], "language": "en", "word_count": len(text.split()),
            "content_hash": path, "extra": None, "model": "m", "extractor_version": "x",
            "processed_at": processed})
        tables["files"].append({
            "path": path, "batch_id": batch, "run_id": "r", "content_hash": path, "size": 1,
            "mtime_ns": 1, "format": "txt", "status": "ok", "error": None, "articles": 1,
            "records_failed": 0, "processed_at": processed})
        for i, (name, label) in enumerate(ents):
            start = text.index(name)
            tables["entities"].append({
                "article_id": aid, "batch_id": batch, "entity_index": i, "start_char": start,
                "end_char": start + len(name), "text": name, "label": label,
                "sentence_index": 0, "canonical": name})
        for i, (speaker, said, *kind) in enumerate(quotes):  # kind: the quote type, direct
            start = text.index(said)
            tables["quotes"].append({
                "article_id": aid, "batch_id": batch, "quote_index": i, "text": said,
                "spans": [{"start": start, "end": start + len(said)}],
                "quote_type": kind[0] if kind else "direct",
                "cue": "said", "cue_start": None, "cue_end": None, "speaker": speaker,
                "speaker_text": speaker, "speaker_start": None, "speaker_end": None,
                "speaker_label": "PERSON"})
    staging.stage_batch(wh, batch, tables)
    commit.commit_batch(wh, batch)


def test_views_and_queries_count_identities_after_materialisation(tmp_path):
    wh = tmp_path / "wh"
    build(wh, {
        "a.txt": ([("Ruth Calloway", "PERSON"), ("Harbour Trust", "ORG")],
                  [("Ruth Calloway", "The river is lower than I have ever seen it")]),
        "b.txt": ([("Ruth Calloway", "PERSON"), ("Harbour Trust", "PERSON")],
                  [("Ruth Calloway", "We will vote against the bill")]),
        "c.txt": ([("Calloway", "PERSON"), ("Harbour Trust", "ORG")],
                  [("Calloway", "Farmers cannot wait another summer")]),
        "d.txt": ([("Okafor", "PERSON"), ("Miriam Okafor", "PERSON"), ("Ada Okafor", "PERSON")],
                  [("Okafor", "Nobody asked the engineers")]),
        "e.txt": ([("Miriam Okafor", "PERSON"), ("Ada Okafor", "PERSON")], []),
    })
    corpus_build.materialize(wh)
    views.publish_views(wh)
    con = views.connect(wh)
    try:
        # the surname's articles count for the person; the trust, once tagged PERSON, is not one
        assert [r[:3] for r in named(con, "top-people")] == [
            ("Ruth Calloway", 3, 3), ("Ada Okafor", 2, 2), ("Miriam Okafor", 2, 2), ("Okafor", 1, 1)]
        quotes = named(con, "speaker-quotes", speaker="calloway")
        assert sorted((r[6], r[7]) for r in quotes) == [("Calloway", "Ruth Calloway")] + [
            ("Ruth Calloway", "Ruth Calloway")] * 2
        # an ambiguous surname finds its own quotes and says what it could be
        okafor = named(con, "speaker-quotes", speaker="Okafor")
        assert [(r[6], r[7], r[8]) for r in okafor] == [
            ("Okafor", "Okafor", ["Ada Okafor", "Miriam Okafor"])]
        assert named(con, "entity-timeline", entity="Calloway") == [(PROCESSED.date(), 3, 3, 0)]
        assert con.sql("select kind from entity_summary where identity = 'Harbour Trust'"
                       ).fetchall() == [("organisation",)]
    finally:
        con.close()


def test_an_undated_corpus_gets_no_trend_and_keeps_its_first_seen_time(tmp_path):
    import pytest

    from news_etl.query import QueryError

    wh = tmp_path / "wh"
    story = {f"s{i}.txt": ([("Ruth Calloway", "PERSON")] * (1 + i % 3), []) for i in range(6)}
    build(wh, story, published=None)
    # reprocessed a day later (a new model): the rows are new, the article's time is not
    later = datetime(2026, 11, 21, tzinfo=UTC)
    build(wh, {"s0.txt": story["s0.txt"]}, published=None, processed=later,
          batch="20261121T000000000000Z-1-00000")
    corpus_build.materialize(wh)
    views.publish_views(wh)
    con = views.connect(wh)
    try:
        dates = con.sql("select distinct seen_at, date_source from article_dates").fetchall()
        assert dates == [(PROCESSED, "first_seen")]
        assert con.sql("select processed_at from articles where source_path = 's0.txt'"
                       ).fetchall() == [(later,)]
        assert con.sql("select undated_share from rising_entities").fetchall() == [(1.0,)]
        with pytest.raises(QueryError, match="^rising-entities: 100% of the articles .* have no "
                                             "publication date"):
            named(con, "rising-entities")
        assert named(con, "entity-timeline", entity="Ruth Calloway") == [(PROCESSED.date(), 12, 6, 6)]
    finally:
        con.close()


def test_a_surname_the_ner_mostly_reads_as_an_organisation_is_still_the_person():
    # "the Trump administration", "the Sanders campaign": the surname as a modifier, tagged ORG
    got = by_name([NameStats("Donald Trump", "PERSON", 13080, 2853),
                   NameStats("Trump", "ORG", 15726, 1100), NameStats("Trump", "PERSON", 4587, 1256),
                   NameStats("Bernie Sanders", "PERSON", 2000, 613),
                   NameStats("Sarah Huckabee Sanders", "PERSON", 900, 240),
                   NameStats("Sanders", "ORG", 1325, 335), NameStats("Sanders", "PERSON", 83, 45,
                                                                     titled=32)])
    assert got["Trump"] == ("Donald Trump", "person", "resolved", [])
    assert got["Sanders"] == ("Sanders", "person", "ambiguous",
                              ["Bernie Sanders", "Sarah Huckabee Sanders"])


def test_full_names_far_rarer_than_a_lone_word_do_not_explain_it():
    got = by_name([NameStats("Twitter", "PERSON", 1447, 993, determined=25),
                   NameStats("Twitter", "PRODUCT", 91, 88),
                   NameStats("Twitter Pinterest", "PERSON", 23, 15),
                   NameStats("Politico", "PERSON", 216, 176, titled=1),
                   NameStats("Politico", "ORG", 61, 59)])
    assert got["Twitter"][1] == "other" and got["Politico"][1] == "organisation"


def build_texts(wh, articles: dict[str, tuple[str, list[tuple[str, str]]]],
                batch: str = "20261120T000000000000Z-1-00000",
                hashes: dict[str, str] | None = None) -> None:
    """One committed batch of written articles: per article its text and the (name, label) the
    NER is taken to have found at every occurrence of each name; ``hashes``: a content hash
    for some paths (their own path otherwise)."""
    import re

    staging.init_warehouse(wh)
    tables: dict[str, list[dict]] = {"articles": [], "entities": [], "quotes": [], "files": []}
    for path, (text, ents) in articles.items():
        aid = article_id(path, 0)
        tables["articles"].append({
            "article_id": aid, "batch_id": batch, "source_path": path, "record_index": 0,
            "title": path, "text": text, "published_at": PROCESSED, "source": "Ledger",
            "url": None, "authors": [], "language": "en", "word_count": len(text.split()),
            "content_hash": (hashes or {}).get(path, path), "extra": None, "model": "m",
            "extractor_version": "x", "processed_at": PROCESSED})
        tables["files"].append({
            "path": path, "batch_id": batch, "run_id": "r", "content_hash": path, "size": 1,
            "mtime_ns": 1, "format": "txt", "status": "ok", "error": None, "articles": 1,
            "records_failed": 0, "processed_at": PROCESSED})
        taken: list[tuple[int, int]] = []
        for name, label in sorted(ents, key=lambda e: -len(e[0])):
            for m in re.finditer(re.escape(name), text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue  # inside a longer name already found
                taken.append((m.start(), m.end()))
                tables["entities"].append({
                    "article_id": aid, "batch_id": batch, "entity_index": len(taken) - 1,
                    "start_char": m.start(), "end_char": m.end(), "text": name, "label": label,
                    "sentence_index": 0, "canonical": name})
    staging.stage_batch(wh, batch, tables)
    commit.commit_batch(wh, batch)


def published_rows(wh, sql: str) -> list[tuple]:
    """The corpus-level tables built and the views published, as after a run; ``sql``'s rows."""
    corpus_build.materialize(wh)
    views.publish_views(wh)
    con = views.connect(wh)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def views_connection(wh):
    """An in-memory connection holding the views over the committed batches, as the corpus step
    of a run builds it (tasks/corpus/build.materialize)."""
    import duckdb

    from tasks.store.commit import committed_batches

    con = duckdb.connect(":memory:")
    for stmt in views.view_statements(wh, committed_batches(wh)):
        con.execute(stmt)
    return con


def test_a_name_the_sentences_present_as_an_organisation_or_a_work_is_no_person(tmp_path):
    """The NER reads a magazine, a club and a film series as people; the words around them say
    what they are: an employer, a descriptor, a team sheet's brackets, an ordinal, a sequel's
    title. A person described with the same words around a possessive, or given a nickname in
    brackets, stays a person."""
    wh = tmp_path / "wh"
    pers = "PERSON"
    build_texts(wh, {
        "a.txt": ("Ruth Calloway, editor of Harbour Weekly, said the title would close in June. "
                  "Harbour Weekly has been printed in Portkell since 1961.",
                  [("Ruth Calloway", pers), ("Harbour Weekly", pers), ("Portkell", "GPE")]),
        "b.txt": ("Readers of the regional magazine Harbour Weekly wrote to Ruth Calloway's office. "
                  "Tom Reyes, chief executive of Harbour Weekly, declined to comment.",
                  [("Ruth Calloway", pers), ("Harbour Weekly", pers), ("Tom Reyes", pers)]),
        "c.txt": ("The third Lantern Keeper film opens in May. Lantern Keeper director Ana Cole "
                  "said the cast had grown up on the set. Lantern Keeper and the Salt Road was "
                  "the best seller of the year, ahead of the Lantern Keeper DVD.",
                  [("Lantern Keeper", pers), ("Ana Cole", pers)]),
        "d.txt": ("Selectors named the side on Tuesday: J Marsh (Harbour Hawks), K Obi (Harbour "
                  "Hawks, capt), and Harbour Hawks prop Dan Ure on the bench. Ted Voss (Ted) "
                  "called the squad the strongest in years.",
                  [("Harbour Hawks", pers), ("J Marsh", pers), ("K Obi", pers), ("Dan Ure", pers),
                   ("Ted Voss", pers), ("Ted", pers)]),
        "e.txt": ("Broadcaster Ruth Calloway said her own film was finished. A spokesman for "
                  "Ruth Calloway said the magazine Ruth Calloway's team ran was sold. Ted Voss "
                  "agreed.",
                  [("Ruth Calloway", pers), ("Ted Voss", pers)]),
    })
    kinds = dict(published_rows(wh, "select identity, kind from entity_summary"))
    assert kinds["Harbour Weekly"] == "organisation"  # an employer, a magazine
    assert kinds["Harbour Hawks"] == "organisation"  # a team sheet's club, a prop's club
    assert kinds["Lantern Keeper"] == "other"  # the third film, a sequel, a DVD, its director
    assert kinds["Ruth Calloway"] == "person" and kinds["Ted Voss"] == "person"
    assert kinds["Ana Cole"] == "person" and kinds["Dan Ure"] == "person"
    # the rule overrules a PERSON reading only: a country named as a team stays a place
    got = by_name([NameStats("Fiji", "GPE", 40, 25, org_context=9), NameStats("Fiji", "PERSON", 3, 3)])
    assert got["Fiji"][1] == "place"
    assert bare_name("Briton Karl Keska") == "Karl Keska"  # a nationality noun is no name


def test_a_name_counted_in_the_plural_is_a_kind_of_thing_not_one_body():
    """No one writes of two BBCs: an organisation or place name often written in the plural is an
    award, a product or a people. A party's members, a name that itself ends in s, and an
    acronym's final S are not plurals."""
    got = by_name([NameStats("Oscar", "ORG", 90, 50), NameStats("Oscars", "ORG", 30, 20),
                   NameStats("Oscar", "PERSON", 10, 8, determined=6),
                   NameStats("iPod", "ORG", 40, 25), NameStats("iPods", "ORG", 9, 7),
                   NameStats("Mormon", "NORP", 12, 9), NameStats("Mormons", "ORG", 20, 12),
                   NameStats("Mormon", "ORG", 15, 10),
                   NameStats("Liberal Party", "ORG", 10, 8), NameStats("Liberals", "ORG", 6, 5),
                   NameStats("Liberal", "ORG", 8, 6),
                   NameStats("Fox News", "ORG", 200, 120), NameStats("Fox New", "ORG", 3, 2),
                   NameStats("ISI", "ORG", 12, 5), NameStats("ISIS", "ORG", 300, 90),
                   NameStats("Harbour Trust", "ORG", 50, 30), NameStats("Harbour Trusts", "ORG", 1, 1)])
    assert got["Oscar"][1] == got["Oscars"][1] == "other"
    assert got["iPods"][:2] == got["iPod"][:2] == ("iPod", "other")
    assert got["Mormons"][1] == "group"
    assert got["Liberals"][1] == "organisation"  # members of one party
    assert got["Fox News"][1] == "organisation"
    assert got["ISIS"][0] == "ISIS" and got["ISI"][0] == "ISI"  # an acronym's S is no plural
    assert got["Harbour Trust"][1] == "organisation"  # one stray plural is no count


def test_a_surname_beside_its_full_name_in_the_same_article_is_the_person(tmp_path):
    """The tagger reads a manager's surname as a club every time; in each report it follows his
    full name, so it is his. A club the same reports name with no such full name stays a club."""
    wh = tmp_path / "wh"
    build_texts(wh, {f"{i}.txt": (
        f"Dougal Ferris named an unchanged side for Portkell Rovers. Ferris said the squad was "
        f"fit. Portkell Rovers have won {i} games. Ferris added that the pitch in Portkell was heavy.",
        [("Dougal Ferris", "PERSON"), ("Ferris", "ORG"), ("Portkell Rovers", "ORG"),
         ("Portkell", "GPE")]) for i in range(4)})
    got = dict(published_rows(wh, "select name, identity || ':' || kind from identity_names"))
    assert got["Ferris"] == "Dougal Ferris:person"
    assert got["Portkell Rovers"] == "Portkell Rovers:organisation"
    assert got["Portkell"] == "Portkell:place"


def test_a_familiar_first_name_is_the_same_person():
    """'Bernie Ebbers' and 'Bernard Ebbers' are one man, and the surname alone then has one
    full name to take; 'Bernie Ebbers' and 'Bernice Ebbers' stay two people."""
    got = by_name([NameStats("Bernie Ebbers", "PERSON", 40, 14), NameStats("Bernard Ebbers", "PERSON", 6, 4),
                   NameStats("Bill Marsh", "PERSON", 5, 3), NameStats("William Marsh", "PERSON", 9, 6),
                   NameStats("Marsh", "PERSON", 12, 8), NameStats("Bernice Ebbers", "PERSON", 3, 2)])
    assert got["Bernard Ebbers"][0] == "Bernie Ebbers"
    assert got["Bill Marsh"][0] == "William Marsh"
    assert got["Marsh"][:3] == ("William Marsh", "person", "resolved")
    assert got["Bernice Ebbers"][0] == "Bernice Ebbers"


def test_name_statistics_kept_per_batch_equal_a_full_count(tmp_path):
    """Identity counts each batch once and sums the kept counts: a run adding a batch counts only
    that one, a batch part of which a later one superseded is counted again, and the sum is
    always the full count."""
    def stats(cache):
        con = views_connection(wh)
        try:
            return corpus_build.name_statistics(con, cache)
        finally:
            con.close()

    wh, cache = tmp_path / "wh", tmp_path / "cache"
    pers = "PERSON"
    build_texts(wh, {
        "a.txt": ("Dougal Ferris named his side. Ferris said it was fit.",
                  [("Dougal Ferris", pers), ("Ferris", "ORG")]),
        "b.txt": ("Mr Ferris and Ruth Calloway met the editor of Harbour Weekly.",
                  [("Ferris", pers), ("Ruth Calloway", pers), ("Harbour Weekly", pers)])},
        batch="20261120T000000000000Z-1-00000")
    assert stats(cache) == stats(None)
    (first,) = list(cache.glob("identity_parts.*/*.parquet"))
    kept = first.stat().st_mtime_ns
    build_texts(wh, {"c.txt": ("Ruth Calloway, editor of Harbour Weekly, said so.",
                               [("Ruth Calloway", pers), ("Harbour Weekly", pers)])},
                batch="20261121T000000000000Z-2-00000")
    assert stats(cache) == stats(None)
    assert first.stat().st_mtime_ns == kept  # the first batch was not counted again
    # a.txt changed: the first batch's a.txt is superseded, so that batch is counted again
    build_texts(wh, {"a.txt": ("Dougal Ferris named an unchanged side.", [("Dougal Ferris", pers)])},
                batch="20261122T000000000000Z-3-00000")
    full = stats(None)
    assert stats(cache) == full and not first.exists()
    assert ("Ferris", "ORG") not in {r[:2] for r in full}
    assert len(list(cache.glob("identity_parts.*/*.parquet"))) == 3


# slow tier: the corpus stages run again and again against a full computation
@pytest.mark.slow
def test_cooccurrence_kept_between_runs_equals_a_full_computation(tmp_path):
    """Co-occurrence is updated by what a run changed: the articles added, those superseded, and
    the kept articles naming a name whose identity moved (here "Ferris", an organisation until
    an article names Dougal Ferris the person); after every run it equals the pairs computed
    from every live article, and a kept batch's entities are not read again."""
    import pyarrow.parquet as pq

    from tasks.store import aggregates

    wh = tmp_path / "wh"
    pers, org = "PERSON", "ORG"

    def materialized() -> list[tuple]:
        corpus_build.materialize(wh)
        kept = pq.read_table(aggregates.path(wh, "entity_cooccurrence")).to_pylist()
        con = views_connection(wh)
        try:
            live = con.sql("select * from entity_cooccurrence_live").fetchall()
        finally:
            con.close()
        assert sorted(tuple(r.values()) for r in kept) == sorted(live)
        return sorted(live)

    build_texts(wh, {
        "a.txt": ("Ferris signed Ruth Calloway from Harbour Athletic.",
                  [("Ferris", org), ("Ruth Calloway", pers), ("Harbour Athletic", org)]),
        "b.txt": ("Ruth Calloway scored twice for Harbour Athletic.",
                  [("Ruth Calloway", pers), ("Harbour Athletic", org)])},
        batch="20261120T000000000000Z-1-00000")
    first = materialized()
    assert ("Ferris", "organisation", "Ruth Calloway", "person", 1) in first
    [part] = list((wh / "aggregates").glob("cooccurrence_state.*/parts/*.parquet"))
    written = part.stat().st_mtime_ns
    build_texts(wh, {
        "c.txt": ("Dougal Ferris, the manager, praised Ruth Calloway. Ferris was pleased.",
                  [("Dougal Ferris", pers), ("Ferris", pers), ("Ruth Calloway", pers)]),
        "d.txt": ("Dougal Ferris rested his captain. Ferris said she needed a break.",
                  [("Dougal Ferris", pers), ("Ferris", pers)])},
        batch="20261121T000000000000Z-2-00000")
    second = materialized()
    assert part.stat().st_mtime_ns == written  # the first batch's entities were kept, not read
    assert ("Dougal Ferris", "person", "Ruth Calloway", "person", 2) in second
    assert not any("organisation" in r and "Ferris" in r for r in second)
    # b.txt changed: the first batch's b.txt is superseded, its pairs go with it
    build_texts(wh, {"b.txt": ("Harbour Athletic lost at home.", [("Harbour Athletic", org)])},
                batch="20261122T000000000000Z-3-00000")
    third = materialized()
    assert ("Harbour Athletic", "organisation", "Ruth Calloway", "person", 1) in third
    assert not part.exists()  # that batch's part is counted anew under its live articles
