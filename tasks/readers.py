"""Readers: one function per format, registered by suffix, each turning bytes into article records.

A reader never raises for bad input: file-level problems raise ``ReadError`` (the whole file
failed), record-level problems are collected in ``ReadResult.errors`` while good records are kept.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_JSON_DEPTH = 64
MIN_HTML_WORDS = 15  # less main text than this is a navigation or error page, not an article


class ReadError(Exception):
    """The whole file could not be read; the message is the reason shown in the files table."""


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


def article_id(source_path: str, record_index: int) -> str:
    """Stable id from where the article lives: same file path and position -> same id anywhere."""
    key = f"{source_path}\x1f{record_index}".encode()
    return hashlib.blake2b(key, digest_size=10).hexdigest()


# --- bytes -> text -------------------------------------------------------------------------

def decode_text(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (BOM dropped), else Windows-1252 or the encoding charset-normalizer finds, with a
    warning saying so (the text may hold mojibake); binary data is refused."""
    if not data.strip():
        raise ReadError("empty file")
    head = data[:8192]
    if b"\x00" in head and not _looks_utf16(head):
        raise ReadError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        why = f"not valid UTF-8 ({exc.reason} at byte {exc.start})"
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


def _looks_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)


def gunzip(data: bytes) -> bytes:
    """Decompress a gzip member; a truncated or corrupt stream is a ReadError, not a crash."""
    if not data:
        raise ReadError("empty file (zero-length gzip)")
    try:
        return gzip.decompress(data)
    except EOFError:
        raise ReadError("truncated gzip stream (file ends before the compressed data does)") from None
    except (OSError, zlib.error) as exc:
        raise ReadError(f"corrupt gzip data: {exc}") from None


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
    s = re.sub(r"^\s*by\s+", "", value.strip(), flags=re.I)
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
    text, note = decode_text(data)
    result = ReadResult("jsonl", warnings=_notes(note))
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = _loads(line)
        except json.JSONDecodeError as exc:
            result.errors.append(f"line {lineno}: malformed JSON: {exc.msg}")
            continue
        except ValueError as exc:
            result.errors.append(f"line {lineno}: {exc}")
            continue
        try:
            # record_index is the line number (1-based) so ids stay put when other lines change
            result.articles.append(record_to_article(rec, source_path, lineno))
        except ValueError as exc:
            result.errors.append(f"line {lineno}: {str(exc).split(': ', 1)[-1]}")
    return result


def read_html(data: bytes, source_path: str) -> ReadResult:
    """An article page: main text and metadata through trafilatura."""
    html, note = decode_text(data)
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
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


def read_bytes(data: bytes, source_path: str) -> ReadResult:
    """Dispatch on the file name; raises ReadError when the whole file is unusable."""
    reader, gz = reader_for(source_path)
    if reader is None:
        raise ReadError("unsupported file type")
    if gz:
        data = gunzip(data)
    result = reader(data, source_path)
    if gz:
        result.format += ".gz"
    if not result.articles:
        if result.errors:
            raise ReadError("; ".join(result.errors[:5]) + _more(result.errors))
        raise ReadError("no articles in file")
    return result


def _more(errors: list[str]) -> str:
    return f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""


def summarize_errors(errors: list[str]) -> str | None:
    """The files-table reason for partly bad files: the first few problems and a count."""
    if not errors:
        return None
    return f"{len(errors)} bad record(s): " + "; ".join(errors[:5]) + _more(errors)
