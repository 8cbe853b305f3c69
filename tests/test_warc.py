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

from tasks.ingest.readers import read_stream
from tasks.ingest.records import ReadError, ReadResult
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
    # the count of bad records agrees with the reason: the stop is one of them
    [(error, failed)] = query(wh, "select error, records_failed from files "
                                  "where path = 'cut.warc.gz'")
    assert error.startswith("1 bad record(s): reading stopped: WARC breaks off") and failed == 1
    assert "\n" not in error


# --- hostile crawls: one bad record never costs the others ------------------------------------

def _page(n: int) -> str:
    return (f"<html><head><title>Council vote number {n}</title></head><body><article>"
            f"<h1>Council vote number {n}</h1><p>The district council met on Tuesday evening and "
            f"voted on motion {n}, which would extend the library's winter opening hours and fund "
            "two more buses for the hill villages.</p><p>\"We owe the villages a way into town "
            "after dark,\" said councillor Ruth Okafor, who tabled the motion.</p>"
            "</article></body></html>")


def _records(pages: int = 4, charset: str = "utf-8") -> list[bytes]:
    """Each response record of a small crawl as plain WARC bytes, one per page."""
    out = []
    for n in range(pages):
        buf = io.BytesIO()
        _response(WARCWriter(buf, gzip=False), f"https://valleypost.example/vote-{n}", "200 OK",
                  f"text/html; charset={charset}", _page(n).encode(charset),
                  "2026-11-21T09:00:00Z")
        out.append(buf.getvalue())
    return out


def _lie(record: bytes, length: str) -> bytes:
    """The record with its WARC Content-Length replaced (the first one: the HTTP one follows)."""
    head, sep, rest = record.partition(b"Content-Length: ")
    value, eol, tail = rest.partition(b"\r\n")
    return head + sep + length.encode() + eol + tail


def _read(data: bytes, name: str) -> tuple[list, ReadResult, str | None]:
    result = ReadResult("")
    arts, stopped = [], None
    try:
        arts.extend(read_stream(io.BytesIO(data), name, result))
    except ReadError as exc:
        stopped = str(exc)
    return arts, result, stopped


def _gz_members(records: list[bytes]) -> bytes:
    import gzip as gz

    return b"".join(gz.compress(r) for r in records)


def _true_length(record: bytes) -> int:
    return int(record.split(b"Content-Length: ")[1].split(b"\r\n")[0])


@pytest.mark.parametrize("lie", ["too big", "too small", "-20", "1000000000000000", "abc", "12x"])
@pytest.mark.parametrize("suffix", [".warc", ".warc.gz"])
def test_a_record_with_a_lying_length_costs_only_itself(lie, suffix):
    recs = _records(4)
    true = _true_length(recs[1])
    value = {"too big": str(true + 300), "too small": str(true - 300)}.get(lie, lie)
    recs[1] = _lie(recs[1], value)
    data = b"".join(recs) if suffix == ".warc" else _gz_members(recs)
    arts, result, stopped = _read(data, "crawl" + suffix)
    assert stopped is None
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 2",
                                       "Council vote number 3"]
    assert len(result.errors) == 1 and "Content-Length" in result.errors[0]
    assert "\n" not in result.errors[0]  # one line for the files table
    assert "vote-1" in result.errors[0]  # which record, by its URL


def test_a_corrupt_gzip_member_is_skipped_and_the_next_ones_are_read():
    import gzip as gz

    members = [gz.compress(r) for r in _records(3)]
    bad = bytearray(members[1])
    bad[len(bad) // 2: len(bad) // 2 + 8] = b"\x00\xff" * 4  # damage inside the deflate data
    arts, result, stopped = _read(members[0] + bytes(bad) + members[2], "crawl.warc.gz")
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 2"]
    assert stopped is None and len(result.errors) == 1 and "gzip" in result.errors[0]


def test_a_whole_file_gzip_crawl_is_read():
    import gzip as gz

    plain = b"".join(_records(3))
    arts, result, stopped = _read(gz.compress(plain), "crawl.warc.gz")
    assert stopped is None and not result.errors
    assert [a.title for a in arts] == [f"Council vote number {n}" for n in range(3)]
    assert len({a.record_index for a in arts}) == 3


def test_the_http_charset_decodes_a_page_without_a_byte_order_mark():
    arts, result, stopped = _read(b"".join(_records(2, charset="utf-16le")), "crawl.warc")
    assert stopped is None and not result.errors
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 1"]
    assert "Ruth Okafor" in arts[0].text


def test_a_header_line_that_inflates_without_end_is_refused_in_bounded_memory():
    import gzip as gz

    recs = _records(3)
    head, sep, rest = recs[1].partition(b"\r\n")
    # 40 MB of one header line from ~40 KB of gzip: refused as a bomb, not read into memory
    bomb = gz.compress(head + sep + b"X-Padding: " + b"a" * 40_000_000 + b"\r\n" + rest)
    arts, result, stopped = _read(gz.compress(recs[0]) + bomb + gz.compress(recs[2]),
                                  "crawl.warc.gz")
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 2"]
    assert stopped is None and len(result.errors) == 1
    assert "decompression bomb" in result.errors[0]
    # in a plain WARC the same line is refused by its length, and reading goes on
    plain = recs[0] + head + sep + b"X-Padding: " + b"a" * 3_000_000 + b"\r\n" + rest + recs[2]
    arts, result, stopped = _read(plain, "crawl.warc")
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 2"]
    assert len(result.errors) == 1 and "header line longer than" in result.errors[0]


def test_a_small_member_that_inflates_to_a_huge_page_is_refused_before_parsing():
    import gzip as gz

    recs = _records(2)
    buf = io.BytesIO()
    huge = ("<html><body><p>" + "<span>w</span> " * 400_000 + "</p></body></html>").encode()
    _response(WARCWriter(buf, gzip=False), "https://valleypost.example/spans", "200 OK",
              "text/html", huge, "2026-11-21T09:00:00Z")
    member = gz.compress(buf.getvalue(), 9)
    assert len(member) < 100_000  # a few KB that inflate to 6 MB
    arts, result, stopped = _read(gz.compress(recs[0]) + member + gz.compress(recs[1]),
                                  "crawl.warc.gz")
    assert [a.title for a in arts] == ["Council vote number 0", "Council vote number 1"]
    assert len(result.errors) == 1 and "decompression bomb" in result.errors[0]


def test_html_markup_over_the_limit_is_refused_before_the_parser():
    from tasks.ingest.formats import MAX_HTML_CHARS, read_html

    huge = "<html><body><p>" + "<span>w</span> " * (MAX_HTML_CHARS // 15 + 10) + "</p></body></html>"
    with pytest.raises(ReadError, match="too large to parse"):
        read_html(huge.encode(), "big.html")
    # scripts, styles and comments do not count: a real page with big inline scripts is read
    script = "<script>var x = '" + "y" * (MAX_HTML_CHARS + 10) + "';</script>"
    page = _page(7).replace("<body>", "<body>" + script + "<!-- " + "z" * 1000 + " -->")
    assert read_html(page.encode(), "p.html").articles[0].title == "Council vote number 7"
