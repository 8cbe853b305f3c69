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
    beliefs: bool = False  # quotes: beliefs and plans too, not statements alone
    all_copies: bool = False  # every copy of a story, not its best one


def _ranked(con: Any, req: SearchRequest) -> Any:
    """The search's DuckDB relation (the warehouse's own SQL in sql/search/)."""
    from tasks.corpus.index import query_terms

    if not query_terms(req.words):
        raise UsageError(f"nothing to search for in {req.words!r}: every word is too short or "
                         "too common to be indexed")
    quotes = req.quotes or req.speaker is not None
    params: dict[str, Any] = {"q": req.words, "limit": req.limit, "source": req.source,
                              "since": req.since, "all_copies": req.all_copies}
    name = "search/articles.sql"
    if quotes:  # a speaker's own statement: with none, the speaker-matching way is planned away
        name = "search/quotes.sql"
        params["beliefs"] = req.beliefs
        if req.speaker is not None:
            name = "search/quotes_by_speaker.sql"
            params["speaker"] = req.speaker
    sql = load_sql(name)
    import duckdb

    try:
        return con.sql(sql, params=params)
    except duckdb.Error as exc:
        raise QueryError(str(exc).removeprefix("Invalid Input Error: ")) from None


def search(con: Any, req: SearchRequest) -> Any:
    """The ranked results as a polars DataFrame (empty when nothing matches)."""
    return _ranked(con, req).pl()


def search_rows(con: Any, req: SearchRequest) -> list[dict[str, Any]]:
    """The ranked results as rows, without polars: what a search on the terminal prints, in a
    process that should start fast."""
    rel = _ranked(con, req)
    columns = rel.columns
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def print_results(rows: list[dict[str, Any]], quotes: bool, out: Any = None) -> None:
    """Numbered results, the matching words in bold on a terminal (marked «so» otherwise)."""
    out = out or sys.stdout
    tty = hasattr(out, "isatty") and out.isatty()

    def marked(text: str | None) -> str:
        text = printable(text)
        return text.replace("«", BOLD).replace("»", PLAIN) if tty else text

    if not rows:
        print("no matches", file=out)
        return
    for n, r in enumerate(rows, 1):
        where = printable(", ".join(x for x in (r.get("source"), dated(r), copies(r)) if x))
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


def dated(row: dict[str, Any]) -> str:
    """The publication date, or when the article was first stored, said as such."""
    if not row.get("seen_at"):
        return "undated"
    day = f"{row['seen_at']:%Y-%m-%d}"
    return day if row.get("date_source") == "published" else f"first seen {day}"


def copies(row: dict[str, Any]) -> str:
    """'+N copies in M outlets' when other copies of the story (or of the quote) matched."""
    more = (row.get("copies") or 1) - 1
    if more <= 0:
        return ""
    outlets = row.get("outlets") or 0
    text = f"+{more} {'copy' if more == 1 else 'copies'}"
    return text + (f" in {outlets} {'outlet' if outlets == 1 else 'outlets'}" if outlets else "")


def write_results(con: Any, req: SearchRequest, fmt: str, output: Path | None) -> None:
    """Print the results on the terminal, or export them in a query's formats."""
    if fmt == "table" and output is None:
        print_results(search_rows(con, req), req.quotes or req.speaker is not None)
        return
    from news_etl.query import write

    write(search(con, req), fmt, output)
