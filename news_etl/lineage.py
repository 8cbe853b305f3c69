"""`news-etl trace` and `news-etl verify`: a quotation's history, and a draft's quotes checked
against every article in the warehouse.

trace: the quotation holding some words (the one in most articles when several do), as a
timeline: first seen, then every appearance (when, where, credited to whom, how its wording
differs), the speakers with their shares, the variants. verify: every quoted passage of a draft
(plain text or Markdown) found verbatim (where, when, who said it), altered (the closest
quotation and the word-level difference), or not found; exit 0 only when all are verbatim.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tasks.core.errors import UsageError
from tasks.core.printable import printable

# a quoted passage: between curly or straight double quotes, on one line or across a wrap, or
# between curly single quotes (British style) opening at a word's start and closing at a word's
# end, so an apostrophe inside ("don’t") does not end it
_QUOTED = re.compile(r"“([^”]{3,2000})”|\"([^\"\n]{3,2000}(?:\n[^\"\n]{1,2000})?)\""
                     r"|(?<!\w)‘([^\n]{3,2000}?)’(?!\w)")
MIN_PASSAGE_WORDS = 4  # shorter quoted words ("so-called", a title) are not a quote to verify
ALTERED_AT = 0.6  # share of a passage's words found in order in a quote: altered, not invented


def _rows(con: Any, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    rel = con.sql(sql, params=params)
    cols = rel.columns
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def _day(value: Any, source: str | None) -> str:
    if not isinstance(value, datetime | date):
        return "undated"
    day = f"{value:%Y-%m-%d}"
    return day if source == "published" else f"first seen {day}"


# --- trace ------------------------------------------------------------------------------------

def trace(con: Any, words: str) -> dict[str, Any] | None:
    """The history of the quotation holding these words, or of the one quote holding them when no
    quotation does; None when no quote holds them."""
    if not words.strip():
        raise UsageError("nothing to trace: give some of the quote's words")
    found = _rows(con, "select q.quotation_id, q.articles from quotations q where exists ("
                       "select 1 from quotation_appearances a where a.quotation_id = q.quotation_id "
                       "and contains(quote_norm(a.text), quote_norm($w))) "
                       "order by q.articles desc, q.quotation_id limit 1", {"w": words})
    if found:
        qid = found[0]["quotation_id"]
        [head] = _rows(con, "select * from quotations where quotation_id = $q", {"q": qid})
        rows = _rows(con, "select * from quotation_appearances where quotation_id = $q "
                          "order by seen_at, article_id, quote_index", {"q": qid})
    else:  # said once, or only in copies too short to trace
        rows = _rows(con, "select null as quotation_id, q.article_id, q.quote_index, "
                          "'canonical' as role, 1.0 as similarity, null as diff, q.text, "
                          "coalesce(i.identity, q.speaker) as speaker, a.source, a.title, a.url, "
                          "d.seen_at, d.date_source from quotes q "
                          "join articles a using (article_id) join article_dates d using (article_id) "
                          "left join identity_names i on i.name = q.speaker "
                          "where q.quote_type <> 'belief' and contains(quote_norm(q.text), quote_norm($w)) "
                          "order by d.seen_at, q.article_id limit 1", {"w": words})
        if not rows:
            return None
        r = rows[0]
        head = {"quotation_id": None, "text": r["text"], "first_article_id": r["article_id"],
                "first_source": r["source"], "first_seen_at": r["seen_at"],
                "first_date_source": r["date_source"], "articles": 1,
                "outlets": 1 if r["source"] else 0, "variants": 0, "fragments": 0,
                "speakers": [{"speaker": r["speaker"], "quotes": 1, "share": 1.0}]
                if r["speaker"] else [], "conflict": False}
    return {**head, "appearances": rows}


def print_trace(t: dict[str, Any], out: Any = None) -> None:
    """The history as a readable timeline."""
    out = out or sys.stdout
    w = lambda s="": print(printable(s), file=out)  # noqa: E731
    w(f"“{t['text']}”")
    first = t["first_seen_at"]
    clock = ("published" if t["first_date_source"] == "published"
             else "first stored: no publication date")
    when = f"{first:%Y-%m-%d} ({clock})" if isinstance(first, datetime | date) else "undated"
    w(f"first appeared {when} in {t['first_source'] or '(no outlet named)'}")
    w(f"{t['articles']} article{'s' if t['articles'] != 1 else ''} in {t['outlets']} "
      f"outlet{'s' if t['outlets'] != 1 else ''}; {t['variants']} variant wordings, "
      f"{t['fragments']} excerpts")
    if t["speakers"]:
        credited = ", ".join(f"{s['speaker']} ({s['share']:.0%})" for s in t["speakers"])
        w(f"credited to: {credited}" + ("  ← CONFLICT: the same words, different speakers"
                                         if t["conflict"] else ""))
    else:
        w("credited to no one")
    w()
    for a in t["appearances"]:
        w(f"  {_day(a['seen_at'], a['date_source']):<22} {a['source'] or '(no outlet named)':<24} "
          f"{a['speaker'] or '(no speaker)':<24} {a['role']}")
        if a.get("diff"):
            w(f"      {a['diff']}")


# --- verify -----------------------------------------------------------------------------------

@dataclass
class Verdict:
    """What the warehouse says of one quoted passage of a draft."""

    passage: str
    verdict: str  # verbatim | altered | not found
    quote: str | None = None  # the matching or closest quote
    speaker: str | None = None
    source: str | None = None
    title: str | None = None
    when: str | None = None
    diff: str | None = None  # altered: what the draft changed in the quote's words
    matched: float = 0.0  # share of the passage's words found in order in the quote


def passages(text: str) -> list[str]:
    """The quoted passages of a draft worth verifying (four words or more)."""
    from tasks.corpus.lineage import quote_words

    found = [(m.group(1) or m.group(2) or m.group(3)).replace("\n", " ").strip()
             for m in _QUOTED.finditer(text)]
    return [p for p in found if len(quote_words(p)) >= MIN_PASSAGE_WORDS]


def _sublist(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def verify_passage(con: Any, passage: str) -> Verdict:
    """Verbatim when some stored quote holds the passage's words in order (the earliest such
    appearance named), altered when the closest holds most of them, else not found."""
    from tasks.corpus.index import query_terms
    from tasks.corpus.lineage import contained, quote_words, word_diff

    words = quote_words(passage)
    if not query_terms(passage):
        return Verdict(passage, "not found")
    rows = _rows(con, "select q.text, coalesce(i.identity, q.speaker) as speaker, a.source, "
                      "a.title, d.seen_at, d.date_source from search_quotes($w, lim := 30, "
                      "beliefs := true, all_copies := true) s "
                      "join quotes q on q.article_id = s.article_id and q.quote_index = s.quote_index "
                      "join articles a on a.article_id = s.article_id "
                      "join article_dates d on d.article_id = s.article_id "
                      "left join identity_names i on i.name = q.speaker", {"w": passage})
    best: tuple[float, dict[str, Any]] | None = None
    exact: list[dict[str, Any]] = []
    for r in rows:
        qw = quote_words(r["text"] or "")
        if _sublist(words, qw):
            exact.append(r)
            continue
        share = contained(words, qw)
        if best is None or share > best[0]:
            best = (share, r)
    if exact:
        r = min(exact, key=lambda x: (x["seen_at"] is None, x["seen_at"]))
        return Verdict(passage, "verbatim", r["text"], r["speaker"], r["source"], r["title"],
                       _day(r["seen_at"], r["date_source"]), matched=1.0)
    if best is not None and best[0] >= ALTERED_AT:
        share, r = best
        qw = quote_words(r["text"] or "")
        # the stretch of the quote the passage corresponds to, then what the draft changed
        import difflib

        blocks = [b for b in difflib.SequenceMatcher(None, qw, words, autojunk=False)
                  .get_matching_blocks() if b.size]
        lo, hi = blocks[0].a, blocks[-1].a + blocks[-1].size
        return Verdict(passage, "altered", r["text"], r["speaker"], r["source"], r["title"],
                       _day(r["seen_at"], r["date_source"]), word_diff(qw[lo:hi], words),
                       round(share, 3))
    return Verdict(passage, "not found", matched=round(best[0], 3) if best else 0.0)


def verify(con: Any, draft: Path) -> list[Verdict]:
    try:
        text = draft.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no draft at {draft}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the draft {draft}: {exc}") from None
    return [verify_passage(con, p) for p in passages(text)]


def print_verdicts(verdicts: list[Verdict], out: Any = None) -> None:
    out = out or sys.stdout
    w = lambda s="": print(printable(s), file=out)  # noqa: E731
    if not verdicts:
        w("no quoted passage of four words or more in the draft")
        return
    for v in verdicts:
        mark = {"verbatim": "VERBATIM", "altered": "ALTERED", "not found": "NOT FOUND"}[v.verdict]
        w(f"{mark:<10} “{v.passage}”")
        if v.verdict != "not found":
            w(f"           {v.speaker or '(no speaker)'}, {v.source or '(no outlet named)'}, "
              f"{v.when}: {v.title or ''}")
        if v.verdict == "altered":
            w(f"           closest: “{v.quote}”")
            w(f"           draft vs quote: {v.diff}")
    counts = {k: sum(v.verdict == k for v in verdicts) for k in ("verbatim", "altered", "not found")}
    w()
    w(f"{counts['verbatim']} verbatim, {counts['altered']} altered, {counts['not found']} not found")


def as_json(value: Any) -> str:
    def default(v: Any) -> Any:
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, Verdict):
            return asdict(v)
        return str(v)
    return json.dumps(value, default=default, ensure_ascii=False, indent=2)
