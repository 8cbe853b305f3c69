"""The reader registry: one reader per format, chosen by suffix; streams read whole or in
parts (a big JSON Lines or WARC file split by record), and the errors a file's records had."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from tasks.ingest.decode import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    READ_CHUNK,
    CountingReader,
    GunzipStream,
    read_limited,
    sniff_bom,
)
from tasks.ingest.formats import (
    Span,
    in_span,
    iter_jsonl,
    parse_date,
    past_span,
    read_html,
    read_json,
    read_jsonl,
    read_txt,
)
from tasks.ingest.records import Article, ReadError, ReadResult


def _size_of(stream: Any) -> int | None:
    """The size of the file under a stream when it can be known cheaply (for the WARC reader's
    check of lengths that run past the end); None otherwise."""
    import os

    inner = stream
    for _ in range(4):  # down the wrappers (counting, as-planned) to the file
        if getattr(inner, "planned_size", None) is not None:
            return int(inner.planned_size)
        if isinstance(inner, io.BytesIO):
            return inner.getbuffer().nbytes
        if isinstance(inner, io.FileIO):
            try:
                return os.fstat(inner.fileno()).st_size
            except OSError:
                return None
        inner = getattr(inner, "raw", None)
        if inner is None:
            return None
    return None


def iter_warc(stream: Any, source_path: str, result: ReadResult,
              span: Span | None = None) -> Iterator[Article]:
    """A WARC (plain, gzipped record by record as Common Crawl writes it, or gzipped whole) as a
    stream: every HTTP 200 HTML response through the HTML reader, with the record's URL and fetch
    time; every other record counted by kind in ``result.kinds``; every bad record (a lying
    length, corrupt gzip, headers past their bounds, a bomb) in ``result.errors`` while reading
    goes on at the next record (tasks/ingest/warc.py). A record's byte offset is its stable position
    (record_index). A file cut short keeps what came before (ReadError: partial). With ``span``
    only the records starting within it are read and counted; reading stops at its end."""
    from tasks.ingest.warc import iter_records

    result.format = "warc.gz" if source_path.lower().endswith(".gz") else "warc"
    pending: str | None = None  # a record cut short: the file's end if nothing follows it
    for rec in iter_records(stream, want_body=lambda r: in_span(r.offset, span),
                            size_hint=_size_of(stream)):
        if past_span(rec.offset, span):
            return  # the rest of the file is later parts' (and theirs to check)
        if not in_span(rec.offset, span):
            continue  # an earlier part's record: passed over unread
        if pending is not None:
            result.errors.append(pending)
            pending = None
        url = rec.headers.get("warc-target-uri")
        where = f"record at byte {rec.offset:,}" + (f" ({url})" if url else "")
        if rec.error is not None:
            if rec.truncated:
                pending = f"{where}: {rec.error}"
                end = rec.offset
            else:
                result.errors.append(f"{where}: {rec.error}")
            continue
        kind = rec.kind
        result.kinds[kind] += 1
        if kind != "html":
            continue
        if rec.body_too_large:
            result.errors.append(f"{where}: page over {MAX_DOCUMENT_BYTES:,} bytes")
            continue
        try:
            page = read_html(rec.body or b"", source_path, charset=rec.charset)
        except ReadError as exc:
            result.errors.append(f"{where}: {exc}")
            continue
        art = page.articles[0]
        art.record_index = rec.offset
        art.url = url or art.url
        art.fetched_at = parse_date(rec.headers.get("warc-date"))
        art.extra = {**art.extra, "warc_record_id": rec.headers.get("warc-record-id")}
        if art.source is None and url:
            art.source = urlsplit(url).hostname
        result.warnings.extend(w for w in page.warnings if w not in result.warnings)
        yield art
    if pending is not None:
        raise ReadError(f"WARC breaks off after byte {end:,}: {pending}")


def read_warc(data: bytes, source_path: str) -> ReadResult:
    """A whole WARC in memory (tests, read_bytes); runs stream it through iter_warc."""
    result = ReadResult("warc")
    result.articles.extend(iter_warc(io.BytesIO(data), source_path, result))
    return result


Reader = Callable[[bytes, str], ReadResult]

# Suffix -> reader. A new format is one function and one line here.
READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".html": read_html,
    ".htm": read_html,
    ".warc": read_warc,  # .warc.gz too: gzip per record or whole, read by tasks/ingest/warc.py
}


def reader_for(path: str) -> tuple[Reader | None, bool]:
    """The reader for a file name, and whether it is gzipped first."""
    name = path.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    for suffix, reader in READERS.items():
        if name.endswith(suffix):
            return reader, gz
    return None, gz


def format_of(path: str) -> str | None:
    """The format name a file's suffix promises ("jsonl.gz"), or None for unsupported files."""
    reader, gz = reader_for(path)
    if reader is None:
        return None
    name = next(s for s, r in READERS.items() if r is reader and path.lower().removesuffix(".gz")
                .endswith(s))
    return name.lstrip(".") + (".gz" if gz else "")


def is_supported(path: str) -> bool:
    return reader_for(path)[0] is not None


def read_stream(stream: Any, source_path: str, result: ReadResult,
                span: Span | None = None) -> Iterator[Article]:
    """A file's articles as it is read, whatever its size: gzip inflated as a stream within its
    limits, JSON Lines record by record, other formats read whole up to MAX_DOCUMENT_BYTES.
    Record problems and warnings go into ``result``; a ReadError says why reading stopped (after
    the articles already yielded, which the caller keeps: the file is then ``partial``). With
    ``span`` (record-stream formats only, see splittable) just that part of the file is read."""
    reader, gz = reader_for(source_path)
    if reader is None:
        raise ReadError("unsupported file type")
    result.format = format_of(source_path) or result.format
    if reader is read_warc:
        yield from iter_warc(stream, source_path, result, span)
        return
    if gz:
        stream = GunzipStream(stream)
    if reader is read_jsonl:
        yield from iter_jsonl(stream, source_path, result, span)
        return
    if span is not None:
        raise ValueError(f"{source_path}: only JSON Lines and WARC files are read in parts")
    sub = reader(read_limited(stream), source_path)
    result.errors.extend(sub.errors)
    result.warnings.extend(sub.warnings)
    yield from sub.articles


def splittable(path: str) -> bool:
    """Formats read record by record, which a run may split into parts (record ranges) so that a
    batch holds about the configured number of articles whatever the file's size."""
    return reader_for(path)[0] in (read_jsonl, read_warc)


def record_starts(stream: Any, source_path: str) -> Iterator[int]:
    """Where a file's parts can be cut: the record_index of each record that may become an
    article (a non-blank line, an HTML response), found cheaply: no JSON parsing, no HTML
    extraction. Yields nothing for text it cannot scan so (a UTF-16 file is read whole)."""
    reader, gz = reader_for(source_path)
    if reader is read_warc:
        from tasks.ingest.warc import iter_records

        for rec in iter_records(stream, want_body=lambda r: False, size_hint=_size_of(stream)):
            if rec.error is None and rec.kind == "html":
                yield rec.offset
        return
    if reader is not read_jsonl:
        return
    lines = io.BufferedReader(GunzipStream(stream) if gz else CountingReader(stream), READ_CHUNK)
    bom = sniff_bom(lines.peek(4)[:4])
    if bom is not None and bom[0] != "utf-8":
        return
    lineno = 0  # numbered as iter_jsonl numbers them: every line, blank or too long
    while line := lines.readline(MAX_LINE_BYTES + 1):
        lineno += 1
        if len(line) > MAX_LINE_BYTES:  # too long to keep (a bad record, but a record)
            while not line.endswith(b"\n") and (line := lines.readline(READ_CHUNK)):
                pass
            yield lineno
        elif line.strip():
            yield lineno


def read_bytes(data: bytes, source_path: str) -> ReadResult:
    """Dispatch on the file name; raises ReadError when the whole file is unusable."""
    result = ReadResult("")
    try:
        for art in read_stream(io.BytesIO(data), source_path, result):
            result.articles.append(art)
    except ReadError as exc:
        if not result.articles:
            raise
        result.errors.append(f"reading stopped: {exc}")
    if not result.articles:
        raise ReadError(join_errors(result.errors) or "no articles in file")
    return result


def join_errors(errors: list[str]) -> str:
    """The first few problems of a file, and how many more: the reason when none was usable."""
    more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(errors[:5]) + more if errors else ""


def summarize_errors(errors: list[str]) -> str | None:
    """The files-table reason for partly bad files: the first few problems and a count."""
    if not errors:
        return None
    return f"{len(errors)} bad record(s): " + join_errors(errors)
