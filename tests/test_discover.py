"""Discovery and batch planning as plain functions."""

from __future__ import annotations

import os

from tasks.run.discover import FileWork, batch_target, hash_file, plan, split_batches, walk
from tasks.store.ledger import LedgerEntry


def test_walk_records_everything_but_hidden_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "two.jsonl.gz").write_bytes(b"")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    os.symlink(tmp_path / "a", tmp_path / "link-to-a")
    os.symlink("loop2.txt", tmp_path / "loop1.txt")
    os.symlink("loop1.txt", tmp_path / "loop2.txt")
    found = {f.path: f for f in walk(tmp_path)}
    assert sorted(found) == ["a/one.txt", "a/two.jsonl.gz", "link-to-a", "loop1.txt", "loop2.txt",
                             "notes.pdf"]
    assert found["notes.pdf"].skip_reason == "unsupported file type"
    assert found["link-to-a"].skip_reason == "link to a folder, not followed (--follow-links to read it)"
    assert found["loop1.txt"].error.startswith("cannot stat file: Too many levels of symbolic links")
    assert found["a/one.txt"].size == 1 and found["a/one.txt"].skip_reason is None


def test_plan_new_changed_unchanged_missing_and_touched(tmp_path):
    for name, body in [("same.txt", "a"), ("touched.txt", "b"), ("edited.txt", "c"), ("new.txt", "d")]:
        (tmp_path / name).write_text(body)
    st = {p.name: p.stat() for p in tmp_path.iterdir()}

    def entry(name, h, status="ok"):
        return LedgerEntry(name, h, st[name].st_size, st[name].st_mtime_ns, status)

    ledger = {
        "same.txt": entry("same.txt", hash_file(tmp_path / "same.txt")),
        "touched.txt": entry("touched.txt", hash_file(tmp_path / "touched.txt")),
        "edited.txt": entry("edited.txt", hash_file(tmp_path / "edited.txt")),
        "gone.txt": LedgerEntry("gone.txt", "00", 1, 1, "ok"),
    }
    os.utime(tmp_path / "touched.txt", ns=(1, 1))  # same bytes, new mtime: hashed, unchanged
    (tmp_path / "edited.txt").write_text("c, edited")
    p = plan(tmp_path, ledger)
    assert sorted((w.path, w.change) for w in p.work) == [("edited.txt", "changed"), ("new.txt", "new")]
    assert (p.seen, p.new, p.changed, p.unchanged, p.missing) == (4, 1, 1, 2, ["gone.txt"])


def test_plan_retries_failed_files_only_when_asked(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    st = (tmp_path / "bad.txt").stat()
    ledger = {"bad.txt": LedgerEntry("bad.txt", None, 0, st.st_mtime_ns, "failed")}
    assert plan(tmp_path, ledger).work == []
    [w] = plan(tmp_path, ledger, retry_failed=True).work
    assert w.change == "retry"


def test_batches_split_by_size_and_spread_over_workers():
    work = [FileWork(f"f{i:03d}.txt", size=10_000) for i in range(100)]
    target = batch_target(work, max_bytes=1_200_000, processes=2)
    assert target == 125_000  # 1 MB of text over 2 workers x 4 batches
    batches = split_batches(work, target)
    # as even as the files allow: eight batches for two workers, not eight full ones and a
    # ninth of the four files left, which one worker would run alone
    assert [len(b) for b in batches] == [13, 12] * 4
    # parts of a split file, each a batch of its own, do not make the files after them one
    # oversized batch: every batch stays within the target
    parts = [FileWork("big.jsonl", size=450, part=k, cuts=(1,)) for k in range(10)]
    small = [FileWork(f"s{i:03d}.txt", size=10) for i in range(500)]
    assert max(sum(f.size for f in b) for b in split_batches(parts + small, 1_000)) <= 1_000
    assert [f.path for b in batches for f in b] == [f.path for f in work]
    gz = [FileWork("big.jsonl.gz", size=300_000), FileWork("small.txt", size=1)]
    assert [len(b) for b in split_batches(gz, 1_000_000)] == [1, 1]
    # two parts of a split file never share a batch; small files go with either
    parts = [FileWork("a.txt", size=10), FileWork("big.jsonl", size=900, part=0, cuts=(5,)),
             FileWork("big.jsonl", size=900, part=1, cuts=(5,)), FileWork("b.txt", size=10),
             FileWork("c.txt", size=10)]
    assert [[(f.path, f.part) for f in b] for b in split_batches(parts, 1_000_000)] == [
        [("a.txt", None), ("big.jsonl", 0)], [("big.jsonl", 1), ("b.txt", None), ("c.txt", None)]]
