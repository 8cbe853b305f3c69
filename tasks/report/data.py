"""The report's figures: the named report queries (sql/report/) run on the warehouse's views,
the quoted people's shares with their Wilson intervals, and rows made JSON-ready."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tasks.core.sql import load_sql

TOP_ENTITIES = 15  # bars in the people and organisations charts
TIMELINE_LINES = 6  # lines in a timeline before it stops being readable
TOP_SPEAKERS = 12
LINES_PER_SPEAKER = 2
HEATMAP_SPEAKERS = 15
HEATMAP_SOURCES = 10
NETWORK_PEOPLE = 25
TOP_SOURCES = 8  # sources drawn by name in the articles-over-time chart
MAX_DAILY_DAYS = 120  # beyond this span, articles are counted per week
TOP_SECTIONS = 12  # sections of an undated corpus drawn by name
TOP_QUOTATIONS = 10  # quotations listed as most repeated, and as conflicting


def _rows(con: Any, name: str, **params: Any) -> list[dict[str, Any]]:
    rel = con.sql(load_sql(f"report/{name}.sql"), params=params or None)
    cols = rel.columns
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a share k/n (None when n is 0): it stays inside 0..1 and
    is honest for the small counts of one outlet or one month."""
    if n <= 0:
        return None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def who_is_quoted(r: dict[str, Any]) -> str:
    """One sentence: the women's share of the quoted people of known gender, with its interval,
    the unknown, and the share from the articles' own words alone."""
    people, known, known_text = r["people"], r["women"] + r["men"], r["women_text"] + r["men_text"]
    if not people:
        return "No person is quoted yet."
    parts = []
    if known:
        low, high = wilson(r["women"], known) or (0.0, 0.0)
        parts.append(f"Women are {r['women'] / known:.1%} of the {known:,} quoted people of known "
                     f"gender (95% interval {low:.1%} to {high:.1%}); the gender of "
                     f"{people - known:,} of {people:,} ({(people - known) / people:.0%}) is unknown.")
    else:
        parts.append(f"The gender of none of the {people:,} quoted people is known.")
    if known_text and known_text != known:
        low, high = wilson(r["women_text"], known_text) or (0.0, 0.0)
        parts.append(f"From the articles' own words alone (no first names): "
                     f"{r['women_text'] / known_text:.1%} of {known_text:,} "
                     f"({low:.1%} to {high:.1%}), with {(people - known_text) / people:.0%} unknown.")
    return " ".join(parts)


def _scalar(con: Any, sql: str) -> Any:
    return con.sql(sql).fetchall()[0][0]


def gather(con: Any) -> dict[str, Any]:
    """Every figure the page shows. Time is drawn only when the articles' publication dates span
    two weeks or more; otherwise (an undated corpus, or one day's) the charts compare its sections
    (the raw folder's sub-folders) instead, and who is quoted where compares sections when the
    corpus has one outlet: a chart of one bar, one dot or one column says nothing."""
    weeks = _scalar(con, "select count(distinct date_trunc('week', seen_at)) from article_dates "
                         "where date_source = 'published'")
    sections = _scalar(con, "select count(distinct section_of(source_path)) from articles")
    outlets = _scalar(con, "select count(distinct source) from speaker_source")
    dated, by_section = weeks >= 2, sections >= 2
    data = {
        "dated": dated,
        "who_is_quoted": _rows(con, "who_is_quoted")[0],
        "overview": _rows(con, "overview")[0],
        "over_time": _rows(con, "articles_over_time", max_days=MAX_DAILY_DAYS,
                           sources=TOP_SOURCES) if dated else [],
        "sections": _rows(con, "sections", limit=TOP_SECTIONS) if by_section and not dated
        else [],
        "languages": _rows(con, "languages"),
        "files": _rows(con, "files_by_status"),
        "people": _rows(con, "entity_bars", kind="person", limit=TOP_ENTITIES),
        "orgs": _rows(con, "entity_bars", kind="organisation", limit=TOP_ENTITIES),
        "people_weeks": _rows(con, "entity_timelines", kind="person", limit=TIMELINE_LINES)
        if dated else [],
        "org_weeks": _rows(con, "entity_timelines", kind="organisation", limit=TIMELINE_LINES)
        if dated else [],
        "people_sections": _rows(con, "entity_sections", kind="person", limit=TOP_ENTITIES)
        if by_section and not dated else [],
        "org_sections": _rows(con, "entity_sections", kind="organisation", limit=TOP_ENTITIES)
        if by_section and not dated else [],
        "speakers": _rows(con, "speaker_table", limit=TOP_SPEAKERS),
        "lines": _rows(con, "speaker_lines", limit=TOP_SPEAKERS, per_speaker=LINES_PER_SPEAKER),
        "speaker_source": _rows(con, "speaker_by_source", speakers=HEATMAP_SPEAKERS,
                                sources=HEATMAP_SOURCES) if outlets >= 2 else [],
        "speaker_section": _rows(con, "speaker_by_section", speakers=HEATMAP_SPEAKERS,
                                 sections=HEATMAP_SOURCES) if outlets < 2 and by_section else [],
        "network": _rows(con, "person_network", limit=NETWORK_PEOPLE, min_articles=1),
        "quotations": _rows(con, "repeated_quotations", limit=TOP_QUOTATIONS, conflicts=False),
        "conflicts": _rows(con, "repeated_quotations", limit=TOP_QUOTATIONS, conflicts=True),
        "health": _rows(con, "health")[0],
        "runs": _rows(con, "last_runs", limit=10),
        "failed": _rows(con, "failure_table", limit=20),
    }
    return data


def stale_rows(wh: Path, model: str) -> int | None:
    """Articles produced by another model or extractor than the installed ones (None: unknown)."""
    from tasks.core.version import installed_model_id
    from tasks.store.reprocess import staleness

    try:
        return staleness(wh, installed_model_id(model)).stale
    except Exception:  # noqa: BLE001  (the report still says what it can)
        return None


def jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as Vega data: dates as ISO strings, everything else as JSON has it."""
    def value(v: Any) -> Any:
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v
    return [{k: value(v) for k, v in r.items()} for r in rows]
