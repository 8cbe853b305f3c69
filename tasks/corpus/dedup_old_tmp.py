"""Duplicates and syndication: the same story in many files, one ``story_id``.

An article's text becomes the set of its 5-word shingles (lower case, accents folded), summarised
by a 64-value MinHash from rensa: 0.014 ms an article against 1.8 ms for datasketch's (which also
brings scipy), the shingling in Python costing more than either. Locality-sensitive hashing (16
bands of 4 values) proposes pairs; a pair is one story when the share of equal values, MinHash's
estimate of the Jaccard similarity of the two shingle sets, is at least ``THRESHOLD``. Exact
copies (same text hash) are one story whatever their length; texts too short to shingle join
only their exact copies.

Stories are connected components, and a story's id is the ``article_id`` of its member first
stored (then the smallest id): a copy arriving later joins the story without renaming it. The
signatures of the articles already seen are kept in ``aggregates/signatures.parquet`` by text
hash, so a run computes those of its new and changed articles only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tasks.corpus.index import words as folded_words
from tasks.store import layout

NUM_PERM = 64
BANDS, ROWS = 16, 4  # BANDS * ROWS == NUM_PERM: pairs above ~0.5 similar are proposed
SHINGLE_WORDS = 5
THRESHOLD = 0.7  # a re-headlined, lightly edited or trimmed copy stays above it
SEED = 7


def signature(text: str) -> list[int] | None:
    """The MinHash of a text's 5-word shingles; None for a text of fewer than ten words."""
    from rensa import RMinHash

    words = folded_words(text)
    if len(words) < 2 * SHINGLE_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS])
                for i in range(len(words) - SHINGLE_WORDS + 1)}
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(list(shingles))
    return [int(v) for v in m.digest()]


def similarity(a: list[int], b: list[int]) -> float:
    """MinHash's estimate of the Jaccard similarity of two shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / NUM_PERM


class Components:
    """Union-find over any hashable keys: connected components, each named by its smallest
    member (stories here, quotations in tasks/corpus/lineage.py)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def stories(articles: Iterable[tuple[str, str, Any, list[int] | None]]
            ) -> dict[str, tuple[str, float]]:
    """article_id -> (story_id, similarity to the story's first article), from (article_id,
    text hash, first stored, signature) of every live article."""
    rows = list(articles)
    order = {aid: (first, aid) for aid, _, first, _ in rows}
    comps = Components()
    by_hash: dict[str, str] = {}
    buckets: dict[tuple[int, tuple[int, ...]], list[str]] = defaultdict(list)
    sigs = {aid: sig for aid, _, _, sig in rows if sig is not None}
    for aid, text_hash, _, sig in rows:
        if text_hash in by_hash:
            comps.union(by_hash[text_hash], aid)  # exact copies
        else:
            by_hash[text_hash] = aid
        if sig is None:
            continue
        for band in range(BANDS):
            key = (band, tuple(sig[band * ROWS : (band + 1) * ROWS]))
            for other in buckets[key]:
                if comps.find(other) != comps.find(aid) and \
                        similarity(sigs[other], sig) >= THRESHOLD:
                    comps.union(other, aid)
            buckets[key].append(aid)
    members: dict[str, list[str]] = defaultdict(list)
    for aid in order:
        members[comps.find(aid)].append(aid)
    out: dict[str, tuple[str, float]] = {}
    for group in members.values():
        first = min(group, key=lambda a: order[a])
        for aid in group:
            if aid == first or sigs.get(aid) is None or sigs.get(first) is None:
                sim = 1.0 if aid == first else 0.0
            else:
                sim = similarity(sigs[first], sigs[aid])
            out[aid] = (first, 1.0 if aid == first else sim)
    return out




def story_table(con: Any, out_dir: Path) -> Any:
    """The stories of every live article (an Arrow table: article_id, story_id, similarity),
    from the views in ``con``; signatures of texts not seen before are computed and the cache
    under ``out_dir`` rewritten to the live articles' (by rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.core.atomic import replacing

    cached: dict[str, list[int] | None] = {}
    path = out_dir / layout.SIGNATURES_FILE
    if path.is_file():
        t = pq.read_table(path, columns=["content_hash", "signature"])
        cached = dict(zip(t.column(0).to_pylist(), t.column(1).to_pylist(), strict=True))
    rows = con.sql("select a.article_id, a.content_hash, d.first_seen "
                   "from articles a join article_dates d using (article_id)").fetchall()
    missing = [h for _, h, _ in rows if h not in cached]
    if missing:
        want = set(missing)
        reader = con.sql("select content_hash, text from articles").arrow()
        for rb in reader:
            for h, text in zip(rb.column(0).to_pylist(), rb.column(1).to_pylist(), strict=True):
                if h in want and h not in cached:
                    cached[h] = signature(text or "")
    live = {h for _, h, _ in rows}
    sig_schema = pa.schema([("content_hash", pa.string()), ("signature", pa.list_(pa.uint64()))])
    kept = [(h, s) for h, s in cached.items() if h in live]
    with replacing(path) as tmp:
        pq.write_table(pa.table({"content_hash": [h for h, _ in kept],
                                 "signature": [s for _, s in kept]}, schema=sig_schema), tmp,
                       compression="zstd")
    found = stories((aid, h, first, cached.get(h)) for aid, h, first in rows)
    return pa.table({"article_id": list(found), "story_id": [s for s, _ in found.values()],
                     "similarity": [round(x, 3) for _, x in found.values()]},
                    schema=pa.schema([("article_id", pa.string()), ("story_id", pa.string()),
                                      ("similarity", pa.float32())]))


def copies(wh: Path) -> tuple[int, int]:
    """(articles that are copies of another, stories that have copies) as the last run grouped
    them; (0, 0) before any grouping."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tasks.store import aggregates

    path = aggregates.path(wh, "stories")
    if not path.is_file():
        return 0, 0
    t = pq.read_table(path, columns=["article_id", "story_id"])
    dup = t.filter(pc.not_equal(t.column("article_id"), t.column("story_id")))
    return dup.num_rows, len(pc.unique(dup.column("story_id")))
