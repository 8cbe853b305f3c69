"""What made a row: the extraction rules' version and the model's id, both stored with every
article (a light module: status, the quick no-op run and the report read them without
importing spaCy)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

# Any change to what the rules extract needs a bump: stored rows carry it, and
# tests/test_quote_rules_frozen.py fails when the output moves under an unchanged version.
# CHANGELOG.md lists every version and what it changed (14: organisations the model tagged as people,
# unnamed antecedents, letters; 15: lone capitalised words and corporate names are not people;
# 16: photo credits are not the cast, an untagged surname introduces the next quote).
EXTRACTOR_VERSION = "quotes-108"


def _meta_id(meta: dict[str, Any]) -> str:
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}=={meta.get('version', '?')}"


def installed_model_id(model: str) -> str | None:
    """model_id of an installed pipeline package or model folder, read from its meta.json without
    loading it (so the flow can tell stale rows before any worker starts)."""
    candidates = [Path(model) / "meta.json"]
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        candidates.insert(0, Path(spec.origin).parent / "meta.json")
    for path in candidates:
        if path.is_file():
            return _meta_id(json.loads(path.read_text(encoding="utf-8")))
    return None
