"""The pipeline flow: publish views -> plan -> batches (read, NLP, extract, stage, commit)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from tasks.core import rawfs
from tasks.core.errors import NoRawFolder, RunFailed
from tasks.core.printable import plural, printable
from tasks.core.rawfs import RawLocation
from tasks.core.settings import RunOptions, Settings
from tasks.core.version import installed_model_id
from tasks.corpus import dedup, search
from tasks.run import compact, discover, interrupt
from tasks.run.batch import BatchResult, BatchSpec
from tasks.run.progress import BatchSize, Progress
from tasks.run.runner import BatchExecutor
from tasks.store import commit, layout, ledger, lock, reprocess, runs, staging, warehouse

TARGET_BYTES_PER_ARTICLE = 3_000  # a batch of batch_articles articles is about this much text each


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


def publish_batch(wh: Path, result: BatchResult, progress: Progress) -> None:
    """Publish a staged batch with one rename, then point news.duckdb's views at it. Once the
    rename is done the batch is committed: a failure to rewrite news.duckdb (disk full) is a
    warning, since `query` builds its views itself and the next publish catches up."""
    commit.commit_batch(wh, result.batch_id)
    republish(wh)
    progress.add(result)


def republish(wh: Path) -> None:
    """Point news.duckdb's views at the batches committed now. Once a batch is renamed into
    place it is committed: failing to rewrite news.duckdb (a full disk) is a warning, since
    `news-etl query` builds its views itself and the next publish catches up."""
    try:
        warehouse.publish_views(wh)
    except Exception as exc:  # noqa: BLE001
        get_run_logger().warning("news.duckdb was not refreshed (%s); `news-etl query` sees every "
                                 "committed batch, other clients see the earlier ones until the "
                                 "next run", exc)


@task(name="aggregate", cache_policy=NO_CACHE)
def aggregate(wh: Path) -> None:
    """Materialise the co-occurrence table for the batches committed now, then republish. A
    failure here costs speed only: the view computes the pairs live until the next run."""
    try:
        secs = warehouse.materialize(wh)
        get_run_logger().info("co-occurrence table materialised in %.1fs", secs)
    except Exception as exc:  # noqa: BLE001
        get_run_logger().warning("co-occurrence table not materialised (%s); the view stays live",
                                 exc)
    republish(wh)


@task(name="publish", cache_policy=NO_CACHE)
def publish(wh: Path) -> bool:
    """Create or refresh news.duckdb's views when their SQL or the warehouse location changed."""
    return warehouse.publish_views(wh)


def _languages(results: list[BatchResult]) -> dict[str, int]:
    """Articles per language over the run's batches, the most frequent first."""
    total: Counter = Counter()
    for r in results:
        total.update(r.languages)
    return dict(total.most_common())


def _summary_markdown(run: runs.RunRecord, results: list[BatchResult],
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
    languages = _languages(results)
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


def execute(settings: Settings, options: RunOptions | None = None) -> dict[str, Any]:
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
                             raw=rawfs.display(raw), model=settings.model)
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
            _close_run(wh, run, results, t0, "failed", _one_line(exc))
            raise RunFailed(f"{run.error} (traceback in {log_file})") from exc
        run.stale_articles = stale.stale
        _close_run(wh, run, results, t0, "failed" if errors else "completed",
                   "; ".join(errors[:5]) or None)
        if resuming and not errors:
            reprocess.finished(wh)  # every pending selection was in this run's plan, and done
    report = _report(settings, wh, bool(n_batches or run.files_pruned), log)
    create_markdown_artifact(key="news-etl-run", markdown=_summary_markdown(run, results, report, wh),
                             description=f"news-etl run {run.run_id}")
    log.info("run %s %s: %d articles, %d entities, %d quotes, %d failed files in %.1fs",
             run.run_id, run.status, run.articles, run.entities, run.quotes, run.files_failed,
             run.wall_seconds)
    summary = run.row()
    summary["failures"] = [f for r in results for f in r.failures]
    summary["partials"] = [f for r in results for f in r.partials]
    summary["nlp_seconds"] = sum(r.nlp_seconds for r in results)
    summary["missing"] = plan.missing
    summary["unlisted"] = plan.unlisted
    summary["quarantined"] = corrupt
    summary["stale_message"] = stale.message() if stale.stale else None
    summary["report"] = str(report) if report else None
    summary["languages"] = _languages(results)
    summary["unparsed"] = sum(r.unparsed for r in results)
    summary["files_skipped"] = sum(r.files_skipped for r in results)
    summary["copies"], summary["stories_with_copies"] = dedup.copies(wh)
    return summary


def _report(settings: Settings, wh: Path, changed: bool, log: Any) -> Path | None:
    """Write the HTML report (tasks/report/page.py) when the run changed the warehouse or there is
    none yet; a report that cannot be written is a warning, never a failed run."""
    from tasks.report.page import build_report, default_output

    path = default_output(wh)
    if not settings.report or not (changed or not path.exists()):
        return path if settings.report and path.exists() else None
    try:
        r = build_report(wh, path, settings.model)
    except Exception as exc:  # noqa: BLE001
        log.warning("report not written (%s); `news-etl report` tries again", exc)
        return None
    log.info("report %s written in %.1fs (%d charts)", r.path, r.seconds, len(r.charts))
    return r.path


def _recover(wh: Path, log: Any) -> dict[str, str]:
    """What an interrupted run or compaction left: half-written staging dropped, superseded
    batch folders removed, runs still 'running' marked crashed, unreadable batches quarantined
    (returned, name -> reason, so their files are processed again)."""
    staging.init_warehouse(wh)
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
    if indexed := search.backfill(wh):
        log.info("search index written for %d batches stored before it existed", indexed)
        warehouse.publish_views(wh)
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
    publish(wh)  # a new or moved warehouse gets its news.duckdb before any batch
    plan = plan_run(raw, wh, opts, settings.follow_links)
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
    target = discover.batch_target(plan.work, settings.batch_articles * TARGET_BYTES_PER_ARTICLE,
                                   settings.processes)
    work = discover.split_files(plan.work, settings.raw, max(1, target // TARGET_BYTES_PER_ARTICLE),
                                run.run_id, settings.follow_links)
    batches = discover.split_batches(work, target)
    specs = [
        BatchSpec(f"{run.run_id}-{i:05d}", run.run_id, rawfs.display(settings.raw),
                  str(wh.resolve()), files, settings.model, tuple(settings.disable),
                  settings.pipe_batch_size, settings.follow_links,
                  tuple((k, v) for k, v in settings.pipelines().items() if k != "en"),
                  settings.gender_from_names)
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
    with BatchExecutor(workers, settings.model, tuple(settings.disable)) as executor, \
            Progress(sizes, settings.progress, wh,
                     bytes_per_article=TARGET_BYTES_PER_ARTICLE) as progress:
        futures = [run_batch.submit(s, executor if local else None) for s in specs]
        for fut in as_completed(futures):
            try:
                for result in fut.result():
                    publish_batch(wh, result, progress)
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
    return len(specs), errors


def _finish(settings: Settings, opts: RunOptions, wh: Path, run: runs.RunRecord,
            plan: discover.Plan, n_batches: int, results: list[BatchResult]
            ) -> reprocess.Staleness:
    """After the batches: prune files gone from the raw folder (with --prune), recompute the
    corpus-level tables when anything changed, and report rows made by an older extractor."""
    if opts.prune and plan.missing:
        # numbered after this run's last batch, so the deletions come last in the ledger
        prune_missing(wh, f"{run.run_id}-{n_batches:05d}", run.run_id, plan.missing)
        run.files_pruned = len(plan.missing)
    if results and settings.compact_batches:
        merge_small_batches(wh, settings.compact_batches)
    if results or (opts.prune and plan.missing) or not warehouse.materialized_current(
            wh, warehouse.committed_batches(wh)):
        aggregate(wh)
    stale = reprocess.staleness(wh, installed_model_id(settings.model))
    if stale.stale:
        get_run_logger().warning(stale.message())
    return stale


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
    """Commit 'deleted' records for files gone from the raw folder: as each file's latest
    record, they take its articles, entities and quotes out of every view."""
    now = runs.now_utc()
    rows = [{"path": p, "batch_id": batch_id, "run_id": run_id, "content_hash": None, "size": 0,
             "mtime_ns": 0, "format": None, "status": "deleted",
             "error": "removed from the raw folder; pruned", "warning": None, "articles": 0,
             "records_failed": 0,
             "processed_at": now} for p in paths]
    staging.stage_batch(wh, batch_id, {"files": rows})
    commit.commit_batch(wh, batch_id)
    republish(wh)


@flow(name="news-etl", log_prints=True)
def pipeline(raw: str | None = None, warehouse: str | None = None,
             model: str | None = None, processes: int | None = None,
             batch_articles: int | None = None, disable: list[str] | None = None,
             pipe_batch_size: int | None = None, progress: bool | None = None,
             runner: str | None = None, dask_address: str | None = None,
             follow_links: bool | None = None, report: bool | None = None,
             models: str | None = None, compact_batches: int | None = None,
             gender_from_names: bool | None = None,
             retry_failed: bool = False, reprocess_all: bool = False,
             reprocess_since: str | None = None, reprocess_match: str | None = None,
             prune: bool = False) -> dict[str, Any]:
    """Raw article files -> spaCy -> Parquet batches -> DuckDB views, incrementally.

    One parameter per ``Settings`` field (a test keeps them in step): what a caller gives is
    used as given, what it leaves out comes from NEWS_ETL_* and then the defaults, once."""
    settings = Settings.from_env(raw=raw, warehouse=warehouse, model=model, processes=processes,
                                 batch_articles=batch_articles,
                                 disable=tuple(disable) if disable is not None else None,
                                 pipe_batch_size=pipe_batch_size, progress=progress,
                                 runner=runner, dask_address=dask_address,
                                 follow_links=follow_links, report=report, models=models,
                                 compact_batches=compact_batches,
                                 gender_from_names=gender_from_names)
    options = RunOptions(retry_failed=retry_failed, reprocess_all=reprocess_all,
                         reprocess_since=reprocess_since, reprocess_match=reprocess_match,
                         prune=prune)
    return execute(settings, options)


def flow_parameters(settings: Settings) -> dict[str, Any]:
    """Every setting as a flow parameter (JSON-friendly: paths as strings, tuples as lists), so
    the flow rebuilds exactly these settings and nothing falls back to the environment."""
    out: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        out[f.name] = (str(value) if isinstance(value, Path) else
                       list(value) if isinstance(value, tuple) else value)
    return out


def run_flow(settings: Settings, options: RunOptions | None = None) -> dict[str, Any]:
    """Run the flow with the task runner the settings name: a thread per local worker process
    (default), or Prefect's Dask runner on a cluster at ``dask_address`` or a local one."""
    opts = options or RunOptions()
    flow_fn = pipeline.with_options(task_runner=task_runner(settings))
    return flow_fn(**flow_parameters(settings), **asdict(opts))


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


__all__ = ["pipeline", "run_flow", "execute"]
