"""Hostile input: every kind of bad file gets a files row with a clear reason, good records in a
partly bad file are kept, and the run completes. Readers are fuzzed with hypothesis."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.ingest.readers import read_bytes
from tasks.ingest.records import ReadError, ReadResult
from tests.helpers import query, run_pipeline

SUFFIXES = [".txt", ".json", ".jsonl", ".html", ".txt.gz", ".json.gz", ".jsonl.gz"]
GOOD = ("\u201cWe will rebuild the harbour wall before winter,\u201d Mayor Helen Brandt said on "
        "Monday in Port Alder.")


def check_read(data: bytes, name: str) -> None:
    """The reader contract: articles with text, or a ReadError with a reason; nothing else."""
    try:
        res = read_bytes(data, name)
    except ReadError as exc:
        assert str(exc).strip()
        return
    assert isinstance(res, ReadResult) and res.articles
    assert all(a.text.strip() for a in res.articles)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_a_reader(data, suffix):
    check_read(data, "fuzz" + suffix)
    if suffix.endswith(".gz"):
        check_read(gzip.compress(data), "fuzz" + suffix)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["text", "title", "date", "authors", "body", "url", "x"]), children,
        max_size=6),
    max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_any_json_value_never_crashes_the_json_readers(value):
    doc = json.dumps(value)
    check_read(doc.encode(), "v.json")
    check_read((doc + "\n" + doc).encode(), "v.jsonl")


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=400), cut=st.integers(min_value=0, max_value=400))
def test_truncated_and_mangled_good_files(text, cut):
    rec = json.dumps({"title": "T", "text": GOOD + text})
    check_read(rec.encode()[:cut], "t.json")
    check_read(gzip.compress(rec.encode())[:cut], "t.json.gz")
    check_read(("Title\n\n" + text).encode("utf-8", "surrogatepass")[:cut], "t.txt")


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


@pytest.mark.usefixtures("prefect_harness")
def test_hostile_folder_everything_accounted_for(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    rec = {"title": "Harbour", "text": GOOD, "date": "2026-11-02"}
    write(raw / "good.json", json.dumps(rec))
    write(raw / "empty.txt", b"")
    write(raw / "zero.txt.gz", b"")
    write(raw / "truncated.jsonl.gz", gzip.compress(((json.dumps(rec) + "\n") * 50).encode())[:60])
    write(raw / "binary.json", os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" * 64)
    bad_utf8 = GOOD.encode().replace(b"Monday", b"Mon\xffday")
    write(raw / "latin.txt", b"Headline\n\n" + bad_utf8)
    write(raw / "latin.json", b'{"title": "T", "text": "' + bad_utf8.replace(b'"', b"'") + b'"}')
    write(raw / "latin.jsonl", b'{"text": "' + bad_utf8.replace(b'"', b"'") + b'"}\n')
    write(raw / "latin.html", b"<html><body><article><p>" + bad_utf8 * 3 + b"</p></article></body></html>")
    write(raw / "syntax.json", '{"title": "T", "text": "x",}')
    write(raw / "mixed.jsonl", "\n".join([json.dumps(rec), "{nope", "[1, 2]", json.dumps(rec),
                                          json.dumps({"title": "no text"})]))
    write(raw / "nav.html", "<html><head><title>Home</title></head><body><nav><a href='/'>Home"
                            "</a><a href='/news'>News</a></nav></body></html>")
    write(raw / "huge.txt", "Huge\n\n" + "Port Alder council met again on Monday. " * 1_300_000)
    write(raw / "nested.json", "[" * 100_000 + "]" * 100_000)
    os.symlink("loop-b.txt", raw / "loop-a.txt")
    os.symlink("loop-a.txt", raw / "loop-b.txt")
    os.symlink("does-not-exist.txt", raw / "dangling.txt")
    os.mkfifo(raw / "fifo.txt")
    locked = raw / "locked.txt"
    write(locked, "Locked\n\n" + GOOD)
    locked.chmod(0)
    s = run_pipeline(raw, wh)
    assert s["status"] == "completed"
    rows = {r[0]: r[1:] for r in query(wh, "select path, status, error, warning, articles, "
                                           "records_failed from files")}
    on_disk = {p.name for p in raw.iterdir()}
    assert set(rows) == on_disk  # every file accounted for
    assert rows["good.json"] == ("ok", None, None, 1, 0)
    assert rows["empty.txt"][:2] == ("failed", "empty file")
    assert rows["zero.txt.gz"][:2] == ("failed", "empty file (zero-length gzip)")
    assert rows["truncated.jsonl.gz"][:2] == (
        "failed", "truncated gzip stream (file ends before the compressed data does)")
    assert rows["binary.json"][:2] == ("failed", "binary file (NUL bytes), not text")
    for name, bad in (("latin.txt", 1), ("latin.json", 1), ("latin.jsonl", 1), ("latin.html", 3)):
        status, error, warning, articles, _ = rows[name]
        assert (status, error, articles) == ("ok", None, 1), name
        assert warning.startswith("not valid UTF-8 (invalid start byte at byte ") and \
            warning.endswith(f"decoded as UTF-8 with {bad} invalid byte(s) replaced by U+FFFD"), name
    assert rows["syntax.json"][0] == "failed"  # the wording of json's message varies by Python
    assert rows["syntax.json"][1].startswith("malformed JSON: ") and " (line 1, column 2" in \
        rows["syntax.json"][1]
    assert rows["mixed.jsonl"] == (
        "partial", "3 bad record(s): line 2: malformed JSON: Expecting property name enclosed in "
        "double quotes; line 3: expected a JSON object, got list; line 5: no article text (none "
        "of text, body, content, content_original, maintext, article, full_text)", None, 2, 3)
    assert rows["nav.html"][0] == "failed"
    assert rows["nav.html"][1].startswith("no article text found in the HTML page")
    assert rows["huge.txt"][:2] == ("failed", "1 bad record(s): record 0: article text too long (52,000,000 "
                                              "characters, limit 1,000,000)")
    assert rows["nested.json"][:2] == ("failed", "malformed JSON: JSON nested deeper than 64 levels")
    assert rows["loop-a.txt"][:2] == ("failed", "cannot stat file: Too many levels of symbolic links")
    assert rows["dangling.txt"][:2] == ("failed", "cannot stat file: No such file or directory")
    assert rows["fifo.txt"][:2] == ("failed", "not a regular file (a pipe, socket or device), not read")
    if os.geteuid() != 0:  # root reads anything: the case only exists for normal users
        assert rows["locked.txt"][:2] == ("failed", "cannot read file: Permission denied")
    assert query(wh, "select count(*) from articles") == [(sum(r[3] for r in rows.values()),)]
    # the next run retries nothing that did not change
    again = run_pipeline(raw, wh)
    assert (again["files_new"], again["files_changed"], again["articles"]) == (0, 0, 0)
    locked.chmod(0o644)
