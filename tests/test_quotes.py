"""Quote extraction pinned on sentences written for each construction (parse with the real model)."""

from __future__ import annotations

import pytest

from tasks.nlp.extract import extract_doc
from tasks.nlp.quotes import quote_mark_spans


def quotes_of(parse, text):
    ex = extract_doc(parse(text), "t")
    return [
        (q["quote_type"], [text[s["start"]:s["end"]] for s in q["spans"]], q["cue"],
         q["speaker_text"], q["speaker"])
        for q in ex.quotes
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('She said "hello there" and left.', ["hello there"]),
        ("\u201cCurly quotes,\u201d he wrote.", ["Curly quotes,"]),
        ("''Doubled apostrophes work too,'' she said.", ["Doubled apostrophes work too,"]),
        ("It's the team's best season, and they're not done, Rovers' fans say.", []),
        ('An "unbalanced mark here.\n\nThen "a real quote," he said.', ["a real quote,"]),
        ('A stray\u201d closer, then \u201ca quote\u201d.', ["a quote"]),
        ("He said \u201cfirst\u201d and then \u201csecond\u201d.", ["first", "second"]),
        ("Readers wrote.\n\u201dFear. I am truly afraid.\u201d \u2015 Edwin Monroy",
         ["Fear. I am truly afraid."]),
        # a quotation inside a quotation in the other style of marks is part of it
        ('"It isn\u2019t about \u201cfair shares\u201d anymore," she said.',
         ["It isn\u2019t about \u201cfair shares\u201d anymore,"]),
        ('\u201cWe won\u2019t go back to "business as usual" here,\u201d he said.',
         ['We won\u2019t go back to "business as usual" here,']),
    ],
)
def test_quote_marks(text, expected):
    assert [text[s:e] for q in quote_mark_spans(text) for s, e in q] == expected


def test_multi_paragraph_quote_joins_paragraphs():
    text = ('"We are watching closely," the minister said. "Very closely.\n\n'
            '"Nobody should doubt our resolve."\n\nThe meeting ended.')
    spans = quote_mark_spans(text)
    assert [[text[s:e] for s, e in q] for q in spans] == [
        ["We are watching closely,"], ["Very closely.", "Nobody should doubt our resolve."],
    ]


def test_a_quotation_inside_a_multi_paragraph_quote_does_not_end_it(parse):
    """Web text mixes straight and curly marks for the two levels of quotation: a phrase quoted
    inside a statement is part of the statement, which goes on into the next paragraph opened
    with the same mark (once the first paragraph was lost and the second credited to 'whoever',
    a word inside it). A paragraph opened with the other style starts another quotation."""
    text = ("The mayor of Alder Falls, Dr. Ines Varga, called for a review of the river permits "
            "on Monday.\n\nDr. Varga stated:\n\n\"The council isn't about \u201cfair shares for "
            "all\u201d anymore. It is about whoever shouts loudest at the permit hearings.\n\n"
            "\"The latest example is the quarry lease, which lets one company draw more water "
            "than the whole town.\"\n\nThe council will meet again next week.")
    direct = [q for q in quotes_of(parse, text) if q[0] == "direct"]
    assert [(q[1][0][:25], q[1][1][:25], q[2], q[4]) for q in direct] == [
        ("The council isn't about \u201c", "The latest example is the", "stated", "Ines Varga")]
    spans = quote_mark_spans('"First words of it.\n\n\u201cAnother quote,\u201d she said.')
    assert len(spans) == 1  # the dangling straight quotation is not continued by the curly one


def test_direct_quote_with_title_and_apposition(parse):
    text = ('Russian President Vladimir Putin met officials on Monday. '
            '"We will not back down," Kremlin spokesman Dmitry Peskov told reporters.')
    [q] = quotes_of(parse, text)
    assert q == ("direct", ["We will not back down,"], "told", "Dmitry Peskov", "Dmitry Peskov")


def test_split_quote_is_one_quote_with_two_spans(parse):
    text = ('"The talks were useful," Mayor Helen Brandt said on Tuesday. '
            '"We will meet again in the spring."')
    [q] = quotes_of(parse, text)
    assert q[1] == ["The talks were useful,", "We will meet again in the spring."]
    assert q[2] == "said" and q[4] == "Helen Brandt"


def test_inverted_said_and_surname_resolution(parse):
    text = ("Chinese leader Xi Jinping arrived in Moscow on Tuesday. "
            '"This is a turning point for the region," said Xi.')
    [q] = quotes_of(parse, text)
    assert q[3:] == ("Xi", "Xi Jinping")


def test_pronoun_speaker_resolves_to_earlier_person(parse):
    text = ("Superintendent Daniel Reyes spoke to parents on Monday night. "
            '"Nobody on this board wanted to make these cuts," he said.')
    [q] = quotes_of(parse, text)
    assert q[3:] == ("he", "Daniel Reyes")


def test_indirect_speech_and_according_to(parse):
    text = ("Putin said that the two countries would expand trade. "
            "According to the Foreign Ministry, the meeting lasted three hours.")
    qs = quotes_of(parse, text)
    assert qs == [
        ("indirect", ["the two countries would expand trade"], "said", "Putin", "Putin"),
        ("indirect", ["the meeting lasted three hours"], "according to", "the Foreign Ministry",
         "Foreign Ministry"),
    ]


def test_a_second_attribution_set_off_in_a_reported_clause_is_its_own_quote(parse):
    # the parser hangs ', while a third said ...' and ', saying ...' on the reported verb: each
    # is another attribution, with its own speaker, not more of what the first one reported
    text = ("Most of the islanders surveyed said they want the ferry to keep its winter "
            "timetable, while a third said they would accept fewer crossings. The harbourmaster "
            "said the channel would be dredged by June and would stay open, saying that the "
            "delay had already cost the port two cruise visits.")
    qs = {q[1][0]: q[3] for q in quotes_of(parse, text)}
    assert qs["they want the ferry to keep its winter timetable"].startswith("Most of the")
    assert qs["they would accept fewer crossings"] == "a third"
    assert qs["the channel would be dredged by June and would stay open"] == "The harbourmaster"
    # the participle's speaker is the one reporting, not the channel
    assert qs["the delay had already cost the port two cruise visits"] == "The harbourmaster"


@pytest.mark.parametrize(("text", "reported", "speaker"), [
    # the parser made both clauses objects of 'said': the one after it is what was said
    ("Most commuters are not looking forward to the next few months of roadworks; 46 percent "
     "said they would take the ferry instead until the bridge reopens.",
     "they would take the ferry instead until the bridge reopens", "46 percent"),
    # 'X: Y said Z': what leads in to the colon is the writer's, not the speaker's
    ("The closure of the Eastgate ferry set off another round of recriminations on Monday: "
     "councillors said they were never told the terminal's lease had expired.",
     "they were never told the terminal's lease had expired", "councillors"),
])
def test_a_clause_across_a_semicolon_or_colon_is_not_the_report_of_the_verb_after_it(
        parse, text, reported, speaker):
    assert [(q[1], q[3]) for q in quotes_of(parse, text) if q[2] == "said"] == [
        ([reported], speaker)]


def test_a_lead_in_before_a_colon_is_not_what_the_subject_after_it_did(parse):
    text = ("We have seen this before: the harbour board promised a new pier in 2019 and "
            "delivered a car park.")
    assert not [q for q in quotes_of(parse, text) if q[2] == "promised" and
                any("seen this before" in s for s in q[1])]


def test_an_attribution_parsed_as_a_conjunct_reports_the_clause_before_it(parse):
    # '<clause>, her campaign manager, X, told The Harbour Times.': the parser made 'told' a
    # conjunct of the clause (and the one told was taken for a topic of what was said)
    text = ("Despite a series of costly defeats on Tuesday night, Sen. Ruth Abara (D-Ore.) "
            "remains determined to take the race all the way to the convention, his campaign "
            "manager, Dana Whitfield, told The Harbour Times.")
    qs = quotes_of(parse, text)
    assert [(q[2], q[4]) for q in qs] == [("told", "Dana Whitfield")]
    assert qs[0][1][0].endswith("all the way to the convention")


def test_a_mixed_quote_stays_in_its_cues_paragraph(parse):
    # the parser ran the first paragraph's clause on into the next: the mixed quote took the
    # whole of it, and the second paragraph's own attribution was lost
    text = ("Mayor Tomas Reyes has hailed the island's vote to leave the harbour trust as "
            "\u201cfantastic,\u201d telling reporters during a visit to Greyford on Tuesday that he "
            "thinks the move is \u201ca great thing.\u201d\n\nOkafor, who was speaking to the "
            "Chamber of Commerce, did not mention Reyes by name, but told business owners that the "
            "town should be run by people \u201cwho put the interest of residents ahead of their "
            "own.\u201d")
    qs = quotes_of(parse, text)
    assert qs and all("\n" not in span for q in qs for span in q[1])
    assert any(q[2] == "told" and "who put the interest of residents" in q[1][-1] for q in qs)
    assert any(q[2] == "hailed" and q[1][0].endswith("\u201ca great thing.\u201d") for q in qs)


def test_mixed_quote_covers_the_reported_clause(parse):
    text = 'The minister added that the sanctions "have failed completely."'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed"
    assert q[1][0].startswith("the sanctions") and "failed completely" in q[1][0]


def test_unattributed_scare_quote_is_not_a_quote_but_long_one_is_kept(parse):
    assert quotes_of(parse, 'The so-called "peace plan" was never published.') == []
    text = '"This is a long quoted sentence that nobody in the article attributes to anyone."'
    [q] = quotes_of(parse, text)
    assert q[0] == "direct" and q[3] is None and q[4] is None


def test_floating_quote_paragraph_takes_previous_speaker(parse):
    text = ('"We listened, and we changed the design," chief executive Marcus Hale said.\n\n'
            '"We will keep listening once the turbines are turning."')
    qs = quotes_of(parse, text)
    assert [q[4] for q in qs] == ["Marcus Hale", "Marcus Hale"]
    assert qs[1][2] is None  # no cue of its own


def test_offsets_point_into_text_with_apostrophes_around(parse):
    text = ("It's been a hard year for Rovers' fans. \u201cWe didn't panic when they equalised,\u201d "
            "Claire Donnelly said.")
    [q] = quotes_of(parse, text)
    assert q[1] == ["We didn't panic when they equalised,"]
    assert q[4] == "Claire Donnelly"


def test_dash_signature_names_the_speaker(parse):
    text = ("Readers wrote in after the debate.\n"
            "\u201cHe makes simple blanket statements about people he knows nothing about.\u201d"
            "\u2015 Pamela Padilla\n")
    [q] = quotes_of(parse, text)
    assert q[3:] == ("Pamela Padilla", "Pamela Padilla")


def test_colon_paragraph_attributes_the_next_paragraph(parse):
    text = ('Pollster Patrick Caddell spoke on Thursday.\n\nCaddell continued:\n\n'
            '"The health issue overall is very much a partisan issue, and it is not going away."')
    [q] = quotes_of(parse, text)
    assert q[2] == "continued" and q[4] == "Patrick Caddell"


def test_relative_clause_speaker_is_the_antecedent(parse):
    text = ('The plan was criticised by Senator Ruth Calloway, who said that the river '
            'would run dry by August.')
    [q] = quotes_of(parse, text)
    assert q[0] == "indirect" and q[3:] == ("who", "Ruth Calloway")  # the mention as written


def test_pronoun_prefers_the_earlier_subject_over_the_nearest_name(parse):
    text = ("White House spokesman John Kirby said the talks with Xi Jinping would be long. "
            "He said the administration believes the meeting could help.")
    qs = quotes_of(parse, text)
    assert [q[4] for q in qs] == ["John Kirby", "John Kirby"]


def test_adding_that_is_its_own_attribution(parse):
    text = ("\u201cChina has made a colossal leap ahead in its development,\u201d Putin said, adding "
            "that \u201cwe even feel a bit envious.\u201d")
    qs = quotes_of(parse, text)
    assert len(qs) == 2
    assert [q[4] for q in qs] == ["Putin", "Putin"]


def test_floating_quote_keeps_the_previous_mention(parse):
    text = ('"We listened," chief executive Marcus Hale said.\n\n'
            '"We will keep listening once the turbines are turning."')
    qs = quotes_of(parse, text)
    assert qs[1][3] == "Marcus Hale"  # the mention that attributed the quote before it


def test_naming_verb_makes_a_mixed_quote_of_object_and_label(parse):
    text = 'Clinton called half of Donald Trump\u2019s supporters \u201cdeplorables.\u201d'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2] == "called"
    assert q[1][0].startswith("half of Donald Trump") and q[1][0].endswith("deplorables.")


def test_two_fragments_of_one_reported_clause_are_one_mixed_quote(parse):
    text = 'Trump said that Machado was \u201cdisgusting\u201d and \u201ca con.\u201d'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[4] == "Trump"
    assert q[1] == ["Machado was \u201cdisgusting\u201d and \u201ca con."]


def test_beliefs_and_findings_are_belief_attributions_not_speech(parse):
    text = ("A new poll shows that most voters in Greyford oppose the toll. "
            "Senator Ruth Calloway believes the bridge will be finished by March. "
            '"I think we can win this," she said.')
    qs = quotes_of(parse, text)
    assert [(q[0], q[2]) for q in qs] == [("belief", "shows"), ("belief", "believes"),
                                          ("direct", "said")]
    assert qs[0][1] == ["most voters in Greyford oppose the toll"]
    assert qs[1][4] == "Ruth Calloway" and qs[2][4] == "Ruth Calloway"


def test_speaker_between_closing_mark_and_cue_when_the_parse_breaks(parse):
    # the parser gives "said" no subject outside the quote in both sentences (the first
    # hangs the apposition off the quoted clause, the second takes "reaction" as the subject);
    # the words between the closing mark and the cue still name the speaker
    text = ("Councillor Jo Dunmore spoke after the vote.\n\n"
            '"He is absolutely right. There is a severe disconnect between this council and the '
            'mayor and our city," Dunmore, a top Reyes surrogate, said Thursday morning on '
            "Channel 4.")
    [q] = quotes_of(parse, text)
    assert q[2:] == ("said", "Dunmore", "Jo Dunmore")
    text = ('"My reaction, that was outrageous," the mayor\'s former campaign strategist said in '
            "an interview with Channel 4.")
    [q] = quotes_of(parse, text)
    assert q[2] == "said" and q[3].endswith("former campaign strategist") and q[4] is None


def test_programme_title_in_quotation_marks_is_not_a_quote(parse):
    text = ('"There is a real gap between this council and the people who elected it," Dunmore, '
            "a longtime critic of the budget, said Thursday on WKRT's \"Morning Line.\"")
    qs = quotes_of(parse, text)
    assert [q[1] for q in qs] == [["There is a real gap between this council and the people "
                                   "who elected it,"]]
    assert qs[0][4] == "Dunmore"
    assert quotes_of(parse, 'Mayor Lena Ortiz told MSNBC\'s "Morning Joe" that the bridge '
                          'would reopen.')[0][0] == "indirect"


def test_said_before_a_colon_names_the_speaker(parse):
    text = 'Budget hawks were unconvinced. Said Okafor: "I do not see a single cut in this plan."'
    [q] = quotes_of(parse, text)
    assert q[1] == ["I do not see a single cut in this plan."]
    assert q[3:] == ("Okafor", "Okafor")


def test_nested_attribution_belongs_to_the_outer_speaker(parse):
    text = ('Mayor Lena Ortiz says she appreciated the volunteers for their patience through what '
            'she calls a "long and miserable winter."')
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2] == "says" and q[3:] == ("Lena Ortiz", "Lena Ortiz")
    assert q[1][0].startswith("she appreciated the volunteers")


def test_what_he_called_is_spoken_by_the_governing_subject(parse):
    text = 'Governor Alan Brooks condemned what he called a "reckless and cynical" budget.'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2] == "called"
    assert q[3:] == ("Alan Brooks", "Alan Brooks")  # the mention, not the pronoun "he"


def test_a_pronoun_calling_in_an_adverbial_clause_is_its_own_speaker(parse):
    # 'Though she called ... , Okafor stopped short': the adverbial clause is a finite clause
    # of its own, whose subject characterises; the name after it is the same person, written
    # later (what he called inside the governing clause's object is the governing subject's)
    text = ("In a statement on Tuesday, Mayor Ruth Okafor was more cautious than her council. "
            "Though she called the contractor's delays \"unacceptable\" and asked for a new "
            "timetable, Okafor stopped short of cancelling the harbour contract.")
    [q] = [q for q in quotes_of(parse, text) if q[2] == "called"]
    assert q[0] == "mixed" and q[3:] == ("she", "Ruth Okafor")


def test_what_she_called_in_a_phrase_of_circumstance_stays_hers(parse):
    # 'after what she called ...' says when, not what the subject above did: the naming verb's
    # own subject is the mention (the governing subject, here the one reprimanded, is not the
    # one characterising); 'condemned what he called' above still climbs
    text = ('Councillor Ada Marsh was reprimanded by the ethics panel on Monday after what she '
            'called a "private joke" about the harbour board.')
    [q] = [q for q in quotes_of(parse, text) if q[2] == "called"]
    assert q[0] == "mixed" and q[3:] == ("she", "Ada Marsh")


def test_second_fragment_of_a_characterisation_joins_it(parse):
    text = ('Writing in the Harbor Gazette, Ortiz described the vote as a "turning point" that '
            '"settles the question of the bridge for a generation" and said the result showed '
            'that residents want change.')
    qs = quotes_of(parse, text)
    assert [(q[0], q[2]) for q in qs] == [("mixed", "described"), ("indirect", "said")]
    assert qs[0][1][0].endswith("for a generation\"")
    assert qs[1][1] == ["the result showed that residents want change"]


def test_judgement_verbs_cue_the_fragment_they_govern(parse):
    text = 'The council has rejected the ruling as "legally null and void."'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2] == "rejected" and q[3] == "The council"
    assert q[1][0].startswith("the ruling as")
    text = 'Coach Tom Adler hailed "a famous night" for the club and its supporters.'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[4] == "Tom Adler" and q[1][0].endswith("its supporters")
    # a judgement verb is no cue for words it does not govern (its own object is a stance the
    # board took: what it rejected)
    qs = quotes_of(parse, 'The board rejected the plan. "Trains" were not mentioned.')
    assert [(q[0], q[1]) for q in qs] == [("belief", ["the plan"])]


def test_negated_reporting_verb_reports_nothing(parse):
    text = "Harbor Mayor Lena Ortiz did not mention the bridge or the budget when she met reporters."
    assert quotes_of(parse, text) == []


def test_a_negation_inside_the_quote_is_not_the_verbs(parse):
    """'"Absolutely not," Ortiz replied': the parser hangs the quote's 'not' on the verb; the
    quote is still hers. A verb negated outside the marks still reports nothing."""
    text = ('\u201cAbsolutely not,\u201d Lena Ortiz replied on Tuesday.'
            '\n\n\u201cNot this year,\u201d the mayor said.')
    assert [(q[1], q[2], q[4]) for q in quotes_of(parse, text)] == [
        (["Absolutely not,"], "replied", "Lena Ortiz"), (["Not this year,"], "said", "Lena Ortiz")]
    assert quotes_of(parse, 'Lena Ortiz did not say \u201cthe bridge will close\u201d.') == []


def test_participle_speaker_is_the_person_it_follows(parse):
    text = ('The ad concludes with footage of Mayor Lena Ortiz saying during the debate, '
            '"That makes me smart," when her rival laughed.')
    [q] = quotes_of(parse, text)
    assert q[2] == "saying" and q[4] == "Lena Ortiz"
    text = ('The ad uses footage of Lena Ortiz asking, "Why are we not fifty points ahead, '
            'you might ask?"')
    [q] = quotes_of(parse, text)
    assert q[2] == "asking" and q[4] == "Lena Ortiz"


def test_saying_clause_belongs_to_the_main_subject(parse):
    text = ('Rival Hillary Clinton had mocked the complaint, saying anybody who complains about '
            'a microphone "is not having a good night."')
    qs = quotes_of(parse, text)
    assert [(q[0], q[2], q[4]) for q in qs] == [("belief", "mocked", "Hillary Clinton"),
                                                ("mixed", "saying", "Hillary Clinton")]


def test_timestamp_heading_is_not_the_speaker(parse):
    # the parser sometimes makes a live-blog timestamp a second subject of the verb below it
    # ('12:15 p.m.\n\nDonald Trump says ...'); built by hand, as the parse is not reproducible
    from spacy.tokens import Doc

    from tasks.nlp.quotes.parse import subject
    words = ["12:15", "p.m.", "\n\n", "Lena", "Ortiz", "says", "taxes", "will", "fall"]
    doc = Doc(parse.vocab, words=words, spaces=[True, False, False, True, True, True, True, True,
                                               False],
              heads=[1, 5, 1, 4, 5, 5, 8, 8, 5],
              deps=["nummod", "nsubj", "dep", "compound", "nsubj", "ROOT", "nsubj", "aux",
                    "ccomp"],
              ents=["B-TIME", "I-TIME", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O"])
    assert subject(doc[5]).text == "Ortiz"


def test_the_leader_between_quotes_is_the_person_just_quoted(parse):
    text = ("Greyland President Anton Volkov hosted the talks. Chinese envoy Li Wen arrived late.\n"
            '"We value this friendship," Volkov said, as Li smiled.\n'
            "The Greyland leader welcomed the proposals and noted the border is open for trade.")
    qs = quotes_of(parse, text)
    assert [(q[2], q[4]) for q in qs] == [("said", "Anton Volkov"), ("noted", "Anton Volkov")]


def test_the_committee_is_the_organisation_named_before(parse):
    text = ("Greyland's Investigative Committee opened a case on Monday. The committee called the "
            'court\'s ruling "unlawful" because it ignored the law.')
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[3] == "The committee"
    assert q[4] == "Greyland\u2019s Investigative Committee"


def test_cue_opening_the_sentence_after_the_closing_mark(parse):
    # the parser ends the sentence at the closing mark; the cue opens a long next sentence
    text = ('The crowd cheered.\n\n"Who would have believed we would get two million votes. '
            'Two million!" Ortiz said, looking out at the cheering crowd in the hall.')
    [q] = quotes_of(parse, text)
    assert q[2:] == ("said", "Ortiz", "Ortiz")
    text = ('The crowd cheered.\n\n"You winning?" she said, but Kevin was drifting off again, '
            "and the speech went on about taxes and jobs and the long road ahead.")
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("said", "she")
    # a next sentence that reports its own clause does not attribute the quote before it
    text = ('The crowd cheered.\n\n"We will win this state by a mile." Ortiz said the polls '
            "showed a close race in every county, and her staff agreed.")
    qs = quotes_of(parse, text)
    assert qs[0][1] == ["We will win this state by a mile."] and qs[0][2] is None


def test_parenthetical_and_trailing_said_report_the_rest_of_the_sentence(parse):
    text = "Lenox was a juggernaut, Clarke said, until it went bankrupt in 1999."
    [q] = quotes_of(parse, text)
    assert q[0] == "indirect" and q[1] == ["Lenox was a juggernaut", "until it went bankrupt in 1999"]
    assert q[3] == "Clarke"
    text = "The council may be reluctant to act while the audit is under way, Schiff said."
    [q] = quotes_of(parse, text)
    assert q[1] == ["The council may be reluctant to act while the audit is under way"]
    # 'said' with an object of its own reports that object, not the sentence around it
    text = "But when the council cut the funding two years later, Greyland said enough."
    assert quotes_of(parse, text) == []


def test_quoted_words_in_a_sentence_a_parenthetical_said_interrupts_are_mixed(parse):
    # the attribution set off inside the sentence reports the whole of it, quoted and not: one
    # part on each side of it, the quotation inside
    text = ("In the poorer districts, the engineer said, \"nobody has checked the pipes\" since "
            "the flood of 2019.")
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2:4] == ("said", "the engineer")
    assert q[1] == ["In the poorer districts",
                    '"nobody has checked the pipes" since the flood of 2019']
    text = "\"Only the river,\" she said, would decide whether the farm survived another winter."
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[1][1] == "would decide whether the farm survived another winter"
    # quotations on both sides and nothing else are a split direct quote, and a participle
    # after the attribution is a second one
    text = "\"We are not giving up,\" she said. \"Not now, and not ever.\""
    assert [q[0] for q in quotes_of(parse, text)] == ["direct"]
    text = "\"We are not giving up,\" she said, adding that the appeal would be filed on Monday."
    assert [(q[0], q[2]) for q in quotes_of(parse, text)] == [("direct", "said"),
                                                               ("indirect", "adding")]


def test_titles_after_with_and_in_a_list_of_titles_are_not_quotes(parse):
    # 'an interview with "Morning Harbour Live,"' names a programme; every item of a list whose
    # first item reads as a title is one: what the sentence reports is the clause after them
    text = ("In an interview with \"Morning Harbour Live,\" Mayor Tom Ilves said the ferry would "
            "run all winter.")
    assert [(q[0], q[1], q[4]) for q in quotes_of(parse, text)] == [
        ("indirect", ["the ferry would run all winter"], "Tom Ilves")]
    text = ("Brennan, who has acted in \"The Salt Road,\" \"Kestrel Bay\" and \"Winter of the "
            "Gulls,\" said the theatre would close.")
    assert [(q[0], q[1]) for q in quotes_of(parse, text)] == [
        ("indirect", ["the theatre would close"])]


def test_a_title_before_the_noun_of_its_work_is_not_a_quote(parse):
    # 'his "Harbour Hour" radio programme' names the programme, as 'the programme "..."' does:
    # the quote is the words before it, and a relative clause after it reports its own clause
    text = ("By Sunday the pastor was taking calls from listeners to his \"Keepin' It Real\" "
            "radio program who said they had doubts about the plan.")
    assert [(q[0], q[1]) for q in quotes_of(parse, text)] == [
        ("indirect", ["they had doubts about the plan"])]
    text = ("\"The council is captive of the developers,\" Mayor Tom Ilves said on the "
            "\"Harbour Hour\" radio show.")
    assert [(q[0], q[1], q[4]) for q in quotes_of(parse, text)] == [
        ("direct", ["The council is captive of the developers,"], "Tom Ilves")]
    # an article without a comma makes the noun the verb's object, not a work the title names
    text = "Ilves chose to label as \"Used News\" a story borrowed from another paper."
    assert [(q[0], q[2]) for q in quotes_of(parse, text)] == [("mixed", "label")]


def test_a_wording_used_is_the_words_of_whoever_used_it(parse):
    # 'used the phrase "..."', 'coined the term "..."': the quoted words are the wording the
    # subject uttered (a direct quote of it, not a report), or the wording's owner's
    text = ("Obama said he was not speaking only about the governor.\n\nOrtega has used the "
            "phrase \u201cIslamic terrorism\u201d often in her campaign.")
    assert ("direct", ["Islamic terrorism"], "used", "Ortega", "Ortega") in quotes_of(parse, text)
    text = ("When Ortega used the words, \u201cI\u2019m not quite there yet,\u201d she was talking "
            "about the budget.")
    assert quotes_of(parse, text)[0] == (
        "direct", ["I\u2019m not quite there yet,"], "used", "Ortega", "Ortega")
    text = ("A video to be released Monday will use Speaker Ruth Calloway's oft-repeated phrase, "
            "\"Mr. President, where are the jobs?\" to mock the vote.")
    [q] = quotes_of(parse, text)
    assert (q[0], q[2], q[4]) == ("direct", "use", "Ruth Calloway")
    # a wording noun after the quote is no wording the verb took
    text = ("At the meeting on Tuesday, Pence used his keynote speech to offer ''encouragement'' "
            "- a word he used several times - and reassurance to the crowd.")
    assert [q for q in quotes_of(parse, text) if q[2] == "used"] == []


def test_quoted_words_in_the_source_of_according_to_are_its_name_not_its_words(parse):
    text = ("According to the council's \"green streets\" report, most of the town's trees were "
            "planted before 1950.")
    assert [(q[0], q[1], q[2]) for q in quotes_of(parse, text)] == [
        ("indirect", ["most of the town's trees were planted before 1950"], "according to")]
    # quoted words in what the source says stay a mixed quote of it
    text = "According to Ilves, the pier is \"beyond repair\" after the storm."
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[1] == ['the pier is "beyond repair" after the storm']


def test_colon_and_verb_lexicon_beyond_said(parse):
    text = ('The crowd applauded.\n\nHannity interjected: "So you are saying there will be some '
            'flexibility?"')
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("interjected", "Hannity")
    text = ('Stone spoke on the radio on Tuesday.\n\nContinued Stone: "So I think it is a very '
            'real problem for the whole party."')
    [q] = quotes_of(parse, text)  # the colon and the paragraph break between cue and quote
    assert q[2:4] == ("Continued", "Stone")
    text = ('"You know, it happens, right?" Ortiz went on, as if she had not heard. "But you have '
            'to get over it."')
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("went on", "Ortiz") and len(q[1]) == 2
    text = 'Moore thanked him for "stepping up and taking action when Congress will not."'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2:4] == ("thanked", "Moore")


def test_paragraph_break_ends_a_mixed_quote_even_when_sentences_run_on(parse):
    # the sentence splitter joins these two paragraphs; the second quote is Barkley's own
    text = ("Barkley also said that CNN, a fellow Turner Broadcasting asset, has done an "
            "\u201cawful\u201d job of covering the \u201celection.\u201d\n\n"
            "\u201cCNN has done an awful job this election,\u201d Barkley said. \u201cThey have "
            "followed ratings and sound bites this entire cycle.\u201d")
    qs = quotes_of(parse, text)
    assert [q[0] for q in qs] == ["mixed", "direct"]
    assert qs[0][1][0].endswith("\u201celection.")
    assert qs[1][1][0] == "CNN has done an awful job this election," and qs[1][2] == "said"


def test_quote_after_reported_speech_continues_its_speaker(parse):
    text = ('Former ambassador John Bolton said he would help the campaign if asked. "I am going '
            'to support him, and support him enthusiastically, because the stakes are high."\n\n'
            "The campaign did not respond.")
    qs = quotes_of(parse, text)
    assert [(q[0], q[2], q[4]) for q in qs] == [("indirect", "said", "John Bolton"),
                                                ("direct", None, "John Bolton")]
    text = ("Senator Ruth Calloway said the bridge would be finished by March.\n\n"
            '"We have the money, we have the crews, and we have the will to get this done."')
    assert [q[4] for q in quotes_of(parse, text)] == ["Ruth Calloway", "Ruth Calloway"]
    # an unrelated paragraph in between breaks the chain: no speaker rather than a guess
    text = ("Senator Ruth Calloway said the bridge would be finished by March.\n\n"
            "Traffic on the old crossing has doubled since 2019.\n\n"
            '"We have the money, we have the crews, and we have the will to get this done."')
    assert quotes_of(parse, text)[-1][4] is None


def test_the_listener_of_telling_is_not_the_speaker(parse):
    text = ('Hours later, Ortiz returned the compliment to Adelson, telling Reuters, "Sheldon and '
            'I have been friends for a long time. He is an amazing man."')
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("telling", "Ortiz")


def test_stance_verbs_attribute_their_object(parse):
    qs = quotes_of(parse, "Governor Chris Dale endorsed Senator Ruth Calloway on Tuesday.")
    assert [(q[0], q[1], q[2], q[4]) for q in qs] == [
        ("belief", ["Senator Ruth Calloway"], "endorsed", "Chris Dale")]  # not 'on Tuesday'
    qs = quotes_of(parse, "Mayor Lena Ortiz has repeatedly called for a ban on new towers along "
                        "the river.")
    assert [(q[1], q[2]) for q in qs] == [(["a ban on new towers along the river"], "called for")]
    qs = quotes_of(parse, "At Monday's debate, Mayor Lena Ortiz cited derogatory comments her "
                        "rival had made about the harbor workers.")
    assert [(q[0], q[2], q[4]) for q in qs] == [("belief", "cited", "Lena Ortiz")]
    assert qs[0][1][0].startswith("derogatory comments")
    # a stance reported by someone else is that person's attribution
    text = ("Council members endorsed a fast-track plan to repair the bridge, council chair "
            "Anna Brandt said.")
    [q] = quotes_of(parse, text)
    assert q[2] == "said" and q[4] == "Anna Brandt"


def test_fragment_after_its_cue_without_a_clause_is_mixed(parse):
    text = 'Inspector Ray Holt testified "thousands" of files had never been handed over.'
    [q] = quotes_of(parse, text)
    assert q[0] == "mixed" and q[2:4] == ("testified", "Ray Holt")
    assert q[1][0].endswith("had never been handed over")


def test_reported_content_stays_in_its_paragraph():
    from tasks.nlp.quotes.parse import within_paragraph
    text = "Updates.\n\n4:49 p.m.\n\nEven before the vote, councillors said they wanted a recount."
    cue = text.index("said")
    # a parse that ran the sentence over the timestamp gives a span starting in it
    span = (text.index("4:49"), text.index("a recount") + len("a recount"))
    s, e = within_paragraph(span, cue, text)
    assert text[s:e] == "Even before the vote, councillors said they wanted a recount"
    assert within_paragraph((text.index("4:49"), text.index(" p.m.")), cue, text) is None


def test_inverted_cue_before_a_described_speaker(parse):
    text = '"How big is that wall?" asked the boy, who was wearing a red hat.'
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("asked", "the boy") and q[4] is None  # a description, not a name
    text = ('"It is Bernie\'s race to lose at this point," added another New Hampshire Democrat. '
            '"The gap is too large."')
    [q] = quotes_of(parse, text)
    assert q[2] == "added" and q[3].endswith("Democrat") and len(q[1]) == 2
    text = '"Jeb wants to be a tough guy tonight," Trump shot back. "Let me talk."'
    [q] = quotes_of(parse, text)
    assert q[2:4] == ("shot back", "Trump")


def test_colon_introduction_of_any_kind_attributes_the_quote(parse):
    text = ("After the attack, Mayor Lena Ortiz issued the following statement:\n\n"
            '"Our prayers are with all those affected by this horrible crime. It cannot continue."')
    [q] = quotes_of(parse, text)
    assert q[2:] == ("issued", "Lena Ortiz", "Lena Ortiz")
    text = ("The minutes record the exchange.\n\nCouncillor Jo Dunmore: \"We learned that from the "
            'audit and from the staff who read the files."')
    [q] = quotes_of(parse, text)
    assert q[2] is None and q[4] == "Jo Dunmore"
    # a colon after a clause whose subject is a thing: the mention, but no name
    text = ('The sign on the door was blunt:\n\n"No entry for anyone without a pass, '
            'by order of the management."')
    [q] = quotes_of(parse, text)
    assert q[4] is None


def test_the_cue_governing_a_fragment_beats_a_nearer_one_after_it(parse):
    text = ('Former governor Ed Rendell, a Clinton supporter, praised Sanders for what he has '
            'accomplished, calling it "an incredible feat" - but he said the time is coming when '
            "Sanders must step aside.")
    qs = quotes_of(parse, text)
    [q] = [q for q in qs if "incredible feat" in q[1][0]]
    assert q[0] == "mixed" and q[1] == ['it "an incredible feat"'] and q[2] == "calling"
    assert q[4] == "Ed Rendell"


def test_as_x_put_it_and_upon_saying(parse):
    text = ('At the time, as prosecutor Marc Trevidic put it, "apart from the wrong crowd and some '
            'jogging, there was nothing to hold him on."')
    [q] = quotes_of(parse, text)
    assert q[2:] == ("put", "Marc Trevidic", "Marc Trevidic")
    text = ("Sarah Silverman, herself a Sanders supporter during the primary, drew a wave of boos "
            'upon saying, "Hillary heard the passion of the people."')
    [q] = quotes_of(parse, text)
    assert q[2:] == ("saying", "Sarah Silverman", "Sarah Silverman")
    # refraining from criticism is no criticism
    text = "Many African nations have refrained from openly criticizing Russia."
    assert quotes_of(parse, text) == []


def test_clause_wrapped_around_its_attribution_keeps_the_words_after_the_cue(parse):
    text = ("The council approved a wind farm that developer Northwind Energy says will power "
            "900,000 homes by 2030.")
    [q] = quotes_of(parse, text)
    assert q[0] == "indirect" and q[1] == ["will power 900,000 homes by 2030"]
    assert q[3] == "Northwind Energy"  # the speaker is not inside the content


def test_a_link_line_is_another_storys_headline_not_a_statement(parse):
    """'READ MORE: Mayor says ...' and 'WATCH: ...' lines send the reader to another story: what
    they say is that story's headline. The paragraph after one keeps its own quote."""
    text = ("The harbour council voted on Monday to close the old ferry pier.\n\n"
            "READ MORE: Mayor says ferry pier will stay open through the winter\n\n"
            "WATCH: Residents warn the council that closing the pier will cut off the island\n\n"
            '"We have run out of ways to keep the pier safe," councillor Tomas Reyes said.')
    got = quotes_of(parse, text)
    assert [(q[1], q[4]) for q in got] == [(["We have run out of ways to keep the pier safe,"],
                                            "Tomas Reyes")], got


def test_a_headline_quotation_after_a_colon_is_its_subjects(parse):
    # headlines print quotations in single marks after a colon; the label before the colon is
    # a headline of its own ('Ada Marsh Hammers Bank Chief'), whose opening name speaks, or
    # names its speaker after 'from'
    text = ("Ada Marsh Hammers Harbour Bank Chief: \u2018You Should Be Investigated.\u2019\n\n"
            "Senator Ada Marsh told the bank's chief on Tuesday that he should resign.")
    assert quotes_of(parse, text)[0][1:] == (
        ["\u2018You Should Be Investigated.\u2019"], None,
        "Ada Marsh Hammers Harbour Bank Chief", "Ada Marsh")
    text = ("A lesson from Ada Brennan: 'Be the voice that people hear.'\n\n"
            "Ada Brennan spoke to students on Monday.")
    assert [(q[1], q[4]) for q in quotes_of(parse, text)] == [
        (["'Be the voice that people hear.'"], "Ada Brennan")]
    text = ("Jones on the ferry cuts: 'I Think They Will Return.'\n\n"
            "Councillor Ada Jones spoke to students on Monday.")
    assert [q[4] for q in quotes_of(parse, text)][:1] == ["Ada Jones"]
    # a label that is no headline about someone quoted stays unattributed
    text = "Update: 'We are closed for the winter.'\n\nThe pier cafe shut on Monday."
    assert [q for q in quotes_of(parse, text) if q[4]] == []
