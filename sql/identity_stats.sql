-- Name statistics for corpus-level identity (tasks/corpus/identity.py): one row per batch, stored name
-- and label, from entity mentions (named labels only) and quote speakers, read from the views
-- stat_entities, stat_articles and stat_quotes (tasks/corpus/build.py points them at every live row,
-- or at the batches whose counts are not yet kept: summed over batches they are the corpus's, as an
-- article lives in one batch). `titled` counts mentions written
-- right after a personal title ("Mr Blair", "President Putin") and `determined` those right after
-- "the", "a" or "an" ("the Premiership"), in the mention or just before it. `org_context` counts mentions
-- the sentence presents as an organisation: after a descriptor ("media giant X", "Glasgow group X"),
-- as an employer ("editor of X", "officer for X"), before a member and a name ("X prop Andrew Sheridan",
-- "X frontman Alex Kapranos"), or in brackets after a player's name, as team sheets write them ("J
-- Robinson (X, capt)", "Jason White (X)"; one word after a full name is a nickname: "Ted Cruz (Ted)").
-- `work_context` counts mentions presented as a work: after an ordinal ("the third X"), before a
-- title's continuation ("X and the Prisoner of Azkaban"), a format ("X DVD", "X games") or its
-- makers and cast ("X director Alfonso Cuaron", "X star Daniel Radcliffe"). A possessive never counts
-- (people have editors, albums and films).
-- `backed` counts mentions of a one-word name in an article where a full name the NER read as a
-- person begins or ends with it ("Ferguson" beside "Alex Ferguson", whatever the label says).
with backed as (
    select distinct o.article_id, o.canonical
    from stat_entities o
    join stat_entities f on f.article_id = o.article_id and f.label = 'PERSON'
        and (ends_with(f.canonical, ' ' || o.canonical) or starts_with(f.canonical, o.canonical || ' '))
    where o.canonical <> '' and not contains(o.canonical, ' ')
),
ent as (
    select e.batch_id, e.canonical as name, e.label, count(*) as mentions,
           count(distinct e.article_id) as articles,
           count(*) filter (where regexp_matches(
                   lower(substr(e.atext, greatest(e.start_char - 13, 1), least(e.start_char, 14))),
                   '\b(mr|mrs|ms|dr|sir|dame|lord|lady|president|senator|sen|rep|governor|gov|mayor|chancellor|secretary|minister|premier|judge|spokesman|spokeswoman|spokesperson|chairman|chairwoman|coach|boss|striker|midfielder|goalkeeper|actor|actress|singer|rapper|star|comedian|presenter|writer|author|novelist|director)\.?\s+$')
               or regexp_matches(lower(e.text), '^(mr|mrs|ms|dr|sir|dame|lord|lady|president|senator|sen|rep|governor|gov|mayor|chancellor|secretary|minister|premier|judge|spokesman|spokeswoman|spokesperson|chairman|chairwoman|coach|boss|striker|midfielder|goalkeeper|actor|actress|singer|rapper|star|comedian|presenter|writer|author|novelist|director)\.?\s')) as titled,
           count(*) filter (where regexp_matches(
                   lower(substr(e.atext, greatest(e.start_char - 4, 1), least(e.start_char, 5))),
                   '\b(the|a|an)\s+$')
               or regexp_matches(lower(e.text), '^(the|a|an)\s')) as determined,
           count(*) filter (where not possessive and (
                   regexp_matches(pre, '\b(editor|executive|officer|chairman|chairwoman|director|head|boss|founder|owner|analysts?|players?|frontman|singer|guitarist|drummer|members?|staff|employees?|shareholders|president|chief|captain|coach|manager|investors|customers|subscribers)\s+(of|for|at|with)\s+(the\s+)?$')
                   or regexp_matches(pre, '\b(band|group|club side|firm|company|giants?|magazine|newspaper|paper|label|studios?|retailer|bank|carrier|airline|network|website|site|agency|outfit|charity|chain|manufacturer|insurer|conglomerate|brand)\s+$')
                   or regexp_matches(post, '^\s+(frontman|prop|striker|winger|midfielder|defender|goalkeeper|fly-half|scrum-half|centre|flanker|lock|hooker|captain|coach|manager|boss|chairman|chief|executive|editor|analyst|spokesman|spokeswoman|singer|guitarist|drummer)\s+[A-Z]')
                   or (regexp_matches(rawpre, '[A-Z][\w''-]+\s+\($') and regexp_matches(post, '^[),]')
                       and (contains(e.text, ' ') or regexp_matches(rawpre, '(^|[\s,;:])[A-Z]\.?\s+[A-Z][\w''-]+\s+\($'))))) as org_context,
           count(*) filter (where not possessive and (
                   regexp_matches(post, '^\s+(dvd|games|franchise|sequels?|musical|series)\b')
                   or regexp_matches(post, '^\s+and\s+the\s+[A-Z]')
                   or regexp_matches(post, '^\s+(stars?|author|director|cast|producer|creator)\s+[A-Z]')
                   or regexp_matches(pre, '\b(first|second|third|fourth|fifth|sixth|seventh|latest|next)\s+$'))) as work_context,
           count(*) filter (where b.article_id is not null) as backed
    from (select e.*, lower(substr(a.text, greatest(e.start_char - 29, 1), least(e.start_char, 30))) as pre,
                 substr(a.text, greatest(e.start_char - 29, 1), least(e.start_char, 30)) as rawpre,
                 substr(a.text, e.end_char + 1, 30) as post,
                 regexp_matches(e.text, '[''’]s?$') or regexp_matches(substr(a.text, e.end_char + 1, 2), '^[''’]s') as possessive,
                 a.text as atext
          from stat_entities e join stat_articles a using (article_id)) e
    left join backed b on b.article_id = e.article_id and b.canonical = e.canonical
    where e.label in ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT', 'PRODUCT', 'WORK_OF_ART', 'LAW')
      and e.canonical <> ''
    group by all
),
spk as (
    select batch_id, speaker as name, speaker_label as label, count(*) as mentions,
           count(distinct article_id) as articles, 0 as titled, 0 as determined,
           0 as org_context, 0 as work_context, 0 as backed
    from stat_quotes
    where speaker is not null and speaker <> ''
    group by all
)
select batch_id, name, label, mentions, articles, titled, determined, org_context, work_context, backed from ent
union all
select batch_id, name, label, mentions, articles, titled, determined, org_context, work_context, backed from spk
