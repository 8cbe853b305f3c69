"""Throughput benchmark: the whole pipeline against bare spaCy on the same texts, same process.

    .venv/bin/python benchmarks/throughput.py --raw ../shared/corpora/bbc/raw [--processes 2]

1. a cold pipeline run (fresh temporary warehouse) over --raw, timed from the flow's own clock
   (Prefect start-up reported separately);
2. bare ``nlp.pipe`` with the same model, components, process count and batch size over the
   articles' texts as the pipeline stored them;
then words/s for both (words = whitespace-separated tokens of the article texts), their ratio,
and the peak resident memory of this process and all its children during each phase.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.core.settings import Settings, offline_environment  # noqa: E402


def tree_rss(me: psutil.Process) -> tuple[int, dict[str, int]]:
    """Summed RSS of a process and all its children, and the same split by role."""
    total = 0
    parts: dict[str, int] = {}
    for p in [me, *me.children(recursive=True)]:
        try:
            rss = p.memory_info().rss
            cmd = " ".join(p.cmdline())
        except psutil.Error:
            continue
        total += rss
        role = ("this process" if p.pid == me.pid else
                "NLP workers" if "multiprocessing" in cmd else
                "Prefect server" if "prefect" in cmd or "uvicorn" in cmd else "other")
        parts[role] = parts.get(role, 0) + rss
    return total, parts


class PeakMemory:
    """Samples the summed RSS of this process and its children every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self.parts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total, parts = tree_rss(me)
            if total > self.peak:
                self.peak, self.parts = total, parts
            time.sleep(0.05)

    def breakdown(self) -> str:
        return ", ".join(f"{k} {v / 2**20:,.0f}" for k, v in sorted(self.parts.items()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def prefect_overhead(n_tasks: int, workers: int) -> float:
    """Seconds Prefect itself takes for a flow shaped like the run (plan, publish, n batch tasks
    on a thread pool, one markdown artifact) when the tasks do no work: the orchestration cost
    the run pays on top of its own work (start-up excluded: this process already paid it)."""
    from prefect import flow, task
    from prefect.artifacts import create_markdown_artifact
    from prefect.cache_policies import NO_CACHE
    from prefect.futures import as_completed
    from prefect.task_runners import ThreadPoolTaskRunner

    @task(cache_policy=NO_CACHE)
    def step(i: int) -> int:
        return i

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=workers))
    def shape() -> None:
        step(-1)
        step(-2)
        for fut in as_completed([step.submit(i) for i in range(n_tasks)]):
            fut.result()
        create_markdown_artifact(key="news-etl-overhead", markdown="| a | b |\n|---|---|\n| 1 | 2 |")

    t = time.perf_counter()
    shape()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, required=True)
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--model", default=None)
    ap.add_argument("--keep", type=Path, default=None, help="warehouse folder to keep (else temp)")
    args = ap.parse_args()
    offline_environment()
    tmp = tempfile.TemporaryDirectory(prefix="news-etl-bench-")
    wh = args.keep or Path(tmp.name) / "wh"
    settings = Settings.from_env(raw=args.raw, warehouse=wh, processes=args.processes,
                                 model=args.model, progress=False)

    from flows.pipeline import run_flow

    t0 = time.perf_counter()
    with PeakMemory() as mem_pipe:
        summary = run_flow(settings)
    total = time.perf_counter() - t0
    flow_wall = summary["wall_seconds"]
    words = summary["words"]

    import duckdb

    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    n_batches = con.sql("select count(distinct batch_id) from files").fetchall()[0][0]
    texts = [r[0] for r in con.sql("select text from articles order by source_path, record_index")
             .fetchall()]
    con.close()
    bare_words = sum(len(t.split()) for t in texts)

    import spacy

    nlp = spacy.load(settings.nlp.model, exclude=list(settings.nlp.disable))
    with PeakMemory() as mem_bare:
        t1 = time.perf_counter()
        n = 0
        kwargs = {"batch_size": settings.nlp.pipe_batch_size}
        if settings.processes > 1:
            kwargs["n_process"] = settings.processes
        for _doc in nlp.pipe(texts, **kwargs):
            n += 1
        bare = time.perf_counter() - t1

    pipe_wps = words / flow_wall
    bare_wps = bare_words / bare
    print(f"corpus            {args.raw}  ({summary['files_seen']:,} files, "
          f"{summary['articles']:,} articles, {words:,} words)")
    print(f"model             {settings.nlp.model} without {', '.join(settings.nlp.disable) or 'nothing'}; "
          f"{settings.processes} processes, nlp.pipe batch {settings.nlp.pipe_batch_size}")
    print(f"pipeline          {flow_wall:8.1f} s  {pipe_wps:10,.0f} words/s  "
          f"peak RSS {mem_pipe.peak / 2**20:,.0f} MiB (all processes: {mem_pipe.breakdown()})")
    print(f"  with Prefect    {total:8.1f} s  {words / total:10,.0f} words/s  "
          f"(flow start-up and temporary API server included)")
    print(f"bare nlp.pipe     {bare:8.1f} s  {bare_wps:10,.0f} words/s  "
          f"peak RSS {mem_bare.peak / 2**20:,.0f} MiB (all processes)")
    print(f"ratio             {pipe_wps / bare_wps:.3f}  (pipeline / bare spaCy words/s)")
    print(f"rows              {summary['entities']:,} entities, {summary['quotes']:,} quotes, "
          f"{summary['files_failed']} failed files; worker NLP+extract time "
          f"{summary['nlp_seconds']:.1f} s")
    orchestration = prefect_overhead(n_batches, settings.processes)
    print(f"Prefect overhead  {orchestration:8.2f} s for a flow of {n_batches} tasks + artifact with "
          f"no work = {100 * orchestration / flow_wall:.1f}% of the run; start-up "
          f"{total - flow_wall:.1f} s once per process")
    print(f"cores             {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
