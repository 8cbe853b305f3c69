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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tasks.ingest.readers import MAX_DOCUMENT_BYTES, MAX_GZIP_RATIO

MAX_LINE = 64 * 1024  # one WARC or HTTP header line (real ones are under 8 KiB)
MAX_HEADERS = 512  # header lines of one record, WARC and HTTP each
MEMBER_RATIO_FLOOR = 1 << 20  # a gzip member may always inflate to this much (a page of 1 MiB)
RETAIN_BYTES = 64 << 20  # held back while reading a block, to resynchronise inside it
CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b\x08"
RECORD_START = b"WARC/1."
HTML_TYPES = ("text/html", "application/xhtml+xml")


class _Bomb(Exception):
    """A gzip member inflating past the ratio: the rest of the member is not inflated."""


class _Corrupt(Exception):
    """Gzip data that does not inflate (corrupt or cut): the member's remaining bytes are lost."""


class Source:
    """The inflated bytes of a WARC, member by member (a segment is one gzip member, or the whole
    of an uncompressed file), with bounded reads, a push-back buffer and positions."""

    def __init__(self, raw: Any, size_hint: int | None = None):
        self.raw = raw
        self.cbuf = b""  # compressed bytes read but not yet inflated
        self.cpos = 0  # file offset of cbuf[0]
        self.buf = bytearray()  # inflated bytes not yet consumed
        self.pos = 0  # offset in the inflated stream of buf[0]
        self.seg_done = False
        self.member_start = 0  # file offset of the current member
        self.member_pos = 0  # inflated offset where the current member starts
        self.member_in = self.member_out = 0
        self.members = 0
        self.size_hint = size_hint
        head = self._raw_read(2)
        self.cbuf = head
        self.gzipped = head[:2] == b"\x1f\x8b"
        self.trailing = 0  # bytes after the last gzip member that are not gzip
        self._dec: Any = None
        if self.gzipped:
            self._start_member()

    # --- raw and gzip ------------------------------------------------------------------------

    def _raw_read(self, n: int) -> bytes:
        return self.raw.read(n) or b""

    def _start_member(self) -> None:
        self._dec = zlib.decompressobj(31)
        self.member_start = self.cpos
        self.member_pos = self.pos + len(self.buf)
        self.member_in = self.member_out = 0
        self.members += 1
        self.seg_done = False

    def _inflate_more(self) -> bool:
        """More bytes into buf from the current segment; False at its end."""
        if self.seg_done:
            return False
        if not self.gzipped:
            data = self.cbuf or self._raw_read(CHUNK)
            self.cbuf = b""
            if not data:
                self.seg_done = True
                return False
            self.cpos += len(data)
            self.buf += data
            return True
        while True:
            if not self.cbuf:
                self.cbuf = self._raw_read(CHUNK)
            data = self.cbuf[:CHUNK]
            try:
                out = self._dec.decompress(data, CHUNK)
            except zlib.error as exc:
                raise _Corrupt(f"corrupt gzip data: {exc}") from None
            left = self._dec.unused_data if self._dec.eof else self._dec.unconsumed_tail
            used = len(data) - len(left)
            self.cbuf = left + self.cbuf[len(data):]
            self.cpos += used
            self.member_in += used
            self.member_out += len(out)
            if (self.member_out > MEMBER_RATIO_FLOOR
                    and self.member_out > MAX_GZIP_RATIO * max(1, self.member_in)):
                raise _Bomb(f"gzip member inflates more than {MAX_GZIP_RATIO}x (over "
                            f"{self.member_out:,} bytes from {self.member_in:,}), a "
                            "decompression bomb; not inflated further")
            self.buf += out
            if self._dec.eof:
                self.seg_done = True
                return bool(out)
            if out:
                return True
            if not data:  # no input left and nothing more inflated: the member is cut
                raise _Corrupt("the file ends inside a gzip member")

    def next_segment(self) -> bool:
        """Move to the next gzip member; False at the end of the file."""
        if not self.gzipped:
            return False
        self.buf.clear()
        if len(self.cbuf) < 3:
            self.cbuf += self._raw_read(CHUNK)
        if not self.cbuf:
            return False
        if not self.cbuf.startswith(GZIP_MAGIC):
            return self.resync_member(between=True)
        self._start_member()
        return True

    def resync_member(self, between: bool = False) -> bool:
        """Skip to the next gzip member header in the file (after corrupt or refused data, or
        bytes between members that are no gzip); False when there is none. Skipped bytes
        ``between`` members that are not NUL or blank padding count as ``trailing``."""
        self.buf.clear()
        if not between and self.cpos <= self.member_start:  # not the bad member's own header
            drop = self.member_start + 1 - self.cpos
            self.cbuf, self.cpos = self.cbuf[drop:], self.cpos + drop

        def lost(data: bytes) -> None:
            if between:
                self.trailing += len(data.strip(b"\x00\r\n\t "))

        while True:
            i = self.cbuf.find(GZIP_MAGIC)
            if i >= 0:
                lost(self.cbuf[:i])
                self.cbuf, self.cpos = self.cbuf[i:], self.cpos + i
                if len(self.cbuf) < 4096:
                    self.cbuf += self._raw_read(4096)
                try:  # a real member header, or three bytes inside compressed data?
                    zlib.decompressobj(31).decompress(self.cbuf[:4096], 1)
                except zlib.error:
                    self.cbuf, self.cpos = self.cbuf[1:], self.cpos + 1
                    continue
                self._start_member()
                return True
            keep = self.cbuf[-2:]
            lost(self.cbuf[:-2])
            self.cpos += len(self.cbuf) - len(keep)
            more = self._raw_read(CHUNK)
            if not more:
                lost(keep)
                self.cpos += len(keep)
                self.cbuf, self.seg_done = b"", True
                return False
            self.cbuf = keep + more

    # --- reads within a segment --------------------------------------------------------------

    def tell(self) -> int:
        return self.pos

    def index_at(self, pos: int) -> int:
        """The record_index of a record starting at inflated offset ``pos`` (see the module)."""
        if not self.gzipped:
            return pos
        return self.member_start if pos == self.member_pos else pos

    def _consume(self, n: int) -> bytes:
        out = bytes(self.buf[:n])
        del self.buf[:n]
        self.pos += n
        return out

    def readline(self, limit: int = MAX_LINE) -> bytes:
        """A line with its end, or ``limit + 1`` bytes of a longer one, or what is left of the
        segment (b'' at its end)."""
        start = 0
        while True:
            i = self.buf.find(b"\n", start, limit + 1)
            if i >= 0:
                return self._consume(i + 1)
            if len(self.buf) > limit:
                return self._consume(limit + 1)
            start = len(self.buf)
            if not self._inflate_more():
                return self._consume(len(self.buf))

    def read(self, n: int) -> bytes:
        """Up to n bytes (fewer only at the segment's end)."""
        while len(self.buf) < n and self._inflate_more():
            pass
        return self._consume(min(n, len(self.buf)))

    def peek(self, n: int) -> bytes:
        while len(self.buf) < n and self._inflate_more():
            pass
        return bytes(self.buf[:n])

    def unread(self, data: bytes) -> None:
        self.buf[:0] = data
        self.pos -= len(data)


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
        except (_Bomb, _Corrupt) as exc:
            # the record the member holds (already numbered when its first line was read)
            index = src.index_at(src.member_pos)
            index = index if index >= last_index else last_index + 1
            last_index = index
            if isinstance(exc, _Bomb):
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
