"""The numbers the quote rules use, each named once with the reason for its value.

They were set on PolNeAR's training split and the seed article; changing one changes what the
rules extract, so it needs an EXTRACTOR_VERSION bump (tests/test_quote_rules_frozen.py says when).
"""

# Closing marks and punctuation a quote may run past the last token of the clause holding it
# ('... the "suburbs".' ends two characters after "suburbs").
MARK_SLACK_CHARS = 2
# A sentence after a quote this short (in tokens) may hold its attribution ('..., he said.').
SHORT_SENTENCE_TOKENS = 8
# When the parser ends the sentence at a closing mark, a cue in this many tokens of the next one
# still attributes the quote ('"... votes" Trump said, looking out on the crowd.').
OPENING_CUE_TOKENS = 6
# Further on, a cue still signs it when only its subject comes first, a name and its
# description ('"..." Jo Roe, a strategist at the bank, said in a note.'), up to this many tokens.
SIGNING_SUBJECT_TOKENS = 24
# How far after a cue (in tokens) the speaker of '"...," said Smith, a former aide' is sought.
SPEAKER_AFTER_CUE_TOKENS = 14
# The most words between a closing mark and its cue that can still be the speaker's noun phrase.
SPEAKER_GAP_TOKENS = 12
# The most tokens before a colon that can introduce a quote ('Trump issued a statement:').
COLON_CLAUSE_TOKENS = 25
# Characters back in which a pronoun or a role noun looks for its antecedent.
SUBJECT_WINDOW = 600
# A speaker's description runs on to its modifiers up to this many words ('a person familiar
# with the negotiations'); longer, and it is a clause the parse attached to the noun.
DESCRIPTION_WORDS = 10
# A paragraph that is all quote continues the previous speaker within this many characters.
FLOATING_QUOTE_CHARS = 1500
# A quote with no cue right after someone's reported speech continues it within this distance.
CONTINUATION_CHARS = 400
# Shorter quoted phrases with no cue are scare quotes or titles, not speech.
MIN_UNATTRIBUTED_WORDS = 6
# Quoted titles ('on "Fox News Sunday"') are at most this many words.
TITLE_MAX_WORDS = 6
# A fragment becomes a mixed quote when the clause around it is at least this many words longer.
MIXED_EXTRA_WORDS = 2
# The fewest tokens a reported clause ('said that ...') or an 'according to' sentence must keep.
MIN_CLAUSE_TOKENS = 3
# The fewest words reported content keeps inside its paragraph (a stance's object may be one).
MIN_CONTENT_WORDS = 3
MIN_STANCE_WORDS = 1
# The fewest words around a parenthetical attribution ('The museum, Mr. Bush said, ...').
MIN_PARENTHETICAL_WORDS = 4

# The cast (quotes/cast.py): how much each piece of evidence of a gender counts, and how a
# mention weighs in the foreground.
HONORIFIC_VOTES = 3.0  # the article's own Mr or Ms: as strong as evidence gets
ROLE_VOTES = 2.0  # 'spokeswoman Jane Roe', 'Jane Roe, the mother of ...'
BOUND_VOTES = 1.0  # 'Roe said she ...': the person the sentence is about
RESOLVED_VOTES = 0.5  # a pronoun the salience gave the person (right nearly always, not always)
SUBJECT_WEIGHT = 2.0  # a subject stays in the foreground more than an object
SPEAKER_WEIGHT = 1.0  # added for a mention that speaks a quote
DECAY = 0.4  # salience kept per sentence: recent mentions dominate (Lappin & Leass halve it)
UNKNOWN_GENDER = 0.5  # a person the article gives no gender weighs this much against one it does
# A name after a personal title, or a speaker the NER took for a place, is at most this long.
MAX_NAME_WORDS = 3
