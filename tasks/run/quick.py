"""A run with nothing to do, answered without starting Prefect.

Prefect's temporary API server costs most of a run's first seconds (about 15 s on two busy
cores), which a scheduled run that finds no new file pays every time. Before any of that, under
the warehouse lock, this module checks what the flow would check: nothing left to repair by an
interrupted run (staging, replaced batches, runs still marked running, unreadable or unindexed
batches), no new, changed or retryable file, nothing asked to be reprocessed or pruned, the
corpus tables current. When all hold it records the run (a completed ``runs`` row with the
counts, as the flow would) and returns its summary; otherwise None, and the flow runs as usual.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.core import rawfs
from tasks.core.settings import RunOptions, Settings
from tasks.core.status import RunStatus
from tasks.core.version import installed_model_id
from tasks.run import discover
from tasks.store import aggregates, commit, layout, ledger, lock, runs, schemas, views
from tasks.store.layout import REPORT_FILE
from tasks.store.reprocess import describe, selector, staleness
from tasks.store.staging import mark_seeds, seeds_current

if TYPE_CHECKING:  # the type only: importing it loads the batch code
    from tasks.run.summary import RunSummary


def _needs_repair(wh: Path) -> bool:
    """Anything the flow's recovery would act on."""
    staging = layout.staging_dir(wh)
    if staging.exists() and any(os.scandir(staging)):
        return True
    if any((layout.batches_dir(wh) / b).is_dir() for b in commit.replaced_batches(wh)):
        return True
    batches = commit.committed_batches(wh)
    for b in batches:
        for t in schemas.ADDED_TABLES:
            if not layout.table_file(wh, b, t).is_file():
                return True  # to be indexed (tasks/search.backfill)
    if commit.corrupt_batches(wh):
        return True
    if not seeds_current(wh):
        return True  # written by an earlier version: the flow's recovery upgrades it
    mark_seeds(wh)  # current: said so for readers (a warehouse from before the marker)
    for f in layout.runs_dir(wh).glob("*.parquet"):
        if f.name.startswith(layout.SCHEMA_BATCH):
            continue
        try:
            if RunStatus.RUNNING in pq.read_table(f, columns=["status"]).column(0).to_pylist():
                return True
        except (OSError, pa.ArrowInvalid):
            return True
    return False


def nothing_to_do(settings: Settings, opts: RunOptions) -> RunSummary | None:
    """The summary of a run that had nothing to do, recorded; None when the flow must run.
    A reprocess selection that matches no file is nothing to do too, and the summary says so
    (it once started Prefect for 15 s and said nothing)."""
    asked = bool(opts.reprocess_all or opts.reprocess_since or opts.reprocess_match)
    wh = Path(settings.warehouse)
    if not views.is_warehouse(wh):
        return None
    from tasks.store.reprocess import pending

    if pending(wh):
        return None  # a stopped reprocess to finish
    report = wh / REPORT_FILE
    if settings.report and not report.exists():
        return None  # the flow writes the first report
    t0 = time.perf_counter()
    started = runs.now_utc()
    with lock.warehouse_lock(wh):  # RunLocked: exit 75, as the flow
        if _needs_repair(wh):
            return None
        chosen = selector(wh, opts.reprocess_all, opts.reprocess_since, opts.reprocess_match)
        plan = discover.plan(settings.raw, ledger.read_ledger(wh), retry_failed=opts.retry_failed,
                             reprocess=chosen, follow_links=settings.follow_links, exclude=wh)
        if plan.work or plan.reprocess or (opts.prune and plan.missing) or plan.unlisted:
            return None
        if not aggregates.current(wh, commit.committed_batches(wh)):
            return None
        stale = staleness(wh, installed_model_id(settings.nlp.model))
        run = runs.RunRecord(run_id=runs.new_run_id(), started_at=started,
                             raw=rawfs.display(settings.raw), model=settings.nlp.model)
        run.update(status=RunStatus.COMPLETED, finished_at=runs.now_utc(), files_seen=plan.seen,
                   files_unchanged=plan.unchanged, files_missing=len(plan.missing),
                   stale_articles=stale.stale, wall_seconds=time.perf_counter() - t0)
        runs.write_run(wh, run)
        views.publish_views(wh)  # the views list the run records: this one too
    summary = cast("RunSummary", run.row())
    summary["failures"], summary["nlp_seconds"] = [], 0.0
    summary["missing"], summary["unlisted"] = plan.missing[:discover.MISSING_KEPT], plan.unlisted
    summary["quarantined"] = {}
    summary["stale_message"] = stale.message() if stale.stale else None
    summary["report"], summary["quick"], summary["notices"] = None, True, []
    if asked:
        summary["notices"].append(
            "  reprocess: no file in the raw folder matches " + describe(
                {"all": opts.reprocess_all, "since": opts.reprocess_since,
                 "match": opts.reprocess_match}) + "; nothing was rebuilt")
    if settings.report:
        summary["report"] = str(report)
    return summary
