-- Name statistics for corpus-level identity (tasks/corpus/identity.py): one row per stored name and label,
-- from entity mentions (named labels only) and quote speakers. `titled` counts mentions written
-- right after a personal title ("Mr Blair", "President Putin") and `determined` those right after
-- "the", "a" or "an" ("the Premiership"), in the mention or just before it.
with ent as (
    select e.canonical as name, e.label, count(*) as mentions,
           count(distinct e.article_id) as articles,
           count(*) filter (where regexp_matches(
                   lower(substr(a.text, greatest(e.start_char - 13, 1), least(e.start_char, 14))),
                   '\b(mr|mrs|ms|dr|sir|dame|lord|lady|president|senator|sen|rep|governor|gov|mayor|chancellor|secretary|minister|premier|judge|spokesman|spokeswoman|spokesperson|chairman|chairwoman|coach|boss|striker|midfielder|goalkeeper|actor|actress|singer|rapper|star|comedian|presenter|writer|author|novelist|director)\.?\s+$')
               or regexp_matches(lower(e.text), '^(mr|mrs|ms|dr|sir|dame|lord|lady|president|senator|sen|rep|governor|gov|mayor|chancellor|secretary|minister|premier|judge|spokesman|spokeswoman|spokesperson|chairman|chairwoman|coach|boss|striker|midfielder|goalkeeper|actor|actress|singer|rapper|star|comedian|presenter|writer|author|novelist|director)\.?\s')) as titled,
           count(*) filter (where regexp_matches(
                   lower(substr(a.text, greatest(e.start_char - 4, 1), least(e.start_char, 5))),
                   '\b(the|a|an)\s+$')
               or regexp_matches(lower(e.text), '^(the|a|an)\s')) as determined
    from entities e
    join articles a using (article_id)
    where e.label in ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT', 'PRODUCT', 'WORK_OF_ART', 'LAW')
      and e.canonical <> ''
    group by all
),
spk as (
    select speaker as name, speaker_label as label, count(*) as mentions,
           count(distinct article_id) as articles, 0 as titled, 0 as determined
    from quotes
    where speaker is not null and speaker <> ''
    group by all
)
select name, label, mentions, articles, titled, determined from ent
union all
select name, label, mentions, articles, titled, determined from spk
