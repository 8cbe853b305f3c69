"""Every reader on small files written here: text, metadata, offsets, and the failure reasons."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from tasks.ingest.formats import parse_authors, parse_date
from tasks.ingest.readers import read_bytes, summarize_errors
from tasks.ingest.records import ReadError, article_id

TXT = (
    "Mayor opens new library\n\n"
    "Mayor Helen Brandt opened the new library on Monday.\n\n"
    "\u201cBooks change lives,\u201d Brandt said.\n"
)


def test_txt_title_and_verbatim_body():
    res = read_bytes(TXT.encode("utf-8"), "city/library.txt")
    [art] = res.articles
    assert res.format == "txt"
    assert art.title == "Mayor opens new library"
    assert art.text == TXT[len("Mayor opens new library\n\n"):]
    assert art.text.index("Helen Brandt") == 6  # offsets point into the stored text
    assert art.word_count == 14


def test_txt_without_blank_second_line_keeps_everything_as_body():
    text = "First line of the story\nsecond line continues it.\n"
    [art] = read_bytes(text.encode(), "a.txt").articles
    assert art.title is None
    assert art.text == text


def test_txt_latin1_fallback_decodes_accents_and_says_so():
    data = "Festival returns\n\nThe Caf\u00e9 Lumi\u00e8re festival opened, said Ren\u00e9e Dubois.\n"
    res = read_bytes(data.encode("latin-1"), "f.txt")
    [art] = res.articles
    assert "Caf\u00e9 Lumi\u00e8re" in art.text and "Ren\u00e9e" in art.text
    assert res.warnings == ["not valid UTF-8 (invalid continuation byte at byte 25); "
                            "decoded as Windows-1252"]


def test_txt_utf8_bom_is_dropped():
    [art] = read_bytes("\ufeffHeadline\n\nBody text here.".encode(), "b.txt").articles
    assert art.title == "Headline"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n \t", "empty file"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff\xfe" * 50, "binary"),
        (b"Headline only\n\n   \n", "no article text"),
    ],
)
def test_txt_failures(data, reason):
    with pytest.raises(ReadError, match=reason):
        read_bytes(data, "bad.txt")


def test_gzip_text_and_its_failures():
    gz = gzip.compress(TXT.encode())
    res = read_bytes(gz, "x/story.txt.gz")
    assert res.format == "txt.gz"
    assert res.articles[0].title == "Mayor opens new library"
    with pytest.raises(ReadError, match="truncated gzip"):
        read_bytes(gz[: len(gz) // 2], "x/story.txt.gz")
    with pytest.raises(ReadError, match="zero-length gzip"):
        read_bytes(b"", "x/story.txt.gz")
    with pytest.raises(ReadError, match="corrupt gzip"):
        read_bytes(b"this is not gzip at all", "x/story.txt.gz")


def test_json_single_article_maps_fields_and_keeps_extras():
    rec = {
        "title": "Wind farm approved",
        "maintext": "Regulators approved the wind farm on Thursday.",
        "date_publish": "2026-11-19 14:30:00",
        "source_domain": "ledger.example",
        "url": "https://ledger.example/a",
        "authors": ["Hannah Cole"],
        "image_url": "https://ledger.example/i.jpg",
    }
    [art] = read_bytes(json.dumps(rec).encode(), "w.json").articles
    assert art.title == "Wind farm approved"
    assert art.text == rec["maintext"]
    assert art.published_at == datetime(2026, 11, 19, 14, 30, tzinfo=UTC)
    assert art.source == "ledger.example"
    assert art.url == "https://ledger.example/a"
    assert art.authors == ["Hannah Cole"]
    assert art.extra == {"image_url": "https://ledger.example/i.jpg"}


def test_json_list_with_a_record_without_text_is_partial():
    recs = [
        {"headline": "A", "body": "First story body with words."},
        {"headline": "B", "body": ""},
        {"headline": "C", "content": "Third story body.", "publishedAt": "11/10/26"},
        "not an object",
    ]
    res = read_bytes(json.dumps(recs).encode(), "list.json")
    assert [a.record_index for a in res.articles] == [0, 2]
    assert res.articles[1].published_at == datetime(2026, 11, 10, tzinfo=UTC)
    assert len(res.errors) == 2
    assert "record 1: no article text" in res.errors[0]
    assert "record 3: expected a JSON object" in res.errors[1]
    assert summarize_errors(res.errors).startswith("2 bad record(s)")


def test_json_wrapper_object_with_articles_list():
    doc = {"articles": [{"title": "A", "text": "Alpha text."}, {"title": "B", "text": "Beta."}]}
    res = read_bytes(json.dumps(doc).encode(), "wrapped.json")
    assert [a.title for a in res.articles] == ["A", "B"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"title": "x", "text": "unterminated', "malformed JSON"),
        (b'{"title": "no text field"}', "no article text"),
        (b"[" * 5000 + b"]" * 5000, "nested deeper"),
        (b"[]", "no articles in file"),
    ],
)
def test_json_failures(data, reason):
    with pytest.raises(ReadError, match=reason):
        read_bytes(data, "bad.json")


def test_jsonl_keeps_good_lines_and_reports_bad_ones():
    lines = [
        json.dumps({"title": "One", "content_original": "Story one.", "date": "2026-11-20"}),
        "{broken json",
        "",
        json.dumps({"title": "Two", "content_original": "   "}),
        json.dumps({"title": "Three", "content_original": "Story three.", "date": "junk"}),
    ]
    res = read_bytes("\n".join(lines).encode(), "wire.jsonl")
    assert [(a.title, a.record_index) for a in res.articles] == [("One", 1), ("Three", 5)]
    assert res.articles[1].published_at is None
    assert res.errors == ["line 2: malformed JSON: Expecting property name enclosed in double quotes",
                          "line 4: no article text (none of text, body, content, content_original, "
                          "maintext, article, full_text)"]


def test_jsonl_gz_all_lines_bad_fails_with_reasons():
    with pytest.raises(ReadError, match="line 1: malformed JSON"):
        read_bytes(gzip.compress(b"nope\n{also bad\n"), "w.jsonl.gz")


HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council backs housing plan | Courier</title>
<meta property="og:title" content="Council backs housing plan">
<meta property="og:site_name" content="Port Alder Courier">
<meta property="og:url" content="https://courier.example/news/homes">
<meta property="article:published_time" content="2026-11-18T19:45:00+00:00">
<meta name="author" content="Nadia Petrova"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Council backs housing plan</h1>
<p>Port Alder city council voted on Wednesday to approve a plan for 2,000 homes on the former
Eastside rail yards, ending a decade-long fight over the largest empty site in the city.</p>
<p>"This is the most important housing decision this council will make for a generation,"
said councillor Amir Haddad, who chairs the planning committee.</p>
<p>Opponents said the roads around the site were already congested and the school too small.</p>
</article><footer>All rights reserved. Privacy policy.</footer></body></html>"""


def test_html_main_text_and_metadata():
    [art] = read_bytes(HTML.encode(), "web/homes.html").articles
    assert art.title == "Council backs housing plan"
    assert art.published_at == datetime(2026, 11, 18, tzinfo=UTC)  # trafilatura keeps the day
    assert art.authors == ["Nadia Petrova"]
    assert art.url == "https://courier.example/news/homes"
    assert "councillor Amir Haddad" in art.text
    assert "All rights reserved" not in art.text and "Sport" not in art.text


def test_html_gz_and_page_without_article():
    res = read_bytes(gzip.compress(HTML.encode()), "homes.html.gz")
    assert res.format == "html.gz"
    with pytest.raises(ReadError, match="no article text found"):
        read_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "empty.htm")


def test_unsupported_suffix():
    with pytest.raises(ReadError, match="unsupported file type"):
        read_bytes(b"hello", "notes.docx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("11/20/26", datetime(2026, 11, 20, tzinfo=UTC)),
        ("Sat, 21 Nov 2026 08:15:00 -0500", datetime(2026, 11, 21, 13, 15, tzinfo=UTC)),
        ("2026-11-21T18:00:00Z", datetime(2026, 11, 21, 18, tzinfo=UTC)),
        (1763337600, datetime(2025, 11, 17, tzinfo=UTC)),
        ("", None),
        ("not a date", None),
        ("0216-05-01", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sam Reid and Leila Haddad", ["Sam Reid", "Leila Haddad"]),
        ("By Grace Liu", ["Grace Liu"]),
        ("Smith, John", ["Smith, John"]),
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        (["A. Writer", {"name": "B. Writer"}], ["A. Writer", "B. Writer"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_authors(value, expected):
    assert parse_authors(value) == expected


def test_article_id_is_stable_and_positional():
    a = article_id("wire/2026.jsonl", 3)
    assert a == article_id("wire/2026.jsonl", 3)
    assert len({a, article_id("wire/2026.jsonl", 4), article_id("wire/2027.jsonl", 3)}) == 3
    assert all(c in "0123456789abcdef" for c in a) and len(a) == 20


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a/b.txt", "txt"), ("x.JSONL.gz", "jsonl.gz"), ("p.htm", "htm"), ("n.ndjson", "ndjson"),
     ("notes.docx", None), ("archive.gz", None)],
)
def test_format_of(path, fmt):
    from tasks.ingest.readers import format_of

    assert format_of(path) == fmt


def test_html_entities_left_in_text_are_decoded_in_every_format():
    body = ("Mr Blair&#191;s aides met AT&amp;T and R&D staff at the Caf&eacute; Royal; "
            "&#x201C;we listened,&#x201D; one said. AT&T and &nbsp-less text stay as written.")
    txt = read_bytes(f"Talks at the Caf&eacute;\n\n{body}\n".encode(), "a.txt").articles[0]
    rec = {"title": "Talks &amp; tea", "text": body, "author": "Ana L&oacute;pez"}
    js = read_bytes(json.dumps(rec).encode(), "a.json").articles[0]
    jl = read_bytes((json.dumps(rec) + "\n").encode(), "a.jsonl").articles[0]
    want = ("Mr Blair\u00bfs aides met AT&T and R&D staff at the Caf\u00e9 Royal; "
            "\u201cwe listened,\u201d one said. AT&T and &nbsp-less text stay as written.")
    assert txt.text.strip() == js.text == jl.text == want
    assert txt.title == "Talks at the Caf\u00e9" and js.title == "Talks & tea"
    assert js.authors == ["Ana L\u00f3pez"]
