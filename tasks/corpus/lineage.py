"""Quote lineage: the same words reported in many articles, one ``quotation``.

A quotation is what a person said, wherever it was reported. Its appearances are the direct
quotes of every article whose words are the same after normalisation (quote marks, case,
punctuation, ellipses and accents do not count: ``index.words``), or nearly the same:

- **copy**: the same words as the quotation's canonical wording;
- **variant**: a word or a few changed, added or dropped (word-level similarity at least
  ``VARIANT_SIMILARITY``, lengths within ``VARIANT_LENGTH``); its ``diff`` says how it differs;
- **fragment**: a shorter quote of ten words or more found whole, or all but a word or two,
  inside a longer one (a trimmed start or end, an excerpt); it joins the quotation of the
  longest wording holding it. A shorter one is a quotation of its own: a phrase many say, or a
  quote quoted inside another's.

Candidates are found through the quotes' 3-word shingles (an inverted index of the shingles
that fewer than ``MAX_SHINGLE_QUOTES`` quotes share: a stock phrase proposes nothing), then each
pair is confirmed by alignment (rapidfuzz's word-level Indel similarity), so two different
quotations sharing a phrase ("the American people") stay apart. Quotes under ``MIN_WORDS``
words are too common to trace.

The canonical wording is the earliest full version (the earliest appearance that is no
fragment); a quotation's id is its appearance first stored (article id and quote index), so an
article arriving later joins a quotation without renaming it, as stories do.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tasks.corpus.dedup import Components
from tasks.corpus.index import words as folded_words

MIN_WORDS = 6  # shorter quotes ("we will see", "no comment") are said by everyone
SHINGLE = 3
MAX_SHINGLE_QUOTES = 200  # a shingle in more quotes than this is a stock phrase
VARIANT_SIMILARITY = 0.85  # word-level similarity of two wordings of one quotation
VARIANT_LENGTH = 0.75  # the shorter wording holds at least this share of the longer's words
CONTAINED = 0.9  # a fragment: this share of its words found in order inside the longer
# an excerpt shorter than this is a phrase many say ("no one is above the law") or a quote
# quoted inside another's ("the era of big government is over" in Gingrich's words): it is a
# quotation of its own, not a fragment of the longer one
MIN_FRAGMENT_WORDS = 10


@dataclass(frozen=True)
class QuoteRow:
    """One direct quote as lineage reads it."""

    article_id: str
    quote_index: int
    text: str
    order: tuple[Any, ...]  # when it appeared: (seen_at, article_id, quote_index)
    stored: tuple[Any, ...]  # when it was first stored: (first_seen, article_id, quote_index)


@dataclass(frozen=True)
class Appearance:
    """A quote's place in its quotation."""

    quotation_id: str
    article_id: str
    quote_index: int
    role: str  # canonical | copy | variant | fragment
    similarity: float  # word-level similarity to the canonical wording (1.0 for copies)
    diff: str | None  # variants and fragments: how the words differ from the canonical's


def quote_words(text: str) -> list[str]:
    """A quote's words as lineage compares them: lower case, accents, quote marks, punctuation
    and ellipses dropped."""
    return folded_words(text)


def shingles(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def similarity(a: list[str], b: list[str]) -> float:
    """Word-level similarity of two wordings (Indel: 1 - edits / total words)."""
    from rapidfuzz.distance import Indel

    return float(Indel.normalized_similarity(a, b))


def contained(short: list[str], long: list[str]) -> float:
    """The share of the shorter wording's words found, in order, in the longer one."""
    if not short:
        return 0.0
    blocks = difflib.SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


def word_diff(base: list[str], other: list[str]) -> str:
    """What other changes in base, word by word: '[-removed-] {+added+}'; unchanged runs of
    more than six words shortened to their ends."""
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, other,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            same = base[i1:i2]
            out.append(" ".join(same) if len(same) <= 6 else
                       " ".join(same[:3]) + " … " + " ".join(same[-3:]))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(base[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(other[j1:j2]) + "+}")
    return " ".join(out)


def same_quotation(a: list[str], b: list[str]) -> str | None:
    """'variant' when two wordings are one quotation, 'fragment' when the shorter is inside the
    longer, else None."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= VARIANT_LENGTH * len(long) and similarity(a, b) >= VARIANT_SIMILARITY:
        return "variant"
    if len(short) >= MIN_FRAGMENT_WORDS and contained(short, long) >= CONTAINED:
        return "fragment"
    return None


def _candidates(words: list[list[str]], new: set[int] | None = None
                ) -> Iterable[tuple[int, int]]:
    """Pairs of wordings sharing enough shingles to be worth aligning (each pair once); with
    ``new``, only the pairs holding at least one of those (the others were compared before)."""
    if new is not None and not new:
        return
    index: dict[str, list[int]] = defaultdict(list)
    if new is None:
        sets = [shingles(w) for w in words]
    else:
        # only the new wordings' shingles matter: index every wording under those alone (a
        # word that begins none of them is passed over without building its shingle)
        sets = [set() for _ in words]
        for i in new:
            sets[i] = shingles(words[i])
        wanted = set().union(*(sets[i] for i in new))
        starts = {sh.split(" ", 1)[0] for sh in wanted}
        for i, w in enumerate(words):
            if i in new:
                continue
            got = sets[i]  # (a subset: its size is counted afresh below)
            for k in range(len(w) - SHINGLE + 1):
                if w[k] in starts and (sh := " ".join(w[k : k + SHINGLE])) in wanted:
                    got.add(sh)
    for i, s in enumerate(sets):
        for sh in s:
            index[sh].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    if new is None:
        for ids in index.values():
            if len(ids) < 2 or len(ids) > MAX_SHINGLE_QUOTES:
                continue
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[(ids[x], ids[y])] += 1
    else:
        for i in new:
            for sh in sets[i]:
                ids = index[sh]
                if len(ids) > MAX_SHINGLE_QUOTES:
                    continue
                for j in ids:
                    if j != i and (j not in new or j > i):
                        shared[(min(i, j), max(i, j))] += 1
    sizes: dict[int, int] = {}

    def size(k: int) -> int:
        if new is None or k in new:
            return len(sets[k])
        if k not in sizes:
            sizes[k] = len(shingles(words[k]))
        return sizes[k]

    for (i, j), n in shared.items():
        # at least half the shorter quote's shingles (a fragment shares all of its own)
        if n >= 0.5 * min(size(i), size(j)):
            yield i, j


@dataclass
class Compared:
    """What earlier runs compared: the wordings (words joined by spaces) whose every pair was
    aligned, and the pairs found to be one quotation (variant) or an excerpt (fragment). A run
    aligns only the pairs holding a new wording: the rest join as they did."""

    seen: set[str]
    edges: dict[tuple[str, str], str]  # (wording, wording) in sorted order -> variant | fragment


def wording(text: str) -> str:
    """A quote's wording as lineage keys it: its folded words joined by spaces."""
    return " ".join(quote_words(text))


def traceable(key: str) -> bool:
    """Whether a wording is long enough to trace (MIN_WORDS)."""
    return bool(key) and key.count(" ") + 1 >= MIN_WORDS


def quotations(rows: Iterable[QuoteRow], before: Compared | None = None
               ) -> tuple[list[Appearance], Compared]:
    """Every traceable quote's place in its quotation (see the module docstring), and what was
    compared, for the next run. Distinct wordings are compared, not quotes (fifty copies of one
    sentence are one wording); with ``before``, only the pairs holding a wording it has not
    seen are aligned, and the pairs it found join as before: the same result as comparing
    everything again."""
    holders: dict[str, list[QuoteRow]] = {}
    folded: dict[str, str] = {}  # copies of a quote are folded once
    for r in rows:
        key = folded.get(r.text)
        if key is None:
            key = folded[r.text] = wording(r.text)
        if traceable(key):
            holders.setdefault(key, []).append(r)
    keys = list(holders)
    new = None if before is None else {k for k in keys if k not in before.seen}
    edges = compare(keys, new, before.edges if before is not None else {})
    return assemble(holders, edges), Compared(set(keys), edges)


def compare(keys: list[str], new: set[str] | None, known: dict[tuple[str, str], str]
            ) -> dict[tuple[str, str], str]:
    """The pairs of wordings that are one quotation (variant) or an excerpt (fragment): the
    ``known`` pairs whose wordings are both still held, and those found by aligning every pair
    holding a ``new`` wording (every pair when new is None)."""
    at = {k: i for i, k in enumerate(keys)}
    edges = {(a, b): kind for (a, b), kind in known.items() if a in at and b in at}
    if new is not None and not new:
        return edges  # nothing new to align
    local = [k.split(" ") for k in keys]
    for i, j in _candidates(local, None if new is None else {at[k] for k in new}):
        if keys[j] < keys[i]:
            i, j = j, i  # aligned in the wordings' order, as the warehouse's lineage aligns them
        kind = same_quotation(local[i], local[j])
        if kind is not None:
            edges[(keys[i], keys[j])] = kind
    return edges


def assemble(holders: dict[str, list[QuoteRow]], edges: dict[tuple[str, str], str]
             ) -> list[Appearance]:
    """The quotations of wordings (each with the quotes written so) linked by ``edges``. A
    wording said once and in no pair makes no quotation, so a caller may leave such out."""
    keys = list(holders)
    at = {k: i for i, k in enumerate(keys)}
    local = [k.split(" ") for k in keys]
    first = [min(r.order for r in holders[k]) for k in keys]  # when each wording appeared
    # variants join; fragments attach afterwards, each to one quotation only, so two
    # quotations sharing an excerpt are never merged through it
    sets = Components()
    fragment_of: dict[int, list[int]] = defaultdict(list)
    for (a, b), kind in edges.items():
        if a not in at or b not in at:
            continue
        i, j = at[a], at[b]
        if kind == "variant":
            sets.union(i, j)
        elif kind == "fragment":
            short, long = (i, j) if len(local[i]) <= len(local[j]) else (j, i)
            fragment_of[short].append(long)
    # a fragment joins the quotation of its longest container (then the earliest); a group of
    # fragments moves whole, and a group holding any full wording stays itself
    attach = {short: min(longs, key=lambda k: (-len(local[k]), first[k]))
              for short, longs in fragment_of.items()}
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(local)):
        groups[sets.find(k)].append(k)
    for root, members in list(groups.items()):
        if all(m in attach for m in members):
            # (the longest container, then the earliest: the same whatever order rows came in)
            target = attach[min(members, key=lambda m: (-len(local[attach[m]]), first[attach[m]]))]
            sets.union(target, root)
    groups = defaultdict(list)
    for k in range(len(local)):
        groups[sets.find(k)].append(k)
    out: list[Appearance] = []
    for members in groups.values():
        said = [(m, r) for m in members for r in holders[keys[m]]]
        if len(said) < 2:
            continue  # said once: no lineage to trace
        full = [m for m in members if not _is_fragment(m, members, local)]
        keep = set(full or members)
        base_m, canonical = min(((m, r) for m, r in said if m in keep), key=lambda mr: mr[1].order)
        first_stored = min((r for _, r in said), key=lambda r: r.stored)
        qid = f"{first_stored.article_id}-{first_stored.quote_index}"
        base = local[base_m]
        for m in members:
            w = local[m]
            if w == base:
                sim, diff, role = 1.0, None, "copy"
            else:
                sim = similarity(base, w)
                role = "fragment" if m not in full else "variant"
                diff = word_diff(base, w)
            for r in holders[keys[m]]:
                out.append(Appearance(qid, r.article_id, r.quote_index,
                                      "canonical" if r is canonical else role, round(sim, 3),
                                      diff))
    return out


def _is_fragment(m: int, members: list[int], local: list[list[str]]) -> bool:
    """Whether a member's words are an excerpt of a longer member's (not a variant of it)."""
    w = local[m]
    return len(w) >= MIN_FRAGMENT_WORDS and any(
        len(local[o]) > len(w) and len(w) < VARIANT_LENGTH * len(local[o])
        and contained(w, local[o]) >= CONTAINED for o in members if o != m)
