"""WARC crawls read by a forward-only parser of our own, so that no record can cost the rest.

Real crawls hold records that lie: a Content-Length too big, too small, negative or not a
number, a gzip member cut or corrupt, a header line that inflates to gigabytes. warcio stops
at the first such record and every later one is lost. Here a bad record is counted (with its
byte offset and reason) and reading resynchronises: at the next gzip member when the file is
gzipped record by record (as Common Crawl writes it), else at the next ``WARC/1.`` line.

Everything a record may cost is bounded: header lines (``MAX_LINE``) and their number
(``MAX_HEADERS``), the inflation of every gzip member (the plain-file bomb rule: refused past
``MAX_GZIP_RATIO`` times its compressed size once over ``MEMBER_RATIO_FLOOR``), the page kept
(``MAX_DOCUMENT_BYTES``), and the bytes held back to resynchronise inside a lying record
(``RETAIN_BYTES``). The parser reads its stream strictly forward, so the caller's hash of the
file's bytes (batch.iter_articles) sees every byte once.

A record's position (its ``record_index``, which the article id is made from) is where warcio
put it, so ids made before this parser stay: the gzip member's offset in the file when the
record starts a member, else the record's offset in the (inflated) stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tasks.ingest.decode import MAX_DOCUMENT_BYTES
from tasks.ingest.warcsource import CHUNK, MAX_LINE, RETAIN_BYTES, CorruptMember, MemberBomb, Source

MAX_HEADERS = 512  # header lines of one record, WARC and HTTP each
RECORD_START = b"WARC/1."
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Record:
    """One WARC record as the reader needs it; ``error`` says why a bad one could not be used."""

    offset: int
    warc_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    http_status: str | None = None
    content_type: str | None = None
    charset: str | None = None
    body: bytes | None = None  # an HTML page's bytes, when asked for
    body_too_large: bool = False
    error: str | None = None
    truncated: bool = False  # the data ran out inside it (at the file's end: a cut download)

    @property
    def kind(self) -> str:
        """'html' for a page to read, else its kind ('request', 'response 404', ...)."""
        if self.warc_type != "response":
            return self.warc_type or "?"
        if self.http_status is None:
            return "response (no HTTP)"
        if self.http_status != "200":
            return f"response {self.http_status or '?'}"
        ctype = self.content_type or ""
        return "html" if ctype in HTML_TYPES else f"response {ctype or 'without a type'}"


class _Block:
    """Reads a record's block of declared length from a Source, holding back (up to
    RETAIN_BYTES) everything from the first ``\\nWARC/1.`` inside it: when the length lies, the
    next record may start there."""

    def __init__(self, src: Source, length: int):
        self.src, self.left = src, length
        self.retained: bytearray | None = None
        self.overflow = False
        self.tail = b""  # the last bytes read, to find a marker split across two reads

    def _seen(self, data: bytes) -> bytes:
        if self.retained is not None:
            if len(self.retained) + len(data) > RETAIN_BYTES:
                self.retained, self.overflow = None, True
            else:
                self.retained += data
        elif not self.overflow:
            joined = self.tail + data
            i = joined.find(b"\n" + RECORD_START)
            if i >= 0:
                self.retained = bytearray(joined[i + 1:])
            self.tail = joined[-len(RECORD_START):]
        self.left -= len(data)
        return data

    def readline(self, limit: int = MAX_LINE) -> bytes:
        return self._seen(self.src.readline(min(limit, max(self.left - 1, 0)))
                          if self.left > 0 else b"")

    def read(self, n: int) -> bytes:
        return self._seen(self.src.read(min(n, self.left)))

    def skip(self) -> bool:
        """Read the rest of the block; False when the segment ended first."""
        while self.left > 0:
            if not self.read(CHUNK):
                return False
        return True


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)


def _headers(read: Any) -> tuple[dict[str, str], str | None]:
    """Header lines up to the blank one: (lowercased name -> value, problem)."""
    count = 0
    out: dict[str, str] = {}
    last = None
    while True:
        line = read()
        if not line:
            return out, "the record ends inside its headers"
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            return out, f"a header line longer than {MAX_LINE:,} bytes"
        if not line.strip():
            return out, None
        count += 1
        if count > MAX_HEADERS:
            return out, f"more than {MAX_HEADERS} header lines"
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text[:1] in (" ", "\t") and last is not None:
            out[last] += " " + text.strip()
            continue
        name, sep, value = text.partition(":")
        if sep:
            last = name.strip().lower()
            out[last] = value.strip()


def _length(value: str | None) -> int | None:
    if value is None or not re.fullmatch(r"[0-9]{1,18}", value.strip()):
        return None
    return int(value)


def _separator_ok(src: Source) -> tuple[bool, bytes]:
    """After a block: line ends, then the next record or the segment's end. Returns whether it
    is so, and the bytes looked at (to push back when it is not)."""
    seen = b""
    while True:
        c = src.read(1)
        if not c:
            return True, seen  # the segment's end
        if c not in (b"\r", b"\n"):
            src.unread(c)
            break
        if len(seen) < 64:
            seen += c
    return src.peek(len(RECORD_START)) in (RECORD_START, b""), seen


def _resync(src: Source) -> None:
    """Skip lines until one starts a record (left unread); at a segment's end stop there."""
    at_line_start = True
    while True:
        line = src.readline()
        if not line:
            return
        if at_line_start and line.startswith(RECORD_START):
            src.unread(line)
            return
        at_line_start = line.endswith(b"\n")


def iter_records(stream: Any, want_body: Any = None, size_hint: int | None = None
                 ) -> Iterator[Record]:
    """Every record of a WARC, bad ones included (with ``error`` set). ``want_body(record)``
    says whether to keep the HTML page of an HTML response (default: yes). The caller learns
    about bytes that are no gzip after the last member from the final record-less state through
    ``Source.trailing`` (see ``read_warc_records``)."""
    src = Source(stream, size_hint)
    yield from _records(src, want_body)
    if src.trailing:
        yield Record(src.pos, error=f"{src.trailing:,} bytes after the last gzip member are not "
                                    "gzip data; ignored")


def _records(src: Source, want_body: Any) -> Iterator[Record]:
    last_index = -1
    while True:
        try:
            line = src.readline()
            if not line:
                if not src.next_segment():
                    return
                continue
            if not line.strip():
                continue
            start = src.tell() - len(line)
            index = max(src.index_at(start), last_index + 1)
            last_index = index
            rec = Record(index)
            if not line.startswith(RECORD_START):
                rec.error = "not a WARC record: no WARC/1.x line where a record should start"
                _resync(src)
                yield rec
                continue
            rec.headers, problem = _headers(src.readline)
            rec.warc_type = rec.headers.get("warc-type", "").lower()
            length = _length(rec.headers.get("content-length"))
            if problem is None and length is None:
                problem = (f"Content-Length {rec.headers.get('content-length', '(none)')[:40]!r} "
                           "is not a length")
            elif (problem is None and length is not None and src.size_hint is not None
                  and not src.gzipped and src.tell() + length > src.size_hint):
                problem = (f"Content-Length {length:,} runs past the end of the file "
                           f"({src.size_hint - src.tell():,} bytes are left)")
            if problem is not None:
                rec.error, rec.truncated = problem, "past the end" in problem
                _resync(src)
                yield rec
                continue
            assert length is not None
            block = _Block(src, length)
            complete = _read_block(block, rec, want_body)
            ok, seen = _separator_ok(src) if complete else (False, b"")
            if not ok:
                rec.error = (f"Content-Length {length:,} does not match the record (the data "
                             "ends before it)" if not complete else
                             f"Content-Length {length:,} does not match the record (no next "
                             "record where it ends)")
                rec.body, rec.truncated = None, not complete
                if block.retained is not None:
                    src.unread(bytes(block.retained) + seen)
                else:
                    src.unread(seen)
                    _resync(src)
                yield rec
                continue
            yield rec
        except (MemberBomb, CorruptMember) as exc:
            # the record the member holds (already numbered when its first line was read)
            index = src.index_at(src.member_pos)
            index = index if index >= last_index else last_index + 1
            last_index = index
            if isinstance(exc, MemberBomb):
                yield Record(index, error=f"refused: {exc}")
            else:
                yield Record(index, error=f"gzip member at byte {src.member_start:,}: {exc}",
                             truncated=True)
            if not src.resync_member():
                return


def _read_block(block: _Block, rec: Record, want_body: Any) -> bool:
    """Read a record's block: the HTTP headers of a response, and its page when it is HTML and
    wanted. False when the segment ended before the declared length."""
    ctype = rec.headers.get("content-type", "").lower()
    if rec.warc_type == "response" and ctype.startswith("application/http"):
        status_line = block.readline()
        if not status_line and block.left > 0:
            return False
        parts = status_line.decode("latin-1").split()
        rec.http_status = parts[1] if len(parts) > 1 and parts[0].startswith("HTTP/") else "?"
        http, problem = _headers(block.readline)
        if problem is not None:
            if block.left > 0 and not block.skip():
                return False
            rec.error = f"bad HTTP headers: {problem}"
            return True
        content_type = http.get("content-type", "")
        rec.content_type = content_type.split(";")[0].strip().lower()
        m = _CHARSET.search(content_type)
        rec.charset = m.group(1) if m else None
        if rec.kind == "html" and (want_body is None or want_body(rec)):
            body = block.read(MAX_DOCUMENT_BYTES + 1)
            if len(body) > MAX_DOCUMENT_BYTES:
                rec.body_too_large = True
                body = b""
            rec.body = body
    return block.skip()
