"""What entity and quote extraction, the search index, language detection and duplicate
grouping add to spaCy's own time, in one process.

    .venv/bin/python benchmarks/extract_cost.py --raw ../shared/corpora/bbc/raw [--limit 600]

Reads up to --limit articles from --raw with the project's readers, parses them with the
pipeline's model and components (``nlp.pipe``, the pipeline's batch size), keeping the Docs,
then runs ``extract_doc`` (entities, canonical names, quotes) over the same Docs, then builds
the full-text postings of each article and its quotes as a batch does, then detects each
article's language and signs and groups the texts into stories as a run does. Prints the
times, quotes found, and each as a share of the NLP time. All phases run in this one process,
one after the other, so machine-speed drift between runs does not enter the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa  # noqa: E402

from tasks.core import rawfs
from tasks.core.settings import Settings  # noqa: E402
from tasks.corpus import dedup, index
from tasks.ingest import language
from tasks.ingest.readers import read_stream
from tasks.ingest.records import Article, ReadError, ReadResult
from tasks.nlp.extract import extract_doc, load_nlp  # noqa: E402
from tasks.nlp.gender import load_table
from tasks.nlp.quotes import extract_quotes  # noqa: E402
from tasks.run import discover
from tasks.store import schemas


def load_texts(raw: str, limit: int) -> list[str]:
    """The first `limit` article texts the pipeline would read from raw (same walk and readers)."""
    location = rawfs.parse_location(raw)
    texts: list[str] = []
    for fw in discover.walk(location):
        if fw.skip_reason or fw.error:
            continue
        try:
            with rawfs.open_raw(location, fw.fs_path or fw.path) as f:
                texts.extend(a.text for a in read_stream(f, fw.path, ReadResult("")))
        except (ReadError, OSError):
            continue
        if len(texts) >= limit:
            break
    return texts[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", required=True, help="folder or URL, as news-etl run --raw")
    ap.add_argument("--limit", type=int, default=600)
    args = ap.parse_args()
    settings = Settings()
    texts = load_texts(args.raw, args.limit)
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp(settings.nlp.model, settings.nlp.disable)

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=settings.nlp.pipe_batch_size))
    nlp_s = time.perf_counter() - t0

    # the first names' table is read once per worker process, as the language model is loaded:
    # not a cost of extraction (the first article need not ask for a first name)
    load_table()
    if docs:
        extract_doc(docs[0], "0", text=texts[0])
    t0 = time.perf_counter()
    extracted = [extract_doc(doc, str(i), text=text)  # as a batch calls it
                 for i, (doc, text) in enumerate(zip(docs, texts, strict=True))]
    n_quotes = sum(len(ex.quotes) for ex in extracted)
    extract_s = time.perf_counter() - t0

    t0 = time.perf_counter()  # the postings table of these articles, as tasks/run/batch.py builds it
    postings = pa.table(index.posting_columns(
        d for i, (text, ex) in enumerate(zip(texts, extracted, strict=True))
        for d in index.documents(str(i), "b", None, text, ex.quotes)), schema=schemas.POSTINGS)
    index_s = time.perf_counter() - t0

    language.detect(texts[0] if texts else "")  # loads the model: once per worker process
    t0 = time.perf_counter()  # each article's language, as a batch's router finds it
    for text in texts:
        language.detect(text)
    language_s = time.perf_counter() - t0

    t0 = time.perf_counter()  # duplicates: every article signed, then grouped into stories
    found = dedup.stories((str(i), Article("x", i, t).content_hash, i, dedup.signature(t))
                          for i, t in enumerate(texts))
    dedup_s = time.perf_counter() - t0
    n_copies = sum(1 for aid, (story, _) in found.items() if aid != story)

    t0 = time.perf_counter()
    for doc, text in zip(docs, texts, strict=True):  # quotes alone (entity rows built alike)
        extract_quotes(doc, [], text)
    quotes_only_s = time.perf_counter() - t0

    print(f"articles {len(texts)}, words {words:,}, model {settings.nlp.model}, "
          f"components {', '.join(nlp.pipe_names)}")
    print(f"nlp.pipe (1 process)   {nlp_s:8.2f} s  {words / nlp_s:8,.0f} words/s")
    print(f"extract_doc            {extract_s:8.2f} s  ({n_quotes} quotes)  "
          f"= {100 * extract_s / nlp_s:.1f}% of NLP time")
    print(f"  of which quote rules {quotes_only_s:8.2f} s  (no entity list) "
          f"= {100 * quotes_only_s / nlp_s:.1f}% of NLP time")
    print(f"search postings        {index_s:8.2f} s  ({postings.num_rows:,} rows) "
          f"= {100 * index_s / nlp_s:.1f}% of NLP time")
    print(f"language detection     {language_s:8.2f} s  "
          f"= {100 * language_s / nlp_s:.1f}% of NLP time")
    print(f"duplicates (sign+group){dedup_s:8.2f} s  ({n_copies} copies) "
          f"= {100 * dedup_s / nlp_s:.1f}% of NLP time")
    print(f"  languages and duplicates together "
          f"= {100 * (language_s + dedup_s) / nlp_s:.1f}% of NLP time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
