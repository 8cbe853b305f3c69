"""Article records: what every reader yields, with its id and its cleaned text and metadata."""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
