"""What a run reports when it ends: its summary (the CLI prints it, tests read it) and the
Markdown artifact Prefect keeps."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, TypedDict

from tasks.corpus import dedup
from tasks.run.batch import BatchResult
from tasks.store import runs


class RunSummary(TypedDict, total=False):
    """A finished run: its record (schemas.RUNS's columns) and what the run saw beyond it."""

    run_id: str
    status: str  # tasks/core/status.RunStatus
    raw: str
    model: str
    started_at: Any
    finished_at: Any
    files_seen: int
    files_new: int
    files_changed: int
    files_unchanged: int
    files_failed: int
    files_missing: int
    files_reprocessed: int
    files_pruned: int
    stale_articles: int
    articles: int
    entities: int
    quotes: int
    words: int
    wall_seconds: float | None
    error: str | None
    failures: list[tuple[str, str]]  # (path, reason) of files that could not be read
    partials: list[tuple[str, int, str]]  # (path, records that failed, why) of files read in part
    nlp_seconds: float
    # recorded files no longer in the raw folder: the first discover.MISSING_KEPT (files_missing
    # counts them all; a flow's return value is walked by Prefect, and a million paths took 12 s)
    missing: list[str]
    unlisted: list[str]  # folders that could not be listed
    quarantined: dict[str, str]  # unreadable batches set aside, with why
    stale_message: str | None
    report: str | None
    languages: dict[str, int]
    unparsed: int
    files_skipped: int
    copies: int
    stories_with_copies: int
    quick: bool  # answered without Prefect (tasks/run/quick.py)
    notices: list[str]  # what a quiet run still says


def languages_of(results: list[BatchResult]) -> dict[str, int]:
    """Articles per language over the run's batches, the most frequent first."""
    total: Counter = Counter()
    for r in results:
        total.update(r.languages)
    return dict(total.most_common())


def summary_markdown(run: runs.RunRecord, results: list[BatchResult],
                      report: Path | None = None, wh: Path | None = None) -> str:
    failures = [f for r in results for f in r.failures]
    nlp = sum(r.nlp_seconds for r in results)
    lines = [
        f"# news-etl run {run.run_id}: {run.status}",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key in ("files_seen", "files_new", "files_changed", "files_unchanged", "files_failed",
                "files_missing", "articles", "entities", "quotes", "words"):
        lines.append(f"| {key} | {getattr(run, key):,} |")
    lines.append(f"| files_skipped | {sum(r.files_skipped for r in results):,} |")
    languages = languages_of(results)
    if languages:
        lines.append("| languages | " + ", ".join(f"{k} {n:,}" for k, n in languages.items())
                     + " |")
        lines.append(f"| articles with no pipeline for their language | "
                     f"{sum(r.unparsed for r in results):,} |")
    wall = run.wall_seconds or 0
    lines.append(f"| wall seconds | {wall:.1f} |")
    lines.append(f"| words/s | {run.words / wall if wall else 0:,.0f} |")
    lines.append(f"| worker NLP seconds | {nlp:.1f} |")
    lines.append(f"| worker read seconds | {sum(r.read_seconds for r in results):.1f} |")
    lines.append(f"| worker write seconds | {sum(r.write_seconds for r in results):.1f} |")
    n_copies, n_stories = dedup.copies(wh) if wh is not None else (0, 0)
    if n_copies:
        lines.append(f"| duplicates | {n_copies:,} articles are copies of {n_stories:,} stories |")
    if report is not None:
        lines += ["", f"**Report:** [{report.resolve()}]({report.resolve().as_uri()})"]
    if failures:
        lines += ["", "## Failed files", "", "| file | reason |", "|---|---|"]
        lines += [f"| {p} | {str(e).replace('|', '/')} |" for p, e in failures[:200]]
    if run.error:
        lines += ["", f"**Error:** {run.error}"]
    return "\n".join(lines)


