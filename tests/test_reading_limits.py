"""The reader boundary on files built here: no string, encoding, size or file type can fail a
batch, hang a worker or exhaust memory (issue 11). No Prefect: plain functions."""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import socket
import threading
import zlib
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from tasks.core import rawfs
from tasks.core.settings import NlpSettings
from tasks.ingest.decode import GZIP_RATIO_FLOOR, MAX_LINE_BYTES, CountingReader
from tasks.ingest.readers import read_bytes, read_stream
from tasks.ingest.records import ReadError, ReadResult
from tasks.run.batch import BatchSpec, _article_row, process_batch
from tasks.run.discover import NAME_WARNING, FileWork, missing_paths, plan, walk
from tasks.store import schemas
from tasks.store.ledger import Ledger, LedgerEntry
from tasks.store.runs import now_utc
from tests.helpers import deny_listing, unmount_after

STORY = ("\u201cThe ferry will run all winter,\u201d harbour master Ines Calder said on Tuesday "
         "in Eastport, where the council voted to keep the service.")


def test_lone_surrogate_escapes_become_replacement_characters_everywhere():
    rec = {"title": "Ferry \ud800 vote", "text": STORY + " \udfff", "authors": ["Ann \ud801e"],
           "source": "Eastport \udc00 Post", "tags": {"k\ud800": ["v\udbff"]}}
    doc = json.dumps(rec)  # ensure_ascii: the surrogates are \\u escapes, as crawlers write them
    assert "\\ud800" in doc
    [art] = read_bytes(doc.encode(), "feed.json").articles
    assert art.title == "Ferry \ufffd vote"
    assert art.text.endswith(" \ufffd") and len(art.text) == len(STORY) + 2  # one for one
    assert art.authors == ["Ann \ufffde"] and art.source == "Eastport \ufffd Post"
    assert art.extra == {"tags": {"k\ufffd": ["v\ufffd"]}}
    spec = BatchSpec("b", "r", "/raw", "/wh", [], NlpSettings(model="m"))
    row = _article_row(art, spec, "m", now_utc())
    # the row converts to Arrow: nothing left for the Parquet writer to fail on
    assert pa.Table.from_pylist([row], schema=schemas.ARTICLES).num_rows == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_utf16_or_utf32_byte_order_mark_is_decoded_by_it(encoding):
    body = "Harbour vote\n\n" + STORY + "\n"
    data = body.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    res = read_bytes(data, "story.txt")
    [art] = res.articles
    assert art.title == "Harbour vote" and art.text == STORY + "\n"
    assert res.warnings == []
    jsonl = (json.dumps({"text": STORY}) + "\n" + json.dumps({"text": STORY + " Again."}))
    arts = read_bytes(b"\xff\xfe" + jsonl.encode("utf-16-le"), "feed.jsonl").articles
    assert [a.text for a in arts] == [STORY, STORY + " Again."]


def _bomb_gz(n_bytes: int) -> bytes:
    """n_bytes of spaces, gzipped: text to every reader, and about 1000x smaller."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    out = [comp.compress(block) for _ in range(n_bytes >> 20)]
    return b"".join(out) + comp.flush()


def test_a_decompression_bomb_is_refused_after_a_bounded_amount_of_output():
    bomb = _bomb_gz(256 << 20)  # 256 MiB in about 260 KB (four times the reader's 64 KB reads)
    assert len(bomb) < 400_000
    for name in ("bomb.txt.gz", "bomb.json.gz", "bomb.jsonl.gz", "bomb.html.gz"):
        raw = CountingReader(io.BytesIO(bomb))
        with pytest.raises(ReadError, match=r"inflates more than 100x .* a decompression bomb"):
            list(read_stream(raw, name, ReadResult("")))
        # it stopped soon after the ratio floor, far from the 256 MiB the file holds
        assert raw.count < len(bomb) / 2 and raw.count * 100 < 2 * GZIP_RATIO_FLOOR


def test_json_lines_are_read_one_record_at_a_time():
    lines = "".join(json.dumps({"title": f"T{i}", "text": f"{STORY} ({os.urandom(12).hex()})"})
                    + "\n" for i in range(30_000))
    data = gzip.compress(lines.encode())
    raw = CountingReader(io.BytesIO(data))
    result = ReadResult("")
    first = next(read_stream(raw, "wire.jsonl.gz", result))
    assert first.record_index == 1 and first.title == "T0"
    assert raw.count < len(data) / 3  # only the start of the file has been read
    rest = list(read_stream(CountingReader(io.BytesIO(data)), "wire.jsonl.gz", ReadResult("")))
    assert len(rest) == 30_000 and rest[-1].record_index == 30_000


def test_an_over_long_json_line_is_one_bad_record_and_the_rest_are_kept():
    good = json.dumps({"text": STORY})
    huge = json.dumps({"text": "x" * (MAX_LINE_BYTES + 10)})
    res = read_bytes(f"{good}\n{huge}\n{good}\n".encode(), "feed.jsonl")
    assert [a.record_index for a in res.articles] == [1, 3]
    assert res.errors == [f"line 2: longer than {MAX_LINE_BYTES:,} bytes, skipped"]


def test_a_whole_file_format_over_the_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    import tasks.run.batch as batch

    monkeypatch.setattr(batch, "MAX_DOCUMENT_BYTES", 1000)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big.txt").write_text("Title\n\n" + STORY * 20)
    (raw / "ok.txt").write_text("Title\n\n" + STORY)
    rows = _stage_files(raw, tmp_path / "wh", walk(raw))
    assert rows["big.txt"][:1] == ("failed",)
    assert rows["big.txt"][1].startswith("file too large to read whole: ")
    assert rows["ok.txt"][0] == "ok"


def _stage_files(raw: Path, wh: Path, files: list[FileWork]) -> dict[str, tuple]:
    """Run one batch directly (as a worker does) and return its files rows by path."""
    import pyarrow.parquet as pq

    spec = BatchSpec("b0", "r0", str(raw), str(wh), files, NlpSettings())
    process_batch(spec)
    table = pq.read_table(wh / "_staging" / "b0" / "files.parquet").to_pylist()
    return {r["path"]: (r["status"], r["error"], r["warning"], r["articles"], r["retryable"])
            for r in table}


def _opens_quickly(fn) -> BaseException | None:
    """Run fn in a thread; fail the test if it blocks (a FIFO opened for reading blocks)."""
    box: list[BaseException | None] = [None]

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001
            box[0] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "reading blocked"
    return box[0]


def test_a_file_replaced_by_a_fifo_or_a_device_link_after_planning_is_refused(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("swap.txt", "zero.txt", "good.txt"):
        (raw / name).write_text("Title\n\n" + STORY)
    planned = walk(raw, follow_links=True)
    assert all(fw.error is None and fw.skip_reason is None for fw in planned)
    (raw / "swap.txt").unlink()
    os.mkfifo(raw / "swap.txt")  # a writer never comes: opening it the usual way blocks forever
    (raw / "zero.txt").unlink()
    os.symlink("/dev/zero", raw / "zero.txt")  # reading it the usual way never ends
    exc = _opens_quickly(lambda: rawfs.open_raw(raw, "swap.txt").__enter__())
    assert isinstance(exc, rawfs.NotRegular)
    box: dict[str, dict] = {}
    assert _opens_quickly(lambda: box.update(
        rows=_stage_files(raw, tmp_path / "wh", planned))) is None
    rows = box["rows"]
    assert rows["swap.txt"][:2] == ("failed", "not a regular file (a pipe, socket or device), "
                                              "not read")
    # one wording whether the walk or the read finds the link (rawfs.LINK_OUTSIDE)
    assert rows["zero.txt"][:2] == ("skipped", "link to a file outside the raw folder, not "
                                               "followed (--follow-links to read it)")
    assert rows["good.txt"][0] == "ok"


def test_links_out_of_the_raw_folder_are_refused_unless_asked(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\n" + STORY)
    (outside / "sub").mkdir()
    (outside / "sub" / "more.txt").write_text("More\n\n" + STORY)
    raw = tmp_path / "raw"
    (raw / "inner").mkdir(parents=True)
    (raw / "inner" / "story.txt").write_text("Inner\n\n" + STORY)
    os.symlink(outside / "secret.txt", raw / "secret.txt")
    os.symlink(outside / "sub", raw / "sub")
    os.symlink("inner/story.txt", raw / "alias.txt")  # inside: fine
    os.symlink(raw / "inner", raw / "inner-again")  # a folder link inside
    default = {fw.path: fw.skip_reason for fw in walk(raw)}
    assert default == {
        "alias.txt": None, "inner/story.txt": None,
        "inner-again": "link to a folder, not followed (--follow-links to read it)",
        "secret.txt": "link to a file outside the raw folder, not followed (--follow-links to "
                      "read it)",
        "sub": "link to a folder, not followed (--follow-links to read it)"}
    with pytest.raises(rawfs.NotRegular):
        rawfs.open_raw(raw, "secret.txt").__enter__()
    followed = {fw.path: fw.skip_reason for fw in walk(raw, follow_links=True)}
    assert followed == {"alias.txt": None, "inner/story.txt": None, "secret.txt": None,
                        "sub/more.txt": None,
                        "inner-again": "link to a folder already read (a loop)"}
    # a file:// URL is the same local folder, with the same rules
    via_url = {fw.path: fw.skip_reason for fw in walk(rawfs.parse_location(raw.as_uri()))}
    assert via_url == default


def test_pipes_sockets_devices_and_loops_under_a_file_url_each_get_a_reason(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    os.mkfifo(raw / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(raw / "sock.txt"))
    os.symlink("loop2.txt", raw / "loop1.txt")
    os.symlink("loop1.txt", raw / "loop2.txt")
    found = {fw.path: fw.error for fw in walk(rawfs.parse_location(raw.as_uri()))}
    sock.close()
    assert found == {
        "pipe.txt": "not a regular file (a pipe, socket or device), not read",
        "sock.txt": "not a regular file (a pipe, socket or device), not read",
        "loop1.txt": "cannot stat file: Too many levels of symbolic links",
        "loop2.txt": "cannot stat file: Too many levels of symbolic links"}


def test_file_names_that_are_not_utf8_are_recorded_escaped_and_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = os.fsencode(str(raw)) + b"/caf\xe9-200\xe9.txt"
    with open(bad, "wb") as f:
        f.write(("Caf\u00e9 vote\n\n" + STORY).encode())
    [fw] = walk(raw)
    assert fw.path == "caf\\xe9-200\\xe9.txt" and fw.warning == NAME_WARNING
    fw.path.encode("utf-8")  # storable
    rows = _stage_files(raw, tmp_path / "wh", [fw])
    assert rows["caf\\xe9-200\\xe9.txt"][:4] == ("ok", None, NAME_WARNING, 1)
    again = walk(raw)  # the same name on every run, so the ledger recognises it
    assert [f.path for f in again] == [fw.path]


def test_an_unlistable_folder_is_recorded_and_hides_nothing(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "a.txt").write_text("A\n\n" + STORY)
    (raw / "open.txt").write_text("B\n\n" + STORY)
    deny_listing(monkeypatch, "locked")
    found = {fw.path: (fw.folder, fw.error) for fw in walk(raw)}
    assert found == {"locked": (True, "cannot list folder: Permission denied"),
                     "open.txt": (False, None)}
    ledger = {p: LedgerEntry(p, "h", 10, 1, "ok") for p in ("locked/a.txt", "open.txt", "gone.txt")}
    p = plan(raw, ledger)
    assert p.unlisted == ["locked"]
    assert p.missing == ["gone.txt"]  # locked/a.txt is unknown, not missing
    assert missing_paths({"open.txt"}, ledger) == ["gone.txt", "locked/a.txt"]  # without it
    # the same through the column-wise ledger a run reads (a deleted file is not missing again,
    # a failed folder listable again is work)
    rows = {**ledger, "pruned.txt": LedgerEntry("pruned.txt", None, 0, 0, "deleted"),
            "was-locked": LedgerEntry("was-locked", None, 0, 0, "failed", format="folder")}
    arrow = Ledger(pa.Table.from_pylist([
        {"path": e.path, "content_hash": e.content_hash, "size": e.size, "mtime_ns": e.mtime_ns,
         "status": e.status, "format": e.format, "retryable": e.retryable, "split_id": None,
         "split_cuts": None, "stored": None, "torn": False, "batch_id": "b"}
        for e in rows.values()]))
    assert arrow["open.txt"] == replace(ledger["open.txt"], batch_id="b")
    assert missing_paths({"open.txt"}, arrow) == missing_paths({"open.txt"}, rows) == \
        ["gone.txt", "locked/a.txt", "was-locked"]
    assert plan(raw, arrow).missing == plan(raw, rows).missing == ["gone.txt"]
    assert [fw.path for fw in plan(raw, arrow).work if fw.folder] == \
        [fw.path for fw in plan(raw, rows).work if fw.folder] == ["locked", "was-locked"]
    # the raw folder itself unlistable: the run cannot tell anything, it stops
    monkeypatch.setattr(os, "scandir", lambda *a, **k: (_ for _ in ()).throw(
        OSError(errno.EIO, "Input/output error", str(raw))))
    with pytest.raises(rawfs.RawUnavailable):
        walk(raw)


def test_transient_read_errors_stay_retryable(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (raw / name).write_text(f"{name}\n\n{STORY}")
    real_open = rawfs.open_raw

    def flaky(location, rel, follow_links=False):
        if rel == "b.txt":
            raise OSError(errno.EIO, "Input/output error")
        return real_open(location, rel, follow_links)

    monkeypatch.setattr(rawfs, "open_raw", flaky)
    rows = _stage_files(raw, tmp_path / "wh", walk(raw))
    assert rows["b.txt"] == ("failed", "cannot read file: Input/output error", None, 0, True)
    assert rows["a.txt"][0] == "ok" and rows["a.txt"][4] is False
    # the ledger sees it retryable: the next plan takes it again though nothing changed
    st = (raw / "b.txt").stat()
    ledger = {"b.txt": LedgerEntry("b.txt", None, st.st_size, st.st_mtime_ns, "failed",
                                   "txt", True),
              "a.txt": LedgerEntry("a.txt", None, 0, 0, "ok", "txt", False)}
    monkeypatch.setattr(rawfs, "open_raw", real_open)
    again = plan(raw, {**ledger, "c.txt": LedgerEntry("c.txt", None, (raw / "c.txt").stat().st_size,
                                                      (raw / "c.txt").stat().st_mtime_ns, "failed",
                                                      "txt", False)})
    assert {fw.path: fw.change for fw in again.work} == {"b.txt": "retry", "a.txt": "changed"}


def test_the_raw_folder_vanishing_mid_batch_fails_the_batch_and_records_nothing(tmp_path,
                                                                                 monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(4):
        (raw / f"s{i}.txt").write_text(f"S{i}\n\n{STORY}")
    files = walk(raw)
    unmount_after(monkeypatch, raw, 2, tmp_path / "elsewhere")  # the share goes away
    spec = BatchSpec("b0", "r0", str(raw), str(tmp_path / "wh"), files, NlpSettings())
    with pytest.raises(rawfs.RawUnavailable, match="is gone"):
        process_batch(spec)


def test_an_escaped_name_never_collides_with_a_real_one(tmp_path):
    # the byte 0xE9, and a name spelled with a backslash, x, e and 9: two files, two rows, and a
    # second run that finds both unchanged (they used to share a path and flip every run)
    raw = tmp_path / "raw"
    raw.mkdir()
    with open(os.fsencode(str(raw)) + b"/caf\xe9.txt", "wb") as f:
        f.write(("Latin-1 name\n\n" + STORY).encode())
    (raw / "caf\\xe9.txt").write_text("Backslash name\n\n" + STORY.replace("council", "board"))
    found = walk(raw)
    assert sorted(fw.path for fw in found) == ["caf\\\\xe9.txt", "caf\\xe9.txt"]
    by_path = {fw.path: fw for fw in found}
    assert by_path["caf\\xe9.txt"].warning == NAME_WARNING
    assert by_path["caf\\\\xe9.txt"].warning is None  # a valid name, only written unambiguously
    rows = _stage_files(raw, tmp_path / "wh", found)
    assert {p: r[0] for p, r in rows.items()} == {"caf\\xe9.txt": "ok", "caf\\\\xe9.txt": "ok"}
    ledger = {fw.path: LedgerEntry(fw.path, rawfs.hash_file(raw, fw.fs_path or fw.path),
                                   fw.size, fw.mtime_ns, "ok") for fw in found}
    again = plan(raw, ledger)
    assert (again.new, again.changed, again.unchanged, again.missing) == (0, 0, 2, [])


def test_a_ledger_read_out_of_duckdb_memory_says_which_setting_to_raise(tmp_path, monkeypatch):
    """The run's DuckDB caps are a new way to fail: the message is one line naming the setting,
    not DuckDB's paragraph of SET advice, and the next read with room works."""
    from tasks.store import ledger, staging

    wh = tmp_path / "wh"
    staging.init_warehouse(wh)
    monkeypatch.setenv("NEWS_ETL_DUCKDB_MEMORY_LIMIT", "1KB")
    with pytest.raises(MemoryError) as err:
        ledger.read_ledger(wh)
    assert "\n" not in str(err.value) and "NEWS_ETL_DUCKDB_MEMORY_LIMIT" in str(err.value)
    monkeypatch.setenv("NEWS_ETL_DUCKDB_MEMORY_LIMIT", "none")
    assert len(ledger.read_ledger(wh)) == 0
