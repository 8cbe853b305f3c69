"""The quote rules' output on tests/fixtures/quote_rules.jsonl, stored with the EXTRACTOR_VERSION
that produced it (tests/fixtures/quote_rules.snapshot.json).

Stored rows carry EXTRACTOR_VERSION, and `news-etl run --reprocess` redoes articles whose
version differs; so a rule change that forgets the bump leaves old and new answers side by side.
The test compares the output with the snapshot; this script rewrites the snapshot, and refuses
to when the output moved but the version did not:

    .venv/bin/python tests/quote_snapshot.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ARTICLES = HERE / "fixtures" / "quote_rules.jsonl"
SNAPSHOT = HERE / "fixtures" / "quote_rules.snapshot.json"


def current(nlp: Any) -> dict[str, list[dict[str, Any]]]:
    """Every fixture article's quotes as extract_doc gives them (offsets, cue, speaker, type)."""
    from tasks.nlp.extract import extract_doc

    out = {}
    for line in ARTICLES.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        rows = extract_doc(nlp(record["text"]), record["id"]).quotes
        out[record["id"]] = [{k: v for k, v in row.items() if k != "article_id"} for row in rows]
    return out


def stored() -> tuple[str, dict[str, list[dict[str, Any]]]]:
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data["extractor_version"], data["quotes"]


def update(nlp: Any) -> str:
    """Rewrite the snapshot; a message saying what happened (raises when the version is stale)."""
    from tasks.nlp.quotes import EXTRACTOR_VERSION

    quotes = current(nlp)
    if SNAPSHOT.exists():
        version, old = stored()
        if old == quotes and version == EXTRACTOR_VERSION:
            return "snapshot unchanged"
        if old != quotes and version == EXTRACTOR_VERSION:
            raise SystemExit(f"the rules' output changed but EXTRACTOR_VERSION is still "
                             f"{EXTRACTOR_VERSION!r}: bump it in tasks/core/version.py first")
    SNAPSHOT.write_text(json.dumps({"extractor_version": EXTRACTOR_VERSION, "quotes": quotes},
                                   ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")
    return f"snapshot written for {EXTRACTOR_VERSION}"


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    if sys.argv[1:] != ["--update"]:
        raise SystemExit(__doc__)
    from tasks.core.settings import DEFAULT_DISABLE, DEFAULT_MODEL
    from tasks.nlp.extract import load_nlp

    print(update(load_nlp(DEFAULT_MODEL, tuple(DEFAULT_DISABLE))))
