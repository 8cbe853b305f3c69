"""Quote extraction over a spaCy parse: who said what, with cue verb and resolved speaker.

Read in this order:
  lexicons    the words the rules know (verbs of saying, belief, stance, judging; pronouns ...)
  thresholds  the numbers they use, each named once
  model       Mention (an entity as the rules see it) and Quote (an attribution)
  marks       pass 1: quotation-mark spans in the text, multi-paragraph quotes joined
  parse       helpers over the parse shared by every pass
  cues        pass 2: the reporting verb and subject that attribute a span
  mixed       a quoted fragment inside reported speech as the clause around it
  speakers    the speaker as written, then the name it refers to
  indirect    attributions without marks, by verb class in lexicons.PRECEDENCE order
  rules       the ordered list of rules every span goes through, and extract_quotes

Everything is a plain function of the Doc and the article's entity list, so tests call it
directly. Bump EXTRACTOR_VERSION with every change to what the rules extract: stored rows carry
it, and tests/test_quote_rules_frozen.py fails when the output moves without it.
"""

from tasks.core.version import EXTRACTOR_VERSION  # re-exported: the rules' version
from tasks.nlp.quotes.marks import quote_mark_spans
from tasks.nlp.quotes.model import Mention, Quote
from tasks.nlp.quotes.rules import extract_quotes, quote_text

__all__ = ["EXTRACTOR_VERSION", "Mention", "Quote", "extract_quotes", "quote_mark_spans",
           "quote_text"]
