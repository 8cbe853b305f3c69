"""The columns analysts depend on: every view and every named query keeps its columns and their
types unless tests/fixtures/columns.json is updated on purpose, in the same commit, with a line
in CHANGELOG.md (`.venv/bin/python scripts/reference.py` rewrites both it and the reference)."""

from __future__ import annotations

import json
from pathlib import Path

from news_etl.query import columns_contract

CONTRACT = Path(__file__).parent / "fixtures" / "columns.json"


def test_every_view_and_named_query_keeps_its_columns(tmp_path):
    from tasks.store.staging import init_warehouse

    init_warehouse(tmp_path)
    now = columns_contract(tmp_path)
    pinned = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert set(now["views"]) == set(pinned["views"]), "a view was added or removed"
    assert set(now["queries"]) == set(pinned["queries"]), "a named query was added or removed"
    changed = {name: (pinned[kind][name], cols) for kind in ("views", "queries")
               for name, cols in now[kind].items() if cols != pinned[kind][name]}
    assert not changed, f"columns changed: {changed}"
    # the contract is not vacuous: the views analysts start from have their key columns
    assert "article_id VARCHAR" in now["views"]["articles"]
    assert {"speaker VARCHAR", "text VARCHAR"} <= set(now["views"]["quotes"])
    assert all(now["queries"].values()), "a named query with no columns"
