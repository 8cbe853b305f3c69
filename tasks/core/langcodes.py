"""Language codes spelled one way (ISO 639-1), and the language -> pipeline setting.

Settings read ``--models`` with these, below the layer that detects languages."""

from __future__ import annotations

import re

_CODE = re.compile(r"^[a-z]{2,3}$")
NAMES = {"english": "en", "french": "fr", "francais": "fr", "français": "fr", "german": "de",
         "deutsch": "de", "spanish": "es", "espanol": "es", "español": "es", "italian": "it",
         "italiano": "it", "portuguese": "pt", "russian": "ru", "dutch": "nl"}


def normalize(code: str | None) -> str | None:
    """'en-US', 'EN', 'en_GB', 'English' -> 'en'; None for anything else."""
    if not code:
        return None
    c = code.strip().lower()
    c = NAMES.get(c, c)
    c = re.split(r"[-_]", c)[0]
    return c if _CODE.match(c) else None


def parse_models(text: str | None) -> dict[str, str]:
    """'fr=fr_core_news_sm, de=de_core_news_sm' -> {'fr': 'fr_core_news_sm', ...}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        lang, sep, model = part.partition("=")
        code = normalize(lang)
        if not sep or code is None or not model.strip():
            raise ValueError(f"models: expected LANG=PIPELINE pairs, got {part.strip()!r}")
        out[code] = model.strip()
    return out
