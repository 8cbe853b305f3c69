"""Which stored rows a run should rebuild, and which are stale (older model or extractor)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tasks import warehouse
from tasks.sql import load_sql
from tasks.version import EXTRACTOR_VERSION


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
    if not warehouse.is_warehouse(wh):
        return Staleness(current_model, EXTRACTOR_VERSION, 0, [])
    con = warehouse.connect(wh)
    try:
        rows = con.sql(load_sql("stale.sql")).fetchall()
    finally:
        con.close()
    stale = sum(n for m, e, n in rows if is_stale(m, e, current_model))
    return Staleness(current_model, EXTRACTOR_VERSION, stale, [(m, e, n) for m, e, n in rows])


def selector(wh: Path, everything: bool = False, since: str | None = None,
             match: str | None = None) -> Callable[[str], bool] | None:
    """A predicate on raw-relative paths for the files to rebuild, or None for no reprocessing.
    ``since`` and ``match`` narrow the selection; given together, a file must satisfy both."""
    if not (everything or since or match):
        return None
    paths: set[str] | None = None
    if since:
        con = warehouse.connect(wh)
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
