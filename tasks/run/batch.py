"""One batch, start to finish inside one worker: read files, run spaCy, extract, stage Parquet.

``process_batch`` is what a worker process (or a Dask worker) runs; it loads the model once per
process through ``load_nlp``'s cache and returns only counts, so no table data crosses processes.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from tasks.core import rawfs
from tasks.core.settings import NlpSettings
from tasks.core.status import KEPT_FILES, FileStatus
from tasks.corpus import index
from tasks.ingest import language
from tasks.ingest.decode import MAX_DOCUMENT_BYTES, CountingReader
from tasks.ingest.formats import read_jsonl
from tasks.ingest.readers import format_of, join_errors, read_stream, read_warc, reader_for, summarize_errors
from tasks.ingest.records import Article, ReadError, ReadResult, clean_str
from tasks.nlp.extract import (
    EXTRACTOR_VERSION,
    MAX_CHARS,
    Extracted,
    load_nlp,
    process_articles,
)
from tasks.run.discover import FOLDER_FORMAT, FileWork
from tasks.store import schemas
from tasks.store.runs import now_utc
from tasks.store.staging import StagedBatch


@dataclass
class BatchSpec:
    """Everything a worker needs to process one batch; picklable."""

    batch_id: str
    run_id: str
    raw: str
    warehouse: str
    files: list[FileWork]
    nlp: NlpSettings = field(default_factory=NlpSettings)  # the run's, handed down whole
    follow_links: bool = False


@dataclass
class BatchResult:
    """Counts of one staged batch."""

    batch_id: str
    files: int = 0
    files_failed: int = 0
    files_skipped: int = 0  # unsupported types, links out of the raw folder
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    words: int = 0
    read_seconds: float = 0.0
    nlp_seconds: float = 0.0
    write_seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    partials: list[tuple[str, int, str]] = field(default_factory=list)  # path, bad records, why
    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    unparsed: int = 0  # articles in a language with no pipeline: stored without entities, quotes


@dataclass
class FileState:
    """What reading (and storing) one file came to, gathered while its articles stream past."""

    fw: FileWork
    format: str | None = None
    status: str | None = None  # decided before reading (skipped, failed) or by a stop
    error: str | None = None  # why reading stopped, or why the file failed outright
    errors: list[str] = field(default_factory=list)  # bad records
    warnings: list[str] = field(default_factory=list)
    kept: int = 0
    produced: int = 0  # articles the reader produced (some may be dropped after)
    retryable: bool = False
    kinds: dict[str, int] = field(default_factory=dict)  # records that are no article, by kind

    def row(self, spec: BatchSpec, processed_at: datetime) -> dict[str, Any]:
        fw = self.fw
        errors = list(self.errors)
        if self.status is None and self.error is not None:
            errors.append(f"reading stopped: {self.error}")
        if self.status is not None:
            status, error = self.status, self.error
        elif self.kept == 0 and fw.part is not None and not errors:
            status, error = FileStatus.OK, None  # a part with no records: its file's row says the rest
        elif self.kept == 0:
            status = FileStatus.FAILED
            if self.error and not self.errors:
                error = self.error
            elif self.produced == 0 and errors:  # the reader found nothing usable: its reasons
                error = join_errors(errors)
            else:
                error = summarize_errors(errors) or "no articles in file"
        else:
            status, error = (FileStatus.PARTIAL if errors else FileStatus.OK), summarize_errors(errors)
        warnings = ([fw.warning] if fw.warning else []) + self.warnings
        return {
            "path": fw.path, "batch_id": spec.batch_id, "run_id": spec.run_id,
            "content_hash": fw.content_hash, "size": fw.size, "mtime_ns": fw.mtime_ns,
            "format": FOLDER_FORMAT if fw.folder else (self.format or format_of(fw.path)),
            "status": status, "error": error,
            "warning": "; ".join(warnings) if warnings else None,
            "articles": self.kept if status in KEPT_FILES else 0,
            "records_failed": len(errors), "processed_at": processed_at,
            "retryable": self.retryable and status in (FileStatus.FAILED, FileStatus.PARTIAL),
            "record_kinds": sorted(self.kinds.items()) or None,
            "split_id": fw.split_id, "part": fw.part,
            "split_cuts": list(fw.cuts) if fw.split_id is not None else None,
        }


def _whole_file(path: str) -> bool:
    """Formats read whole into memory (not gzipped, not JSON Lines)."""
    reader, gz = reader_for(path)
    return reader is not None and not gz and reader not in (read_jsonl, read_warc)


class AsPlanned(io.RawIOBase):
    """A raw file read up to the size it had when the run planned it."""

    def __init__(self, raw: Any, size: int):
        self.raw, self.left = raw, size
        self.planned_size = size  # what a reader may take as the file's size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            return 0
        data = self.raw.read(min(len(buffer), self.left))
        n = len(data)
        buffer[:n] = data
        self.left -= n
        return n

    def read(self, size: int = -1) -> bytes:
        want = self.left if size is None or size < 0 else min(size, self.left)
        if want <= 0:
            return b""
        data = self.raw.read(want)
        self.left -= len(data)
        return data


def iter_articles(spec: BatchSpec, states: dict[str, FileState],
                  res: BatchResult | None = None) -> Iterator[Article]:
    """The batch's articles, read file by file as they are consumed (a file's bytes are never all
    in memory unless its format needs it, within MAX_DOCUMENT_BYTES). Each file gets a FileState
    in ``states`` (by path); nothing a file holds can stop the others. RawUnavailable (the raw
    folder is gone) is the one error that ends the batch: it says nothing about the files.
    Time spent reading is added to ``res.read_seconds``."""
    raw = rawfs.parse_location(spec.raw)
    clock = time.perf_counter()
    for fw in spec.files:
        st = states[fw.path] = FileState(fw)
        if fw.status:
            st.status, st.error = fw.status, fw.error
            continue
        if fw.skip_reason:
            st.status, st.error = FileStatus.SKIPPED, fw.skip_reason
            continue
        if fw.error:
            st.status, st.error, st.retryable = FileStatus.FAILED, fw.error, fw.retryable
            continue
        if _whole_file(fw.path) and fw.size > MAX_DOCUMENT_BYTES:
            st.status = FileStatus.FAILED
            st.error = (f"file too large to read whole: {fw.size:,} bytes, over "
                        f"{MAX_DOCUMENT_BYTES:,} (only JSON Lines files are read record by record)")
            continue
        result = ReadResult(format_of(fw.path) or "")
        hasher = hashlib.blake2b(digest_size=16)
        try:
            with rawfs.open_raw(raw, fw.fs_path or fw.path, spec.follow_links) as f:
                # the file as planned: bytes appended since (a crawl still being written) are
                # the next run's, so every part of a split file reads, and hashes, the same bytes
                counting = CountingReader(AsPlanned(f, fw.size) if fw.size else f, hasher)
                try:
                    for art in read_stream(counting, fw.path, result, fw.span()):
                        st.produced += 1
                        if len(art.text) > MAX_CHARS:
                            result.errors.append(
                                f"record {art.record_index}: article text too long "
                                f"({len(art.text):,} characters, limit {MAX_CHARS:,})")
                            continue
                        st.kept += 1
                        if res is not None:
                            res.read_seconds += time.perf_counter() - clock
                        yield art
                        clock = time.perf_counter()
                except ReadError as exc:
                    st.error = str(exc)
                counting.drain()
            fw.content_hash = hasher.hexdigest()
            fw.size = counting.count
        except rawfs.RawUnavailable:
            raise
        except rawfs.LinkOutside as exc:
            st.status, st.error = FileStatus.SKIPPED, exc.strerror
        except rawfs.NotRegular as exc:
            st.status, st.error = FileStatus.FAILED, exc.strerror
        except OSError as exc:
            st.error = f"cannot read file: {exc.strerror or exc}"
            st.retryable = rawfs.is_transient(exc)
        except Exception as exc:  # a reader bug must cost one file, never the batch
            st.error = f"unexpected reader error: {type(exc).__name__}: {exc}"
        st.format = result.format or None
        st.errors.extend(result.errors)
        st.warnings.extend(result.warnings)
        st.kinds = {k: n for k, n in result.kinds.items() if k != "html"}
    if res is not None:
        res.read_seconds += time.perf_counter() - clock


def _article_row(art: Article, spec: BatchSpec, model: str | None, processed_at: datetime
                 ) -> dict[str, Any]:
    return {
        "article_id": art.article_id, "batch_id": spec.batch_id, "source_path": art.source_path,
        "record_index": art.record_index, "title": art.title, "text": art.text,
        "published_at": art.published_at, "source": art.source, "url": art.url,
        "authors": art.authors, "language": art.language, "word_count": art.word_count,
        "content_hash": art.content_hash,
        "extra": clean_str(json.dumps(art.extra, ensure_ascii=False, default=str))
        if art.extra else None,
        "model": model, "extractor_version": EXTRACTOR_VERSION, "processed_at": processed_at,
        "fetched_at": art.fetched_at,
    }


CHUNK_ARTICLES = 256  # articles whose rows are turned into Arrow together


def process_batch(spec: BatchSpec) -> BatchResult:
    """Read, parse, extract and stage one batch. Raises only when the batch cannot be written
    (or the raw folder is gone).

    Articles stream from the files through spaCy; rows go to the staging folder every
    CHUNK_ARTICLES articles, so a worker's memory depends on the chunk, not on how many articles
    the batch (or one big JSON Lines file) holds. A record whose rows cannot be stored or whose
    extraction fails is a bad record of its file, named in that file's row."""
    res = BatchResult(spec.batch_id)
    processed_at = now_utc()
    t0 = time.perf_counter()
    states: dict[str, FileState] = {}
    staged = StagedBatch(Path(spec.warehouse), spec.batch_id)
    write_seconds = 0.0
    articles = iter_articles(spec, states, res)
    first = next(articles, None)
    if first is not None:
        nlp = load_nlp(spec.nlp.model, spec.nlp.disable)
        route = language_router(spec, nlp, res)
        chunk: list[tuple[Article, dict[str, Any], Extracted]] = []
        for art, ex in process_articles(nlp, itertools.chain([first], articles),
                                        spec.nlp.pipe_batch_size, route=route,
                                        gender_from_names=spec.nlp.gender_from_names):
            if isinstance(ex, Exception):
                _bad_record(states[art.source_path], art,
                            f"extraction failed: {type(ex).__name__}: {ex}")
                continue
            art_row = _article_row(art, spec, ex.model, processed_at)
            for row in ex.entities:
                row["batch_id"] = spec.batch_id
            for row in ex.quotes:
                row["batch_id"] = spec.batch_id
            chunk.append((art, art_row, ex))
            if len(chunk) >= CHUNK_ARTICLES:
                write_seconds += _stage_chunk(staged, chunk, res, states)
        write_seconds += _stage_chunk(staged, chunk, res, states)
    t2 = time.perf_counter()
    file_rows = [s.row(spec, processed_at) for s in states.values()]
    staged.add("files", file_rows)
    staged.close()
    t3 = time.perf_counter()
    res.files = len(file_rows)
    res.failures = [(s.fw.label(), r["error"]) for s, r in zip(states.values(), file_rows, strict=True)
                    if r["status"] == FileStatus.FAILED]
    res.files_failed = len(res.failures)
    res.partials = [(s.fw.label(), r["records_failed"], r["error"] or "")
                    for s, r in zip(states.values(), file_rows, strict=True)
                    if r["status"] == FileStatus.PARTIAL]
    res.files_skipped = sum(r["status"] == FileStatus.SKIPPED for r in file_rows)
    res.nlp_seconds = t2 - t0 - write_seconds - res.read_seconds  # reading interleaves with it
    res.write_seconds = t3 - t2 + write_seconds
    return res


def language_router(spec: BatchSpec, english: Any, res: BatchResult
                    ) -> Callable[[Article], Any]:
    """Each article's language (the source's, else detected) and the pipeline that reads it: the
    default pipeline for English and for text too short to tell, a configured one for another
    language, none for a language without one (counted in ``res``)."""
    models = {k: v for k, v in spec.nlp.pipelines().items() if k != "en"}

    def route(art: Article) -> Any:
        art.language = language.normalize(art.language) or language.detect(art.text)
        lang = art.language or "unknown"
        res.languages[lang] = res.languages.get(lang, 0) + 1
        if art.language in (None, "en"):
            return english
        if art.language not in models:
            res.unparsed += 1
            return None
        return load_nlp(models[art.language], spec.nlp.disable)

    return route


def _bad_record(state: FileState, art: Article, reason: str) -> None:
    state.kept -= 1
    state.errors.append(f"record {art.record_index}: {reason}")


ARROW_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError, UnicodeError)


def _tables(rows: list[tuple[Article, dict[str, Any], Extracted]]) -> dict[str, pa.Table]:
    return {
        "articles": pa.Table.from_pylist([r[1] for r in rows], schema=schemas.ARTICLES),
        "entities": pa.Table.from_pylist([e for r in rows for e in r[2].entities],
                                         schema=schemas.ENTITIES),
        "quotes": pa.Table.from_pylist([q for r in rows for q in r[2].quotes],
                                       schema=schemas.QUOTES),
        "postings": pa.table(index.posting_columns(
            d for r in rows for d in index.documents(
                r[1]["article_id"], r[1]["batch_id"], r[1]["title"], r[1]["text"], r[2].quotes)),
            schema=schemas.POSTINGS),
    }


def _stage_chunk(staged: StagedBatch, chunk: list[tuple[Article, dict[str, Any], Extracted]],
                 res: BatchResult, states: dict[str, FileState]) -> float:
    """Turn a chunk's rows into Arrow and hand them to the staged batch, then empty the chunk.
    Should the chunk not convert, each article is tried alone and the ones that fail become bad
    records of their files: one odd value never costs more than its own article."""
    t = time.perf_counter()
    if not chunk:
        return 0.0
    try:
        parts = [_tables(chunk)]
        good = chunk
    except ARROW_ERRORS:
        parts, good = [], []
        for item in chunk:
            try:
                parts.append(_tables([item]))
                good.append(item)
            except ARROW_ERRORS as exc:
                _bad_record(states[item[0].source_path], item[0],
                            f"could not be stored: {type(exc).__name__}: {exc}")
    for tables in parts:
        for name, table in tables.items():
            staged.add_arrow(name, table)
    res.articles += len(good)
    res.entities += sum(len(r[2].entities) for r in good)
    res.quotes += sum(len(r[2].quotes) for r in good)
    res.words += sum(r[1]["word_count"] for r in good)
    chunk.clear()
    return time.perf_counter() - t
