"""NLP step: spaCy over a batch of articles, then entity and quote rows (pure functions of a Doc)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from tasks.names import resolve_mentions
from tasks.quotes import EXTRACTOR_VERSION, Mention, extract_quotes, quote_text
from tasks.readers import Article
from tasks.version import _meta_id, installed_model_id  # noqa: F401  (re-exported)

MAX_CHARS = 1_000_000  # spaCy's own default limit; longer texts fail with a reason instead


@lru_cache(maxsize=4)
def load_nlp(model: str, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process (cached), without components the extractors ignore."""
    import spacy

    nlp = spacy.load(model, exclude=[c for c in disable])
    return nlp


def model_id(nlp: Language) -> str:
    """'name==version' of a loaded pipeline, recorded with every row it produces."""
    return _meta_id(nlp.meta)




@dataclass
class Extracted:
    """Entity and quote rows of one article (plain dicts in the table schemas' column order)."""

    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]


def extract_doc(doc: Doc, article_id: str) -> Extracted:
    """Entities with canonical names and sentence index, and quotes, from one parsed article."""
    sents = list(doc.sents)  # once: each doc.sents walks the whole Doc
    sent_starts = [s.start for s in sents]
    ents = list(doc.ents)
    canon = resolve_mentions([(e.text, e.label_) for e in ents])
    entities = []
    mentions = []
    for i, (e, (c, resolved_label)) in enumerate(zip(ents, canon, strict=True)):
        entities.append(
            {
                "article_id": article_id,
                "entity_index": i,
                "start_char": e.start_char,
                "end_char": e.end_char,
                "text": e.text,
                "label": e.label_,
                "sentence_index": bisect.bisect_right(sent_starts, e.start) - 1,
                "canonical": c,
            }
        )
        mentions.append(Mention(e.start_char, e.end_char, resolved_label, c))
    quotes = []
    text = doc.text  # Doc.text is rebuilt from the tokens on every access
    for qi, q in enumerate(extract_quotes(doc, mentions, text, sents)):
        quotes.append(
            {
                "article_id": article_id,
                "quote_index": qi,
                "text": quote_text(text, q.spans),
                "spans": [{"start": s, "end": e} for s, e in q.spans],
                "quote_type": q.quote_type,
                "cue": q.cue,
                "cue_start": q.cue_span[0] if q.cue_span else None,
                "cue_end": q.cue_span[1] if q.cue_span else None,
                "speaker": q.speaker,
                "speaker_text": q.speaker_text,
                "speaker_start": q.speaker_span[0] if q.speaker_span else None,
                "speaker_end": q.speaker_span[1] if q.speaker_span else None,
                "speaker_label": q.speaker_label,
                "speaker_role": q.speaker_role,
                "speaker_organisation": q.speaker_organisation,
                "speaker_gender": q.speaker_gender,
            }
        )
    return Extracted(entities, quotes)


ZONE_ARTICLES = 256  # articles parsed inside one vocabulary memory zone


def process_articles(nlp: Language, articles: Iterable[Article], batch_size: int = 16,
                     zone_articles: int = ZONE_ARTICLES
                     ) -> Iterator[tuple[Article, Extracted | Exception]]:
    """Run the pipeline over articles in order, yielding each with its extracted rows, or with
    the exception its extraction raised (a rule failing on one odd text costs that text only).

    Articles are taken from the iterable ``zone_articles`` at a time, each group parsed inside
    its own ``nlp.memory_zone()``, so neither the articles nor the strings a long batch adds to
    the vocabulary accumulate; nothing that refers to a Doc leaves this function.
    """
    it = iter(articles)
    while chunk := list(itertools.islice(it, zone_articles)):
        with nlp.memory_zone():
            docs = nlp.pipe((a.text for a in chunk), batch_size=batch_size)
            for art, doc in zip(chunk, docs, strict=True):
                try:
                    yield art, extract_doc(doc, art.article_id)
                except Exception as exc:  # noqa: BLE001
                    yield art, exc


__all__ = ["EXTRACTOR_VERSION", "MAX_CHARS", "Extracted", "extract_doc", "load_nlp", "model_id",
           "process_articles", "installed_model_id"]
