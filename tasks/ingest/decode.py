"""Bytes to text: BOMs, declared and detected charsets, and the bounded streams (counted,
gunzipped with a ratio limit) every reader reads through."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from typing import Any, BinaryIO

from tasks.ingest.records import ReadError

MAX_JSON_DEPTH = 64
MIN_HTML_WORDS = 15  # less main text than this is a navigation or error page, not an article

# Limits on what one file may cost, so no input can exhaust memory (see Reading limits in README).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # .txt/.json/.html are read whole: at most this many bytes
MAX_LINE_BYTES = 16 * 1024 * 1024  # one JSON Lines record (an article of 1M characters fits)
MAX_GZIP_RATIO = 100  # news text gzips 3-10x; a bomb of repeated bytes reaches 1000x
GZIP_RATIO_FLOOR = 16 * 1024 * 1024  # the ratio is only enforced beyond this much output
READ_CHUNK = 1 << 20



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

    def __init__(self, raw: BinaryIO | io.RawIOBase, hasher: Any = None):
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
