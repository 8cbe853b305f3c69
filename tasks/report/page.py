"""`news-etl report`: the warehouse as one HTML page an editor reads without SQL.

One self-contained file: the Vega-Lite charts (plain specs, tasks/report/charts.py) and the Vega
libraries that draw them (bundled by vl-convert) are inside it, so it opens from disk or a mail
attachment with no network. Sections: the corpus (articles over time per source, languages,
files), the people and organisations named most with their weekly timelines, the speakers quoted
most with their role and their lines, who quotes whom per outlet, the network of the people named
together, and the data's health (undated articles, stale rows, failed files, the last runs).
Every number comes from the queries in sql/report/; the page is written beside the warehouse atomically.

Vega (through Altair, then) and vl-convert measured against Plotly for this page: Vega's bundle is
0.9 MB, Plotly's 4.8 MB, for the same charts; the Vega specs themselves are a few kB each.
"""

from __future__ import annotations

import html
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasks.core.errors import NewsEtlError
from tasks.report.charts import (
    chart_specs,
)
from tasks.report.data import gather, stale_rows, who_is_quoted
from tasks.store.layout import REPORT_FILE


class ReportError(NewsEtlError):
    """The report cannot be written (exit 1, one line)."""


@dataclass
class Report:
    """What was written: where, the charts it holds, its size and how long it took."""

    path: Path
    charts: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0


def default_output(wh: Path) -> Path:
    return wh / REPORT_FILE


def build_report(wh: Path, output: Path | None, model: str) -> Report:
    """Query the warehouse, draw the charts, write the page (by rename: never half a file).
    ``model`` is the run's pipeline: rows another one made are counted as stale."""
    from tasks.store.views import connect

    t0 = time.perf_counter()
    out = output or default_output(wh)
    con = connect(wh)  # NoWarehouse: exit 2
    try:
        data = gather(con)
    finally:
        con.close()
    data["stale"] = stale_rows(wh, model)
    charts = chart_specs(data)
    page = render_page(wh, data, charts)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return Report(out, list(charts), len(page.encode("utf-8")), time.perf_counter() - t0)


# --- data --------------------------------------------------------------------------------------


# --- charts ------------------------------------------------------------------------------------


# --- page --------------------------------------------------------------------------------------

# sha256 of vl_convert.javascript_bundle() per vl-convert version (pinned in pyproject.toml): a
# cached bundle is inlined into every report, so a cache file is used only when it is exactly
# what the installed package builds. A version not listed here is built afresh every time.
BUNDLE_SHA256 = {"1.9.0": "3425bd951a44d478d0505c6b5d1e8d57656b6e9a4da7bfe88a718ce61d76e572"}


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert (no network). Building it
    takes a second or more, so it is kept in the user's cache, one file per vl-convert version,
    and read back only when its digest is the pinned one (BUNDLE_SHA256): a poisoned cache file
    would otherwise put its script into every report."""
    import hashlib

    import vl_convert as vlc

    version = getattr(vlc, "__version__", None) or _dist_version("vl-convert-python")
    pinned = BUNDLE_SHA256.get(version)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news-etl"
    path = cache / f"vega-bundle-{version}.js"
    if pinned is not None:
        try:
            cached = path.read_bytes()
            if hashlib.sha256(cached).hexdigest() == pinned:
                return cached.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    js: str = vlc.javascript_bundle()  # type: ignore[call-arg]  # its stub wants a snippet
    if pinned is None or hashlib.sha256(js.encode("utf-8")).hexdigest() != pinned:
        return js  # the package's own output, trusted; not cached without a pinned digest
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(js, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: build it again next time
    return js


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> str:
    """JSON to inline in a <script> element. Escaping ``</`` is not enough: a name ending in
    ``<!--<script>`` puts the HTML tokenizer in its double-escaped state, where ``</script>`` no
    longer ends the element and the rest of the page is swallowed. With every ``<``, ``>`` and
    ``&`` (and the JavaScript line separators) written as \\u escapes, which JSON and JavaScript
    read back as the same characters, no data can change how the page is parsed."""
    return json.dumps(value, ensure_ascii=False, default=str).translate(_SCRIPT_UNSAFE)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _n(value: Any) -> str:
    """A cell: counts with separators, times to the second in UTC (a run's microseconds and
    offset are noise to a reader), anything else escaped."""
    if isinstance(value, datetime):
        value = (value.astimezone(UTC) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M:%S") \
            + (" UTC" if value.tzinfo else "")
    return f"{value:,}" if isinstance(value, int) else _e(value)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    if not rows:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{_e(t)}</th>" for _, t in columns)
    body = "".join("<tr>" + "".join(f"<td>{_n(r.get(c))}</td>" for c, _ in columns) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(charts: dict[str, Any], cid: str, caption: str) -> str:
    if cid not in charts:
        return f'<p class="empty">{_e(caption)}: no data yet</p>'
    return (f'<figure><div class="chart" id="{cid}" data-chart="{cid}"></div>'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _quotation_table(rows: list[dict[str, Any]], empty: str) -> str:
    """Quotations: their words, reach, first appearance and the speakers credited."""
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    body = "".join(
        "<tr><td>“{}”</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            _e(r["text"]), _n(r["outlets"]), _n(r["articles"]),
            _e(f"{r['first_source'] or '(no outlet named)'}, "
               + (f"{r['first_seen_at']:%d %b %Y}" if r["first_seen_at"] else "undated")
               + ("" if r["first_date_source"] == "published" else " (first stored)")),
            _e("; ".join(f"{s['speaker']} {s['share']:.0%}" for s in r["speakers"]) or "no one"))
        for r in rows)
    return ("<table><thead><tr><th>words</th><th>outlets</th><th>articles</th>"
            "<th>first appeared</th><th>credited to</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _said(line: dict[str, Any]) -> str:
    """A speaker's own words in quotation marks; reported speech as reported, never dressed up
    as a verbatim quote."""
    if line.get("quote_type") == "direct":
        return f"“{_e(line['text'])}”"
    return f'<span class="reported">(reported) {_e(line["text"])}</span>'


def render_page(wh: Path, data: dict[str, Any], charts: dict[str, dict[str, Any]]) -> str:
    """The HTML page: sections of charts and tables, the specs, and the script that draws them."""
    o, h = data["overview"], data["health"]
    first, last = o["first_day"], o["last_day"]
    span = (f"published {first:%d %b %Y} to {last:%d %b %Y}" if first and last
            else "no publication dates")
    if not o["undated"]:
        undated_note = ""
    elif not data["dated"]:
        undated_note = ("No timeline: " + ("no article carries a publication date"
                                           if first is None else
                                           "the publication dates fall within one week")
                        + (". The corpus is compared by its sections (the raw folder's "
                           "sub-folders) instead." if data["sections"] else "."))
    else:
        undated_note = (f"{_n(o['undated'])} of {_n(o['articles'])} articles "
                        f"({_share(o['undated'], o['articles'])}) carry no publication date and "
                        "are left out of the timelines.")
    lines: dict[str, list[dict[str, Any]]] = {}
    for r in data["lines"]:
        lines.setdefault(r["speaker"], []).append(r)
    speaker_rows = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
        .format(_e(s["speaker"]), _e(s["role"]), _e(s["organisation"]), _e(s["gender"]),
                _n(s["quotes"]), _n(s["outlets"]) if s["outlets"] is not None else "&ndash;",
                "".join(f'<blockquote>{_said(x)}<cite>{_e(x["source"] or "")}'
                        f'{" · " + _n(x["articles"]) + " articles" if x["articles"] > 1 else ""}'
                        "</cite></blockquote>" for x in lines.get(s["speaker"], [])))
        for s in data["speakers"])
    stale = data["stale"]
    stale_text = ("unknown" if stale is None else
                  f"{stale:,} articles made by another model or extractor version "
                  "(`news-etl run --reprocess` redoes them)" if stale else "none")
    last_run = data["runs"][0] if data["runs"] else None
    health_items = [
        ("undated articles", f"{_n(h['undated'])} ({_share(h['undated'], h['articles'])})"),
        ("failed files", f"{_n(h['failed_files'])} of {_n(h['files'])}"),
        ("partial files", _n(h["partial_files"])),
        ("skipped files", _n(h["skipped_files"])),
        ("quotes with no speaker",
         f"{_n(h['quotes_without_speaker'])} ({_share(h['quotes_without_speaker'], h['quotes'])})"),
        ("stale rows", stale_text),
        ("last run", f"{last_run['status']} at {last_run['started_at']:%Y-%m-%d %H:%M}"
         if last_run else "none"),
    ]
    specs = script_json(charts)
    # no zero posing as data: a corpus whose articles name no source says so
    sources_tile = (f"<div><b>{_n(o['sources'])}</b>sources</div>" if o["sources"] else
                    "<div><b>&ndash;</b>sources not given</div>")
    beliefs_note = (f"{o['quotes']:,} quotes said; {o['beliefs']:,} more statements are beliefs, "
                    "plans or stances (attributed, not said), which the run summary and "
                    "<code>status</code> count as quotes too" if o.get("beliefs") else "")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>news-etl report: {_e(wh.resolve().name)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>News corpus report</h1>
<p class="sub">{_e(wh.resolve())} · generated {generated} · {span}</p>
{f'<p class="sub" id="beliefs">{beliefs_note}</p>' if beliefs_note else ''}
<div class="tiles">
<div><b>{_n(o['articles'])}</b>articles</div>{sources_tile}
<div><b>{_n(o['people'])}</b>people named</div><div><b>{_n(o['speakers'])}</b>people quoted</div>
<div><b>{_n(o['quotes'])}</b>quotes said</div><div><b>{_n(o['entities'])}</b>entity mentions</div>
</div>
<nav><a href="#corpus">Corpus</a><a href="#people">People and organisations</a>
<a href="#speakers">Speakers</a><a href="#whom">Who quotes whom</a>
<a href="#quotations">Quotations</a><a href="#network">Network</a><a href="#health">Data health</a></nav>
</header>
<main>
<section id="corpus"><h2>Corpus</h2>
{_chart(charts, "articles-over-time", "Articles over time, per source") if data["dated"] else
 _chart(charts, "articles-by-section", "Articles per section")}
<p class="note">{_e(undated_note)}</p>
<div class="two">{_chart(charts, "languages", "Languages")}
{_chart(charts, "files", "Input files by outcome")}</div>
</section>
<section id="people"><h2>People and organisations</h2>
<div class="two">{_chart(charts, "top-people", "People named in most articles")}
{_chart(charts, "top-organisations", "Organisations named in most articles")}</div>
{_chart(charts, "people-timeline", "Articles per week naming the most-named people")
 if data["dated"] else
 _chart(charts, "people-by-section", "Articles per section naming the most-named people")}
{_chart(charts, "organisations-timeline", "Articles per week naming the most-named organisations")
 if data["dated"] else
 _chart(charts, "organisations-by-section",
        "Articles per section naming the most-named organisations")}
</section>
<section id="speakers"><h2>Speakers</h2>
{_chart(charts, "top-speakers", "Speakers quoted most (speech only; beliefs and plans left out)")}
<p class="note" id="who-is-quoted">{_e(who_is_quoted(data["who_is_quoted"]))}</p>
<p class="note">Gender comes from the articles' own words where they give it (honorifics,
gendered nouns, the pronouns used for the person), else from the person's first name when the
name data makes it unambiguous (p &ge; 0.9; <code>speakers.gender_source</code> says which;
<code>news-etl run --no-gender-from-names</code> leaves names out).</p>
<table class="speakers"><thead><tr><th>speaker</th><th>role</th><th>organisation</th>
<th>gender</th><th>quotes</th><th>outlets</th><th>most quoted lines</th></tr></thead>
<tbody>{speaker_rows}</tbody></table>
</section>
<section id="whom"><h2>Who quotes whom</h2>
{_chart(charts, "speaker-by-source", "Quotes of the most-quoted speakers, per outlet")
 if data["speaker_source"] or not data["speaker_section"] else
 _chart(charts, "speaker-by-section",
        "Quotes of the most-quoted people, per section (the corpus has one outlet)")}
</section>
<section id="quotations"><h2>Quotations that travelled</h2>
<p class="note">The same words (or nearly: a word changed, a start or end trimmed, an excerpt)
reported in several articles; <code>news-etl trace "some words"</code> gives one's history.</p>
{_quotation_table(data["quotations"], "No quotation was reported by two outlets or more.")}
<h3>Conflicting attributions</h3>
<p class="note">The same words credited to different speakers: a misattribution somewhere, or the
extractor's own speaker error (read the articles: <code>news-etl query quote-history -p
text=...</code>).</p>
{_quotation_table(data["conflicts"], "No quotation is credited to two speakers.")}
</section>
<section id="network"><h2>Who is named with whom</h2>
{_chart(charts, "people-network", "The most-named people; a line joins two named in the same "
        "articles, thicker the more articles")}
</section>
<section id="health"><h2>Data health</h2>
<dl class="health">{"".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in health_items)}</dl>
<h3>Last runs</h3>
{_table(data["runs"], [("started_at", "started"), ("status", "status"), ("files", "files"),
                       ("articles", "articles"), ("quotes", "quotes"),
                       ("files_failed", "failed files"), ("seconds", "seconds"),
                       ("error", "error")])}
<h3>Files that failed or were read in part</h3>
{_table(data["failed"], [("path", "file"), ("status", "status"), ("reason", "reason")])}
</section>
</main>
<div id="chart-errors" hidden></div>
<script>{vega_bundle()}</script>
<script>
const specs = {specs};
const failed = document.getElementById("chart-errors");
for (const [id, spec] of Object.entries(specs)) {{
  vegaEmbed("#" + id, spec, {{renderer: "svg", actions: false}}).catch((err) => {{
    document.getElementById(id).textContent = "This chart could not be drawn: " + err;
    failed.hidden = false;
    failed.textContent += id + ": " + err + "\\n";
    console.error(err);
  }});
}}
</script>
</body>
</html>
"""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1c2833;
background:#fbfcfc}
header{background:#1c2833;color:#fdfefe;padding:1.2em 2em}
header h1{margin:0;font-size:1.6em}.sub{margin:.3em 0 1em;color:#aeb6bf;font-size:.9em}
.tiles{display:flex;flex-wrap:wrap;gap:1em}.tiles div{background:#283747;padding:.6em 1em;
border-radius:6px;min-width:8em}.tiles b{display:block;font-size:1.4em}
nav{margin-top:1em}nav a{color:#d6eaf8;margin-right:1.2em;text-decoration:none}
main{max-width:1200px;margin:auto;padding:0 2em 3em}section{margin-top:2.5em}
h2{border-bottom:2px solid #d5d8dc;padding-bottom:.2em}
figure{margin:1em 0}.chart{width:100%;min-height:120px}figcaption{color:#566573;font-size:.9em}
.two{display:grid;grid-template-columns:1fr 1fr;gap:2em}
.note{color:#566573;font-size:.9em}.empty{color:#909497;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{text-align:left;
padding:.35em .6em;border-bottom:1px solid #e5e8e8;vertical-align:top}
blockquote{margin:0 0 .5em;font-style:italic}cite{display:block;font-style:normal;
color:#7f8c8d;font-size:.85em}
dl.health{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1.5em}dt{font-weight:600}
dd{margin:0}#chart-errors{white-space:pre;color:#c0392b}
@media (max-width:800px){.two{grid-template-columns:1fr}}
"""
