"""`news-etl status`: what the warehouse holds, for people and for monitors (no Prefect import)."""

from __future__ import annotations

import sys
from pathlib import Path

from tasks.core.printable import say
from tasks.core.settings import Settings
from tasks.core.status import UNHEALTHY_RUNS, RunStatus

UNHEALTHY = UNHEALTHY_RUNS


def status(settings: Settings, raw_given: bool = False) -> int:
    """Print the summary; exit 1 when the last run failed or crashed, 2 when there is no warehouse."""
    from tasks.core import rawfs
    from tasks.core.version import installed_model_id
    from tasks.run import discover
    from tasks.store import commit, ledger, staging, views
    from tasks.store.reprocess import staleness

    wh = settings.warehouse
    if not views.is_warehouse(wh):
        say(f"news-etl status: no warehouse at {wh} (run `news-etl run` first)", file=sys.stderr)
        return 2
    corrupt = commit.corrupt_batches(wh)
    if corrupt:
        say(f"warehouse {wh.resolve()}")
        say(f"  corrupt: {len(corrupt)} unreadable file(s); every view fails until they are "
              "set aside:")
        for name, why in list(corrupt.items())[:10]:
            say(f"    {name}: {why}")
        say("  repair: `news-etl run` moves them to quarantine/ and processes their input "
              "files again from the raw folder")
        return 1
    con = views.connect(wh)
    try:
        articles, entities, quotes = con.sql(
            "select (select count(*) from articles), (select count(*) from entities), "
            "(select count(*) from quotes)").fetchall()[0]
        by_status = con.sql("select status, count(*) from files group by 1 order by 1").fetchall()
        runs = con.sql("select run_id, status, started_at, wall_seconds, files_new + files_changed, "
                       "articles, error, raw from runs order by started_at desc limit 5").fetchall()
    finally:
        con.close()
    say(f"warehouse {wh.resolve()}")
    say(f"  {articles:,} articles, {entities:,} entities, {quotes:,} quotes")
    say("  files: " + (", ".join(f"{n:,} {s}" for s, n in by_status) or "none"))
    stale = staleness(wh, installed_model_id(settings.nlp.model))
    if stale.stale:
        say(f"  stale: {stale.message()}")
    from tasks.store.reprocess import describe, pending

    for entry in pending(wh):
        say(f"  pending: {describe(entry)} (run {entry['run_id']}) stopped before it finished; "
            "the next `news-etl run` rebuilds the files it had not reached")
    raw = settings.raw if raw_given or not runs else rawfs.parse_location(runs[0][7])
    walked = None
    if rawfs.exists(raw):
        # only a walk: status must not hash files the way a run's plan does
        try:
            walked = discover.walk(raw, settings.follow_links, exclude=wh)
        except OSError as exc:
            say(f"  raw folder {raw} cannot be listed ({exc}): missing files not checked")
    if walked is not None:
        present = {fw.path for fw in walked}
        unlisted = [fw.path for fw in walked if fw.folder]
        missing = discover.missing_paths(present, ledger.read_ledger(wh), unlisted)
        for folder in unlisted:
            say(f"  unlisted: folder {folder} cannot be listed; its recorded files are kept")
        if missing:
            say(f"  missing: {len(missing):,} files recorded earlier are gone from {raw}; their "
                  "rows stay until `news-etl run --prune`")
            for path in missing[:10]:
                say(f"    {path}")
            if len(missing) > 10:
                say(f"    ... {len(missing) - 10:,} more")
    elif not rawfs.exists(raw):
        say(f"  raw folder {raw} not found: missing files not checked")
    say("  last runs:")
    last = runs[0][1] if runs else None
    if last == RunStatus.RUNNING and not _locked(wh):
        last = RunStatus.CRASHED  # marked 'running' but no process holds the warehouse
        runs[0] = (runs[0][0], last, *runs[0][2:6], "the run process ended before finishing",
                   runs[0][7])
    elif last == RunStatus.RUNNING:
        say(f"  in progress: {staging.staged_articles(wh):,} more articles processed in batches "
              "not yet committed")
    for _run_id, st, started, wall, files, arts, error, _raw in runs:
        secs = f"{wall:.1f}s" if wall is not None else "-"
        line = (f"    {started:%Y-%m-%d %H:%M:%S} {st:9} {secs:>8}  {files or 0:,} files, "
                f"{arts or 0:,} articles")
        say(line + (f"  error: {error}" if error else ""))
    if not runs:
        say("    none")
    return 1 if last in UNHEALTHY else 0


def _locked(wh: Path) -> bool:
    from tasks.store.lock import RunLocked, warehouse_lock

    try:
        with warehouse_lock(wh):
            return False
    except RunLocked:
        return True
