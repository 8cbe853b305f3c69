"""A learned speaker chooser against the rules: does ranking the candidate mentions around a quote
with a small model, trained on PolNeAR train's source spans, pick the speaker's mention more often
than the rules do, on sets it was not trained on?

    .venv/bin/python benchmarks/speaker_chooser.py [--parse-cache /tmp/news-etl-parses] [--json]

For every quote the extractor finds that lands on a gold attribution (overlap 0.3, as `news-etl
eval` pairs them), the candidates are the mentions near it, outside its own words: named people,
organisations, groups and places (the NER's), personal pronouns and 'who', and the nominal
subjects of clauses, in the quote's paragraph and the one before it. Each candidate gets the
signals the rules read (before or after the quote, how far, subject of the cue verb, in the cue's
sentence, its dependency, what kind of mention, how many candidates lie between) plus whether it is
the rules' own choice and by which rule. A logistic regression (numpy, L2, fixed iterations:
deterministic) scores them; the best one is the chooser's speaker, or none below a threshold
picked on the training set.

It prints, per set, the speaker-mention accuracy of the rules and of the chooser on the same
quotes (right: the predicted mention overlaps the gold source, or both are empty), how often the
gold mention is among the candidates at all, and the same for a hybrid that keeps the rules'
choice and asks the model only where the rules found no speaker. Train: PolNeAR train. Held out:
PolNeAR dev and GGT dev (whose speakers are resolved to names by the annotators; their source
spans are what is scored here).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWS_ETL_SHARED", ROOT.parent / "shared"))

SETS = {
    "polnear-train": SHARED / "eval/polnear/derived/train.jsonl",
    "polnear-dev": SHARED / "eval/polnear/derived/dev.jsonl",
    "ggt-dev": SHARED / "eval/ggt/dev.jsonl",
}
TYPES = {"direct", "mixed", "indirect"}
ENT_LABELS = ("PERSON", "ORG", "NORP", "GPE")
PERSON_PRONOUNS = frozenset({"he", "she", "i", "we", "you"})
GROUP_PRONOUNS = frozenset({"they", "it"})
KINDS = (*ENT_LABELS, "pron-person", "pron-group", "who", "nominal")
DEPS = ("nsubj", "nsubjpass", "pobj", "dobj", "appos", "poss", "compound", "conj")
QUOTE_TYPES = ("direct", "mixed", "indirect", "belief")
RULES = ("subject", "pronoun", "cast-pronoun", "cast-mention", "floating-paragraph",
         "relative-clause", "embedding-subject", "continuation", "refloat", "other")


@dataclass
class Cand:
    start: int
    end: int
    head: Any  # spaCy Token
    kind: str


@dataclass
class Example:
    """One quote: its candidates' features, which overlap the gold source, the rules' verdict."""

    feats: list[list[float]] = field(default_factory=list)
    gold: list[bool] = field(default_factory=list)
    gold_empty: bool = False
    rules_right: bool = False
    rules_none: bool = False
    rule_pick: int | None = None  # the candidate the rules chose, if one is


def candidates(doc: Any, text: str, lo: int, hi: int, content: frozenset[int]) -> list[Cand]:
    """The mentions from lo to hi outside the quote's own words, each once."""
    out: list[Cand] = []
    taken: set[int] = set()
    for e in doc.ents:
        if e.label_ in ENT_LABELS and lo <= e.start_char < hi and e.start_char not in content:
            out.append(Cand(e.start_char, e.end_char, e.root, e.label_))
            taken.update(range(e.start, e.end))
    for t in doc:
        if t.idx < lo or t.idx >= hi or t.i in taken or t.idx in content:
            continue
        w = t.lower_
        if w in PERSON_PRONOUNS or w in GROUP_PRONOUNS or w == "who":
            kind = "pron-person" if w in PERSON_PRONOUNS else "pron-group" if w != "who" else "who"
            out.append(Cand(t.idx, t.idx + len(t.text), t, kind))
        elif t.dep_ in ("nsubj", "nsubjpass") and t.is_alpha:
            first = t.left_edge
            out.append(Cand(first.idx, t.idx + len(t.text), t, "nominal"))
    return sorted(out, key=lambda c: c.start)


def paragraph_bounds(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def features(c: Cand, q: dict[str, Any], qs: int, qe: int, cue: Any, rank: int,
             para: tuple[int, int], others: frozenset[int], rule_pick: bool) -> list[float]:
    before = c.end <= qs
    dist = qs - c.end if before else max(0, c.start - qe)
    subj_of_cue = cue is not None and c.head.head.i == cue.i and c.head.dep_ in (
        "nsubj", "nsubjpass")
    same_sent = cue is not None and c.head.sent.start == cue.sent.start
    rule = q.get("speaker_rule") or ""
    rule = rule if rule in RULES else "other"
    f = [1.0, float(before), math.log1p(dist), float(dist < 60), float(subj_of_cue),
         float(same_sent), float(cue is None), float(para[0] <= c.start < para[1]),
         math.log1p(rank), float(rank == 0), float(c.start in others),
         float(qs == para[0]), float(rule_pick)]
    f += [float(c.head.dep_ == d) for d in DEPS]
    f += [float(c.kind == k) for k in KINDS]
    f += [float(q["quote_type"] == t) for t in QUOTE_TYPES]
    f += [float(rule_pick and rule == r) for r in RULES]
    f += [float(subj_of_cue and c.kind == k) for k in KINDS]
    return f


def examples(name: str, cache: Path | None) -> Iterator[Example]:
    """The quotes of one gold set that land on a gold attribution, as Examples."""
    from news_etl.evaluate import chars, pair_up, parses, raw_chars
    from tasks.core.settings import Settings
    from tasks.nlp.extract import extract_doc

    gold = [json.loads(line) for line in open(SETS[name], encoding="utf-8") if line.strip()]
    nlp = Settings().nlp
    texts = [d["text"] for d in gold]
    for d, doc in zip(gold, parses(texts, nlp.model, tuple(nlp.disable), 32, cache), strict=True):
        text = d["text"]
        kept = [a for a in d["attributions"] if a["content"] and a.get("quote_type") in TYPES]
        quotes = [q for q in extract_doc(doc, d["doc_id"], text=text).quotes
                  if q["quote_type"] != "belief"]
        ps = [chars([[s["start"], s["end"]] for s in q["spans"]], text) for q in quotes]
        gs = [chars(a["content"], text) for a in kept]
        every = frozenset().union(*ps) if ps else frozenset()
        for pi, gi, _ in pair_up(ps, gs, 0.3):
            q, content = quotes[pi], ps[pi]
            qs, qe = min(content), max(content) + 1
            para = paragraph_bounds(text, qs)
            prev = paragraph_bounds(text, max(0, para[0] - 2))[0]
            cands = candidates(doc, text, prev, min(len(text), para[1] + 1), content)
            g = raw_chars(kept[gi].get("source") or [])
            ex = Example(gold_empty=not g)
            mine = (frozenset(range(q["speaker_start"], q["speaker_end"]))
                    if q["speaker_start"] is not None else frozenset())
            ex.rules_right = bool((g and mine and g & mine) or (not g and not mine))
            ex.rules_none = not mine
            cue = None
            if q.get("cue_start") is not None:
                cue = next((t for t in doc if t.idx <= q["cue_start"] < t.idx + len(t.text)),
                           None)
            if mine and not any(frozenset(range(c.start, c.end)) & mine for c in cands):
                # the rules' mention, when it is none of the above ('A spokesman for the
                # ministry'), is a candidate too
                a, b = q["speaker_start"], q["speaker_end"]
                head = next((t for t in doc if a <= t.idx < b), doc[0])
                cands.append(Cand(a, b, head, "nominal"))
            by_dist = sorted(range(len(cands)), key=lambda i: min(
                abs(qs - cands[i].end), abs(cands[i].start - qe)))
            rank = {i: r for r, i in enumerate(by_dist)}
            for i, c in enumerate(cands):
                span = frozenset(range(c.start, c.end))
                pick = bool(mine and span & mine)
                if pick and ex.rule_pick is None:
                    ex.rule_pick = i
                ex.feats.append(features(c, q, qs, qe, cue, rank[i], para,
                                         every - content, pick))
                ex.gold.append(bool(g and span & g))
            yield ex


def fit(exs: list[Example], l2: float = 1e-3, iters: int = 600, lr: float = 0.5) -> Any:
    """A conditional logit over each quote's candidates (a softmax across them, the gold ones
    its target), on standardised features, by full-batch gradient descent from zero: the same
    weights every time. Quotes whose gold mention is not among the candidates teach nothing."""
    import numpy as np

    used = [e for e in exs if any(e.gold)]
    x = np.array([f for e in used for f in e.feats], dtype=float)
    y = np.array([g for e in used for g in e.gold], dtype=float)
    starts = np.cumsum([0] + [len(e.feats) for e in used[:-1]])
    group = np.repeat(np.arange(len(used)), [len(e.feats) for e in used])
    mu, sd = x.mean(0), x.std(0)
    mu[0], sd[0] = 0.0, 1.0
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    w = np.zeros(z.shape[1])
    for _ in range(iters):
        s = z @ w
        s -= np.maximum.reduceat(s, starts)[group]
        ex = np.exp(s)
        p = ex / np.add.reduceat(ex, starts)[group]  # softmax within each quote
        gold_ex = ex * y
        q = gold_ex / np.add.reduceat(gold_ex, starts)[group]  # the target over its gold ones
        w -= lr * (z.T @ (p - q) / len(used) + l2 * w)
    return w, mu, sd


def probabilities(e: Example, model: Any) -> Any:
    import numpy as np

    w, mu, sd = model
    s = ((np.array(e.feats) - mu) / sd) @ w
    ex = np.exp(s - s.max())
    return ex / ex.sum()


def choose(e: Example, model: Any, threshold: float) -> int | None:
    """The best candidate, or none when it is not clearly the best (its share of the softmax
    below the threshold)."""
    if not e.feats:
        return None
    p = probabilities(e, model)
    best = int(p.argmax())
    return best if p[best] >= threshold else None


def right(e: Example, pick: int | None) -> bool:
    return e.gold_empty if pick is None else e.gold[pick]




def blind(exs: list[Example]) -> list[Example]:
    """The same examples without the rules' choice among the features: the model on its own."""
    n_base = 13 + len(DEPS) + len(KINDS) + len(QUOTE_TYPES)
    out = []
    for e in exs:
        feats = [f[:12] + [0.0] + f[13:n_base] + [0.0] * len(RULES) + f[n_base + len(RULES):]
                 for f in e.feats]
        out.append(Example(feats, e.gold, e.gold_empty, e.rules_right, e.rules_none,
                           e.rule_pick))
    return out


def scores(exs: list[Example], model: Any, threshold: float) -> dict[str, float]:
    n = len(exs)
    chooser = sum(right(e, choose(e, model, threshold)) for e in exs)
    hybrid = sum(right(e, choose(e, model, threshold)) if e.rules_none else e.rules_right
                 for e in exs)
    return {"quotes": n, "rules": round(sum(e.rules_right for e in exs) / n, 4),
            "chooser": round(chooser / n, 4), "hybrid": round(hybrid / n, 4),
            "reachable": round(sum(e.gold_empty or any(e.gold) for e in exs) / n, 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parse-cache", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = {name: list(examples(name, args.parse_cache)) for name in SETS}
    model = fit(data["polnear-train"])
    grid = [t / 20 for t in range(0, 12)]
    threshold = max(grid, key=lambda t: scores(data["polnear-train"], model, t)["chooser"])
    out = {name: scores(exs, model, threshold) for name, exs in data.items()}
    alone = fit(blind(data["polnear-train"]))
    for name, exs in data.items():
        out[name]["model_alone"] = scores(blind(exs), alone, threshold)["chooser"]
    out["threshold"] = threshold  # type: ignore[assignment]
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{'set':15} {'quotes':>7} {'rules':>7} {'chooser':>8} {'hybrid':>7} "
          f"{'model alone':>12} {'reachable':>10}")
    for name in SETS:
        r = out[name]
        print(f"{name:15} {r['quotes']:7} {r['rules']:7.4f} {r['chooser']:8.4f} "
              f"{r['hybrid']:7.4f} {r['model_alone']:12.4f} {r['reachable']:10.4f}")
    print(f"(trained on polnear-train; threshold {threshold})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
