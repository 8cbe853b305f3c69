"""`news-etl search`: articles or quotes ranked by BM25, read as results on a terminal and as
tables everywhere else (csv, json, parquet: the formats of `query`).

The ranking is the warehouse's own SQL (search_articles and search_quotes in sql/search.sql,
over the postings a run writes with each batch), so this command and any DuckDB client opening
news.duckdb get the same answers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from news_etl.query import QueryError
from tasks.core.errors import UsageError
from tasks.core.printable import printable
from tasks.core.sql import load_sql

BOLD, PLAIN = "\033[1m", "\033[0m"


@dataclass
class SearchRequest:
    words: str
    quotes: bool = False
    speaker: str | None = None
    source: str | None = None
    since: str | None = None
    limit: int = 20


def search(con: Any, req: SearchRequest) -> Any:
    """The ranked results as a polars DataFrame (empty when nothing matches)."""
    from tasks.corpus.index import query_terms

    if not query_terms(req.words):
        raise UsageError(f"nothing to search for in {req.words!r}: every word is too short or "
                         "too common to be indexed")
    quotes = req.quotes or req.speaker is not None
    params: dict[str, Any] = {"q": req.words, "limit": req.limit, "source": req.source,
                              "since": req.since}
    name = "search/articles.sql"
    if quotes:  # a speaker's own statement: with none, the speaker-matching way is planned away
        name = "search/quotes.sql"
        if req.speaker is not None:
            name = "search/quotes_by_speaker.sql"
            params["speaker"] = req.speaker
    sql = load_sql(name)
    import duckdb

    try:
        return con.sql(sql, params=params).pl()
    except duckdb.Error as exc:
        raise QueryError(str(exc).removeprefix("Invalid Input Error: ")) from None


def print_results(df: Any, quotes: bool, out: Any = None) -> None:
    """Numbered results, the matching words in bold on a terminal (marked «so» otherwise)."""
    out = out or sys.stdout
    tty = hasattr(out, "isatty") and out.isatty()

    def marked(text: str | None) -> str:
        text = printable(text)
        return text.replace("«", BOLD).replace("»", PLAIN) if tty else text

    if df.height == 0:
        print("no matches", file=out)
        return
    for n, r in enumerate(df.iter_rows(named=True), 1):
        when = f"{r['seen_at']:%Y-%m-%d}" if r.get("seen_at") else "undated"
        where = printable(", ".join(x for x in (r.get("source"), when) if x))
        title = printable(r["title"] or "(untitled)")
        if quotes:
            who = printable(r["speaker"] or (f"({r['speaker_text']})" if r["speaker_text"]
                                             else "unattributed"))
            print(f"{n:>3}. {who} {printable(r['cue'])} [{r['quote_type']}]  score {r['score']}",
                  file=out)
            print(f"     “{marked(r['quote'])}”", file=out)
            print(f"     {title} — {where}", file=out)
        else:
            print(f"{n:>3}. {title}  score {r['score']}", file=out)
            print(f"     {where}  {printable(r.get('url') or r.get('source_path'))}", file=out)
            print(f"     {marked(r['snippet'])}", file=out)


def write_results(df: Any, req: SearchRequest, fmt: str, output: Path | None) -> None:
    if fmt == "table" and output is None:
        print_results(df, req.quotes or req.speaker is not None)
        return
    from news_etl.query import write

    write(df, fmt, output)
