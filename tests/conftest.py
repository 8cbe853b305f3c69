"""Shared fixtures: the spaCy model once per session, one Prefect test harness, article writers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "false")  # as the CLI sets it

PROJECT = Path(__file__).resolve().parent.parent
# ../shared, or where NEWS_ETL_SHARED says (as the benchmarks read it): a clone elsewhere still
# runs the tests against the reference scorer instead of skipping them
SHARED = Path(os.environ.get("NEWS_ETL_SHARED", PROJECT.parent / "shared"))


@pytest.fixture(scope="session")
def nlp():
    from tasks.core.settings import DEFAULT_DISABLE, DEFAULT_MODEL
    from tasks.nlp.extract import load_nlp

    return load_nlp(DEFAULT_MODEL, DEFAULT_DISABLE)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    import prefect.testing.utilities as harness
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from tests.helpers import SHARED_API, prefect_db_template

    # the harness's server starts on its temporary folder's database: put a migrated one there
    template, make_folder = prefect_db_template(), harness.mkdtemp

    def folder_with_database() -> str:
        made = make_folder()
        shutil.copyfile(template, Path(made) / "prefect-test.db")
        return made

    harness.mkdtemp = folder_with_database  # type: ignore[assignment]
    try:
        with prefect_test_harness(server_startup_timeout=120):
            SHARED_API.append(str(PREFECT_API_URL.value()))
            yield
            SHARED_API.clear()
    finally:
        harness.mkdtemp = make_folder


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    return d


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that runs the Prefect flow is in the slow tier (`pytest -m "not slow"` leaves
    them out); tests that start the command line or worker pools are marked where they stand."""
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    # the longest files first, so that two xdist workers (`--dist loadfile
    # --no-loadscope-reorder`, scripts/check.sh) end together: by default xdist takes the files
    # with the most tests first, and the one-test crash file (90 s) ran last on one worker while
    # the other stood idle
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# files by their time in the whole suite (`--durations=0`, summed per file), longest first
LONGEST_FIRST = ("test_hostile_folder.py", "test_progress.py", "test_lifecycle.py",
                 "test_pipeline.py", "test_crash.py", "test_scaleout.py", "test_compact.py",
                 "test_split.py", "test_concurrency.py")


RULE_PARSES = Path(__file__).parent / "fixtures" / "rule_parses.spacy"


class SavedParses:
    """The rule tests' texts as the model parsed them when tests/fixtures/rule_parses.spacy was
    saved, read with a blank English vocabulary: a rule test asserts what the rules make of a
    fixed parse, so a new model (or spaCy) never moves it, and it needs no model at all. A text
    not saved yet is parsed by the model; `NEWS_ETL_SAVE_PARSES=1 pytest tests/test_quotes.py
    tests/test_speakers.py` saves every text the run asked for (a rule test that needs a new
    sentence adds its parse that way)."""

    def __init__(self, path: Path) -> None:
        import spacy
        from spacy.tokens import DocBin

        self.path = path
        self.vocab = spacy.blank("en").vocab
        self.docs = {}
        if path.is_file():
            self.docs = {d.text: d for d in DocBin().from_disk(path).get_docs(self.vocab)}
        self.asked: dict[str, object] = {}
        self._model = None

    def __call__(self, text: str):
        doc = self.docs.get(text)
        if doc is None:
            if self._model is None:
                from tasks.core.settings import DEFAULT_DISABLE, DEFAULT_MODEL
                from tasks.nlp.extract import load_nlp

                self._model = load_nlp(DEFAULT_MODEL, DEFAULT_DISABLE)
            doc = self._model(text)
        self.asked[text] = doc
        return doc

    def save(self) -> None:
        from spacy.tokens import DocBin

        docs = {**self.docs, **self.asked}
        DocBin(store_user_data=False, docs=[docs[t] for t in sorted(docs)]).to_disk(self.path)


@pytest.fixture(scope="session")
def parse() -> Iterator[SavedParses]:
    saved = SavedParses(RULE_PARSES)
    yield saved
    if os.environ.get("NEWS_ETL_SAVE_PARSES") == "1":
        saved.save()
    elif saved._model is not None:
        import warnings

        missing = len([t for t in saved.asked if t not in saved.docs])
        warnings.warn(f"{missing} rule-test texts were parsed by the model, not read from "
                      f"{RULE_PARSES.name}: save them (NEWS_ETL_SAVE_PARSES=1)", stacklevel=1)
