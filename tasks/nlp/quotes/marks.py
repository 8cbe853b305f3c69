"""Pass 1, quotation marks: where each quotation's words lie in the text, before any parse."""

from __future__ import annotations

import re

from tasks.nlp.quotes.lexicons import TITLE_CONTEXT, TITLE_SMALL, TITLE_WORKS
from tasks.nlp.quotes.thresholds import TITLE_MAX_WORDS

OPENERS = "“„«"


CLOSERS = "”»"
# Characters where quote_mark_spans has something to decide: a line break or a possible mark.
# the first character of a hashtag or an account's handle: what follows names no one of the story
HANDLE_MARKS = frozenset("#@")
_MARK_OR_BREAK = re.compile("[\n\"'`“„«”»]")


def mark_kind(text: str, i: int) -> tuple[str, int] | None:
    """('open'|'close'|'either', width) for a quotation mark at i, or None."""
    ch = text[i]
    if ch in OPENERS:
        return "open", 1
    if ch in CLOSERS:
        return "close", 1
    pair = text[i : i + 2]
    if pair == "``":
        return "open", 2
    if ch == '"' or pair == "''":
        width = 1 if ch == '"' else 2
        before = text[i - 1] if i > 0 else " "
        after = text[i + width] if i + width < len(text) else " "
        if before.isspace() or before in "([{—–-/:" and not after.isspace():
            return ("open" if not after.isspace() else "either"), width
        if after.isspace() or after in ".,;:!?)]}—–-" or not before.isspace():
            return "close", width
        return "either", width
    return None


def mark_style(text: str, i: int) -> str:
    """A mark's family: straight ('"', "''", '``'), curly ('“„”') or guillemets ('«»')."""
    ch = text[i]
    return "curly" if ch in "“„”" else "guillemet" if ch in "«»" else "straight"


def nested_end(text: str, i: int, width: int) -> tuple[int, int] | None:
    """Where a quotation opened at i inside another quotation of another style closes (its
    closing mark's start and width), when it closes in its own paragraph: '"It isn't about
    “fair shares” anymore.' quotes a phrase inside the quote, it does not end the quote."""
    style = mark_style(text, i)
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    j = i + width
    while j < end:
        found = _MARK_OR_BREAK.search(text, j, end)
        if found is None:
            return None
        j = found.start()
        kind = mark_kind(text, j)
        if kind is not None and mark_style(text, j) == style and kind[0] in ("close", "either"):
            return (j, kind[1]) if j > i + width else None
        j += kind[1] if kind else 1
    return None


def quote_mark_spans(text: str) -> list[list[tuple[int, int]]]:
    """Content fragments of every quotation, marks excluded; one list per (multi-paragraph) quote.

    A paragraph that ends inside an open quote continues it only when the next paragraph opens
    with a mark (the news convention); otherwise the dangling mark is dropped and scanning goes on.
    A quotation inside an open one in marks of another style is part of it (web text mixes
    straight and curly marks for the two levels).
    """
    quotes: list[list[tuple[int, int]]] = []
    open_at: int | None = None  # content start of the current fragment
    open_style = ""  # the style of the mark that opened it
    pending: list[tuple[int, int]] = []  # earlier paragraphs of a multi-paragraph quote
    i, n = 0, len(text)
    while i < n:
        found = _MARK_OR_BREAK.search(text, i)  # nothing else changes the state: skip to it
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == "\n":
            if open_at is not None:
                frag_end = i
                while frag_end > open_at and text[frag_end - 1].isspace():
                    frag_end -= 1
                pending.append((open_at, frag_end))
                open_at = None
                j = i
                while j < n and text[j].isspace():
                    j += 1
                kind = mark_kind(text, j) if j < n else None
                if kind and kind[0] in ("open", "either") and mark_style(text, j) == open_style:
                    open_at = j + kind[1]  # (the same marks: a quotation reopened, not another)
                    i = j + kind[1]
                    continue
                pending = []  # unbalanced: the quote never closed
            i += 1
            continue
        kind = mark_kind(text, i)
        if kind is None:
            i += 1
            continue
        k, width = kind
        if open_at is None:
            # a closing mark typed where a paragraph opens a quote ("”Fear. I am ...") opens it
            at_para_start = i == 0 or text[i - 1] == "\n"
            if k in ("open", "either") or (at_para_start and i + width < n
                                           and not text[i + width].isspace()):
                open_at = i + width
                open_style = mark_style(text, i)
        elif k in ("close", "either"):
            if i > open_at:
                quotes.append(pending + [(open_at, i)])
            pending = []
            open_at = None
        elif mark_style(text, i) != open_style and (inner := nested_end(text, i, width)):
            i = inner[0] + inner[1]  # a quotation inside the quotation, which goes on
            continue
        else:  # a second opener while open: the first one was unbalanced
            pending = []
            open_at = i + width
            open_style = mark_style(text, i)
        i += width
    return quotes


def after_mark(text: str, end: int) -> int:
    """Position just after the closing quotation mark(s) that follow content ending at end."""
    while end < len(text) and text[end] in "\"”'’»`":
        end += 1
    return end


def paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def paragraph_span(text: str, pos: int) -> tuple[int, int]:
    """The character span of the paragraph (the line) holding pos."""
    end = text.find("\n", pos)
    return paragraph_start(text, pos), len(text) if end < 0 else end


def opens_paragraph(text: str, pos: int) -> bool:
    """Nothing but blanks and quotation marks stands before pos in its paragraph (a quote or a
    word that opens it: the parser's sentences often run over a paragraph break)."""
    return not text[paragraph_start(text, pos) : pos].strip(" \t\"“”'’`«»")


def previous_paragraph(text: str, pos: int) -> int:
    """Where the paragraph before pos's paragraph starts (over blank lines; 0 at the top)."""
    end = len(text[: paragraph_start(text, pos)].rstrip())
    return text.rfind("\n", 0, end) + 1


DASH_NAME = re.compile(r"[ \t\u00a0]*[―—–-]{1,2}[ \t\u00a0]*"
                        r"([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,4})")
# the same signature as a line of its own under the quote ('"..."\n\n- Hillary Clinton.'): the
# whole line is the dash and the name
DASH_LINE = re.compile(r"[ \t\u00a0]*\n[ \t\u00a0\n]*[―—–-]{1,2}[ \t\u00a0]*"
                       r"([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,4}?)[ \t\u00a0]*\.?"
                       r"[ \t\u00a0]*(?:\n|$)")


# a name with no dash closing the quote's line, and the outlet after a comma ('"..." James
# Downie, Washington Post', as round-ups of opinion print each excerpt)
SIGNED_LINE = re.compile(r"[ \t\u00a0]*([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){1,4})"
                         r"(?:,[ \t\u00a0]*[A-Z][^\n,.;:!?]{0,60})?[ \t\u00a0]*(?:\n|$)")
# the same as a line of its own under the quote, the outlet then required ('"..."\n\nAndrew
# C. McCarthy, National Review\n\n"..."')
SIGNED_NEXT_LINE = re.compile(r"[ \t\u00a0]*\n[ \t\u00a0\n]*"
                              r"([A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){1,4}),[ \t\u00a0]*"
                              r"[A-Z][^\n,.;:!?]{0,60}[ \t\u00a0]*(?:\n|$)")


NAMED_TITLE_WORDS = 20  # how long a title after a work's noun (TITLE_WORKS) may run


def looks_like_title(text: str, start: int, end: int) -> bool:
    """A short quoted phrase in title case inside a sentence, such as a show, book or song name
    ('told MSNBC's "Morning Joe"', 'on "Fox News Sunday,"'), not speech."""
    words = re.findall(r"[\w'’.-]+", text[start:end])
    para = paragraph_start(text, start)
    before = text[para:start].rstrip(" \"“'`«").split()
    last = before[-1].lower().rstrip(",:") if before else ""
    # (a work's noun just before lets a title run longer: 'the book "The One Percenter
    # Encyclopedia: The World of Outlaw Motorcycle Clubs from Abyss Ghosts to Zombies Elite"')
    most = NAMED_TITLE_WORDS if last in TITLE_WORKS else TITLE_MAX_WORDS
    if not words or len(words) > most:
        return False
    if not before or last not in TITLE_CONTEXT and not before[-1].endswith(("'s", "’s")) and \
            not after_a_title(text, start) and not before_a_work(text, end):
        return False  # 'on MSNBC's "Morning Joe"', 'his book, "Make Your Kid a Millionaire"'
    caps = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    return bool(caps) and all(w in caps or w.lower() in TITLE_SMALL for w in words) and \
        words[0] in caps and not text[start:end].rstrip(" ,").endswith(("!", "?"))


# a work's noun the closing mark stands before: 'his "Keepin' It Real" radio program', '"Chi-Raq,"
# a movie about ...' (an article only after a comma: 'to label as "USED NEWS" a story' labels)
_WORKS = "|".join(sorted(TITLE_WORKS))
_WORK_AFTER = re.compile(r"""[,.]?["”»'’]{1,2}(?:,?\s+(?:a|an|the)\b|)(?:\s+[a-z]+)?\s+(?:"""
                         + _WORKS + r")s?\b")


def before_a_work(text: str, end: int) -> bool:
    """Whether the quotation ending at ``end`` names the work whose noun follows it."""
    m = _WORK_AFTER.match(text, end)
    return m is not None and ("," in m.group(0)[:3] or not re.search(r"\b(?:a|an|the)\b",
                                                                     m.group(0)))


# what joins the items of a list of titles: '"Apollo 13," and "Austin Powers"'
_LIST_LINK = re.compile(r"""["”»'’]{1,2}\s*(?:,\s*)?(?:(?:and|or)\s+)?["“„«'‘`]{1,2}$""")


def after_a_title(text: str, start: int) -> bool:
    """Whether a quotation opening at ``start`` follows another in the same list ('roles in
    "Apollo 13," "Parks and Recreation" and "Guardians of the Galaxy"') that reads as a title:
    the items of a list of titles are titles."""
    para = paragraph_start(text, start)
    link = _LIST_LINK.search(text, max(para, start - 12), start)
    if link is None:
        return False
    close = link.start()
    while close > para and text[close - 1] in "\"”»'’":
        close -= 1
    opened = max(text.rfind(c, para, close) for c in "\"“„«")
    return opened >= para and looks_like_title(text, opened + 1, close)
