"""A generated corpus of realistic short articles for the crash and scale tests (written here)."""

from __future__ import annotations

import json
from pathlib import Path

PEOPLE = [("Helen Brandt", "Mayor"), ("Tomas Varga", "baker"), ("Miriam Okafor", "engineer"),
          ("Daniel Reyes", "Superintendent"), ("Agnes Whitlow", "chair"), ("Marcus Hale", "CEO"),
          ("Ruth Calloway", "Senator"), ("Ben Okoro", "spokesman"), ("Lucia Ferreira", "manager"),
          ("Kwame Asante", "union secretary")]
PLACES = ["Port Alder", "Greyford", "Kell", "Marra", "Northfield", "Eastport"]
ORGS = ["the Valley Transit Authority", "Northwind Energy", "the Alder River Trust",
        "the Greyford Dockers' Union", "Harrow Living", "Blue Sound Lines"]
TOPICS = ["the new bridge", "the school budget", "the wind farm", "bus fares", "the harbour",
          "the housing plan", "ferry timetables", "water rights"]


def article(i: int) -> tuple[str, str]:
    name, role = PEOPLE[i % len(PEOPLE)]
    other, _ = PEOPLE[(i * 7 + 3) % len(PEOPLE)]
    place = PLACES[i % len(PLACES)]
    org = ORGS[(i * 3) % len(ORGS)]
    topic = TOPICS[(i * 5) % len(TOPICS)]
    title = f"{place} debates {topic} ({i})"
    body = (
        f"{role} {name} met representatives of {org} in {place} on Tuesday to discuss {topic}.\n\n"
        f"\u201cWe cannot wait another year for a decision on {topic},\u201d {name} said. "
        f"\u201cPeople in {place} deserve an answer.\u201d\n\n"
        f"{other} said that the plan would cost about {i % 40 + 5} million dollars and take "
        f"{i % 9 + 2} years to finish. According to {org}, more than {i * 13 % 900 + 100} people "
        f"attended the meeting.\n\n"
        f'"This is not the end of the debate," {other} told reporters afterwards.\n'
    )
    return title, body


def write_corpus(raw: Path, n: int, archive: int = 0) -> None:
    """n articles: the first ``archive`` in one big JSON Lines file (archive.jsonl), the others
    mostly as .txt files, every tenth group as a JSON Lines file of five."""
    raw.mkdir(parents=True, exist_ok=True)
    if archive:
        lines = [json.dumps({"title": t, "text": b, "date": f"2026-10-{j % 28 + 1:02d}"})
                 for j in range(archive) for t, b in [article(j)]]
        (raw / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    i = archive
    while i < n:
        if (i // 5) % 10 == 9 and i + 5 <= n:
            lines = []
            for j in range(i, i + 5):
                title, body = article(j)
                lines.append(json.dumps({"title": title, "text": body,
                                         "date": f"2026-11-{j % 28 + 1:02d}"}))
            (raw / f"wire-{i:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
            i += 5
        else:
            title, body = article(i)
            (raw / f"story-{i:04d}.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
            i += 1
