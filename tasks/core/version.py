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
# 13: each quote records the rule or pass that chose its speaker (speaker_rule); an impersonal
# passive has no speaker; the one written to or told does not speak the participle after them;
# 12: a quoted person the words give no gender gets an unambiguous first name's
# (speaker_gender_source); 11: the speaker rules of issue 14;
# 10: a surname the NER missed speaks where it is a speaker, a he/she opening its sentence
# continues the subject before; 9: a one-word name after "the" is no person (the West)
EXTRACTOR_VERSION = "quotes-13"


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
