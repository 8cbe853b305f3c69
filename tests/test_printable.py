"""Text from the data never drives the terminal (issue 24): ESC sequences in titles and file
names are shown escaped by the summary, `status`, `search` and `query`."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import polars as pl

from news_etl.commands import _print_summary
from news_etl.query import write
from news_etl.search import print_results
from tasks.core.printable import printable

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;pwned\x07Harbour vote" + CLEAR + "\u202eevil"


def test_printable_escapes_every_control_and_keeps_the_text():
    assert printable(TITLE) == ("\\x1b]0;pwned\\x07Harbour vote\\x1b[2J\\x1b[H\\u202eevil")
    assert printable("Zo\u00eb Kr\u00e4mer \u2014 caf\u00e9") == "Zo\u00eb Kr\u00e4mer \u2014 caf\u00e9"
    assert printable("two\nlines\tand\x9bC1") == "two\\x0alines\\x09and\\x9bC1"
    assert printable(None) == ""


def test_the_run_summary_shows_file_names_and_reasons_escaped(capsys):
    _print_summary({"run_id": "r1", "status": "completed", "wall_seconds": 1.0,
                    "files_seen": 2, "files_new": 2, "files_changed": 0, "files_unchanged": 0,
                    "files_failed": 1, "files_missing": 0, "files_reprocessed": 0,
                    "files_pruned": 0, "articles": 1, "entities": 0, "quotes": 0, "words": 10,
                    "failures": [("evil" + CLEAR + ".txt", "no article text " + CLEAR)],
                    "unlisted": ["desk\x1b[1A"]})
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "failed: evil\\x1b[2J\\x1b[H.txt: no article text" in out
    assert "folder desk\\x1b[1A cannot be listed" in out


def test_search_and_query_output_show_titles_escaped(capsys):
    df = pl.DataFrame({"title": [TITLE], "score": [1.5], "source": ["Post\x1b[31m"],
                       "seen_at": [datetime(2026, 11, 3, tzinfo=UTC)], "date_source": ["published"],
                       "url": ["https://x/\x07"],
                       "snippet": ["the «harbour» vote" + CLEAR]})
    out = io.StringIO()
    print_results(df.to_dicts(), quotes=False, out=out)
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "Harbour vote\\x1b[2J" in text and "Post\\x1b[31m, 2026-11-03" in text
    write(df.select("title", "source"), "table", None)
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "\\x1b]0;pwned" in shown
