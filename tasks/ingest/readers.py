"""Readers: one function per format, registered by suffix, each turning bytes into article records.

A reader never raises for bad input: file-level problems raise ``ReadError`` (the whole file
failed), record-level problems are collected in ``ReadResult.errors`` while good records are kept.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import html
import io
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

MAX_JSON_DEPTH = 64
MIN_HTML_WORDS = 15  # less main text than this is a navigation or error page, not an article

# Limits on what one file may cost, so no input can exhaust memory (see Reading limits in README).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # .txt/.json/.html are read whole: at most this many bytes
MAX_LINE_BYTES = 16 * 1024 * 1024  # one JSON Lines record (an article of 1M characters fits)
MAX_GZIP_RATIO = 100  # news text gzips 3-10x; a bomb of repeated bytes reaches 1000x
GZIP_RATIO_FLOOR = 16 * 1024 * 1024  # the ratio is only enforced beyond this much output
READ_CHUNK = 1 << 20


class ReadError(Exception):
    """The whole file could not be read; the message is the reason shown in the files table."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_str(value: str) -> str:
    """A string every encoder accepts: lone surrogates (JSON escapes such as ``"\\ud800"``, or
    undecodable file-name bytes) become U+FFFD, one for one, so offsets are unchanged. Applied to
    every string an Article carries, so no input value can fail the Parquet writer."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(value: str) -> str:
    """HTML character references left in text ('Blair&#191;s', 'AT&amp;T', '&eacute;') decoded, in
    every format: feeds and exports carry them in plain text and JSON too. Only complete
    references (with their semicolon) are touched, so 'R&D' and 'AT&T' stay as written."""
    if "&" not in value:
        return value
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), value)


def clean_value(value: Any) -> Any:
    """clean_str over a JSON value's strings, keys included."""
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_str(str(k)): clean_value(v) for k, v in value.items()}
    return value


@dataclass
class Article:
    """One article as read from a file, before any NLP."""

    source_path: str
    record_index: int
    text: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    fetched_at: datetime | None = None  # when a crawler fetched the page (WARC-Date)

    def __post_init__(self) -> None:
        # the reader boundary: whatever a reader produced, the strings stored are valid Unicode
        self.source_path = clean_str(self.source_path)
        self.text = decode_entities(clean_str(self.text))
        for name in ("title", "source", "url", "language"):
            value = getattr(self, name)
            if value is not None:
                value = clean_str(value)
                setattr(self, name, decode_entities(value) if name in ("title", "source") else value)
        self.authors = [decode_entities(clean_str(a)) for a in self.authors]
        if self.extra:
            self.extra = clean_value(self.extra)

    @property
    def article_id(self) -> str:
        return article_id(self.source_path, self.record_index)

    @property
    def content_hash(self) -> str:
        return hashlib.blake2b(self.text.encode("utf-8"), digest_size=16).hexdigest()

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class ReadResult:
    """What one file yielded: its articles and the records that could not be used."""

    format: str
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. an encoding fallback
    kinds: Counter = field(default_factory=Counter)  # records that are no article, by kind (WARC)


def article_id(source_path: str, record_index: int) -> str:
    """Stable id from where the article lives: same file path and position -> same id anywhere."""
    key = f"{source_path}\x1f{record_index}".encode()
    return hashlib.blake2b(key, digest_size=10).hexdigest()


# --- bytes -> text -------------------------------------------------------------------------

BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_bom(head: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) when the bytes start with a Unicode byte-order mark."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return None


def decode_text(data: bytes, offset: int = 0) -> tuple[str, str | None]:
    """The byte-order mark's encoding when there is one (UTF-8, UTF-16, UTF-32), else UTF-8,
    else Windows-1252 or the encoding charset-normalizer finds, with a warning saying so (the
    text may hold mojibake); binary data is refused. ``offset`` is where data starts in its file,
    for the byte positions in messages."""
    if not data.strip():
        raise ReadError("empty file")
    bom = sniff_bom(data[:4])
    if bom is not None and bom[0] != "utf-8":
        encoding, skip = bom
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            text = data[skip:].decode(encoding, errors="replace")
            return _nonempty(text), (f"not valid {encoding.upper()} ({exc.reason} at byte "
                                     f"{offset + skip + exc.start}); bad bytes replaced by U+FFFD")
        return _nonempty(text), None
    head = data[:8192]
    if b"\x00" in head:
        raise ReadError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        why = f"not valid UTF-8 ({exc.reason} at byte {offset + exc.start})"
    # UTF-8 with a few corrupt bytes (a truncated copy, one bad character): keep it UTF-8
    lenient = data.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F and ch != "\ufffd")
    if bad < multibyte:  # more valid multi-byte characters than bad bytes: it is UTF-8
        return lenient, f"{why}; decoded as UTF-8 with {bad} invalid byte(s) replaced by U+FFFD"
    high = sum(1 for b in data[:65536] if b > 0x7F) / min(len(data), 65536)
    if high < 0.1:
        # Mostly-ASCII text with a few stray bytes: in English news that is Windows-1252/Latin-1
        # (a pound sign, an accent); the detector guesses Baltic or Japanese pages on such input.
        try:
            return data.decode("cp1252"), f"{why}; decoded as Windows-1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError(f"{why} and no other text encoding fits")
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters), not text")
    return text, f"{why}; decoded as {best.encoding}"


def _notes(note: str | None) -> list[str]:
    return [note] if note else []


def _nonempty(text: str) -> str:
    if not text.strip():
        raise ReadError("empty file")
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters), not text")
    return text


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)


class CountingReader(io.RawIOBase):
    """A binary stream that counts (and optionally hashes) the bytes read through it."""

    def __init__(self, raw: BinaryIO, hasher: Any = None):
        self.raw = raw
        self.count = 0
        self.hasher = hasher

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.hasher is not None:
            self.hasher.update(data)
        return n

    def drain(self) -> None:
        """Read to the end (for the hash), however the reading above it stopped."""
        while self.read(READ_CHUNK):
            pass


class GunzipStream(io.RawIOBase):
    """Streaming gunzip with limits: output beyond MAX_GZIP_RATIO times the compressed bytes read
    (once past GZIP_RATIO_FLOOR) is refused as a decompression bomb, so memory stays bounded
    whatever the file inflates to. Truncated or corrupt data is a ReadError, not a crash."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw if isinstance(raw, CountingReader) else CountingReader(raw)
        # a small input buffer, so the ratio compares output with the input actually consumed
        self._gz = gzip.GzipFile(fileobj=io.BufferedReader(self.raw, 1 << 16), mode="rb")
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            n = self._gz.readinto(buffer)
        except EOFError:
            if self.raw.count == 0:
                raise ReadError("empty file (zero-length gzip)") from None
            raise ReadError("truncated gzip stream (file ends before the compressed data does)"
                            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise ReadError(f"corrupt gzip data: {exc}") from None
        if n == 0 and self.out == 0 and self.raw.count == 0:
            raise ReadError("empty file (zero-length gzip)")
        self.out += n
        if self.out > GZIP_RATIO_FLOOR and self.out > MAX_GZIP_RATIO * max(1, self.raw.count):
            raise ReadError(f"refused: gzip data inflates more than {MAX_GZIP_RATIO}x (over "
                            f"{self.out:,} bytes from {self.raw.count:,}), a decompression bomb")
        return n


def read_limited(stream: Any, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """All of a stream, refused once it passes ``limit`` bytes (memory stays under the limit)."""
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise ReadError(f"file too large to read whole: over {limit:,} bytes "
                            "(only JSON Lines files are read record by record)")
        parts.append(chunk)
    return b"".join(parts)


# --- field mapping ----------------------------------------------------------------------------

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


def decode_page(data: bytes, charset: str | None = None) -> tuple[str, str | None]:
    """An HTML page's text: a byte-order mark decides, then a UTF-16/32 charset the HTTP header
    declares (such pages have NUL bytes and no mark), then UTF-8, then the declared charset,
    then decode_text's detection. A declared Latin-1 over UTF-8 bytes is the usual server
    default, not the page's encoding, so UTF-8 goes first for every other charset."""
    codec = None
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = None
    if codec and sniff_bom(data[:4]) is None:
        if codec.startswith(("utf-16", "utf-32")):
            try:
                return _nonempty(data.decode(codec)), None
            except UnicodeDecodeError:
                pass
        elif not codec.startswith("utf-8"):
            try:
                return data.decode("utf-8"), None
            except UnicodeDecodeError:
                try:
                    return _nonempty(data.decode(codec)), None
                except UnicodeDecodeError:
                    pass
    return decode_text(data)


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
