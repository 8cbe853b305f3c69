"""Big record-stream files (JSON Lines, WARC) are read in parts of about the configured batch size:
the parts read every record once, a run that stops in the middle of a file leaves the parts it
committed for the next run to complete, and a file that changes is read again whole."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from tasks.ingest.readers import read_stream, record_starts
from tasks.ingest.records import ReadError, ReadResult
from tasks.run import compact, discover
from tasks.run.discover import cut_points
from tasks.store import ledger, views
from tests.corpus import article
from tests.helpers import query, run_pipeline, table
from tests.test_warc import write_crawl


def _jsonl(n: int, start: int = 0) -> bytes:
    """n articles, one a line, with a blank line and a malformed record among them."""
    lines = [json.dumps({"title": t, "text": b}) for j in range(start, start + n)
             for t, b in [article(j)]]
    lines.insert(7, "")
    lines.insert(12, '{"title": "cut off", "text": ')
    return ("\n".join(lines) + "\n").encode()


def _read(path: Path, span=None) -> tuple[list, ReadResult, str | None]:
    result = ReadResult("")
    arts, stopped = [], None
    with open(path, "rb") as f:
        try:
            arts.extend(read_stream(f, path.name, result, span))
        except ReadError as exc:
            stopped = str(exc)
    return arts, result, stopped


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.jsonl.gz", "crawl.warc.gz", "crawl.warc"])
def test_the_parts_of_a_file_read_each_record_once(tmp_path, name):
    path = tmp_path / name
    if name.startswith("crawl"):
        write_crawl(path, gzip=name.endswith(".gz"))
        per_part = 1  # three HTML pages: a part each
    else:
        data = _jsonl(23)
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        per_part = 5
    with open(path, "rb") as f:
        starts = list(record_starts(f, name))
    cuts, total = cut_points(starts, per_part)
    assert len(cuts) >= 2 and total == len(starts)
    whole, whole_result, stopped = _read(path)
    assert stopped is None
    bounds = [None, *cuts, None]
    arts, errors, kinds = [], [], {}
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        part, result, stopped = _read(path, (lo, hi))
        assert stopped is None
        assert all((lo is None or a.record_index >= lo) and (hi is None or a.record_index < hi)
                   for a in part)
        arts += part
        errors += result.errors
        for k, n in result.kinds.items():
            kinds[k] = kinds.get(k, 0) + n
    assert [(a.record_index, a.title, a.text) for a in arts] == [
        (a.record_index, a.title, a.text) for a in whole]
    assert errors == whole_result.errors and len(errors) == 1  # the bad record, reported once
    assert kinds == {k: n for k, n in whole_result.kinds.items() if n}


def test_cut_points_make_even_parts_and_fold_a_small_remainder():
    assert cut_points(range(1, 11), 3) == ([4, 7], 10)  # 3, 3 and 4 records
    assert cut_points(range(1, 12), 3) == ([4, 7, 10], 11)  # 3, 3, 3 and 2
    assert cut_points(range(1, 5), 3) == ([], 4)  # 4 records: one part
    assert cut_points([], 3) == ([], 0)


def _parts(wh: Path) -> list[tuple]:
    return query(wh, "select part, batch_id, articles, status from file_parts "
                     "where path = 'archive.jsonl' order by part")


def test_a_big_file_is_read_in_parts_resumed_and_redone_when_changed(tmp_path, prefect_harness):
    raw, wh, ref = tmp_path / "raw", tmp_path / "wh", tmp_path / "ref"
    raw.mkdir()
    archive = raw / "archive.jsonl"
    archive.write_bytes(_jsonl(30))
    title, body = article(99)
    (raw / "a-note.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")  # (in part 0's batch)

    # the same folder read whole (one batch) and in parts of five: the same rows
    run_pipeline(raw, ref, batch_articles=400)
    assert query(ref, "select parts from files where path = 'archive.jsonl'") == [(1,)]
    summary = run_pipeline(raw, wh, batch_articles=5)
    assert summary["status"] == "completed"
    parts = _parts(wh)
    assert [p[0] for p in parts] == list(range(6))
    # 31 records of five a part, the one left over joining the last; line 13 is malformed
    assert [p[2] for p in parts] == [5, 5, 4, 5, 5, 6]
    assert len({p[1] for p in parts}) == 6  # a batch each
    assert query(wh, "select status, articles, records_failed, parts, parts_stored, error from "
                     "files where path = 'archive.jsonl'") == [
        ("partial", 30, 1, 6, 6, "part 3: 1 bad record(s): line 13: malformed JSON: "
                                 "Expecting value")]
    for name, order in (("articles", "article_id"), ("entities", "article_id, entity_index"),
                        ("quotes", "article_id, quote_index")):
        assert table(wh, name, order) == table(ref, name, order), name

    # a run that stopped after four of the six parts: they are what readers see, and the file
    # says what is missing
    for _, batch_id, _, _ in (parts[2], parts[5]):
        shutil.rmtree(wh / "batches" / batch_id)
    views.publish_views(wh)
    status, articles, stored, error, retryable = query(
        wh, "select status, articles, parts_stored, error, retryable from files "
            "where path = 'archive.jsonl'")[0]
    assert (status, articles, stored, retryable) == ("partial", 20, 4, True)
    assert error.startswith("2 of 6 parts not stored yet")
    assert query(wh, "select count(*) from articles where source_path = 'archive.jsonl'") == [(20,)]

    # the next run reads those two parts only, with the same cuts
    summary = run_pipeline(raw, wh, batch_articles=400)
    assert summary["articles"] == 10 and summary["files_changed"] == 1
    resumed = _parts(wh)
    assert [p[1] for p in resumed if p[0] not in (2, 5)] == [
        p[1] for p in parts if p[0] not in (2, 5)]
    assert table(wh, "articles", "article_id") == table(ref, "articles", "article_id")
    assert query(wh, "select status, parts_stored from files where path = 'archive.jsonl'") == [
        ("partial", 6)]

    # a reprocess that stops half-way: the complete earlier split stays what readers see, and
    # the next run completes the new one
    run_pipeline(raw, wh, batch_articles=5, reprocess_all=True)
    redone = _parts(wh)
    assert not {p[1] for p in redone} & {p[1] for p in resumed}
    shutil.rmtree(wh / "batches" / redone[4][1])
    views.publish_views(wh)
    assert _parts(wh) == resumed
    summary = run_pipeline(raw, wh, batch_articles=5)
    assert summary["articles"] == 5  # the one part left
    assert [p[1] for p in _parts(wh)][:4] == [p[1] for p in redone][:4]

    # a changed file is read again whole, in a new split; none of the old parts stays
    archive.write_bytes(_jsonl(31))
    summary = run_pipeline(raw, wh, batch_articles=5)
    assert summary["articles"] == 31
    changed = _parts(wh)
    assert not {p[1] for p in changed} & {p[1] for p in redone}
    assert query(wh, "select count(*), count(distinct article_id) from articles "
                     "where source_path = 'archive.jsonl'") == [(31, 31)]

    # compaction keeps the live parts apart, and the ledger still sees the file whole
    before = {n: table(wh, n, o) for n, o in (("articles", "article_id"), ("files", "path"))}
    compact.compact(wh, target_rows=100_000)
    assert {n: table(wh, n, o) for n, o in (("articles", "article_id"), ("files", "path"))} == before
    entry = ledger.read_ledger(wh)["archive.jsonl"]
    assert entry.split_id is not None and not entry.missing_parts and not entry.torn
    assert not discover.plan(raw, ledger.read_ledger(wh)).work  # nothing left to read

    # a file read in parts is pruned whole when it leaves the folder
    archive.unlink()
    assert run_pipeline(raw, wh, batch_articles=5, prune=True)["files_pruned"] == 1
    assert query(wh, "select status, parts from files where path = 'archive.jsonl'") == [
        ("deleted", 1)]
    assert query(wh, "select count(*) from articles where source_path = 'archive.jsonl'") == [(0,)]


def test_a_crawl_appended_to_during_a_run_is_read_as_planned(tmp_path):
    # issue 24: records appended while a run read a crawl in parts made the parts disagree on
    # the file's contents (the last part hashed more bytes), so the views dropped the earlier
    # parts: the run said 600 articles and the views showed 470. Every part now reads the file
    # as planned; what was appended is the next run's change.
    import hashlib

    from tasks.core.settings import NlpSettings
    from tasks.run.batch import BatchSpec, iter_articles
    from tasks.run.discover import split_files, walk
    from tests.test_warc import _gz_members, _records

    raw = tmp_path / "raw"
    raw.mkdir()
    crawl = raw / "live.warc.gz"
    crawl.write_bytes(_gz_members(_records(30)))
    planned = crawl.read_bytes()
    [fw] = walk(raw)
    parts = split_files([fw], raw, per_part=5, split_id="s1")
    assert len(parts) > 2
    more = [r.replace(b"Council vote number", b"Late council vote") for r in _records(10)]
    with open(crawl, "ab") as f:  # the crawler goes on writing
        f.write(_gz_members(more))
    titles, hashes = [], set()
    for part in parts:
        states: dict = {}
        spec = BatchSpec(f"b{part.part}", "r", str(raw), str(tmp_path / "wh"), [part], NlpSettings(model="m"))
        titles += [a.title for a in iter_articles(spec, states)]
        [st] = states.values()
        assert st.fw.size == len(planned) and not st.errors and st.error is None
        hashes.add(st.fw.content_hash)
    assert hashes == {hashlib.blake2b(planned, digest_size=16).hexdigest()}  # the parts agree
    assert titles == [f"Council vote number {n}" for n in range(30)]


def test_a_file_of_short_records_is_cut_by_its_bytes_not_its_count(tmp_path):
    """A million one-line records cut every per_part records made batches of tens of articles,
    each paying a batch's fixed cost: a part holds about target_bytes of text instead."""
    import json

    from tasks.run.discover import split_files, walk

    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [json.dumps({"id": f"n{i}", "title": f"Brief {i}",
                         "text": f"Councillor Ruth Calloway said item {i} passed."})
             for i in range(2_000)]
    (raw / "briefs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [fw] = walk(raw)
    by_count = split_files([fw], raw, per_part=20, split_id="s1")
    by_bytes = split_files([fw], raw, per_part=20, split_id="s2", target_bytes=fw.size // 4)
    assert len(by_count) == 100
    assert len(by_bytes) == 4  # about a quarter of the file's bytes each
    assert abs(sum(p.share for p in by_bytes) - 1) < 1e-9
    # a file of records of an article's length keeps per_part
    long_text = " ".join(["The council met on Tuesday to debate the harbour budget."] * 100)
    (raw / "briefs.jsonl").write_text("\n".join(json.dumps({"id": f"l{i}", "text": long_text})
                                                for i in range(40)) + "\n", encoding="utf-8")
    [fw] = walk(raw)
    assert len(split_files([fw], raw, per_part=5, split_id="s3", target_bytes=fw.size // 20)) == 8
