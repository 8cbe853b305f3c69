"""The quote rules change only with EXTRACTOR_VERSION, and their lexicons say what they mean."""

from __future__ import annotations

import re

import pytest

from tasks.nlp.quotes import EXTRACTOR_VERSION
from tasks.nlp.quotes import lexicons as lx
from tests.quote_snapshot import current, stored


def test_rule_output_moves_only_with_an_extractor_version_bump(nlp):
    version, quotes = stored()
    got = current(nlp)
    if got != quotes:
        changed = sorted(k for k in got.keys() | quotes.keys() if got.get(k) != quotes.get(k))
        assert version != EXTRACTOR_VERSION, (
            f"the rules' output changed on {changed} but EXTRACTOR_VERSION is still "
            f"{EXTRACTOR_VERSION!r}: bump it, then run tests/quote_snapshot.py --update")
        pytest.fail(f"EXTRACTOR_VERSION is {EXTRACTOR_VERSION!r} and the snapshot was taken with "
                    f"{version!r}: run tests/quote_snapshot.py --update")
    assert version == EXTRACTOR_VERSION, "version bumped: run tests/quote_snapshot.py --update"
    # the fixture exercises every kind of attribution the rules produce
    assert {q["quote_type"] for qs in got.values() for q in qs} == {"direct", "mixed", "indirect",
                                                                   "belief"}


def test_snapshot_update_refuses_a_changed_output_under_the_same_version(nlp, tmp_path,
                                                                          monkeypatch):
    import tests.quote_snapshot as snap

    copy = tmp_path / "snapshot.json"
    copy.write_text(snap.SNAPSHOT.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(snap, "SNAPSHOT", copy)
    assert snap.update(nlp) == "snapshot unchanged"
    real = snap.current

    def moved(nlp):  # a rule change: one quote gets another speaker
        out = real(nlp)
        first = next(qs for qs in out.values() if qs)
        first[0]["speaker"] = "Somebody Else"
        return out

    monkeypatch.setattr(snap, "current", moved)
    with pytest.raises(SystemExit, match="bump it"):
        snap.update(nlp)
    monkeypatch.setattr("tasks.nlp.quotes.EXTRACTOR_VERSION", "quotes-next")
    assert snap.update(nlp) == "snapshot written for quotes-next"


@pytest.mark.parametrize(("base", "forms", "expected"), [
    ("admit", ["admits", "admitted"], {"admitting"}),
    ("label", ["labels", "labeled", "labelled"], {"labeling", "labelling"}),
    ("call", ["calls", "called"], {"calling"}),
    ("describe", ["describes", "described"], {"describing"}),
    ("agree", ["agrees", "agreed"], {"agreeing"}),
    ("deny", ["denies", "denied"], {"denying"}),
    ("lie", ["lies", "lied"], {"lying"}),
    ("refer", ["refers", "referred"], {"referring"}),
    ("say", ["says", "said"], {"saying"}),
])
def test_present_participles_follow_the_spelling_of_the_past_forms(base, forms, expected):
    assert lx.present_participles(base, forms) == expected


def test_no_lexicon_holds_a_misspelled_participle():
    forms = {w for words in lx.LEXICONS.values() for w in words}
    ings = {w for w in forms if w.endswith("ing")}
    assert {"urging", "calling", "demanding", "admitting", "labelling"} <= ings
    for word in ings:
        stem = word[:-3]
        assert not re.search(r"(.)\1\1", word), word  # callling
        assert not (stem.endswith("e") and not stem.endswith(("ee", "ye", "oe"))), word  # urgeing
        if len(stem) > 1 and stem[-1] == stem[-2] and stem[:-1] in forms:
            # the base doubled its last letter, as its past shows: admitted -> admitting
            assert stem + "ed" in forms, word  # not claimming, demandding


def test_every_overlap_between_lexicons_is_listed_with_its_reason():
    assert lx.overlaps() == lx.OVERLAPS
    assert lx.NAMING_VERBS <= lx.REPORTING_VERBS and lx.PLAN_VERBS <= lx.BELIEF_VERBS
    assert lx.PRECEDENCE == ("reporting", "belief", "stance", "characterise")


def test_indirect_rules_apply_in_the_lexicons_precedence(nlp):
    """'urged' reports before it takes a stance; 'cited' is a belief (with its clause) first."""
    from tasks.nlp.extract import extract_doc

    text = ("Mayor Helen Brandt urged that the ferry keep running. Ruth Calloway cited figures "
            "showing that fares had doubled.")
    rows = extract_doc(nlp(text), "t").quotes
    got = {(q["cue"], q["speaker"], q["text"]) for q in rows}
    assert ("urged", "Helen Brandt", "the ferry keep running") in got
    assert any(cue == "cited" and speaker == "Ruth Calloway" for cue, speaker, _ in got)
