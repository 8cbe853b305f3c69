"""`news-etl eval quotes`: run the quote extractor on gold articles and score it.

The figures follow the definitions of the project's reference scorer (shared/eval/score_quotes.py):
quote spans are compared as character sets after trimming white space, quotation marks and
, . ; : at fragment edges; `exact` needs equal sets; `overlap@t` pairs predictions and gold
one-to-one, greedily by |pred & gold| / |gold| >= t; `char-soft` counts the overlapping characters
of the overlap@0.3 pairs; on those pairs the speaker mention is right when the predicted and gold
source spans overlap (or both are empty) and the name is right when it equals the gold name
(lower-case, punctuation, possessive 's and a leading "the" ignored); end-to-end counts pairs
whose mention is right. Gold outside --types (and non-core gold with --core-only) is set aside:
a prediction landing on it is neither right nor wrong.

What counts as a prediction follows the gold's own convention as --types names it: speech
(direct, mixed and indirect quotes) always; attributions of belief, plan or stance (quote_type
``belief``) only when --types holds ``indirect`` or ``belief``, the all-types scoring of gold
that, like PolNeAR, annotates every attribution. --pred-out writes exactly the predictions scored,
so a speech-only gold such as the Gender Gap Tracker's is scored with the default types. Its
``speaker`` is the resolved name or, where the article names no one, the description it gives
("a spokesperson"), as such gold names unnamed speakers.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tasks.core.errors import UsageError

TRIM = frozenset(" \t\r\n\"“”‘’'«».,;:")
Frags = list[list[int]]


def chars(frags: Iterable[Iterable[int]], text: str) -> frozenset[int]:
    out: set[int] = set()
    for s, e in frags:
        while s < e and text[s] in TRIM:
            s += 1
        while e > s and text[e - 1] in TRIM:
            e -= 1
        out.update(range(s, e))
    return frozenset(out)


def raw_chars(frags: Iterable[Iterable[int]]) -> frozenset[int]:
    return frozenset(i for s, e in frags for i in range(s, e))


def name_key(name: str | None) -> str:
    text = (name or "").lower().replace("’", "'").replace("'s", "")
    words = re.sub(r"[^\w\s]", " ", text).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _prf(hit: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = hit / n_pred if n_pred else 0.0
    r = hit / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pair_up(preds: list[frozenset[int]], golds: list[frozenset[int]], threshold: float
            ) -> list[tuple[int, int, int]]:
    """One-to-one (pred, gold, overlap) pairs, best coverage of the gold first."""
    scored = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if g and p:
                ov = len(p & g)
                if ov / len(g) >= threshold:
                    scored.append((ov / len(g), pi, gi, ov))
    scored.sort(reverse=True)
    taken_p: set[int] = set()
    taken_g: set[int] = set()
    pairs = []
    for _, pi, gi, ov in scored:
        if pi not in taken_p and gi not in taken_g:
            taken_p.add(pi)
            taken_g.add(gi)
            pairs.append((pi, gi, ov))
    return pairs


def score(gold: list[dict[str, Any]], pred: dict[str, list[dict[str, Any]]], types: set[str],
          core_only: bool = False) -> dict[str, Any]:
    n = dict.fromkeys(("pred", "gold", "exact", "ov3", "ov8", "soft", "soft_p", "soft_g", "pairs",
                       "mention", "named", "name"), 0)
    by_rule: dict[str, dict[str, int]] = {}
    for doc in gold:
        text = doc["text"]

        def counted(a: dict[str, Any]) -> bool:
            return bool(a["content"]) and a["quote_type"] in types and \
                (a.get("core", True) or not core_only)

        kept = [a for a in doc["attributions"] if counted(a)]
        aside = [chars(a["content"], text) for a in doc["attributions"]
                 if a["content"] and not counted(a)]
        golds = [chars(a["content"], text) for a in kept]
        quotes_all = pred.get(doc["doc_id"], [])
        sets_all = [chars(q["content"], text) for q in quotes_all]
        keep = []
        for i, x in enumerate(sets_all):
            on_aside = any(x and y and (len(x & y) / len(y) >= 0.3 or len(x & y) / len(x) >= 0.5)
                           for y in aside)
            on_kept = any(x and y and len(x & y) / len(y) >= 0.3 for y in golds)
            if on_kept or not on_aside:
                keep.append(i)
        quotes = [quotes_all[i] for i in keep]
        preds = [sets_all[i] for i in keep]
        n["gold"] += len(golds)
        n["pred"] += len(preds)
        matched: set[int] = set()
        for x in preds:
            for gi, y in enumerate(golds):
                if gi not in matched and x == y:
                    matched.add(gi)
                    n["exact"] += 1
                    break
        n["ov8"] += len(pair_up(preds, golds, 0.8))
        pairs = pair_up(preds, golds, 0.3)
        n["ov3"] += len(pairs)
        n["soft"] += sum(ov for _, _, ov in pairs)
        n["soft_p"] += sum(len(x) for x in preds)
        n["soft_g"] += sum(len(y) for y in golds)
        for pi, gi, _ in pairs:
            gs, ps = raw_chars(kept[gi]["source"]), raw_chars(quotes[pi].get("source") or [])
            rule = by_rule.setdefault(quotes[pi].get("speaker_rule") or "(none)",
                                      {"pairs": 0, "mention": 0, "named": 0, "name": 0})
            n["pairs"] += 1
            rule["pairs"] += 1
            if (gs and ps and gs & ps) or (not gs and not ps):
                n["mention"] += 1
                rule["mention"] += 1
            if kept[gi].get("speaker_name"):
                n["named"] += 1
                rule["named"] += 1
                if name_key(quotes[pi].get("speaker")) == name_key(kept[gi]["speaker_name"]):
                    n["name"] += 1
                    rule["name"] += 1
    return {
        "gold": n["gold"], "predicted": n["pred"],
        "exact": _prf(n["exact"], n["pred"], n["gold"]),
        "overlap@0.3": _prf(n["ov3"], n["pred"], n["gold"]),
        "overlap@0.8": _prf(n["ov8"], n["pred"], n["gold"]),
        "char-soft": _prf(n["soft"], n["soft_p"], n["soft_g"]),
        "speaker_mention_accuracy": n["mention"] / n["pairs"] if n["pairs"] else 0.0,
        "speaker_name_accuracy": n["name"] / n["named"] if n["named"] else None,
        "end-to-end": _prf(n["mention"], n["pred"], n["gold"]),
        # each speaker rule's share of the scored pairs and its accuracy there: which rules
        # hold up on a set nobody tuned them to
        "by_speaker_rule": {
            k: {"pairs": v["pairs"], "mention_accuracy": v["mention"] / v["pairs"],
                "named": v["named"],
                "name_accuracy": v["name"] / v["named"] if v["named"] else None}
            for k, v in sorted(by_rule.items(), key=lambda kv: -kv[1]["pairs"])},
    }


BELIEF_TYPES = frozenset({"indirect", "belief"})  # gold types under which beliefs are scored


def predictions_for(pred: dict[str, list[dict[str, Any]]], types: set[str]
                    ) -> dict[str, list[dict[str, Any]]]:
    """The predictions a scoring with these gold types counts (see the module docstring)."""
    if types & BELIEF_TYPES:
        return pred
    return {k: [q for q in v if q["quote_type"] != "belief"] for k, v in pred.items()}


def parses(texts: list[str], model: str, disable: tuple[str, ...], batch_size: int = 32,
           cache: Path | None = None) -> Iterator[Any]:
    """The texts parsed, in order; with ``cache``, parsed once per model and then read from spaCy
    DocBin files there (a rule change is scored in seconds, not minutes of parsing)."""
    from tasks.nlp.extract import load_nlp

    nlp = load_nlp(model, disable)
    if cache is None:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    import hashlib

    from spacy.tokens import DocBin

    cache.mkdir(parents=True, exist_ok=True)
    from tasks.nlp.extract import TOKENIZER_VERSION

    name = re.sub(r"[^\w.-]", "_", f"{model}-{TOKENIZER_VERSION}-{'-'.join(disable)}")[-80:]
    for i in range(0, len(texts), PARSE_CHUNK):
        chunk = texts[i : i + PARSE_CHUNK]
        path = cache / f"{name}-{hashlib.sha256(chr(0).join(chunk).encode()).hexdigest()[:20]}.spacy"
        if path.is_file():
            yield from DocBin().from_disk(path).get_docs(nlp.vocab)
            continue
        docs = list(nlp.pipe(chunk, batch_size=batch_size))
        DocBin(store_user_data=False, docs=docs).to_disk(path)
        yield from docs


PARSE_CHUNK = 50  # texts per cached DocBin file


def predict(docs: list[dict[str, Any]], model: str, disable: tuple[str, ...],
            batch_size: int = 32, cache: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Quotes of every gold article in the scorer's PRED shape, keyed by doc_id."""
    from tasks.nlp.extract import extract_doc
    from tasks.nlp.quotes.speakers import named_or_described

    out: dict[str, list[dict[str, Any]]] = {}
    texts = [d["text"] for d in docs]
    for doc, parsed in zip(docs, parses(texts, model, disable, batch_size, cache), strict=True):
        ex = extract_doc(parsed, doc["doc_id"], text=doc["text"])
        out[doc["doc_id"]] = [
            {
                "content": [[s["start"], s["end"]] for s in q["spans"]],
                "source": [[q["speaker_start"], q["speaker_end"]]]
                if q["speaker_start"] is not None else [],
                "speaker": named_or_described(q["speaker"], q["speaker_text"]),
                "quote_type": q["quote_type"],
                "cue": q["cue"],
                "speaker_rule": q["speaker_rule"],
            }
            for q in ex.quotes
        ]
    return out


def report(res: dict[str, Any], types: str) -> str:
    lines = [f"gold quotes ({types}): {res['gold']}   predicted: {res['predicted']}"]
    for k in ("exact", "overlap@0.3", "overlap@0.8", "char-soft", "end-to-end"):
        p, r, f = res[k]
        lines.append(f"{k:12s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    lines.append(f"speaker mention accuracy (overlap@0.3 pairs): {res['speaker_mention_accuracy']:.3f}")
    if res["speaker_name_accuracy"] is not None:
        lines.append("speaker name accuracy (overlap@0.3 pairs with a gold name): "
                     f"{res['speaker_name_accuracy']:.3f}")
    lines.append("by the rule that chose the speaker: pairs, mention accuracy, name accuracy")
    for rule, v in res.get("by_speaker_rule", {}).items():
        name = f"{v['name_accuracy']:.3f} of {v['named']}" if v["name_accuracy"] is not None else "-"
        lines.append(f"  {rule:24s} {v['pairs']:5d}  {v['mention_accuracy']:.3f}  {name}")
    return "\n".join(lines)


HALVES = ("a", "b")


def half_of(doc_id: str) -> str:
    """Which half of a gold set an article falls in ('a': its doc_id's SHA-1 is even), fixed
    by the id alone: read one half's errors to find a class, then check the change on the
    other, whose articles nobody read (PolNeAR train: 424 and 416 articles)."""
    return HALVES[int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 2]


def run_eval(gold_path: Path, types: str, core_only: bool, pred_out: Path | None, model: str,
             disable: tuple[str, ...], as_json: bool = False, cache: Path | None = None,
             half: str | None = None) -> int:
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    if half is not None:
        total = len(gold)
        gold = [doc for doc in gold if half_of(doc["doc_id"]) == half]
        if not gold:
            raise UsageError(f"none of the {total} articles of {gold_path} falls in half {half}: "
                             f"score the other half, or the whole set without --half")
    pred = predictions_for(predict(gold, model, disable, cache=cache), set(types.split(",")))
    if pred_out:
        with pred_out.open("w", encoding="utf-8") as f:
            for doc in gold:
                f.write(json.dumps({"doc_id": doc["doc_id"], "quotes": pred[doc["doc_id"]]},
                                   ensure_ascii=False) + "\n")
    res = score(gold, pred, set(types.split(",")), core_only)
    sys.stdout.write((json.dumps(res) if as_json else report(res, types)) + "\n")
    return 0
