"""The pipeline flow: publish views -> plan -> batches (read, NLP, extract, stage, commit)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from tasks import steps
from tasks.core import rawfs
from tasks.core.errors import NoRawFolder, RunFailed
from tasks.core.printable import plural, printable
from tasks.core.settings import RunOptions, Settings
from tasks.core.status import RunStatus
from tasks.core.version import installed_model_id
from tasks.corpus import dedup, index
from tasks.run import discover, interrupt
from tasks.run.batch import BatchResult, BatchSpec
from tasks.run.progress import BatchSize, Progress
from tasks.run.runner import CLOSE_GRACE_SECONDS, BatchExecutor
from tasks.run.summary import RunSummary, languages_of, summary_markdown
from tasks.store import commit, layout, lock, reprocess, runs, staging, views
from tasks.store.warehouse import Warehouse


def execute(settings: Settings, options: RunOptions | None = None) -> RunSummary:
    """The body of the flow, callable with or without Prefect around it: under the warehouse
    lock, recover from whatever an earlier run left, open the run's record, plan, process and
    commit the batches, finish (prune, aggregate, staleness), and close the record."""
    opts = options or RunOptions()
    log = get_run_logger()
    interrupt.arm()  # Prefect's own SIGTERM handler would wait for the running batches
    raw, wh = settings.raw, Path(settings.warehouse)
    if not rawfs.exists(raw):
        raise NoRawFolder(f"raw folder not found: {raw}")
    started = runs.now_utc()
    t0 = time.perf_counter()
    with lock.warehouse_lock(wh):
        corrupt = _recover(wh, log)
        run = runs.RunRecord(run_id=runs.new_run_id(), started_at=started,
                             raw=rawfs.display(raw), model=settings.nlp.model)
        runs.write_run(wh, run)
        interrupt.track(wh, run)
        if opts.reprocess_all or opts.reprocess_since or opts.reprocess_match:
            reprocess.remember(wh, run.run_id, opts.reprocess_all, opts.reprocess_since,
                               opts.reprocess_match)
        resuming = reprocess.pending(wh)
        results: list[BatchResult] = []
        n_batches = 0
        try:
            plan = _plan(settings, opts, wh, run, log)
            n_batches, errors = _process(settings, wh, run, plan, results, log)
            stale = _finish(settings, opts, wh, run, plan, n_batches, results)
        except Exception as exc:
            log_file = runs.keep_traceback(wh, run.run_id, exc)
            _close_run(wh, run, results, t0, RunStatus.FAILED, _one_line(exc))
            raise RunFailed(f"{run.error} (traceback in {log_file})") from exc
        run.stale_articles = stale.stale
        _close_run(wh, run, results, t0, RunStatus.FAILED if errors else RunStatus.COMPLETED,
                   "; ".join(errors[:5]) or None)
        if resuming and not errors:
            reprocess.finished(wh)  # every pending selection was in this run's plan, and done
    report = _report(settings, wh, bool(n_batches or run.files_pruned), log)
    create_markdown_artifact(key="news-etl-run", markdown=summary_markdown(run, results, report, wh),
                             description=f"news-etl run {run.run_id}")
    log.info("run %s %s: %d articles, %d entities, %d quotes, %d failed files in %.1fs",
             run.run_id, run.status, run.articles, run.entities, run.quotes, run.files_failed,
             run.wall_seconds)
    summary = cast(RunSummary, run.row())
    summary["failures"] = [f for r in results for f in r.failures]
    summary["partials"] = [f for r in results for f in r.partials]
    summary["nlp_seconds"] = sum(r.nlp_seconds for r in results)
    summary["missing"] = plan.missing[:discover.MISSING_KEPT]
    summary["unlisted"] = plan.unlisted
    summary["quarantined"] = corrupt
    summary["stale_message"] = stale.message() if stale.stale else None
    summary["report"] = str(report) if report else None
    summary["languages"] = languages_of(results)
    summary["unparsed"] = sum(r.unparsed for r in results)
    summary["files_skipped"] = sum(r.files_skipped for r in results)
    summary["copies"], summary["stories_with_copies"] = dedup.copies(wh)
    return summary


def report_due(age_seconds: float | None, changed: bool, every_hours: int) -> bool:
    """Whether a run writes the report: there is none yet (``age_seconds`` None), or the run
    changed the warehouse and the report is at least ``every_hours`` old (0: any age)."""
    if age_seconds is None:
        return True
    return changed and age_seconds >= every_hours * 3600


def _report(settings: Settings, wh: Path, changed: bool, log: Any) -> Path | None:
    """Write the HTML report (tasks/report/page.py) when report_due says so; a report that
    cannot be written is a warning, never a failed run."""
    from tasks.report.page import build_report, default_output

    path = default_output(wh)
    age = time.time() - path.stat().st_mtime if path.exists() else None
    if not settings.report or not report_due(age, changed, settings.report_every_hours):
        if settings.report and changed and age is not None:
            log.info("report kept (written %.1f h ago; rewritten after %d h, or by `news-etl "
                     "report`)", age / 3600, settings.report_every_hours)
        return path if settings.report and path.exists() else None
    try:
        r = build_report(wh, path, settings.nlp.model)
    except Exception as exc:  # noqa: BLE001
        log.warning("report not written (%s); `news-etl report` tries again", exc)
        return None
    log.info("report %s written in %.1fs (%d charts)", r.path, r.seconds, len(r.charts))
    return r.path


def _recover(wh: Path, log: Any) -> dict[str, str]:
    """What an interrupted run or compaction left: half-written staging dropped, superseded
    batch folders removed, runs still 'running' marked crashed, unreadable batches quarantined
    (returned, name -> reason, so their files are processed again)."""
    Warehouse(wh).upgrade()  # folders and seed tables; an earlier version's brought up to date
    dropped = staging.clear_staging(wh)
    commit.drop_replaced(wh)
    crashed = runs.mark_crashed_runs(wh)
    if dropped or crashed:
        log.warning("cleaned up after an interrupted run: %d staged batches dropped, "
                    "runs marked crashed: %s", dropped, ", ".join(crashed) or "none")
    corrupt = commit.quarantine_corrupt(wh)
    for name, why in corrupt.items():
        log.warning("unreadable %s (%s) moved to %s/; its files are processed again",
                    printable(name), printable(why), layout.QUARANTINE)
    if indexed := index.backfill(wh):
        log.info("search index written for %d batches stored before it existed", indexed)
        views.publish_views(wh)
    return corrupt


def _one_line(exc: BaseException) -> str:
    """An exception as the one line a person reads: its message, with the file it concerns."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return text


def _close_run(wh: Path, run: runs.RunRecord, results: list[BatchResult], t0: float,
               status: str, error: str | None) -> None:
    """The run's final record: its status and reason, and the counts of the committed batches."""
    run.update(finished_at=runs.now_utc(), status=status, error=error,
               wall_seconds=time.perf_counter() - t0)
    _tally(run, results)
    runs.write_run(wh, run)
    interrupt.untrack()


def _tally(run: runs.RunRecord, results: list[BatchResult]) -> None:
    """The run's counts: those of the batches committed so far."""
    run.update(files_failed=sum(r.files_failed for r in results),
               articles=sum(r.articles for r in results),
               entities=sum(r.entities for r in results),
               quotes=sum(r.quotes for r in results),
               words=sum(r.words for r in results))


def _plan(settings: Settings, opts: RunOptions, wh: Path, run: runs.RunRecord, log: Any
          ) -> discover.Plan:
    """Compare the raw folder with the ledger: what to process, what is missing, counted into
    the run's record and logged."""
    raw = settings.raw
    steps.publish(wh)  # a new or moved warehouse gets its news.duckdb before any batch
    plan = steps.plan_run(raw, wh, opts, settings.follow_links)
    run.update(files_seen=plan.seen, files_new=plan.new, files_changed=plan.changed,
               files_unchanged=plan.unchanged, files_missing=len(plan.missing),
               files_reprocessed=plan.reprocess)
    log.info("%d files seen: %d new, %d changed, %d to reprocess, %d unchanged, %d missing",
             plan.seen, plan.new, plan.changed, plan.reprocess, plan.unchanged, len(plan.missing))
    for folder in plan.unlisted:
        log.warning("folder %s cannot be listed; the files recorded under it are kept",
                    printable(folder))
    if plan.kept:
        log.warning("%d recorded files cannot be read just now; their rows are kept and the "
                    "next run looks again", plan.kept)
    if plan.missing and not opts.prune:
        log.warning("%d files recorded earlier are no longer in %s; their articles stay in "
                    "the warehouse (`news-etl run --prune` removes them)", len(plan.missing), raw)
    return plan


def _process(settings: Settings, wh: Path, run: runs.RunRecord, plan: discover.Plan,
             results: list[BatchResult], log: Any) -> tuple[int, list[str]]:
    """Split the work into batches, run them on the workers and commit each as it finishes
    (appending to results); returns how many batches there were and the errors of those lost."""
    batches = discover.batches_for(plan.work, settings.raw, settings.batch_articles,
                                   settings.processes, run.run_id, settings.follow_links)
    specs = [
        BatchSpec(f"{run.run_id}-{i:05d}", run.run_id, rawfs.display(settings.raw),
                  str(wh.resolve()), files, settings.nlp, settings.follow_links)
        for i, files in enumerate(batches)
    ]
    log.info("%s", plural(len(specs), "batch", "batches"))
    errors: list[str] = []
    if not specs:
        return 0, errors
    # a file read in parts counts as done with its last part; each part weighs its share of bytes
    sizes = {s.batch_id: BatchSize(sum(f.part is None or f.part == len(f.cuts) for f in s.files),
                                   int(sum(f.size * f.share for f in s.files))) for s in specs}
    local = settings.runner != "dask"
    workers = min(settings.processes, len(specs)) if local else 0
    with BatchExecutor(workers, settings.nlp.model, tuple(settings.nlp.disable)) as executor, \
            Progress(sizes, settings.progress, wh,
                     bytes_per_article=discover.TARGET_BYTES_PER_ARTICLE) as progress:
        futures = [steps.run_batch.submit(s, executor if local else None) for s in specs]
        published = time.monotonic()
        for done, fut in enumerate(as_completed(futures), 1):
            try:
                found = fut.result()
                for i, result in enumerate(found, 1):
                    # the last batch's views come with the corpus tables (_finish aggregates)
                    last = done == len(futures) and i == len(found)
                    due = time.monotonic() - published >= settings.publish_every_seconds
                    steps.publish_batch(wh, result, progress, views_too=due and not last)
                    if due and not last:
                        published = time.monotonic()
                    results.append(result)
                    # counted as committed, on disk too: a run stopped or killed from here on
                    # is recorded with what it stored (the signal handler copies this record)
                    _tally(run, results)
                    runs.write_run(wh, run)
            except Exception as exc:  # one batch lost: the run is incomplete
                errors.append(_one_line(exc))
                log_file = runs.keep_traceback(wh, run.run_id, exc)
                log.error("batch failed: %s (traceback in %s)", printable(errors[-1]), log_file,
                          exc_info=exc)
        if executor.restarts:
            log.warning("%d worker process(es) died; their batches were run again",
                        executor.restarts)
    if executor.killed_on_close:  # (every batch had ended: nothing is lost, but say why)
        log.warning("%d worker process(es) did not leave within %.0f s of the last batch and "
                    "were killed", executor.killed_on_close, CLOSE_GRACE_SECONDS)
    return len(specs), errors


def _finish(settings: Settings, opts: RunOptions, wh: Path, run: runs.RunRecord,
            plan: discover.Plan, n_batches: int, results: list[BatchResult]
            ) -> reprocess.Staleness:
    """After the batches: prune files gone from the raw folder (with --prune), recompute the
    corpus-level tables when anything changed, and report rows made by an older extractor."""
    if opts.prune and plan.missing:
        # numbered after this run's last batch, so the deletions come last in the ledger
        steps.prune_missing(wh, f"{run.run_id}-{n_batches:05d}", run.run_id, plan.missing)
        run.files_pruned = len(plan.missing)
    if results and settings.compact_batches:
        steps.merge_small_batches(wh, settings.compact_batches)
    if results or (opts.prune and plan.missing) or not Warehouse(wh).aggregates_current():
        steps.aggregate(wh)
    stale = reprocess.staleness(wh, installed_model_id(settings.nlp.model))
    if stale.stale:
        get_run_logger().warning(stale.message())
    return stale


@flow(name="news-etl", log_prints=True, validate_parameters=True)
def pipeline(settings: Settings, options: RunOptions | None = None) -> RunSummary:
    """Raw article files -> spaCy -> Parquet batches -> DuckDB views, incrementally.

    ``settings`` is the one settings object, built once by the caller (the CLI, a deployment's
    stored parameters) and handed down whole: nothing here reads the environment."""
    return execute(settings.resolved(), options)


def run_flow(settings: Settings, options: RunOptions | None = None) -> RunSummary:
    """Run the flow with the task runner the settings name: a thread per local worker process
    (default), or Prefect's Dask runner on a cluster at ``dask_address`` or a local one."""
    flow_fn = pipeline.with_options(task_runner=task_runner(settings))
    return flow_fn(settings, options or RunOptions())


def task_runner(settings: Settings) -> Any:
    """The Prefect task runner for these settings."""
    if settings.runner == "threads":
        return ThreadPoolTaskRunner(max_workers=max(1, settings.processes))
    if settings.runner != "dask":
        raise ValueError(f"unknown runner {settings.runner!r} (threads or dask)")
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    # one single-threaded worker process per core: each loads the model once and parses one
    # batch at a time, like the local pool; no dashboard, so no extra port or dependency
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": max(1, settings.processes), "threads_per_worker": 1, "processes": True,
        "dashboard_address": None})


__all__ = ["pipeline", "run_flow", "execute", "RunSummary"]
