"""Text from the data, made safe to show on a terminal.

Titles, file names, snippets and reasons come from input files: an ESC sequence in a title
could move the cursor, rewrite a line, retitle the window or hide what follows. Every command
that prints such text passes it through ``printable``, which writes control characters as
visible escapes (``\\x1b``), C1 controls and bidirectional overrides included, so what is shown
is what the data holds and nothing more.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls, DEL, C1 controls, and the bidi embeddings/overrides/isolates (text that reads
# in one order and runs in another)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(value: Any) -> str:
    """The value as one line of visible text: every control character escaped (newlines and
    tabs too: a name never spans lines)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(_escape, text)


def printable_lines(text: str) -> str:
    """A block of lines (a rendered table) with the controls inside each line escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))


def say(text: object = "", file: Any = None) -> None:
    """print() for lines that carry data (paths, titles, reasons): controls escaped."""
    print(printable_lines(str(text)), file=file)


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 batch', '2,225 batches': a count for people, with its noun."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
