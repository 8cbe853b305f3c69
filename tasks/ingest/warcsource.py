"""The byte source under the WARC parser (tasks/ingest/warc.py): plain or gzipped record by
record (or whole-file), inflated member by member with every member's inflation bounded, read
strictly forward, with enough held back to resynchronise at the next member or record."""

from __future__ import annotations

import zlib
from typing import Any

from tasks.ingest.decode import MAX_GZIP_RATIO

MAX_LINE = 64 * 1024  # one WARC or HTTP header line (real ones are under 8 KiB)
MEMBER_RATIO_FLOOR = 1 << 20  # a gzip member may always inflate to this much (a page of 1 MiB)
RETAIN_BYTES = 64 << 20  # held back while reading a block, to resynchronise inside it
CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b\x08"


class MemberBomb(Exception):
    """A gzip member inflating past the ratio: the rest of the member is not inflated."""


class CorruptMember(Exception):
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
                raise CorruptMember(f"corrupt gzip data: {exc}") from None
            left = self._dec.unused_data if self._dec.eof else self._dec.unconsumed_tail
            used = len(data) - len(left)
            self.cbuf = left + self.cbuf[len(data):]
            self.cpos += used
            self.member_in += used
            self.member_out += len(out)
            if (self.member_out > MEMBER_RATIO_FLOOR
                    and self.member_out > MAX_GZIP_RATIO * max(1, self.member_in)):
                raise MemberBomb(f"gzip member inflates more than {MAX_GZIP_RATIO}x (over "
                            f"{self.member_out:,} bytes from {self.member_in:,}), a "
                            "decompression bomb; not inflated further")
            self.buf += out
            if self._dec.eof:
                self.seg_done = True
                return bool(out)
            if out:
                return True
            if not data:  # no input left and nothing more inflated: the member is cut
                raise CorruptMember("the file ends inside a gzip member")

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


