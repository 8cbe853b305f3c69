"""The readers of text, JSON, JSON Lines and HTML: bytes (or a stream) to article records.

A reader never raises for bad input: file-level problems raise ``ReadError`` (the whole file
failed), record-level problems are collected in ``ReadResult.errors`` while good records are kept.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tasks.ingest.decode import (
    MAX_JSON_DEPTH,
    MAX_LINE_BYTES,
    MIN_HTML_WORDS,
    READ_CHUNK,
    CountingReader,
    _notes,
    decode_page,
    decode_text,
    read_limited,
    sniff_bom,
)
from tasks.ingest.records import Article, ReadError, ReadResult, decode_entities

TEXT_FIELDS = ("text", "body", "content", "content_original", "maintext", "article", "full_text")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published_at", "publishedAt", "date_publish", "date", "published", "pubdate",
               "datePublished")
URL_FIELDS = ("url", "link", "source_url")
SOURCE_FIELDS = ("source", "source_domain", "outlet", "publisher", "sitename", "source_name")
AUTHOR_FIELDS = ("authors", "author", "byline")
LANGUAGE_FIELDS = ("language", "lang")


def parse_date(value: Any) -> datetime | None:
    """Any common date form -> aware UTC datetime; naive times are taken as UTC; junk -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            dt = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return dt if 1800 <= dt.year <= 2200 else None
    if not isinstance(value, str):
        return None
    from dateutil import parser as dparser

    s = value.strip()
    try:
        dt = dparser.parse(s, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1800 <= dt.year <= 2200:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_authors(value: Any) -> list[str]:
    """A list, or one string of names joined by ';', '|', ' and ' or commas between full names."""
    if value is None:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            if isinstance(v, dict):
                v = v.get("name")
            out.extend(parse_authors(v) if isinstance(v, str) else [])
        return out
    if not isinstance(value, str):
        return []
    s = re.sub(r"^\s*by\s+", "", decode_entities(value).strip(), flags=re.I)
    parts = [p.strip() for p in re.split(r"\s*[;|]\s*|\s+and\s+|\s*&\s*", s) if p.strip()]
    names: list[str] = []
    for p in parts:
        pieces = [x.strip() for x in p.split(",") if x.strip()]
        # "Smith, John" is one name; "John Smith, Jane Doe" is two.
        if len(pieces) > 1 and all(len(x.split()) >= 2 for x in pieces):
            names.extend(pieces)
        else:
            names.append(p)
    return names


def _first(record: dict[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    for n in names:
        if n in record and record[n] not in (None, "", []):
            return n, record[n]
    return None, None


def record_to_article(record: Any, source_path: str, index: int) -> Article:
    """Map one JSON object to an Article; unmapped fields go to ``extra``. Raises ValueError."""
    if not isinstance(record, dict):
        raise ValueError(f"record {index}: expected a JSON object, got {type(record).__name__}")
    used: set[str] = set()

    def take(names: tuple[str, ...]) -> Any:
        key, val = _first(record, names)
        if key is not None:
            used.add(key)
        return val

    text = take(TEXT_FIELDS)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"record {index}: no article text (none of {', '.join(TEXT_FIELDS)})")
    title = take(TITLE_FIELDS)
    date = take(DATE_FIELDS)
    url = take(URL_FIELDS)
    source = take(SOURCE_FIELDS)
    authors = take(AUTHOR_FIELDS)
    language = take(LANGUAGE_FIELDS)
    extra = {k: v for k, v in record.items() if k not in used}
    return Article(
        source_path=source_path,
        record_index=index,
        text=text,
        title=str(title).strip() if title is not None else None,
        published_at=parse_date(date),
        source=str(source) if source is not None else None,
        url=str(url) if url is not None else None,
        authors=parse_authors(authors),
        language=str(language) if language is not None else None,
        extra=extra,
    )


# --- format readers ---------------------------------------------------------------------------

def read_txt(data: bytes, source_path: str) -> ReadResult:
    """Plain text: a first line followed by a blank line is the title; the rest is kept verbatim."""
    text, note = decode_text(data)
    title = None
    m = re.match(r"([^\r\n]+)\r?\n[ \t]*\r?\n", text)
    if m and len(m.group(1)) <= 300:
        title = m.group(1).strip()
        text = text[m.end():]
    if not text.strip():
        raise ReadError("no article text after the title line")
    return ReadResult("txt", [Article(source_path, 0, text, title=title)], warnings=_notes(note))


def _check_depth(obj: Any, limit: int = MAX_JSON_DEPTH) -> None:
    stack = [(obj, 0)]
    while stack:
        cur, depth = stack.pop()
        if depth > limit:
            raise ValueError(f"JSON nested deeper than {limit} levels")
        if isinstance(cur, dict):
            stack.extend((v, depth + 1) for v in cur.values())
        elif isinstance(cur, list):
            stack.extend((v, depth + 1) for v in cur)


def _loads(s: str) -> Any:
    try:
        obj = json.loads(s)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    _check_depth(obj)
    return obj


def read_json(data: bytes, source_path: str) -> ReadResult:
    """One article object, a list of them, or an object holding such a list under a usual key."""
    text, note = decode_text(data)
    try:
        obj = _loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:
        raise ReadError(f"malformed JSON: {exc}") from None
    if isinstance(obj, dict):
        for key in ("articles", "items", "data", "results"):
            if isinstance(obj.get(key), list) and not _first(obj, TEXT_FIELDS)[0]:
                obj = obj[key]
                break
    records = obj if isinstance(obj, list) else [obj]
    result = ReadResult("json", warnings=_notes(note))
    for i, rec in enumerate(records):
        try:
            result.articles.append(record_to_article(rec, source_path, i))
        except ValueError as exc:
            result.errors.append(str(exc))
    return result


def read_jsonl(data: bytes, source_path: str) -> ReadResult:
    """One JSON object a line; a bad line is reported with its number and the others are kept."""
    result = ReadResult("jsonl")
    result.articles.extend(iter_jsonl(io.BytesIO(data), source_path, result))
    return result


def _jsonl_record(line: str, lineno: int, source_path: str, result: ReadResult) -> Article | None:
    try:
        rec = _loads(line)
    except json.JSONDecodeError as exc:
        result.errors.append(f"line {lineno}: malformed JSON: {exc.msg}")
        return None
    except ValueError as exc:
        result.errors.append(f"line {lineno}: {exc}")
        return None
    try:
        # record_index is the line number (1-based) so ids stay put when other lines change
        return record_to_article(rec, source_path, lineno)
    except ValueError as exc:
        result.errors.append(f"line {lineno}: {str(exc).split(': ', 1)[-1]}")
        return None


Span = tuple[int | None, int | None]  # the record_index range [from, to) of a file's part


def in_span(index: int, span: Span | None) -> bool:
    """Whether a record belongs to a part: from <= index < to, an open end being no bound."""
    return span is None or ((span[0] is None or index >= span[0])
                            and (span[1] is None or index < span[1]))


def past_span(index: int, span: Span | None) -> bool:
    """Whether a record lies after a part's end: its reader can stop there."""
    return span is not None and span[1] is not None and index >= span[1]


def iter_jsonl(stream: Any, source_path: str, result: ReadResult,
               span: Span | None = None) -> Iterator[Article]:
    """JSON Lines read record by record from a stream, so a file of any size (or any number of
    records) costs the memory of one line. A line over MAX_LINE_BYTES is a bad record. Text
    with a UTF-16/32 byte-order mark is decoded whole (bounded) instead. With ``span`` only the
    lines numbered within it are parsed (and reported); reading stops at its end."""
    lines = io.BufferedReader(stream if isinstance(stream, io.RawIOBase)
                              else CountingReader(stream), READ_CHUNK)
    head = lines.peek(8192)[:8192]
    bom = sniff_bom(head[:4])
    if bom is not None and bom[0] != "utf-8":
        text, note = decode_text(read_limited(lines))
        result.warnings.extend(_notes(note))
        for lineno, line in enumerate(text.splitlines(), start=1):
            if (line.strip() and in_span(lineno, span)
                    and (art := _jsonl_record(line, lineno, source_path, result))):
                yield art
        return
    if b"\x00" in head:
        raise ReadError("binary file (NUL bytes), not text")
    if bom is not None:
        lines.read(len(codecs.BOM_UTF8))  # a UTF-8 byte-order mark is dropped
    pos = 0  # byte offset of the current line, for messages
    seen_text = False
    lineno = 0
    while line_bytes := lines.readline(MAX_LINE_BYTES + 1):
        lineno += 1
        if past_span(lineno, span):
            return  # the rest of the file is later parts'
        start, pos = pos, pos + len(line_bytes)
        mine = in_span(lineno, span)
        if len(line_bytes) > MAX_LINE_BYTES:  # skip to the line's end without keeping it
            seen_text = True
            if mine:
                result.errors.append(f"line {lineno}: longer than {MAX_LINE_BYTES:,} bytes, "
                                     "skipped")
            while not line_bytes.endswith(b"\n") and (line_bytes := lines.readline(READ_CHUNK)):
                pos += len(line_bytes)
            continue
        if not line_bytes.strip():
            continue
        seen_text = True
        if not mine:
            continue
        line_bytes = line_bytes.rstrip(b"\r\n")
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line, note = decode_text(line_bytes, offset=start)
            except ReadError as exc:
                result.errors.append(f"line {lineno}: {exc}")
                continue
            if note and not result.warnings:
                result.warnings.append(note)
        if art := _jsonl_record(line, lineno, source_path, result):
            yield art
    if not seen_text:
        raise ReadError("empty file")


MAX_HTML_CHARS = 2_000_000  # markup given to the HTML parser, scripts, styles and comments out


def _strip_inert(page: str) -> str:
    """The page without its scripts (JSON-LD kept: it carries dates and authors), styles and
    comments, in one linear pass: they hold no article text, and a hostile page can hide
    megabytes in them. Unclosed ones run to the end of the page."""
    out: list[str] = []
    low = page.lower()
    i = 0
    while True:
        j = min((k for k in (low.find("<script", i), low.find("<style", i), low.find("<!--", i))
                 if k >= 0), default=-1)
        if j < 0:
            out.append(page[i:])
            return "".join(out)
        out.append(page[i:j])
        if low.startswith("<!--", j):
            k = low.find("-->", j + 4)
            i = len(page) if k < 0 else k + 3
            continue
        tag = "script" if low.startswith("<script", j) else "style"
        head_end = low.find(">", j)
        k = low.find(f"</{tag}", j)
        if tag == "script" and 0 <= head_end and "ld+json" in low[j:head_end]:
            out.append(page[j:len(page) if k < 0 else k])  # JSON-LD stays
            i = len(page) if k < 0 else k
            if k >= 0:
                out.append(page[k:k + len(tag) + 2])
                i = k + len(tag) + 2
            continue
        if k < 0:
            i = len(page)
        else:
            close = low.find(">", k)
            i = len(page) if close < 0 else close + 1




def read_html(data: bytes, source_path: str, charset: str | None = None) -> ReadResult:
    """An article page: main text and metadata through trafilatura. ``charset`` is what an HTTP
    header declared (a WARC record's). Markup over MAX_HTML_CHARS, once scripts, styles and
    comments are out, is refused before parsing: the parser's time grows faster than the page
    (a 4.5 MB page of spans took 30 s and 620 MB), and real pages are far below it."""
    page, note = decode_page(data, charset)
    page = _strip_inert(page)
    if len(page) > MAX_HTML_CHARS:
        raise ReadError(f"HTML page too large to parse: {len(page):,} characters of markup "
                        f"without scripts and styles, over {MAX_HTML_CHARS:,}")
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True)
    except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
        raise ReadError(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or len(body.split()) < MIN_HTML_WORDS:
        words = len(body.split()) if body else 0
        raise ReadError(f"no article text found in the HTML page ({words} words of main text)")
    date = getattr(doc, "date", None)
    art = Article(
        source_path=source_path,
        record_index=0,
        text=body,
        title=getattr(doc, "title", None),
        published_at=parse_date(date),
        source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        url=getattr(doc, "url", None),
        authors=parse_authors(getattr(doc, "author", None)),
        language=getattr(doc, "language", None),
        extra={k: v for k, v in {"description": getattr(doc, "description", None)}.items() if v},
    )
    return ReadResult("html", [art], warnings=_notes(note))


# --- WARC (web crawls) ---------------------------------------------------------------------------
