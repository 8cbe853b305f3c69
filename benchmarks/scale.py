"""Scale benchmark: one cold run over a big corpus, memory against articles processed, then a
no-op rerun. Prints its figures; nothing is asserted.

    .venv/bin/python benchmarks/scale.py --raw ../shared/corpora/allsides/raw \
        --warehouse /tmp/wh-allsides [--processes 2] [--checkpoint 5000]

Every second it samples the summed resident memory of this process and all its children
(the run's worker processes included) together with the number of articles processed so far
(committed batches plus the staged-article counters of batches still being written). It then
prints the peak up to the checkpoint (default: after 5,000 articles), the peak over the whole
run, and the peak within each slice of the run, so growth with corpus size shows as a trend.
The second run over the unchanged folder is the no-op rerun. Query timings on the result come
from ``benchmarks/queries.py``; the run has merged its small batches by then (more than
``compact_batches``, 32 by default), as every run does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throughput import PeakMemory, tree_rss  # noqa: E402
from tasks.core.settings import Settings, offline_environment  # noqa: E402
from tasks.store import layout, staging


class Sampler(PeakMemory):
    """PeakMemory that also keeps (seconds, RSS of this process tree, articles processed) every
    ``every`` seconds."""

    def __init__(self, wh: Path, every: float = 0.5) -> None:
        super().__init__()
        self.wh = wh
        self.every = every
        self.samples: list[tuple[float, int, int]] = []
        self._committed: dict[str, int] = {}

    def _articles(self) -> int:
        bdir = layout.batches_dir(self.wh)
        if bdir.is_dir():
            for d in bdir.iterdir():
                if d.name not in self._committed and (d / "articles.parquet").is_file():
                    try:
                        self._committed[d.name] = pq.ParquetFile(
                            d / "articles.parquet").metadata.num_rows
                    except OSError:
                        pass
        return sum(self._committed.values()) + staging.staged_articles(self.wh)

    def _run(self) -> None:
        me = psutil.Process()
        t0 = time.perf_counter()
        while not self._stop.is_set():
            rss, parts = tree_rss(me)
            if rss > self.peak:
                self.peak, self.parts = rss, parts
            try:
                n = self._articles()
            except OSError:
                n = self.samples[-1][2] if self.samples else 0
            self.samples.append((time.perf_counter() - t0, rss, n))
            self._stop.wait(self.every)


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def bare_against_recorded_run(wh: Path, settings: Settings) -> None:
    """Bare ``nlp.pipe`` (same model, components, processes, batch size) over the texts of an
    existing warehouse, against the words/s of the cold run recorded in its runs table."""
    import spacy

    from tasks.store import views

    con = views.connect(wh)
    try:
        words, wall = con.sql("select words, wall_seconds from runs where status = 'completed' "
                              "order by words desc limit 1").fetchall()[0]
        texts = [r[0] for r in con.sql(
            "select text from articles order by source_path, record_index").fetchall()]
    finally:
        con.close()
    nlp = spacy.load(settings.nlp.model, exclude=list(settings.nlp.disable))
    n_words = sum(len(t.split()) for t in texts)
    kwargs: dict[str, int] = {"batch_size": settings.nlp.pipe_batch_size}
    if settings.processes > 1:
        kwargs["n_process"] = settings.processes
    t = time.perf_counter()
    for _ in nlp.pipe(texts, **kwargs):
        pass
    bare = time.perf_counter() - t
    print(f"recorded run  {words:,} words in {wall:,.1f} s: {words / wall:,.0f} words/s")
    print(f"bare nlp.pipe {n_words:,} words in {bare:,.1f} s: {n_words / bare:,.0f} words/s "
          f"({settings.processes} processes, batch {settings.nlp.pipe_batch_size})")
    print(f"ratio         {(words / wall) / (n_words / bare):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, required=True)
    ap.add_argument("--warehouse", type=Path, required=True, help="a new (empty) folder")
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--checkpoint", type=int, default=5000, help="articles (default 5000)")
    ap.add_argument("--slices", type=int, default=6)
    ap.add_argument("--bare-only", action="store_true",
                    help="no run: bare nlp.pipe over --warehouse's texts against its recorded run")
    args = ap.parse_args()
    if args.bare_only:
        offline_environment()
        bare_against_recorded_run(args.warehouse, Settings.from_env(
            raw=args.raw, warehouse=args.warehouse, processes=args.processes))
        return 0
    if args.warehouse.exists() and any(args.warehouse.iterdir()):
        ap.error(f"{args.warehouse} is not empty: the first run must be cold")
    offline_environment()
    settings = Settings.from_env(raw=args.raw, warehouse=args.warehouse,
                                 processes=args.processes, progress=True)
    from flows.pipeline import run_flow

    t0 = time.perf_counter()
    with Sampler(args.warehouse) as s:
        first = run_flow(settings)
    total = time.perf_counter() - t0

    t1 = time.perf_counter()
    second = run_flow(settings)
    noop_total = time.perf_counter() - t1

    samples = s.samples
    peak = max(r for _, r, _ in samples)
    early = [r for _, r, n in samples if n <= args.checkpoint]
    words, wall = first["words"], first["wall_seconds"]
    print(f"\ncorpus        {args.raw}: {first['files_seen']:,} files, {first['articles']:,} "
          f"articles, {words:,} words, {first['files_failed']} failed files")
    print(f"settings      {settings.nlp.model} without {', '.join(settings.nlp.disable) or 'nothing'}; "
          f"{settings.processes} processes, pipe batch {settings.nlp.pipe_batch_size}")
    print(f"cold run      {wall:,.1f} s in the flow ({total:,.1f} s with Prefect start-up); "
          f"{words / wall:,.0f} words/s; {first['entities']:,} entities, {first['quotes']:,} quotes")
    split = ", ".join(f"{k} {mib(v)}" for k, v in sorted(s.parts.items()))
    print(f"memory        peak {mib(peak)} (all processes: {split}); peak up to {args.checkpoint:,} "
          f"articles {mib(max(early)) if early else 'n/a'}")
    last_n = samples[-1][2] or 1
    print("  by slice of articles processed (peak RSS within the slice):")
    for i in range(args.slices):
        lo, hi = last_n * i // args.slices, last_n * (i + 1) // args.slices
        within = [r for _, r, n in samples if lo < n <= hi or (i == 0 and n == 0)]
        if within:
            print(f"    {lo:>7,} - {hi:>7,}   {mib(max(within))}")
    print(f"no-op rerun   {second['wall_seconds']:,.2f} s in the flow ({noop_total:,.1f} s with "
          f"Prefect), {second['files_new'] + second['files_changed']} files to process; "
          f"{100 * second['wall_seconds'] / wall:.2f}% of the cold run "
          f"({100 * noop_total / total:.2f}% counting Prefect)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
