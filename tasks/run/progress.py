"""A run's progress as people read it: a live bar on a terminal, a plain line per batch in a log.

On a terminal the bar is redrawn twice a second from what is committed and what the workers have
staged so far (staging.staged_articles): files, articles, words per second and the time left,
estimated from the bytes of input done against the bytes planned. Anywhere else (a log file, a
pipe, a scheduler's capture) each committed batch prints one line with the same figures, the
batch's own articles apart from the running total.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

TICK_SECONDS = 0.5
BAR_WIDTH = 24


@dataclass
class BatchSize:
    files: int
    bytes: int


def duration(seconds: float) -> str:
    """'45s', '3m05s', '2h07m'."""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """Thread-safe running totals of a run's batches, shown as they commit."""

    def __init__(self, sizes: dict[str, BatchSize], enabled: bool, wh: Path | None = None,
                 stream: TextIO | None = None, live: bool | None = None,
                 bytes_per_article: int = 3_000):
        self.sizes = sizes
        self.total = len(sizes)
        self.total_files = sum(s.files for s in sizes.values())
        self.total_bytes = max(1, sum(s.bytes for s in sizes.values()))
        self.enabled = enabled
        self.wh = wh
        self.stream = stream or sys.stderr
        self.live = enabled and (self.stream.isatty() if live is None else live)
        self.bytes_per_article = bytes_per_article  # until the first batch says better
        self.done = self.files = self.bytes = self.articles = self.words = self.failed = 0
        self.started = time.perf_counter()
        # what the bar has shown: it never goes back (a batch leaves staging a moment before
        # its commit is counted, which once drew 512 articles, then 256)
        self._shown_articles = 0
        self._shown_bytes = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.live:
            self._draw()
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.live:
            self._draw()
            self._write("\n")

    def add(self, r: Any) -> None:
        """A committed batch (a BatchResult)."""
        size = self.sizes.get(r.batch_id, BatchSize(r.files, 0))
        with self._lock:
            self.done += 1
            self.files += size.files
            self.bytes += size.bytes
            self.articles += r.articles
            self.words += r.words
            self.failed += r.files_failed
            if self.articles:
                self.bytes_per_article = max(1, self.bytes // self.articles)
            if self.live:
                self._draw()
            elif self.enabled:
                self._write(f"  batch {self.done}/{self.total} committed: {r.articles:,} "
                            f"articles ({self.articles:,} in all), {self.files:,}/"
                            f"{self.total_files:,} files, {self._rate():,.0f} words/s, "
                            f"{self._eta(self.bytes)}, {self.failed} failed files\n")

    # --- drawing ---------------------------------------------------------------------------------

    def _rate(self) -> float:
        return self.words / max(time.perf_counter() - self.started, 1e-9)

    def _eta(self, done_bytes: float) -> str:
        frac = min(done_bytes / self.total_bytes, 1.0)
        if frac >= 1.0:
            return "done"
        if frac <= 0.0:
            return "ETA -"
        elapsed = time.perf_counter() - self.started
        return f"ETA {duration(elapsed * (1 - frac) / frac)}"

    def _in_flight(self) -> int:
        if self.wh is None:
            return 0
        from tasks.store.staging import staged_articles

        return staged_articles(self.wh)

    def _draw(self) -> None:
        staged = self._in_flight() if self.done < self.total else 0
        done_bytes: float = min(self.bytes + staged * self.bytes_per_article, self.total_bytes)
        done_bytes = self._shown_bytes = max(self._shown_bytes, done_bytes)
        articles = self._shown_articles = max(self._shown_articles, self.articles + staged)
        frac = done_bytes / self.total_bytes
        filled = int(frac * BAR_WIDTH)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        # words are counted as batches commit: before the first, the rate is not known yet
        rate = f"{self._rate():,.0f} words/s" if self.words else "- words/s"
        line = (f"\r\033[K  {bar} {frac:4.0%}  {self.files:,}/{self.total_files:,} files  "
                f"{articles:,} articles  {rate}  {self._eta(done_bytes)}")
        if self.failed:
            line += f"  {self.failed} failed"
        self._write(line)

    def _write(self, text: str) -> None:
        """Straight to the stream: the flow's log_prints would turn a print() into a log line."""
        self.stream.write(text)
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self._lock:
                self._draw()
