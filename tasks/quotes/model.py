"""What the quote rules produce: an attribution (Quote) over the article's entity Mentions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    """An entity mention as the quote pass sees it."""

    start: int
    end: int
    label: str
    canonical: str


@dataclass
class Quote:
    """One attribution: content fragments, cue, speaker mention and resolved name."""

    spans: list[tuple[int, int]]
    quote_type: str  # direct | mixed | indirect (speech) | belief (belief, plan, stance)
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    speaker_text: str | None = None
    speaker_span: tuple[int, int] | None = None
    speaker: str | None = None
    speaker_label: str | None = None
    speaker_role: str | None = None  # as the article gives it: 'spokesman', 'senior fellow'
    speaker_organisation: str | None = None  # where the role is held: 'Kremlin'
    speaker_gender: str | None = None  # male | female, only from the article's own words
    _cue_token: int | None = field(default=None, repr=False)
    _speaker_token: int | None = field(default=None, repr=False)  # a possessor who speaks
    _speaker_head: int | None = field(default=None, repr=False)  # head of the speaker's phrase

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]
