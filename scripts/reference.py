"""Write docs/reference.md, the command-line, settings and columns reference, from the code
itself: the argparse parser of news_etl/cli.py, the Settings dataclasses, and the columns of
every view and named query on a new warehouse (also pinned in tests/fixtures/columns.json, the
contract tests/test_contract.py holds them to). ``--check`` exits 1 when either file in the
repository differs (CI runs it), so neither drifts from the code.

    .venv/bin/python scripts/reference.py          # rewrite docs/reference.md
    .venv/bin/python scripts/reference.py --check  # fail if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import MISSING, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news_etl.cli import build_parser  # noqa: E402
from tasks.core.settings import HELP, NlpSettings, Settings  # noqa: E402

TARGET = ROOT / "docs" / "reference.md"
CONTRACT = ROOT / "tests" / "fixtures" / "columns.json"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _option(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    names = ", ".join(f"`{o}`" for o in action.option_strings)
    if action.nargs == 0:
        return names
    meta = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices
                              else action.dest.upper())
    return f"{names} `{meta}`"


def commands() -> list[str]:
    """One section per command: its one-line help and a table of its arguments."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    out = ["## Commands", ""]
    for name, p in sub.choices.items():
        out += [f"### `news-etl {name}`", "", _cell(helps.get(name)) + ".", "",
                "| argument | meaning | default |", "|---|---|---|"]
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                continue
            default = "" if a.default in (None, False, argparse.SUPPRESS, []) else f"`{a.default}`"
            out.append(f"| {_option(a)} | {_cell(a.help)} | {default} |")
        out.append("")
    return out


def settings() -> list[str]:
    """Every setting: its NEWS_ETL_ variable, its default and what it does."""
    out = ["## Settings", "",
           "Each setting is read from its command-line flag, else its `NEWS_ETL_*` variable, "
           "else the default (`tasks/core/settings.py`). The flow receives them as one object.", "",
           "| setting | variable | default | meaning |", "|---|---|---|---|"]
    for cls, prefix in ((Settings, ""), (NlpSettings, "nlp.")):
        for f in fields(cls):
            if f.name == "nlp":
                continue
            if f.default is not MISSING:
                default = f.default
            elif f.name == "processes":
                default = "up to 2 (the cores)"
            else:
                default = f.default_factory()  # type: ignore[misc]
            if isinstance(default, tuple):
                default = ",".join(default)
            shown = f"`{default}`" if default not in ("", None) else "(none)"
            out.append(f"| `{prefix}{f.name}` | `NEWS_ETL_{f.name.upper()}` | {shown} | "
                       f"{_cell(HELP[f.name])} |")
    return out + [""]


def contract() -> dict[str, dict[str, list[str]]]:
    """The columns of every view and named query, on a new, empty warehouse."""
    import tempfile

    from news_etl.query import columns_contract
    from tasks.store.staging import init_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        init_warehouse(Path(tmp))
        return columns_contract(Path(tmp))


def columns(found: dict[str, dict[str, list[str]]]) -> list[str]:
    out = ["## Columns", "",
           "What every view of news.duckdb and every named query (`news-etl query NAME`) returns. "
           "A change here is a change for analysts: it comes with a CHANGELOG line.", ""]
    for kind, title in (("views", "Views"), ("queries", "Named queries")):
        out += [f"### {title}", "", "| name | columns |", "|---|---|"]
        out += [f"| `{name}` | {_cell(', '.join(cols))} |" for name, cols in found[kind].items()]
        out.append("")
    return out


def render(found: dict[str, dict[str, list[str]]]) -> str:
    return "\n".join(["# Reference", "",
                      "Generated from the code by `scripts/reference.py`; do not edit by hand.", "",
                      *commands(), *settings(), *columns(found)])


def main() -> int:
    found = contract()
    outputs = {TARGET: render(found), CONTRACT: json.dumps(found, indent=1) + "\n"}
    if "--check" in sys.argv[1:]:
        stale = [p for p, text in outputs.items() if p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run scripts/reference.py", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs.items():
        p.write_text(text, encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
