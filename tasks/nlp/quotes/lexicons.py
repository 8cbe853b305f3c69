"""The words the quote rules know, as data: which verbs report, judge, take a position or hold a
belief, and the small closed classes (pronouns, determiners, role nouns) the speaker rules read.

Verbs are matched on their lower-cased surface form, so each verb lists its forms; ``verb_forms``
adds the present participle, spelled as the verb's -ed forms show (admitted -> admitting,
labeled/labelled -> labeling/labelling, describe -> describing, agree -> agreeing).

A word may sit in more than one lexicon. The overlaps are deliberate and listed in ``OVERLAPS``
(a test fails on any other); where they meet, the rules try the classes in ``PRECEDENCE`` order,
so "urged" is a reporting verb before it is a stance and "cited" a belief before a stance.
"""

from __future__ import annotations

from itertools import combinations


def present_participles(base: str, forms: list[str]) -> set[str]:
    """The -ing form(s) of a verb from its base and its other listed forms."""
    if base.endswith("ie"):
        return {base[:-2] + "ying"}  # lie -> lying
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return {base[:-1] + "ing"}  # describe -> describing (agree -> agreeing below)
    doubled = base + base[-1] + "ed" in forms  # admitted, referred, labelled
    out = {base + base[-1] + "ing"} if doubled else set()
    if not doubled or base + "ed" in forms:  # labeled and labelled: both spellings
        out.add(base + "ing")
    return out


def verb_forms(groups: str) -> frozenset[str]:
    """Every listed form of each verb ('|' between verbs, the base form first) and its -ing forms."""
    words: set[str] = set()
    for group in groups.split("|"):
        forms = group.split()
        if forms:
            words.update(forms)
            words.update(present_participles(forms[0], forms[1:]))
    return frozenset(words)


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- verbs -----------------------------------------------------------------------------------------

# Verbs of saying: the cue of a direct quote, or with a clausal complement of an indirect one.
REPORTING_VERBS = verb_forms("""
    say says said | tell tells told | add adds added | state states stated | claim claims claimed
    | insist insists insisted | argue argues argued | explain explains explained | note notes noted
    | warn warns warned | announce announces announced | declare declares declared
    | acknowledge acknowledges acknowledged | admit admits admitted | assert asserts asserted
    | contend contends contended | maintain maintains maintained | suggest suggests suggested
    | write writes wrote written | tweet tweets tweeted | report reports reported
    | reply replies replied | respond responds responded | answer answers answered
    | ask asks asked | urge urges urged | predict predicts predicted | recall recalls recalled
    | remark remarks remarked | comment comments commented | conclude concludes concluded
    | confirm confirms confirmed | deny denies denied | stress stresses stressed
    | emphasize emphasizes emphasized emphasised | observe observes observed
    | promise promises promised | vow vows vowed | pledge pledges pledged
    | threaten threatens threatened | complain complains complained | concede concedes conceded
    | boast boasts boasted | quip quips quipped | joke jokes joked | shout shouts shouted
    | testify testifies testified | recount recounts recounted | allege alleges alleged
    | mention mentions mentioned | reiterate reiterates reiterated | caution cautions cautioned
    | indicate indicates indicated | estimate estimates estimated | agree agrees agreed
    | counter counters countered | demand demands demanded | continue continues continued
    | sing sings sang | call calls called | describe describes described | dub dubs dubbed
    | label labels labeled labelled | brand brands branded | refer refers referred
    | yell yells yelled | scream screams screamed | chant chants chanted
    | exclaim exclaims exclaimed | whisper whispers whispered | read reads
    | interject interjects interjected | retort retorts retorted | confess confesses confessed
    | charge charges charged | muse muses mused | marvel marvels marveled marvelled
    | scoff scoffs scoffed | snap snaps snapped | gush gushes gushed | plead pleads pleaded pled
    | cry cries cried | sigh sighs sighed | rail rails railed | swear swears swore
    | assure assures assured | reassure reassures reassured | inform informs informed
    | opine opines opined | concur concurs concurred | post posts posted | blurt blurts blurted
    | grumble grumbles grumbled | mutter mutters muttered | murmur murmurs murmured
    | holler hollers hollered | lecture lectures lectured | preach preaches preached
    | wonder wonders wondered | gloat gloats gloated | chide chides chided | scold scolds scolded
    | lash lashes lashed | press presses pressed | retaliate retaliates retaliated
    | echo echoes echoed | interrupt interrupts interrupted | crack cracks cracked
    | tease teases teased | beg begs begged | implore implores implored | fume fumes fumed
    | bark barks barked | thunder thunders thundered | boom booms boomed | roar roars roared
    | intone intones intoned | venture ventures ventured | volunteer volunteers volunteered
    | reason reasons reasoned
    | speculate speculates speculated | forecast forecasts
""")
# Phrasal verbs of saying: the verb and its particle ('went on', 'shot back', 'pointed out').
PHRASAL_CUES = frozenset({("went", "on"), ("goes", "on"), ("go", "on"), ("pointed", "out"),
                          ("points", "out"), ("chimed", "in"), ("weighed", "in"), ("shot", "back"),
                          ("fired", "back"), ("hit", "back"), ("pushed", "back"), ("spoke", "out"),
                          ("summed", "up"), ("wrote", "back"), ("snapped", "back")})
PHRASAL_HEADS = frozenset(v for v, _ in PHRASAL_CUES)
# 'as the prosecutor put it, "..."': "put" with the object "it" reports.
PUT_IT = frozenset({"put", "puts"})
# Verbs that judge or characterise in someone's words: cues only of a quoted fragment inside
# what they govern ('hailed "a historic decision"', 'dismissed Estonia as the "suburbs"').
CHARACTERISE_VERBS = verb_forms("""
    hail hails hailed | praise praises praised | laud lauds lauded | condemn condemns condemned
    | criticize criticizes criticized | criticise criticised | blast blasts blasted
    | slam slams slammed | denounce denounces denounced | dismiss dismisses dismissed
    | reject rejects rejected | welcome welcomes welcomed | liken likens likened
    | compare compares compared | accuse accuses accused | decry decries decried
    | lament laments lamented | mock mocks mocked | ridicule ridicules ridiculed
    | attack attacks attacked | thank thanks thanked | rate rates rated | rule rules ruled
    | characterize characterizes characterized | characterise characterised
    | portray portrays portrayed | proclaim proclaims proclaimed | tout touts touted
""")
# To welcome someone is mostly to host them: the one judging verb that takes no stance.
WELCOME = verb_forms("welcome welcomes welcomed")
# Verbs of taking a position: their object is the content of an indirect attribution ('Christie
# endorsed Trump'). Support, back, seek and challenge were once left out, a quarter or more of
# their uses in PolNeAR's training articles not being attributions ("backed by", "sought to");
# since stances are their own quote_type ('belief'), which speech analyses leave out, each adds
# more attributions than it costs on both PolNeAR splits, and they are in.
STANCE_VERBS = verb_forms("""
    endorse endorses endorsed | oppose opposes opposed | defend defends defended | cite cites cited
    | urge urges urged | propose proposes proposed | blame blames blamed | demand demands demanded
    | question questions questioned | applaud applauds applauded
    | highlight highlights highlighted | support supports supported | back backs backed
    | challenge challenges challenged | seek seeks sought
    | express expresses expressed | voice voices voiced | retweet retweets retweeted
    | order orders ordered | deem deems deemed | discuss discusses discussed
    | outline outlines outlined | detail details detailed | reference references referenced
    | deride derides derided | assail assails assailed | bemoan bemoans bemoaned
    | credit credits credited | rebut rebuts rebutted | champion champions championed
    | embrace embraces embraced | recommend recommends recommended
    | encourage encourages encouraged | request requests requested | disavow disavows disavowed
    | debate debates debated | offer offers offered
    | share shares shared
""")
# Judging verbs that also take a stance (all but welcome).
STANCE_CHARACTERISE = CHARACTERISE_VERBS - WELCOME
def prep_pairs(table: str) -> frozenset[tuple[str, str]]:
    """(verb form, preposition) for every form of each verb ('verb forms : preps', one a line)."""
    pairs: set[tuple[str, str]] = set()
    for line in table.strip().splitlines():
        verbs, preps = line.split(":")
        pairs.update((v, p) for v in verb_forms(verbs) for p in preps.split())
    return frozenset(pairs)


# A verb and preposition whose object is a stance or what was said or thought about ('called for
# a ban', 'warned of', 'railed against the moderators', 'bragged about her father'): verbs of
# saying and of taking a side, every form of each, by the prepositions that introduce their topic.
STANCE_PREPS = prep_pairs("""
    refer refers referred : to
    point points pointed : to
    talk talks talked : about
    speak speaks spoke spoken : about of against
    write writes wrote written : about of
    complain complains complained : about of
    brag brags bragged : about
    boast boasts boasted : about of
    joke jokes joked : about
    rail rails railed : against
    argue argues argued : for against
    warn warns warned : of about against
    call calls called : for
    ask asks asked : about
    comment comments commented : on
    testify testifies testified : about
    campaign campaigns campaigned : for against
    advocate advocates advocated : for
    agree agrees agreed : with
    disagree disagrees disagreed : with
    side sides sided : with
""")
STANCE_PREP_HEADS = frozenset(v for v, _ in STANCE_PREPS)
# Verbs that give something a quoted name: 'called him "a con artist"', 'dubbed it "Plan B"'.
NAMING_VERBS = verb_forms("""
    call calls called | dub dubs dubbed | label labels labeled labelled | brand brands branded
    | describe describes described
""")
# Verbs that utter a wording named by its noun ('has used the phrase "Islamic terrorism"', 'coined
# the term "bimbo eruptions"'): the quoted words are the subject's (cues.wording_of).
WORDING_VERBS = verb_forms("""
    use uses used using | coin coins coined coining | repeat repeats repeated repeating
    | invoke invokes invoked invoking | utter utters uttered uttering
""")
WORDING_NOUNS = word_set("""phrase phrases term terms word words slogan slogans expression
    expressions catchphrase label nickname""")
# Beliefs, plans and findings ('polls show', 'she believes', 'he wants to'): attributions only
# with a clausal complement, never the cue of a direct quote.
BELIEF_VERBS = verb_forms("""
    believe believes believed | think thinks thought | know knows knew | expect expects expected
    | hope hopes hoped | fear fears feared | want wants wanted | plan plans planned
    | show shows showed shown | find finds found | reveal reveals revealed | learn learned
    | acknowledge | recognize recognizes recognized | worry worries worried
    | accuse accuses accused | charge charges charged | cite cites cited
    | propose proposes proposed | decide decides decided | refuse refuses refused
    | decline declines declined | signal signals signaled signalled | see sees saw
    | feel feels felt | understand understands understood | doubt doubts doubted
    | question questions questioned | intend intends intended
    | consider considers considered | prefer prefers preferred | remember remembers remembered
    | suspect suspects suspected | notice notices noticed
""") - word_set("seeing finding feeling understanding showing planning") | \
    word_set("vowing pledging promising")  # (-ing forms news writes as nouns: 'the finding')
# Participles of perceiving whose passive subject is seen or heard doing something ('the cleric
# is shown lecturing: "..."'): that subject is the one who speaks (speakers.shown_doing).
SEEN_DOING = word_set("shown seen heard caught filmed recorded pictured")
# Beliefs whose content is an infinitive ('wants to cut taxes').
PLAN_VERBS = word_set("""
    want wants wanted plan plans planned intend intends intended decide decides decided refuse
    refuses refused decline declines declined propose proposes proposed vowing pledging promising
    wanting intending deciding refusing declining proposing hope hopes hoped hoping
""")
# The object of these is the listener, not the speaker ('telling Reuters', 'asked Smith').
LISTENER_VERB_PREFIXES = ("tell", "told", "ask", "inform", "assur", "reassur", "warn", "remind",
                          "urg", "advis", "caution", "notif", "brief")
# Verbs whose object (or 'to' object) is the one addressed: 'wrote to Blair demanding ...',
# 'told the minister, demanding ...' -- the participle that follows is the sender's, not theirs.
ADDRESS_VERB_PREFIXES = LISTENER_VERB_PREFIXES + ("writ", "wrote", "sent", "send", "appeal",
                                                  "urg", "petition", "call", "phon", "email")
# 'She drew boos upon saying, "..."': a participle after these reports for the clause's subject
# (not 'refrained from criticizing', 'without saying').
CIRCUMSTANCE_PREPS = frozenset({"upon", "on", "after", "before", "while", "by", "in"})
# 'described X as "..."', 'praised for': prepositions that frame what a verb governs.
FRAMING_PREPS = frozenset({"as", "for", "of", "about"})

# The order in which the rules try a word's classes where lexicons overlap.
PRECEDENCE = ("reporting", "belief", "stance", "characterise")
LEXICONS: dict[str, frozenset[str]] = {
    "reporting": REPORTING_VERBS,
    "belief": BELIEF_VERBS,
    "stance": STANCE_VERBS,
    "characterise": CHARACTERISE_VERBS,
    "naming": NAMING_VERBS,
    "plan": PLAN_VERBS,
}
# Every overlap between two lexicons, and why it is there.
OVERLAPS: dict[tuple[str, str], frozenset[str]] = {
    # a naming verb is a verb of saying that also names ('called it "a disgrace"')
    ("reporting", "naming"): NAMING_VERBS,
    # a plan is a belief whose content is an infinitive
    ("belief", "plan"): PLAN_VERBS,
    # said with a clause, these report ('acknowledged that ...', 'charged that ...', 'vowing to')
    ("reporting", "belief"): word_set("acknowledge acknowledging charge charged charges charging "
                                      "pledging promising vowing"),
    # 'urged the council to act': speech first, its object a stance when there is no clause
    ("reporting", "stance"): verb_forms("urge urges urged | demand demands demanded"),
    # 'cited figures showing ...' is a belief with a clause, a stance with an object
    ("belief", "stance"): verb_forms("cite cites cited | propose proposes proposed "
                                     "| question questions questioned"),
    ("stance", "plan"): verb_forms("propose proposes proposed"),
    # 'vowing to resign': a promise is said, and its content is an infinitive
    ("reporting", "plan"): word_set("pledging promising vowing"),
    # 'accused him of lying' judges; 'accused that ...' attributes a belief
    ("belief", "characterise"): verb_forms("accuse accuses accused"),
}


def overlaps() -> dict[tuple[str, str], frozenset[str]]:
    """The overlaps the lexicons have now, to check against OVERLAPS."""
    out = {}
    for (a, sa), (b, sb) in combinations(LEXICONS.items(), 2):
        if sa & sb:
            out[(a, b)] = sa & sb
    return out


# --- closed classes ------------------------------------------------------------------------------

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_GROUP = frozenset({"they", "them", "it", "we"})
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_GROUP | {"i", "you"}
RELATIVES = frozenset({"who", "that", "which"})
# Subjects that hold no belief of their own: the speaker inside their own talk, or no holder.
NOT_BELIEF_HOLDERS = frozenset({"i", "we", "you", "it", "there", "this"})
NOT_STANCE_HOLDERS = frozenset({"it", "there", "this", "that"})
DETERMINERS = word_set("a an the another one his her their its our my this that")
# Descriptions that stand for a person named earlier ('the Kremlin leader said').
ROLE_NOUNS = word_set("""
    leader president minister premier chancellor spokesman spokeswoman spokesperson secretary
    senator governor mayor chairman chairwoman executive director chief official diplomat envoy
    ambassador general commander coach manager
    man woman boy girl teen teenager mother father son daughter wife husband brother sister
    student teacher doctor nurse lawyer attorney officer worker labourer laborer driver owner
    proprietor player veteran rookie defenceman defenseman forward goalie goaltender pitcher
    quarterback captain striker midfielder columnist writer author reporter journalist analyst
    economist expert professor researcher scientist activist organizer organiser founder
    candidate victim survivor witness suspect defendant plaintiff farmer businessman
    businesswoman entrepreneur artist actor actress singer musician producer chef resident
""")
# Descriptions that stand for the organisation in view ('the company said').
ORG_NOUNS = word_set("""
    company firm agency team club group organization organisation association department ministry
    diocese league union university school board council commission corporation business bank
    network airline retailer charity party
""")
# Words after a name that make it a prize's, not a person's ('any Pulitzer prizes', 'a Nobel
# Prize winner').
AWARD_WORDS = word_set("prize prizes award awards medal medals trophy trophies cup")
# Things written that speak for their author ('her statement said', 'the RCMP statement').
DOCUMENT_NOUNS = word_set("""
    statement release post complaint lawsuit suit claim filing letter memo email e-mail tweet
    message book article column report study research document website blog interview speech
    remarks testimony
""")
# What someone says, as a noun whose owner spoke ('his call for "...", 'Marsh's vow to "..."').
SPEECH_NOUNS = word_set("""
    comment comments remark remarks call calls vow vows pledge pledges promise promises claim
    claims assertion insistence demand demands warning warnings criticism description plea
    appeal suggestion argument accusation accusations boast quip response reply answer
    declaration admission denial threat threats prediction proposal words rhetoric slogan
""")
# What polls, studies and reports find ('In the latest poll, Clinton led by five points').
FINDING_NOUNS = word_set("""
    poll polls survey surveys study studies report reports analysis review audit census
""")
# Words before a quoted title ('on "Fox News Sunday"', 'his book "..."') and the small words a
# title in title case leaves in lower case.
# A work's own noun before a title-case quotation ('the book "..."'): after it a title may run
# longer (marks.looks_like_title).
TITLE_WORKS = word_set("""book show program programme film movie song album series episode
    column documentary novel memoir play report essay article story poem""")
TITLE_CONTEXT = TITLE_WORKS | word_set("on of in with broadcast titled entitled")
# Words that point at something said or named before, never at someone who speaks or issues a
# document ('This was followed by a financier issuing a press release saying ...').
DEMONSTRATIVES = word_set("this that these those there which what")
# Verbs that put a document out ('the DNC issued a statement'): its words are then the issuer's.
ISSUING_VERBS = verb_forms("""issue issues issued | release releases released
    | publish publishes published | post posts posted | send sends sent""")
# Verbs whose subject wrote the document they take ('wrote a letter', 'filed a complaint').
WRITING_VERBS = verb_forms("write writes wrote written | file files filed")
TITLE_SMALL = word_set("a an the and of on in at to for with from by or nor but vs")
ACCORDING_TO = "according to"
# Words that may open a speaker's noun phrase written between a quote and its cue.
ARTICLES = frozenset({"the", "a"})

# --- the cast: pronouns, honorifics, gendered nouns and roles (quotes/cast.py) -----------

MALE, FEMALE = "male", "female"
PRONOUN_GENDER = {"he": MALE, "him": MALE, "his": MALE, "himself": MALE,
                  "she": FEMALE, "her": FEMALE, "hers": FEMALE, "herself": FEMALE}
SUBJECT_PRONOUNS = frozenset({"he", "she"})
FOLLOWED = frozenset(PRONOUN_GENDER) - {"himself", "herself", "hers"}  # what the chains follow
HONORIFICS = {"mr": MALE, "mr.": MALE, "sir": MALE, "mrs": FEMALE, "mrs.": FEMALE,
              "ms": FEMALE, "ms.": FEMALE, "miss": FEMALE, "dame": FEMALE}
# Role nouns that say the person's gender, before a name or in apposition to it.
GENDERED_NOUNS = {
    **dict.fromkeys("""spokeswoman chairwoman congresswoman councilwoman businesswoman
        sportswoman actress mother wife daughter sister grandmother widow woman girl aunt niece
        girlfriend queen princess duchess countess""".split(), FEMALE),
    **dict.fromkeys("""spokesman chairman congressman councilman businessman sportsman actor
        father husband son brother grandfather widower man boy uncle nephew boyfriend king
        prince duke count""".split(), MALE),
}
# Gendered nouns that are also titles of either sex or of clergy before a name ("Father Ryan",
# "Chairman Lee"): evidence only in apposition.
APPOSITION_ONLY = frozenset({"father", "mother", "chairman", "actor", "count", "son", "man"})

# Words before a name that are not a role: determiners, possessives, former, nationalities.
NOT_ROLES = frozenset("""the a an his her their its former acting u.s. us uk british american
    russian chinese french german white house kremlin foreign defence defense interior finance
    health state democratic republican""".split())
# Words before a role that qualify it, not an organisation ("New Home Secretary", "Former Labour
# minister": the organisation is Labour).
TITLE_QUALIFIERS = frozenset("new former acting interim outgoing incoming then current ex".split())
# Words that name a portfolio, part of the role and no organisation ('Foreign Secretary', 'Shadow
# Home Secretary', 'Health Minister').
PORTFOLIO_WORDS = frozenset("""foreign defence defense interior finance health state home
    justice education environment transport trade treasury energy culture shadow economy
    labour labor immigration agriculture""".split())

# Titles only a person holds: a name after one is a person's whatever the NER's label.
PERSONAL_TITLES = frozenset("""mr mrs ms miss dr prof professor sir dame lord lady rev president
    senator sen rep governor gov mayor judge justice chief general gen captain capt sgt sergeant
    officer inspector commissioner ambassador minister premier chancellor spokesman spokeswoman
    spokesperson coach councillor bishop pope cpl const constable detective""".split())
DEFINITE = frozenset({"the", "this", "that"})
AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant", "man", "woman", "person", "ive")
MORE_ROLES = frozenset("""fellow head chief partner member staff aide adviser advisor
    expert official spokesperson""".split())
