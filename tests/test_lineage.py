"""Quote lineage: the grouping rules on quotes written here (tasks/corpus/lineage.py), then the
views, named queries, `trace` and `verify` on a warehouse built from them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tasks.corpus.lineage import QuoteRow, quotations, word_diff

FULL = ("We will rebuild the harbour wall before the winter storms arrive, and no family on "
        "the waterfront will be left to bail out their kitchen again")
OTHER = ("The American people deserve a budget that is honest about what the new bridge "
         "will cost them over thirty years")
ALSO = ("Every parent I have met this month says the same thing: the American people are "
        "tired of waiting for the school roof to be fixed")
DAY = datetime(2026, 10, 1, tzinfo=UTC)


def row(aid: str, text: str, day: int, index: int = 0, stored: int | None = None) -> QuoteRow:
    when = DAY + timedelta(days=day)
    first = DAY + timedelta(days=day if stored is None else stored)
    return QuoteRow(aid, index, text, (when, aid, index), (first, aid, index))


def by_article(rows: list[QuoteRow]) -> dict[str, tuple[str, str, str | None]]:
    return {a.article_id: (a.quotation_id, a.role, a.diff) for a in quotations(rows)[0]}


def test_copies_trims_and_one_changed_word_are_one_quotation():
    words = FULL.split()
    trimmed = " ".join(words[2:-2])  # a start and an end cut off
    changed = FULL.replace("storms", "gales")
    got = by_article([row("wire", f"“{FULL}.”", 0), row("copy", FULL.upper(), 1),
                      row("trim", f"... {trimmed} ...", 2), row("changed", changed, 3),
                      row("elsewhere", OTHER, 1)])
    assert {got[a][0] for a in ("wire", "copy", "trim", "changed")} == {"wire-0"}
    assert got["wire"][1] == "canonical" and got["copy"][1] == "copy"  # marks and case aside
    assert got["changed"][1] == "variant"
    assert got["changed"][2] is not None and "[-storms-] {+gales+}" in got["changed"][2]
    assert "elsewhere" not in got  # said once: nothing to trace


def test_a_fragment_joins_the_longer_quotation_and_a_shared_phrase_does_not():
    excerpt = "no family on the waterfront will be left to bail out"
    got = by_article([row("long", FULL, 0), row("long2", FULL, 1), row("excerpt", excerpt, 2),
                      row("phrase", "we will rebuild the harbour wall", 3),
                      row("phrase2", "We will rebuild the harbour wall!", 4),
                      row("budget", OTHER, 0), row("budget2", OTHER, 3),
                      row("school", ALSO, 1), row("school2", ALSO, 2)])
    assert got["excerpt"][:2] == ("long-0", "fragment")
    # a short phrase inside a long quote is its own quotation (many say it), not an excerpt
    assert got["phrase"][0] == got["phrase2"][0] == "phrase-0" != got["long"][0]
    # "the American people" in two different quotations: they stay apart
    assert got["budget"][0] == got["budget2"][0] == "budget-0"
    assert got["school"][0] == got["school2"][0] == "school-0"


def test_the_canonical_wording_is_the_earliest_full_one_and_ids_never_change():
    """An older article stored later takes the canonical wording (it appeared first), but the
    quotation keeps the id it was given when first stored: a later article joins it."""
    first = by_article([row("a", FULL, 5), row("b", FULL, 6)])
    assert first["a"][:2] == ("a-0", "canonical")
    later = by_article([row("a", FULL, 5), row("b", FULL, 6),
                        row("older", FULL, 1, stored=9),
                        row("excerpt", " ".join(FULL.split()[:12]), 0, stored=10)])
    assert {v[0] for v in later.values()} == {"a-0"}
    assert later["older"][1] == "canonical" and later["a"][1] == "copy"
    assert later["excerpt"][1] == "fragment"  # earliest, but no full version


def test_a_run_aligns_only_the_pairs_holding_new_wordings_and_gets_the_same_quotations():
    """Incremental: what earlier runs compared is reused, only new wordings are aligned, and the
    result is what comparing everything again gives."""
    from tasks.corpus import lineage

    words = FULL.split()
    old = [row("wire", FULL, 0), row("copy", FULL, 1), row("budget", OTHER, 0),
           row("budget2", OTHER.replace("bridge", "tunnel"), 2)]
    new = [row("trim", " ".join(words[2:-2]), 3), row("excerpt", " ".join(words[10:20]), 4),
           row("school", ALSO, 5), row("school2", ALSO, 6)]
    _, before = quotations(old)
    aligned: list[tuple[int, int]] = []
    real = lineage.same_quotation

    def counting(a: list[str], b: list[str]) -> str | None:
        aligned.append((len(a), len(b)))
        return real(a, b)

    lineage.same_quotation = counting  # type: ignore[assignment]
    try:
        again, _ = quotations(old + new, before)
    finally:
        lineage.same_quotation = real  # type: ignore[assignment]
    full, _ = quotations(old + new)
    assert sorted(again, key=repr) == sorted(full, key=repr)
    # the two old wordings of the budget quote were not aligned again
    lengths = {len(quote_words_of(OTHER)), len(quote_words_of(OTHER.replace("bridge", "tunnel")))}
    assert not any({a, b} <= lengths and a == b for a, b in aligned)
    assert aligned  # the new wordings were


def quote_words_of(text: str) -> list[str]:
    from tasks.corpus.lineage import quote_words

    return quote_words(text)


def test_a_drafts_quoted_passages_in_every_quoting_style():
    """Curly and straight double quotes, a quote wrapped across a line, British single quotes
    with an apostrophe inside; a scare-quoted word or two is no passage to verify."""
    from news_etl.lineage import passages

    draft = ('The minister said: ‘We don’t accept that the harbour wall will fail this winter’.\n'
             'She called it a “so-called” plan, then added “we will rebuild the\nwall by May”. '
             'A resident wrote "the ferry has not run for nine days".')
    assert passages(draft) == ["We don’t accept that the harbour wall will fail this winter",
                               "we will rebuild the wall by May",
                               "the ferry has not run for nine days"]


def test_a_word_diff_says_what_changed():
    assert word_diff("a b c d".split(), "a x c d e".split()) == "a [-b-] {+x+} c d {+e+}"


# --- end to end: views, named queries, trace and verify on a warehouse of these quotes ----------

def lineage_wh(tmp_path):
    from tasks.corpus import build as corpus_build
    from tasks.corpus import index
    from tests.test_identity import build

    wh = tmp_path / "wh"
    words = FULL.split()
    days = [("Harbour Times", {"wire.txt": ([("Marta Quill", "PERSON")], [("Marta Quill", FULL)])}),
            ("Valley Wire", {"copy.txt": ([("Marta Quill", "PERSON")], [("Marta Quill", FULL)]),
                             "trim.txt": ([("Marta Quill", "PERSON")],
                                          [("Marta Quill", " ".join(words[2:-2]))])}),
            ("Prairie Ledger", {"changed.txt": ([("Tomas Reyes", "PERSON")],
                                                [("Tomas Reyes", FULL.replace("storms", "gales"))])}),
            ("Coastal Post", {"budget.txt": ([("Ruth Abara", "PERSON")], [("Ruth Abara", OTHER)])})]
    for n, (source, articles) in enumerate(days):
        build(wh, articles, published=DAY + timedelta(days=n), source=source,
              batch=f"2026112{n}T000000000000Z-1-00000")
    for empty in (wh / "batches").glob("2026*/postings.parquet"):
        empty.unlink()  # the helper stages none: index the quotes as a run would
    index.backfill(wh)
    corpus_build.materialize(wh)
    return wh


def test_quotations_views_and_queries(tmp_path):
    from tasks.store import views
    from tests.test_warehouse import named

    wh = lineage_wh(tmp_path)
    con = views.connect(wh)
    try:
        [q] = con.sql("select * from quotations").fetchall()
        cols = con.sql("select * from quotations limit 0").columns
        q = dict(zip(cols, q, strict=True))
        assert q["text"] == FULL and q["first_source"] == "Harbour Times"
        assert q["first_date_source"] == "published" and (q["articles"], q["outlets"]) == (4, 3)
        assert q["variants"] == 2 and q["conflict"]  # the same words credited to two people
        assert [(s["speaker"], s["share"]) for s in q["speakers"]] == [
            ("Marta Quill", 0.75), ("Tomas Reyes", 0.25)]
        # stored or computed live, the same rows
        assert con.sql("select * from quotations order by all").fetchall() == \
            con.sql("select * from quotations_live order by all").fetchall()
        top = named(con, "most-repeated-quotes")
        assert [r[:3] for r in top] == [(FULL, 3, 4)]
        assert [r[0] for r in named(con, "conflicting-attributions")] == [FULL]
        history = named(con, "quote-history", text="bail out their KITCHEN")
        assert [(r[3], r[5], r[6]) for r in history] == [
            ("Harbour Times", "Marta Quill", "canonical"), ("Valley Wire", "Marta Quill", "copy"),
            ("Valley Wire", "Marta Quill", "variant"), ("Prairie Ledger", "Tomas Reyes", "variant")]
        assert named(con, "quote-history", text="nothing of the sort") == []
        # the report lists it as travelled, and as a conflict
        from tasks.report.charts import chart_specs
        from tasks.report.data import gather
        from tasks.report.page import render_page

        data = gather(con)
        assert [r["text"] for r in data["quotations"]] == [FULL] == [
            r["text"] for r in data["conflicts"]]
        page = render_page(wh, {**data, "stale": 0}, chart_specs(data))
        assert page.count("Marta Quill 75%; Tomas Reyes 25%") == 2
        assert "Harbour Times, 01 Oct 2026" in page
    finally:
        con.close()


def test_a_later_article_joins_its_quotation(tmp_path):
    from datetime import UTC as utc

    from tasks.corpus import build as corpus_build
    from tasks.store import views
    from tests.test_identity import build

    wh = lineage_wh(tmp_path)
    con = views.connect(wh)
    [(qid,)] = con.sql("select quotation_id from quotations").fetchall()
    con.close()
    build(wh, {"late.txt": ([("Marta Quill", "PERSON")], [("Marta Quill", f"“{FULL}”")])},
          published=DAY + timedelta(days=9), source="Island Gazette",
          processed=datetime(2026, 11, 29, tzinfo=utc), batch="20261129T000000000000Z-1-00000")
    from tasks.corpus import lineage

    folded: list[str] = []
    real = lineage.wording
    lineage.wording = lambda text: folded.append(text) or real(text)  # type: ignore[assignment]
    try:
        corpus_build.materialize(wh)
    finally:
        lineage.wording = real  # type: ignore[assignment]
    assert folded == [f"“{FULL}”"]  # the texts of earlier runs were not folded again
    con = views.connect(wh)
    try:
        assert con.sql("select quotation_id, articles, outlets from quotations").fetchall() == [
            (qid, 5, 4)]  # joined, not renamed
        assert con.sql("select role from quotation_appearances where source = 'Island Gazette'"
                       ).fetchall() == [("copy",)]
        # the second run aligned only the new wording against the rest (what the first compared
        # is kept beside the table), and its quotations are a full comparison's
        kept = wh / "aggregates" / "lineage.quotations-2"
        assert (kept / "pairs.parquet").is_file() and (kept / "seen.parquet").is_file()
        # one part of folded texts a run that folded any: the late article's added one
        assert len(list((kept / "words").glob("*.parquet"))) == 2
        from tasks.corpus import build as b

        assert sorted(b.quotation_table(con).to_pylist(), key=repr) == sorted(
            con.sql("select quotation_id, article_id, quote_index, role, similarity, diff "
                    "from quotation_appearances").to_arrow_table().to_pylist(), key=repr)
    finally:
        con.close()


def test_trace_and_verify_commands(tmp_path, capsys):
    from news_etl import cli

    wh = lineage_wh(tmp_path)
    assert cli.main(["trace", "left to bail out", "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"“{FULL}”")
    assert "first appeared 2026-10-01 (published) in Harbour Times" in out
    assert "credited to: Marta Quill (75%), Tomas Reyes (25%)" in out and "CONFLICT" in out
    assert "[-storms-] {+gales+}" in out
    assert cli.main(["trace", "left to bail out", "-f", "json", "--warehouse", str(wh)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outlets"] == 3 and len(data["appearances"]) == 4
    assert cli.main(["trace", "words no one said", "--warehouse", str(wh)]) == 1
    capsys.readouterr()

    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Harbour wall\n\nThe mayor was clear: “no family on the waterfront will be left to bail "
        "out their kitchen again.”\n\nShe added that \"the American people deserve a budget that "
        "is honest about what the new tunnel will cost them\".\n\n"
        "A resident said: “the council has never once asked us what we think of the plan”.\n",
        encoding="utf-8")
    assert cli.main(["verify", str(draft), "--warehouse", str(wh)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("VERBATIM   “no family on the waterfront")
    assert "Marta Quill, Harbour Times, 2026-10-01" in out
    altered = next(i for i, x in enumerate(lines) if x.startswith("ALTERED"))
    assert "Ruth Abara, Coastal Post" in lines[altered + 1]
    assert "[-bridge-] {+tunnel+}" in out
    assert any(x.startswith("NOT FOUND  “the council has never once") for x in lines)
    assert out.rstrip().endswith("1 verbatim, 1 altered, 1 not found")
    clean = tmp_path / "clean.txt"
    clean.write_text("“We will rebuild the harbour wall before the winter storms arrive”",
                     encoding="utf-8")
    assert cli.main(["verify", str(clean), "--warehouse", str(wh), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["verdict"] == "verbatim"
    assert cli.main(["verify", str(tmp_path / "none.md"), "--warehouse", str(wh)]) == 2


def test_a_blank_speaker_is_no_speaker_and_no_conflict(tmp_path):
    """A quote the extractor credited to an empty name counts as credited to no one: the same
    words said by one person and by no one are no conflict."""
    from tasks.corpus import build as corpus_build
    from tasks.store import views
    from tests.test_identity import build

    wh = tmp_path / "wh"
    build(wh, {"a.txt": ([("Marta Quill", "PERSON")], [("Marta Quill", FULL)])},
          published=DAY, source="Harbour Times")
    build(wh, {"b.txt": ([("Marta Quill", "PERSON")], [(" ", FULL)])},
          published=DAY + timedelta(days=1), source="Valley Wire",
          batch="20261121T000000000000Z-1-00000")
    corpus_build.materialize(wh)
    con = views.connect(wh)
    try:
        [(speakers, conflict)] = con.sql("select speakers, conflict from quotations").fetchall()
        assert [(s["speaker"], s["share"]) for s in speakers] == [("Marta Quill", 1.0)]
        assert conflict is False
    finally:
        con.close()


# slow tier: the corpus stages run again and again against a full computation
@pytest.mark.slow
def test_quotations_follow_a_name_whose_identity_a_later_batch_changed(tmp_path):
    """A run computes again only the quotations a change reached: here no appearance and no
    batch of the quotation changed, but the name one of its quotes was credited to now belongs
    to someone else (a second Quill arrived: 'Quill' alone is no longer Marta Quill). The
    stored quotations follow, and equal the quotations computed whole."""
    from tasks.corpus import build as corpus_build
    from tasks.store import views
    from tests.test_identity import build

    wh = lineage_wh(tmp_path)
    build(wh, {"surname.txt": ([("Quill", "PERSON")], [("Quill", FULL)])},
          published=DAY + timedelta(days=5), source="Bay Courier",
          batch="20261125T000000000000Z-1-00000")
    corpus_build.materialize(wh)

    def speakers() -> tuple[list, list, str]:
        con = views.connect(wh)
        try:
            stored = con.sql("select quotation_id, speakers, articles from quotations "
                             "order by all").fetchall()
            whole = con.sql("select quotation_id, speakers, articles from quotations_live "
                            "order by all").fetchall()
            [(who,)] = con.sql("select identity from identity_names where name = 'Quill'"
                               ).fetchall()
            return stored, whole, who
        finally:
            con.close()

    before, whole, who = speakers()
    assert before == whole and who == "Marta Quill"
    assert [s["quotes"] for q in before for s in q[1] if s["speaker"] == "Marta Quill"] == [4]
    build(wh, {"brother.txt": ([("Jonas Quill", "PERSON")], [("Jonas Quill", OTHER)])},
          published=DAY + timedelta(days=6), source="Bay Courier",
          batch="20261126T000000000000Z-1-00000")
    corpus_build.materialize(wh)
    after, whole, who = speakers()
    assert who != "Marta Quill"
    assert after == whole
    assert [s["quotes"] for q in after for s in q[1] if s["speaker"] == "Marta Quill"] == [3]
