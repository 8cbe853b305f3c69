"""Which stored rows a run should rebuild, and which are stale (older model or extractor)."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.core.sql import load_sql
from tasks.core.version import EXTRACTOR_VERSION
from tasks.store import views
from tasks.store.layout import AGGREGATES, ARTICLE_VERSIONS_FILE, PENDING_FILE


@dataclass
class Staleness:
    """Articles produced by another model or extractor version than the current ones."""

    current_model: str | None
    current_extractor: str
    stale: int
    by_version: list[tuple[str, str, int]]

    def message(self) -> str:
        versions = ", ".join(f"{n:,} by {m} / {e}" for m, e, n in self.by_version
                             if is_stale(m, e, self.current_model))
        return (f"{self.stale:,} articles in the warehouse are stale ({versions}); the current "
                f"model is {self.current_model} with extractor {self.current_extractor}. Refresh "
                "them with `news-etl run --reprocess` (or --reprocess-since DATE / "
                "--reprocess-match GLOB for a part).")


def is_stale(model: str | None, extractor: str, current_model: str | None) -> bool:
    """Rows made by another extractor, or by another pipeline of the current one's language.
    Rows of another language (its own pipeline, or none: model NULL) answer to the extractor
    version only."""
    if extractor != EXTRACTOR_VERSION:
        return True
    if model is None or current_model is None:
        return current_model is None and model is not None
    same_language = model.split("_", 1)[0] == current_model.split("_", 1)[0]
    return same_language and model != current_model


def staleness(wh: Path, current_model: str | None) -> Staleness:
    if not views.is_warehouse(wh):
        return Staleness(current_model, EXTRACTOR_VERSION, 0, [])
    rows = counted_versions(wh)
    if rows is None:
        con = views.connect(wh)
        try:
            rows = con.sql(load_sql("stale.sql")).fetchall()
        finally:
            con.close()
    stale = sum(n for m, e, n in rows if is_stale(m, e, current_model))
    return Staleness(current_model, EXTRACTOR_VERSION, stale, [(m, e, n) for m, e, n in rows])


def counted_versions(wh: Path) -> list[tuple[Any, ...]] | None:
    """The counts by model and extractor version the last corpus step wrote
    (layout.ARTICLE_VERSIONS_FILE), when it counted exactly the committed batches; else None."""
    import duckdb

    from tasks.store import aggregates
    from tasks.store.commit import committed_batches

    path = wh / AGGREGATES / ARTICLE_VERSIONS_FILE
    if not path.is_file():
        return None
    con = duckdb.connect(":memory:")
    try:
        marks = con.sql("select value from parquet_kv_metadata($p) where key = 'batches'",
                        params={"p": str(path)}).fetchall()
        if not marks or bytes(marks[0][0]).decode() != aggregates.digest(committed_batches(wh)):
            return None
        return con.sql("select model, extractor_version, articles from read_parquet($p) "
                       "order by articles desc", params={"p": str(path)}).fetchall()
    except duckdb.Error:
        return None  # a torn or foreign file: count again
    finally:
        con.close()


def selector(wh: Path, everything: bool = False, since: str | None = None,
             match: str | None = None) -> Callable[[str], bool] | None:
    """A predicate on raw-relative paths for the files to rebuild, or None for no reprocessing.
    ``since`` and ``match`` narrow the selection; given together, a file must satisfy both."""
    if not (everything or since or match):
        return None
    paths: set[str] | None = None
    if since:
        con = views.connect(wh)
        try:
            paths = {r[0] for r in con.sql(load_sql("reprocess_since.sql"),
                                           params={"since": since}).fetchall()}
        finally:
            con.close()

    def chosen(path: str) -> bool:
        if paths is not None and path not in paths:
            return False
        return not (match and not fnmatch.fnmatch(path, match))

    return chosen


# --- reprocessing a run did not finish ----------------------------------------------------------



def pending(wh: Path) -> list[dict[str, Any]]:
    """The reprocess selections runs started and did not finish (oldest first): each with the
    run that started it, its flags, and the raw folder it applied to."""
    try:
        data = json.loads((wh / PENDING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in data if isinstance(e, dict) and isinstance(e.get("run_id"), str)] \
        if isinstance(data, list) else []


def remember(wh: Path, run_id: str, everything: bool, since: str | None,
             match: str | None) -> None:
    """Record a reprocess selection before its run starts on it: if the run stops part-way, the
    next plain run finishes it (``resume_selector``) instead of leaving old rows without a word."""
    from tasks.core.atomic import write_text

    entries = pending(wh) + [{"run_id": run_id, "all": everything, "since": since,
                              "match": match}]
    write_text(wh / PENDING_FILE, json.dumps(entries, indent=1))


def finished(wh: Path) -> None:
    """Every pending selection is done (a run completed with all of them in its plan)."""
    try:
        (wh / PENDING_FILE).unlink()
    except FileNotFoundError:
        pass


def describe(entry: dict[str, Any]) -> str:
    """A pending selection as the flags that asked for it."""
    flags = (["--reprocess"] if entry.get("all") else []) + \
        ([f"--reprocess-since {entry['since']}"] if entry.get("since") else []) + \
        ([f"--reprocess-match '{entry['match']}'"] if entry.get("match") else [])
    return " ".join(flags) or "--reprocess"


def resume_selector(wh: Path, entries: list[dict[str, Any]],
                    latest_batch: Callable[[str], str | None],
                    own: Callable[[str], bool] | None = None) -> Callable[[str], bool] | None:
    """This run's own selection, or any file a pending selection chose that no run has
    rewritten since that selection's run started (its latest batch is older: batch ids begin
    with their run's id, which sorts by time)."""
    parts = [(selector(wh, bool(e.get("all")), e.get("since"), e.get("match")), e["run_id"])
             for e in entries]
    chosen_by = [(sel, run_id) for sel, run_id in parts if sel is not None]
    if not chosen_by:
        return own

    def chosen(path: str) -> bool:
        if own is not None and own(path):
            return True
        batch = latest_batch(path)
        return any(sel(path) and (batch is None or batch < run_id) for sel, run_id in chosen_by)

    return chosen
