"""Shared fixtures: the spaCy model once per session, one Prefect test harness, article writers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from tasks.core.settings import DEFAULT_DISABLE, DEFAULT_MODEL
    from tasks.nlp.extract import load_nlp

    return load_nlp(DEFAULT_MODEL, DEFAULT_DISABLE)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from tests.helpers import SHARED_API

    with prefect_test_harness(server_startup_timeout=120):
        SHARED_API.append(str(PREFECT_API_URL.value()))
        yield
        SHARED_API.clear()


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
