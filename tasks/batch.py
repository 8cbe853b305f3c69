"""One batch, start to finish inside one worker: read files, run spaCy, extract, stage Parquet.

``process_batch`` is what a worker process (or a Dask worker) runs; it loads the model once per
process through ``load_nlp``'s cache and returns only counts, so no table data crosses processes.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tasks import rawfs
from tasks.discover import FileWork, hash_bytes
from tasks.extract import EXTRACTOR_VERSION, MAX_CHARS, load_nlp, model_id, process_articles
from tasks.readers import Article, ReadError, format_of, read_bytes, summarize_errors
from tasks.store import StagedBatch, now_utc


@dataclass
class BatchSpec:
    """Everything a worker needs to process one batch; picklable."""

    batch_id: str
    run_id: str
    raw: str
    warehouse: str
    files: list[FileWork]
    model: str
    disable: tuple[str, ...] = ()
    pipe_batch_size: int = 16


@dataclass
class BatchResult:
    """Counts of one staged batch."""

    batch_id: str
    files: int = 0
    files_failed: int = 0
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    words: int = 0
    read_seconds: float = 0.0
    nlp_seconds: float = 0.0
    write_seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)


def _file_row(fw: FileWork, spec: BatchSpec, processed_at: datetime, fmt: str | None,
              status: str, error: str | None, articles: int = 0, bad: int = 0,
              warnings: list[str] | None = None) -> dict[str, Any]:
    return {
        "path": fw.path, "batch_id": spec.batch_id, "run_id": spec.run_id,
        "content_hash": fw.content_hash, "size": fw.size, "mtime_ns": fw.mtime_ns,
        "format": fmt or format_of(fw.path), "status": status, "error": error,
        "warning": "; ".join(warnings) if warnings else None, "articles": articles,
        "records_failed": bad, "processed_at": processed_at,
    }


def read_files(spec: BatchSpec, processed_at: datetime
               ) -> tuple[list[Article], list[dict[str, Any]]]:
    """Read every file of the batch: articles to process and one files row per file."""
    raw = rawfs.parse_location(spec.raw)
    articles: list[Article] = []
    file_rows: list[dict[str, Any]] = []
    for fw in spec.files:
        if fw.skip_reason:
            file_rows.append(_file_row(fw, spec, processed_at, None, "skipped", fw.skip_reason))
            continue
        if fw.error:
            file_rows.append(_file_row(fw, spec, processed_at, None, "failed", fw.error))
            continue
        try:
            data = rawfs.read_bytes(raw, fw.path)
        except OSError as exc:
            reason = f"cannot read file: {exc.strerror or exc}"
            file_rows.append(_file_row(fw, spec, processed_at, None, "failed", reason))
            continue
        fw.content_hash = hash_bytes(data)
        fw.size = len(data)
        try:
            result = read_bytes(data, fw.path)
        except ReadError as exc:
            file_rows.append(_file_row(fw, spec, processed_at, None, "failed", str(exc)))
            continue
        except Exception as exc:  # a reader bug must cost one file, never the batch
            reason = f"unexpected reader error: {type(exc).__name__}: {exc}"
            file_rows.append(_file_row(fw, spec, processed_at, None, "failed", reason))
            continue
        kept: list[Article] = []
        errors = list(result.errors)
        for art in result.articles:
            if len(art.text) > MAX_CHARS:
                errors.append(f"record {art.record_index}: article text too long "
                              f"({len(art.text):,} characters, limit {MAX_CHARS:,})")
            else:
                kept.append(art)
        if not kept:
            reason = summarize_errors(errors) or "no articles in file"
            file_rows.append(_file_row(fw, spec, processed_at, result.format, "failed", reason,
                                       0, len(errors), result.warnings))
            continue
        status = "partial" if errors else "ok"
        file_rows.append(_file_row(fw, spec, processed_at, result.format, status,
                                   summarize_errors(errors), len(kept), len(errors),
                                   result.warnings))
        articles.extend(kept)
    return articles, file_rows


def _article_row(art: Article, spec: BatchSpec, model: str, processed_at: datetime
                 ) -> dict[str, Any]:
    return {
        "article_id": art.article_id, "batch_id": spec.batch_id, "source_path": art.source_path,
        "record_index": art.record_index, "title": art.title, "text": art.text,
        "published_at": art.published_at, "source": art.source, "url": art.url,
        "authors": art.authors, "language": art.language, "word_count": art.word_count,
        "content_hash": art.content_hash,
        "extra": json.dumps(art.extra, ensure_ascii=False, default=str) if art.extra else None,
        "model": model, "extractor_version": EXTRACTOR_VERSION, "processed_at": processed_at,
    }


CHUNK_ARTICLES = 256  # articles whose rows are turned into Arrow together


def process_batch(spec: BatchSpec) -> BatchResult:
    """Read, parse, extract and stage one batch. Raises only when the batch cannot be written.

    Rows go to the staging folder every CHUNK_ARTICLES articles, so a worker's memory depends on
    the chunk, not on how many articles the batch (or one big JSON Lines file) holds."""
    res = BatchResult(spec.batch_id)
    processed_at = now_utc()
    t0 = time.perf_counter()
    articles, file_rows = read_files(spec, processed_at)
    t1 = time.perf_counter()
    staged = StagedBatch(Path(spec.warehouse), spec.batch_id)
    write_seconds = 0.0
    if articles:
        nlp = load_nlp(spec.model, tuple(spec.disable))
        model = model_id(nlp)
        chunk: dict[str, list[dict[str, Any]]] = {"articles": [], "entities": [], "quotes": []}
        for art, ex in process_articles(nlp, articles, spec.pipe_batch_size):
            art_row = _article_row(art, spec, model, processed_at)
            chunk["articles"].append(art_row)
            for row in ex.entities:
                row["batch_id"] = spec.batch_id
            for row in ex.quotes:
                row["batch_id"] = spec.batch_id
            chunk["entities"].extend(ex.entities)
            chunk["quotes"].extend(ex.quotes)
            res.words += art_row["word_count"]
            if len(chunk["articles"]) >= CHUNK_ARTICLES:
                write_seconds += _stage_chunk(staged, chunk, res)
        write_seconds += _stage_chunk(staged, chunk, res)
        articles.clear()
    t2 = time.perf_counter()
    staged.add("files", file_rows)
    staged.close()
    t3 = time.perf_counter()
    res.files = len(file_rows)
    res.failures = [(r["path"], r["error"]) for r in file_rows if r["status"] == "failed"]
    res.files_failed = len(res.failures)
    res.read_seconds = t1 - t0
    res.nlp_seconds = t2 - t1 - write_seconds
    res.write_seconds = t3 - t2 + write_seconds
    return res


def _stage_chunk(staged: StagedBatch, chunk: dict[str, list[dict[str, Any]]],
                 res: BatchResult) -> float:
    """Hand a chunk's rows to the staged batch, count them, and empty the chunk."""
    t = time.perf_counter()
    res.articles += len(chunk["articles"])
    res.entities += len(chunk["entities"])
    res.quotes += len(chunk["quotes"])
    for name, rows in chunk.items():
        staged.add(name, rows)
        rows.clear()
    return time.perf_counter() - t
