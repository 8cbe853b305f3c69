"""WARC crawls: every kind of record a crawl holds, written here with warcio's own writer; the HTML
pages become articles with their URL and fetch time, everything else is counted by kind, and a
file that breaks off keeps what came before."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tasks.readers import ReadError, ReadResult, read_stream
from tests.helpers import query, run_pipeline

FERRY = """<html><head><title>Island ferry timetable restored</title>
<meta property="article:published_time" content="2026-11-12T08:30:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Island ferry timetable restored</h1>
<p>The operator of the island ferry has restored its full winter timetable after a month of
protest from the residents of Kell and Marra, who said the cuts would strand nurses overnight.</p>
<p>"We heard the islands loud and clear," said Dana Whitford, the operator's chief executive.
"Four sailings a day will run until March, and the first boat will leave at six."</p>
<p>Commuters welcomed the decision but asked for a written guarantee for next winter.</p>
</article></body></html>"""

BRIDGE = """<html><head><title>Harbour Bridge closes for repairs</title></head><body>
<article><h1>Harbour Bridge closes for repairs</h1>
<p>The Harbour Bridge will close for six weeks of cable repairs from Monday, and buses will be
diverted over the Kingsway crossing while engineers replace the corroded anchors.</p>
<p>"Half of my trade walks over that bridge," said baker Imogen Salas, whose shop stands at the
northern end. The city said a temporary ferry would carry foot passengers at rush hour.</p>
</article></body></html>"""

MENU = "<html><head><title>Sections</title></head><body><nav><a href='/a'>A</a></nav></body></html>"


def _response(writer: WARCWriter, url: str, status: str, ctype: str, body: bytes,
              when: str) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": when}))


def write_crawl(path: Path, gzip: bool = True) -> None:
    """One crawl as a news crawler leaves it: info, requests, pages, and everything around them."""
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gzip)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test-crawler/1.0"}))
        pages = [("https://harbourtimes.example/ferry", FERRY),
                 ("https://harbourtimes.example/bridge", BRIDGE)]
        for n, (url, html) in enumerate(pages):
            when = f"2026-11-20T06:0{n}:00Z"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "harbourtimes.example")],
                                   is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", http_headers=req,
                                                warc_headers_dict={"WARC-Date": when}))
            _response(w, url, "200 OK", "text/html; charset=utf-8", html.encode(), when)
            w.write_record(w.create_warc_record(url, "metadata", payload=io.BytesIO(
                b"outlinks: 3\n"), warc_content_type="application/warc-fields"))
        _response(w, "https://harbourtimes.example/old", "301 Moved Permanently", "text/html",
                  b"<html>moved</html>", "2026-11-20T06:03:00Z")
        _response(w, "https://harbourtimes.example/gone", "404 Not Found", "text/html",
                  b"<html><body>Not found</body></html>", "2026-11-20T06:04:00Z")
        _response(w, "https://harbourtimes.example/logo.png", "200 OK", "image/png",
                  b"\x89PNG\r\n\x1a\n" + bytes(200), "2026-11-20T06:05:00Z")
        _response(w, "https://harbourtimes.example/sections", "200 OK", "text/html",
                  MENU.encode(), "2026-11-20T06:06:00Z")
        w.write_record(w.create_revisit_record(
            "https://harbourtimes.example/ferry", digest="sha1:AAAA",
            refers_to_uri="https://harbourtimes.example/ferry",
            refers_to_date="2026-11-20T06:00:00Z"))


def read_all(path: Path) -> tuple[list, ReadResult, str | None]:
    result = ReadResult("")
    arts, stopped = [], None
    with open(path, "rb") as f:
        try:
            arts.extend(read_stream(f, path.name, result))
        except ReadError as exc:
            stopped = str(exc)
    return arts, result, stopped


@pytest.mark.parametrize("gzip", [True, False])
def test_every_record_is_an_article_or_counted_by_kind(tmp_path, gzip):
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    write_crawl(path, gzip=gzip)
    arts, result, stopped = read_all(path)
    assert stopped is None
    assert [a.title for a in arts] == ["Island ferry timetable restored",
                                       "Harbour Bridge closes for repairs"]
    ferry = arts[0]
    assert ferry.url == "https://harbourtimes.example/ferry"
    assert ferry.fetched_at == datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    assert ferry.published_at == datetime(2026, 11, 12, tzinfo=UTC)  # the page's own date
    assert ferry.source == "harbourtimes.example" or ferry.source
    assert "Dana Whitford" in ferry.text
    # a record's byte offset is its position: stable, and distinct per record
    assert 0 < ferry.record_index < arts[1].record_index
    assert dict(result.kinds) == {
        "warcinfo": 1, "request": 2, "html": 3, "metadata": 2, "response 301": 1,
        "response 404": 1, "response image/png": 1, "revisit": 1}
    # the HTML page that is no article says why, by its place and URL
    assert len(result.errors) == 1
    assert "https://harbourtimes.example/sections" in result.errors[0]
    assert "no article text" in result.errors[0]


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_a_crawl_that_breaks_off_keeps_the_pages_before(tmp_path, suffix):
    # a cut gzip member ends in a decompression error or in a record short of its length,
    # depending on the zlib build; a plain WARC always in the latter: both say where it broke
    whole = tmp_path / f"crawl{suffix}"
    write_crawl(whole, gzip=suffix.endswith(".gz"))
    data = whole.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    with open(whole, "rb") as f:  # where the second page's response starts and ends
        records = ArchiveIterator(f)
        spans = [(records.get_record_offset(), records.get_record_length())
                 for rec in records if rec.rec_type == "response"]
    start, length = spans[1]
    cut.write_bytes(data[: start + length // 2])  # a download that died inside that record
    arts, result, stopped = read_all(cut)
    assert [a.title for a in arts] == ["Island ferry timetable restored"]
    assert stopped is not None and "breaks off after byte" in stopped


def test_a_crawl_runs_end_to_end(tmp_path, prefect_harness):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    raw.mkdir()
    write_crawl(raw / "crawl.warc.gz")
    whole = (raw / "crawl.warc.gz").read_bytes()
    (raw / "cut.warc.gz").write_bytes(whole[: len(whole) * 6 // 10])
    summary = run_pipeline(raw, wh)
    assert summary["status"] == "completed"
    rows = query(wh, "select title, url, fetched_at::date, source_path from articles "
                     "order by source_path, record_index")
    assert ("Island ferry timetable restored", "https://harbourtimes.example/ferry",
            datetime(2026, 11, 20).date(), "crawl.warc.gz") in rows
    files = dict(((p, (s, k)) for p, s, k in query(
        wh, "select path, status, record_kinds from files")))
    status, kinds = files["crawl.warc.gz"]
    assert status == "partial"  # the menu page is no article, and says so
    assert dict(kinds)["revisit"] == 1 and dict(kinds)["request"] == 2
    assert files["cut.warc.gz"][0] == "partial"
