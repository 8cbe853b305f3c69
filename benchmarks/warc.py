"""Memory of reading a WARC of a gigabyte or more: flat, whatever the file's size.

    .venv/bin/python benchmarks/warc.py [--sample ../shared/corpora/warc/raw/news-crawl.warc.gz]
        [--gb 1.0] [--copies 3] [--out /tmp/big.warc.gz]

Builds the file from the sample crawl: --copies copies of its records (every page an article
to extract), then non-HTML responses (10 MB each: the PDFs and videos a crawl also fetches) until
the file passes --gb gigabytes. Then reads it the way a batch does (tasks.ingest.readers.read_stream,
the HTML pages through trafilatura) and prints the peak resident memory every 10% of the bytes,
and at the end: flat means the last figure is about the first.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.ingest.decode import CountingReader
from tasks.ingest.readers import read_stream
from tasks.ingest.records import ReadResult

FILLER_BYTES = 10 << 20


def build(sample: Path, out: Path, gb: float, copies: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    data = sample.read_bytes()
    with open(out, "wb") as f:
        for _ in range(copies):
            f.write(data)  # gzip members concatenate into one valid .warc.gz
        writer = WARCWriter(f, gzip=True)
        n = 0
        filler = os.urandom(FILLER_BYTES)  # random: gzip cannot shrink it
        while f.tell() < gb * (1 << 30):
            http = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://example.org/report-{n}.pdf", "response", payload=io.BytesIO(filler),
                http_headers=http))
            n += 1
            if n % 10 == 0:  # and a copy of the pages now and then
                f.write(data)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=Path,
                    default=Path("../shared/corpora/warc/raw/news-crawl.warc.gz"))
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/big.warc.gz"))
    args = ap.parse_args()
    if not args.out.exists() or args.out.stat().st_size < args.gb * (1 << 30):
        t = time.perf_counter()
        build(args.sample, args.out, args.gb, args.copies)
        print(f"built {args.out}: {args.out.stat().st_size / (1 << 30):.2f} GiB in "
              f"{time.perf_counter() - t:.0f}s")
    size = args.out.stat().st_size
    result = ReadResult("")
    articles, mark = 0, 0.1
    t = time.perf_counter()
    print(f"before reading: peak {peak_mib():.0f} MiB")
    with open(args.out, "rb") as f:
        counted = CountingReader(f)
        for _art in read_stream(counted, args.out.name, result):
            articles += 1
            if counted.count >= mark * size:
                print(f"  {counted.count / size:4.0%} of {size / (1 << 30):.2f} GiB read, "
                      f"{articles:,} articles: peak {peak_mib():.0f} MiB")
                mark += 0.1
    print(f"done in {time.perf_counter() - t:.0f}s: {articles:,} articles, records by kind "
          f"{dict(result.kinds)}, {len(result.errors)} pages with no article; peak "
          f"{peak_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
