"""What a run shows while it works: a live bar on a terminal (driven here through a real
pseudo-terminal), a plain line per batch elsewhere, and with --quiet only the result."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tasks.run.progress import BatchSize, Progress, duration
from tests.conftest import PROJECT
from tests.helpers import CLI, cli_env, query


@dataclass
class Done:  # what the flow hands Progress for a committed batch
    batch_id: str
    articles: int
    words: int
    files: int = 1
    files_failed: int = 0


def test_a_plain_line_per_batch_says_the_batch_and_the_total():
    out = io.StringIO()
    sizes = {"b1": BatchSize(3, 3_000), "b2": BatchSize(1, 1_000)}
    with Progress(sizes, enabled=True, stream=out, live=False) as p:
        p.add(Done("b1", articles=30, words=9_000, files=3))
        p.add(Done("b2", articles=12, words=3_000, files_failed=1))
    first, second = out.getvalue().splitlines()
    assert first.startswith("  batch 1/2 committed: 30 articles (30 in all), 3/4 files, ")
    assert "ETA " in first
    assert second.startswith("  batch 2/2 committed: 12 articles (42 in all), 4/4 files, ")
    assert second.endswith("done, 1 failed files")
    assert "\r" not in out.getvalue()


def test_the_live_bar_redraws_in_place_and_ends_full():
    out = io.StringIO()
    with Progress({"b1": BatchSize(2, 2_000), "b2": BatchSize(2, 2_000)}, enabled=True,
                  stream=out, live=True) as p:
        p.add(Done("b1", articles=5, words=2_000, files=2))
    frames = out.getvalue().split("\r\x1b[K")
    assert " 50%  2/4 files  5 articles" in frames[-2]
    assert frames[-1].startswith("  ████████████░░░░░░░░░░░░  50%")  # b2 never committed
    assert out.getvalue().endswith("\n") and "\n" not in out.getvalue()[:-1]
    quiet = io.StringIO()
    with Progress({"b1": BatchSize(1, 1)}, enabled=False, stream=quiet, live=True) as p:
        p.add(Done("b1", articles=1, words=1))
    assert quiet.getvalue() == ""


def test_durations_read_as_people_say_them():
    assert [duration(s) for s in (4.4, 65, 3_725)] == ["4s", "1m05s", "1h02m"]


def run_in_a_terminal(args: list[str], env: dict[str, str],
                      meanwhile: Callable[[subprocess.Popen], None] | None = None,
                      ) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as its stdin, stdout and stderr (in a session of
    its own, as a shell's foreground job); ``meanwhile`` is called between reads (to send it a
    signal, say)."""
    main, sub = pty.openpty()
    proc = subprocess.Popen([str(CLI), *args], stdin=sub, stdout=sub, stderr=sub, env=env,
                            close_fds=True, start_new_session=True)
    os.close(sub)
    out = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 1 << 16)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
        if meanwhile is not None:
            meanwhile(proc)
    os.close(main)
    return proc.wait(timeout=60), out.decode("utf-8", "replace")


@pytest.mark.slow
def test_a_run_on_a_terminal_shows_a_live_bar_and_a_quiet_run_only_its_result(tmp_path,
                                                                           prefect_harness):
    """The sample corpus run as a user runs it (its own temporary Prefect server, the report
    written), on a terminal; then what a rerun, a piped run and --quiet runs show."""
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    n_files = sum(1 for p in raw.rglob("*") if p.is_file())
    as_a_user = cli_env(tmp_path / "ph", own_server=True, report=True)
    code, shown = run_in_a_terminal(["run", "--raw", str(raw), "--warehouse", str(wh),
                                     "--batch-articles", "3", "--processes", "1"], as_a_user)
    assert code == 0, shown[-2000:]
    frames = [f for f in shown.split("\r\x1b[K") if f.strip()]
    assert len(frames) >= 3  # drawn at the start, at each batch, at the end
    assert all("files" in f and "words/s" in f for f in frames[:-1])
    assert any("ETA " in f for f in frames)
    assert f"100%  {n_files}/{n_files} files  17 articles" in frames[-1]
    assert "| INFO" not in shown  # Prefect's log lines do not tear the bar
    assert "completed in" in shown and f"files: {n_files} seen, {n_files} new" in shown
    report = wh / "report.html"  # the run writes its report and says where
    assert f"report: {report}" in shown and report.stat().st_size > 100_000
    written = report.stat().st_mtime_ns

    # a second run with nothing to do answers at once, without Prefect, and says so; the
    # report is not redrawn
    code, shown = run_in_a_terminal(["run", "--raw", str(raw), "--warehouse", str(wh)], as_a_user)
    assert code == 0 and "(nothing to do)" in shown and "Prefect" not in shown
    assert f"0 new, 0 changed, {n_files} unchanged" in shown and "rows:  0 articles" in shown
    assert report.stat().st_mtime_ns == written

    # piped, a run says a plain line per batch on stderr and its summary on stdout
    env = cli_env(tmp_path / "ph")
    (raw / "sport" / "early.txt").write_text("Early result\n\nThe Rovers lost 0-1 away.\n",
                                           encoding="utf-8")
    res = subprocess.run([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "batch 1/1 committed: 1 articles" in res.stderr and "\r" not in res.stderr
    assert "rows:  1 articles" in res.stdout and "\x1b" not in res.stdout + res.stderr

    # quiet, a run says only what went wrong, with the run's line (a quiet run where nothing
    # failed prints nothing: test_concurrency.py)
    (raw / "sport" / "late.txt").write_text("Late result\n\nThe Rovers won 2-1 at home.\n",
                                          encoding="utf-8")
    (raw / "sport" / "broken.json").write_text("{\"text\": ", encoding="utf-8")
    res = subprocess.run([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "completed in" in res.stdout and "failed: sport/broken.json: malformed JSON" in res.stdout
    assert "rows:" not in res.stdout and "INFO" not in res.stderr and "batch" not in res.stderr
    assert query(wh, "select count(*) from articles")[0][0] == 19  # the sample's 17 and two
    # and with nothing to do (the broken file is not retried unless asked), nothing at all
    res = subprocess.run([str(CLI), "run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")
    assert query(wh, "select status, files_new from runs order by started_at") == [
        ("completed", n_files), ("completed", 0), ("completed", 1), ("completed", 2),
        ("completed", 0)]


def test_the_live_bar_never_goes_back_while_batches_leave_staging():
    # a batch leaves staging a moment before its commit is counted: the articles in flight
    # drop before the committed ones rise; the bar once showed 512 articles, then 256
    out = io.StringIO()
    in_flight = iter([256, 512, 0, 300, 100, 0])
    sizes = {f"b{i}": BatchSize(10, 256 * 3_000) for i in range(4)}
    with Progress(sizes, enabled=True, stream=out, live=True) as p:
        p._in_flight = lambda: next(in_flight, 0)  # type: ignore[method-assign]
        p._draw()
        p._draw()
        p._draw()  # 512 staged rows left staging, not yet counted as committed
        p.add(Done("b0", articles=512, words=90_000, files=10))
        p._draw()
        p.add(Done("b1", articles=100, words=20_000, files=10))
    frames = [f for f in out.getvalue().split("\r\x1b[K") if f.strip()]
    shape = re.compile(r"(\d+)%\s+([\d,]+)/[\d,]+ files\s+([\d,]+) articles")
    seen = [tuple(int(g.replace(",", "")) for g in m.groups())
            for f in frames if (m := shape.search(f))]
    assert len(seen) == len(frames) >= 6
    for before, after in zip(seen, seen[1:], strict=False):
        assert all(b <= a for b, a in zip(before, after, strict=True)), seen
    assert "- words/s" in frames[0] and "- words/s" not in frames[-1]


@pytest.mark.slow
def test_ctrl_c_prints_a_few_lines_and_the_next_plain_run_finishes_the_reprocess(
        tmp_path, prefect_harness):
    # Ctrl-C once printed ~310 lines (16 tracebacks, a bar redrawn at 0%) and said the next run
    # would process the rest, which a plain run did not do for an interrupted reprocess
    import signal

    from tests.corpus import write_corpus
    from tests.helpers import run_pipeline

    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write_corpus(raw, 60)
    assert run_pipeline(raw, wh)["status"] == "completed"  # (one batch: the reprocess is cut small)
    first_run = query(wh, "select max(run_id) from runs")[0][0]
    before = {p.name for p in (wh / "batches").iterdir()}
    sent: list[bool] = []

    def ctrl_c_after_two_commits(proc: subprocess.Popen) -> None:
        if not sent and len({p.name for p in (wh / "batches").iterdir()} - before) >= 2:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
            sent.append(True)

    code, shown = run_in_a_terminal(
        ["run", "--raw", str(raw), "--warehouse", str(wh), "--reprocess-match", "*",
         "--batch-articles", "3", "--processes", "2"], cli_env(tmp_path / "ph"),
        ctrl_c_after_two_commits)
    assert sent and code == 130, shown[-3000:]
    assert shown.count("\n") <= 5, shown
    assert "Traceback" not in shown and "RuntimeError" not in shown
    assert "SIGINT received, stopping the run" in shown
    assert "interrupted:" in shown and "committed and kept" in shown
    assert "--reprocess-match '*'" in shown  # what is left is said, with what finishes it
    [(status, articles)] = query(wh, "select status, articles from runs where run_id > "
                                     f"'{first_run}'")
    assert status == "interrupted" and 0 < articles < 60
    st = subprocess.run([str(CLI), "status", "--warehouse", str(wh), "--raw", str(raw)],
                        capture_output=True, text=True, env=cli_env(tmp_path / "ph"), timeout=120)
    assert "pending: --reprocess-match '*'" in st.stdout and "the next `news-etl run`" in st.stdout

    # the next plain run finishes the reprocess: every file rebuilt once, none twice
    done = run_pipeline(raw, wh, batch_articles=3)
    assert done["status"] == "completed" and done["files_reprocessed"] > 0
    assert query(wh, f"select count(*) from files where batch_id < '{first_run}~'") == [(0,)]
    assert query(wh, "select count(*), count(distinct article_id) from articles") == [(60, 60)]
    assert done["articles"] + articles == 60
    again = run_pipeline(raw, wh, batch_articles=3)  # and then there is nothing left to do
    assert again["files_reprocessed"] == 0 and again["articles"] == 0
