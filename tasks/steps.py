"""The pipeline's Prefect tasks: thin, each calling the plain functions of the layers below.

flows/pipeline.py composes them into the flow. Each is coarse (a plan, a batch of hundreds of
articles, the corpus-level tables), because Prefect records a few dozen task runs a second.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.core.rawfs import RawLocation
from tasks.core.settings import RunOptions
from tasks.corpus import build
from tasks.run import compact, discover
from tasks.run.batch import BatchResult, BatchSpec
from tasks.run.progress import Progress
from tasks.run.runner import BatchExecutor
from tasks.store import commit, ledger, reprocess, views


@task(name="plan", cache_policy=NO_CACHE)
def plan_run(raw: RawLocation, wh: Path, opts: RunOptions, follow_links: bool = False
             ) -> discover.Plan:
    """Which files are new or changed since the last committed batches, or chosen to rebuild."""
    chosen = reprocess.selector(wh, opts.reprocess_all, opts.reprocess_since, opts.reprocess_match)
    recorded = ledger.read_ledger(wh)
    # what an earlier reprocess left undone (it was stopped) is this run's too
    chosen = reprocess.resume_selector(
        wh, reprocess.pending(wh), lambda p: e.batch_id if (e := recorded.get(p)) else None,
        chosen)
    return discover.plan(raw, recorded, retry_failed=opts.retry_failed,
                         reprocess=chosen, follow_links=follow_links, exclude=wh)


@task(name="batch", cache_policy=NO_CACHE)
def run_batch(spec: BatchSpec, executor: BatchExecutor | None = None) -> list[BatchResult]:
    """Read, parse, extract and stage one batch: in a local worker process through ``executor``,
    or, without one, right here (which is a Dask worker under ``--runner dask``). Only the flow
    commits, so the ledger has a single writer whatever runs the batches."""
    from tasks.run.batch import process_batch

    return executor.run(spec) if executor is not None else [process_batch(spec)]


def publish_batch(wh: Path, result: BatchResult, progress: Progress, views_too: bool = True
                  ) -> None:
    """Publish a staged batch with one rename, then point news.duckdb's views at it. Once the
    rename is done the batch is committed: a failure to rewrite news.duckdb (disk full) is a
    warning, since `query` builds its views itself and the next publish catches up. The run's
    last batch leaves the views to the corpus step that follows (``views_too`` false): binding
    them takes seconds at a million articles, and that step publishes them again anyway."""
    commit.commit_batch(wh, result.batch_id)
    if views_too:
        republish(wh)
    progress.add(result)


def republish(wh: Path) -> None:
    """Point news.duckdb's views at the batches committed now. Once a batch is renamed into
    place it is committed: failing to rewrite news.duckdb (a full disk) is a warning, since
    `news-etl query` builds its views itself and the next publish catches up."""
    try:
        views.publish_views(wh)
    except Exception as exc:  # noqa: BLE001
        get_run_logger().warning("news.duckdb was not refreshed (%s); `news-etl query` sees "
                                 "every committed batch, other clients see the earlier ones "
                                 "until the next run", views.short_reason(exc))


@task(name="aggregate", cache_policy=NO_CACHE)
def aggregate(wh: Path) -> None:
    """Materialise the corpus-level tables for the batches committed now, then republish. A
    failure here costs speed only: the views compute them live until the next run."""
    timings: dict[str, float] = {}
    try:
        secs = build.materialize(wh, timings)
        get_run_logger().info("corpus tables materialised in %.1fs (%s)", secs, ", ".join(
            f"{name} {s:.1f}s" for name, s in timings.items()))
    except Exception as exc:  # noqa: BLE001
        get_run_logger().warning("corpus tables not materialised (%s); the views stay live",
                                 views.short_reason(exc))
    t0 = time.perf_counter()
    republish(wh)
    get_run_logger().info("news.duckdb republished in %.1fs", time.perf_counter() - t0)


@task(name="publish", cache_policy=NO_CACHE)
def publish(wh: Path) -> bool:
    """Create or refresh news.duckdb's views when their SQL or the warehouse location changed."""
    return views.publish_views(wh)




@task(name="compact", cache_policy=NO_CACHE)
def merge_small_batches(wh: Path, threshold: int) -> None:
    """Merge the small batches once more than threshold of them would merge (`news-etl compact`
    does the same on demand), under the run's lock and before the aggregates are computed, so
    they are computed once. The merged batch replaces the small ones by one rename, as in
    `news-etl compact`; a failure leaves them as they were and is a warning, never a failed run."""
    log = get_run_logger()
    try:
        r = compact.compact_locked(wh, min_batches=threshold + 1, aggregate=False)
    except Exception as exc:  # noqa: BLE001
        log.warning("small batches not merged (%s); `news-etl compact` merges them", exc)
        return
    if r.groups:
        log.info("merged %d small batches into %d in %.1fs (%d batches now)",
                 sum(len(g) for g in r.groups), len(r.groups), r.seconds, r.batches_after)


@task(name="prune", cache_policy=NO_CACHE)
def prune_missing(wh: Path, batch_id: str, run_id: str, paths: list[str]) -> None:
    """Commit 'deleted' records for files gone from the raw folder, then republish."""
    ledger.record_deleted(wh, batch_id, run_id, paths)
    republish(wh)
