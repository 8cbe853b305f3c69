"""Gender from a first name, where the article's own words give none.

The Gender Gap Tracker's figure is the share of women among the people quoted. The article's
words (pronouns, honorifics, gendered nouns: tasks/nlp/quotes/cast.py) decide first; a quoted person
they leave without one gets the gender their first name carries in ``nomquamgender``'s name
data (MIT, shipped inside its wheel, read from the installed package: nothing is fetched),
only when the name is unambiguous: p(female) at least FEMALE_AT or at most 1 - FEMALE_AT, over
at least MIN_COUNT recorded people. 0.9 is the data's own default classification threshold
(its uncertainty cut-off of 0.1); 0.95 leaves Tony (0.948 male) and Hillary (0.922 female)
unknown. The source of each gender is recorded (``speaker_gender_source``: text or name), so
an analyst can count either alone; ``--no-gender-from-names`` turns the names off.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

FEMALE_AT = 0.9  # p(female) from which a name is a woman's (1 - this: a man's)
MIN_COUNT = 50  # people on record with the name: rarer names say too little
# A word the article writes alone ('Heather, a nurse, said') is read as a first name only when
# this many people on record bear it: news writes people's surnames alone, and a surname or a
# place is a rare first name ('Davies' 76, 'Walker' 27,736, 'Valencia' 11,935, 'Clinton'
# 101,920, against 'Heather' 601,944 and 'Kylie' 130,025), so a rare one alone says nothing.
ALONE_MIN_COUNT = 120_000
_TITLES = frozenset("mr mrs ms miss dr prof sir dame lord lady rev fr sen rep gov pres gen col "
                    "capt lt sgt president senator minister".split())


@lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """A word lower case without its accents (cached: the same few names are asked for in
    every article, as each he or she is weighed)."""
    if word.isascii():
        return word.lower()  # (what the folding leaves of it)
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


# sha256 of the filtered table (``_encode``) per nomquamgender version, at FEMALE_AT and
# MIN_COUNT: a cached table is used only when it is exactly what the package gives
TABLE_SHA256 = {"0.1.4": "a7dae4e5dc2262884f519dd59cddda715e7101099e363a112a73f93e6f1dc6ab"}


def _package() -> tuple[Path, str] | None:
    """The installed package's data file and version, found without importing it (its module
    imports pandas)."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        return Path(next(iter(spec.submodule_search_locations))) / "name_data.json", \
            version("nomquamgender")
    except PackageNotFoundError:
        return None


def _from_package(path: Path) -> dict[str, str]:
    """Name -> 'female' | 'male', the common names (ALONE_MIN_COUNT) in capitals: 'FEMALE'."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, str] = {}
    for name, row in data.items():
        try:
            count, p_female = int(row[1]), float(row[2])
        except (TypeError, ValueError, IndexError):
            continue
        if count < MIN_COUNT or not name.isalpha():
            continue
        gender = "female" if p_female >= FEMALE_AT else "male" if p_female <= 1 - FEMALE_AT \
            else None
        if gender is not None:
            out[name] = gender.upper() if count >= ALONE_MIN_COUNT else gender
    return out


def _encode(table: dict[str, str]) -> bytes:
    return "".join(f"{n}\t{g[0]}\n" for n, g in sorted(table.items())).encode("utf-8")  # f/F m/M


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """First name -> 'female' | 'male' for the unambiguous names (62,921 in 0.1.4), once per
    process. The package's 22 MB file takes 1.5 s and 260 MB to read, so the filtered table
    (0.6 MB) is kept in the user's cache and read back when its digest is the pinned one.
    Empty when the package is not installed."""
    import hashlib
    import os

    found = _package()
    if found is None:
        return {}
    path, version = found
    pinned = TABLE_SHA256.get(version)
    cache = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news-etl"
             / f"first-names-{version}-{FEMALE_AT}-{MIN_COUNT}-{ALONE_MIN_COUNT}.tsv")
    if pinned is not None:
        try:
            raw = cache.read_bytes()
            if hashlib.sha256(raw).hexdigest() == pinned:
                gender = {"f": "female", "m": "male", "F": "FEMALE", "M": "MALE"}
                return {n: gender[g] for n, g in (line.split("\t") for line in
                                                   raw.decode("utf-8").splitlines())}
        except (OSError, ValueError, KeyError):
            pass
    table = _from_package(path)
    raw = _encode(table)
    if pinned is not None and hashlib.sha256(raw).hexdigest() == pinned:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
            tmp.write_bytes(raw)
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only home: read the package again next time
    return table


def load_table() -> int:
    """Read the first names' table now (once per process, as a model is loaded) and return
    how many names it holds: a worker or a benchmark that wants the read out of the first
    article's time calls this; gender_of_name reads it on first use otherwise."""
    return len(_table())


@lru_cache(maxsize=1 << 16)
def first_name(name: str) -> str | None:
    """The given name of a person's name ('Dr. Ana Ruiz' -> 'ana'); None for a single word (a
    surname alone says nothing) or an initial."""
    words = [w.strip(".,'\u2019") for w in name.split()]
    words = [w for w in words if w and _fold(w) not in _TITLES]
    if len(words) < 2 or len(words[0]) < 2:
        return None
    return _fold(words[0].split("-")[0])


def gender_of_name(name: str, alone: bool = False) -> str | None:
    """'female' or 'male' when the person's first name is unambiguous, else None. ``alone``: the
    article calls the person by this one word only, and it is no one's surname there ('Heather,
    a nurse in Halifax, said'), so a single word is read as a first name too, when it is a
    common one (ALONE_MIN_COUNT)."""
    first = first_name(name)
    if first is not None:
        found = _table().get(first)
        return found.lower() if found else None
    if not alone:
        return None
    word = name.strip().strip(".,'\u2019")
    if " " in word or len(word) < 2:
        return None
    found = _table().get(_fold(word))
    return found.lower() if found and found.isupper() else None
