-- Analysis views over the core views (sql/views.sql). Time series use seen_at: the article's
-- publication time, or when the pipeline first stored it when the source carries no date; every
-- time view says which (date_source, undated counts), and rising_entities says how much of its
-- window is undated rather than invent a trend from the processing schedule.

-- article_dates: each article's time on the analysis clock and where it came from: 'published'
-- (the source's date) or 'first_seen' (the first time any batch stored this article: kept when
-- the article is reprocessed or its file changes).
-- (When every stored row is live, no article was stored twice: each row's own time is its
-- first, and the rows are read once, without the grouping and the join: 1.2-1.7 s -> 0.5 s at
-- a million articles.)
-- (Read from {article_keys}: the articles files' key columns, or a run's narrow copy of them.)
create or replace view article_dates as
with stored as not materialized (
    select article_id, batch_id, source, source_path, published_at,
           coalesce(first_seen, processed_at) as stored_at
    from {article_keys}
), first_stored as not materialized (
    select article_id, min(stored_at) as first_stored_at from stored group by article_id
)
select article_id, source, source_path, coalesce(published_at, stored_at) as seen_at,
       case when published_at is not null then 'published' else 'first_seen' end as date_source,
       published_at is null as date_from_processing, stored_at as first_seen
from stored where coalesce(getvariable('news_etl_all_live'), false)
union all
select a.article_id, a.source, a.source_path, coalesce(a.published_at, f.first_stored_at) as seen_at,
       case when a.published_at is not null then 'published' else 'first_seen' end as date_source,
       a.published_at is null as date_from_processing, f.first_stored_at as first_seen
from live_article_keys() a join first_stored f using (article_id)
where not coalesce(getvariable('news_etl_all_live'), false);

-- section_of(path): the folder of a raw file within the raw folder ('politics/401.txt' ->
-- 'politics'), what an undated corpus has to compare instead of time; '(top folder)' for a file
-- at the top.
create or replace macro section_of(path) as
    coalesce(nullif(regexp_extract(path, '^(.+)/[^/]+$', 1), ''), '(top folder)');

-- article_stories: each article's story (tasks/corpus/dedup.py): copies of one text, and the same story
-- re-headlined, lightly edited or trimmed, share the story_id of the copy stored first;
-- similarity is the copy's estimated Jaccard similarity to that first one. Written by a run
-- after its last commit; until then every article is its own story.
create or replace view article_stories as
select a.article_id, coalesce(s.story_id, a.article_id) as story_id,
       coalesce(s.similarity, 1.0) as similarity
from articles a left join {stories_source} s using (article_id);

-- stories: one row per story (counts copies, not articles): its first copy's title, how many
-- copies, in how many outlets, which, and when it was first and last seen.
create or replace view stories as
select s.story_id, any_value(f.title) as title, count(*) as copies,
       count(distinct coalesce(a.source, '(unknown)')) as outlets,
       list(distinct a.source order by a.source) filter (where a.source is not null) as sources,
       min(d.seen_at) as first_seen, max(d.seen_at) as last_seen
from article_stories s
join articles a using (article_id)
join article_dates d using (article_id)
join articles f on f.article_id = s.story_id
group by s.story_id;

-- article_meta: one row per live article with what a search ranks, narrows, groups and shows
-- (not the text): its story, its date and whether that date is its publication's, and which of
-- its quotes are beliefs (attributed, not said: a quote search leaves them out unless asked).
-- Stored by a run after its last commit (aggregates/article_meta_parts.<version>/, a part per
-- batch), so a search reads small files instead of the metadata columns of every batch;
-- computed live until then.
-- article_meta_of(batch_ids): the same rows for the articles of some batches, each read filtered
-- (a run computes its new batches' rows: through article_meta_live, which filters after its
-- joins, that read every article and quote, 2.5 s at a million articles, against 0.4)
create or replace macro article_meta_of(batch_ids) as table
select a.article_id, a.batch_id, a.title, a.source, a.url, a.source_path, a.word_count,
       d.seen_at, d.date_source, coalesce(st.story_id, a.article_id) as story_id,
       coalesce(qc.quote_count, 0) as quote_count,
       coalesce(qc.belief_quotes, []::int[]) as belief_quotes
from articles a join article_dates d using (article_id)
left join {stories_source} st using (article_id)
left join (select article_id, batch_id, count(*) as quote_count,
                  coalesce(list(quote_index order by quote_index)
                           filter (where quote_type = 'belief'), []) as belief_quotes
           from quotes where batch_id in (select unnest(batch_ids)) group by all) qc
       using (article_id, batch_id)
where a.batch_id in (select unnest(batch_ids));

create or replace view article_meta_live as
select * from article_meta_of((select list(distinct batch_id) from live_articles));

create or replace view article_meta as select * from {article_meta_source};

-- identity_names: what every stored entity or speaker name refers to across the corpus
-- (tasks/corpus/identity.py): its identity's display name, its kind (person, organisation, place,
-- group, other), and how it got there: exact, joined (a variant spelling or plural), resolved (a
-- lone surname or first name given its full name) or ambiguous (candidates lists the full
-- names it could be). Written by a run after its last commit; empty until then, when every
-- name is its own identity.
create or replace view identity_names as
select name, identity, kind, status, candidates from {identity_source};

-- identity_of(name): the identity a name refers to (the name as stored, else in any case, the
-- capitalised spelling first, else an identity of that name); the name itself when unknown.
-- candidates_of(name): the full names an ambiguous name could be, else NULL.
create or replace macro identity_of(n) as coalesce(
    (select any_value(identity) from identity_names where name = n),
    (select identity from identity_names where lower(name) = lower(n)
     order by name = lower(name), name limit 1),
    (select any_value(identity) from identity_names where lower(identity) = lower(n)),
    n);

create or replace macro candidates_of(n) as (
    select any_value(candidates) from identity_names
    where lower(name) = lower(n) and status = 'ambiguous');

-- quote_speakers: one narrow row per live quote with a named speaker: the name as stored and
-- its identity. The names are stored by a run after its last commit, a part per batch sorted by
-- name (aggregates/quote_speakers_parts/), so a search for what one person said reads a row
-- group or two of each part instead of the speaker column of every quote's row group; read
-- from the quotes until then. The identity is joined here, so a change of identity rewrites
-- no part.
create or replace view quote_speakers_live as
select q.article_id, q.quote_index, q.batch_id, q.speaker
from quotes q
where q.speaker is not null;

-- quote_speaker_names: the same without the identity, as stored (what a speaker search filters)
create or replace view quote_speaker_names as
select article_id, quote_index, batch_id, speaker from {quote_speakers_source};

create or replace view quote_speakers as
select s.article_id, s.quote_index, s.batch_id, s.speaker,
       coalesce(i.identity, s.speaker) as identity
from quote_speaker_names s left join identity_names i on i.name = s.speaker;

-- entity_identities: mentions of names (people, organisations, places, groups...), not of
-- numbers or dates, with their corpus-level identity and kind; named_entities adds each
-- article's date, outlet, story and path. (A count over every article reads this one: the join
-- to article_meta is 0.7 s of top-people's 2.9 at a million articles.)
create or replace view entity_identities as
select e.article_id, e.batch_id, e.canonical, e.label,
       coalesce(i.identity, e.canonical) as identity,
       coalesce(i.kind, case e.label when 'PERSON' then 'person' when 'ORG' then 'organisation'
                                     when 'GPE' then 'place' when 'LOC' then 'place'
                                     when 'FAC' then 'place' when 'NORP' then 'group'
                                     else 'other' end) as kind,
       e.text, e.start_char, e.end_char
from entities e
left join identity_names i on i.name = e.canonical
where e.label in ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT', 'PRODUCT', 'WORK_OF_ART', 'LAW');

-- named_entities: the same with the article's date, outlet and story, from article_meta (one
-- small stored row an article, not derived again from every batch's articles: 3.6 -> 2.3 s for
-- top-speakers at 1M)
create or replace view named_entities as
select n.article_id, n.canonical, n.label, n.identity, n.kind, n.text, n.start_char,
       n.end_char, m.seen_at, m.date_source, m.source, m.story_id, m.source_path
from entity_identities n
join article_meta m on m.article_id = n.article_id and m.batch_id = n.batch_id;

-- entity_summary: one row per identity across the corpus (all its names and labels together),
-- with the names it was written as; articles counts copies, stories counts a syndicated story
-- once however many outlets ran it.
create or replace view entity_summary as
select identity, kind, count(distinct article_id) as articles, count(*) as mentions,
       list(distinct canonical order by canonical) as names,
       min(seen_at) as first_seen, max(seen_at) as last_seen,
       count(distinct story_id) as stories
from named_entities
group by identity, kind;


-- entity_mentions_daily / _weekly: mentions and articles per identity per day / ISO week, and
-- how many of those articles are dated by when they were first stored (no publication date).
-- (grouping by article first is twice as fast as count(distinct) on millions of mentions)
create or replace view entity_mentions_daily as
select day, identity, kind, sum(n) as mentions, count(*) as articles,
       count(*) filter (where date_source <> 'published') as undated_articles
from (select cast(seen_at as date) as day, identity, kind, article_id, date_source,
             count(*) as n
      from named_entities group by all)
group by all;

create or replace view entity_mentions_weekly as
select week, identity, kind, sum(n) as mentions, count(*) as articles,
       count(*) filter (where date_source <> 'published') as undated_articles
from (select cast(date_trunc('week', seen_at) as date) as week, identity, kind, article_id,
             date_source, count(*) as n
      from named_entities group by all)
group by all;

-- entity_cooccurrence_live: pairs of identities named in the same article (each pair once,
-- a < b, never an identity with itself), computed from the current rows on every query
-- (seconds on tens of thousands of articles).
create or replace view entity_cooccurrence_live as
with per_article as (
    select distinct article_id, identity, kind from named_entities
)
select a.identity as entity_a, a.kind as kind_a, b.identity as entity_b, b.kind as kind_b,
       count(*) as articles
from per_article a
join per_article b on a.article_id = b.article_id and a.identity < b.identity
group by all;

-- entity_cooccurrence: the same pairs, read from the table a run materialises after its last
-- commit (aggregates/entity_cooccurrence.parquet) when that table matches the batches committed
-- now, else computed live. {cooccurrence_source} is one or the other.
create or replace view entity_cooccurrence as
select entity_a, kind_a, entity_b, kind_b, articles from {cooccurrence_source};

-- entity_counts_live: per identity and kind, the articles naming it and its mentions (canonical
-- NULL), and the same for each name it is written as (canonical: the name); computed from the
-- current rows on every query.
create or replace view entity_counts_live as
with r as (select article_id, identity, kind, canonical from entity_identities)
select identity, kind, null::varchar as canonical, count(distinct article_id) as articles,
       count(*) as mentions
from r group by identity, kind
union all
select identity, kind, canonical, count(distinct article_id), count(*)
from r group by identity, kind, canonical;

-- entity_counts: the same, read from the table a run keeps up to date after its last commit
-- (aggregates/entity_counts.parquet, with the co-occurrence pairs: what a run changes is added
-- to it) when that table matches the batches committed now, else computed live. A count over
-- every article reads a few rows an identity here, not every mention (top-people at a million
-- articles: 2.4 s over the mentions).
create or replace view entity_counts as
select identity, kind, canonical, articles, mentions from {entity_counts_source};

-- speaker_quotes: every attributed quote (speech: direct, mixed and indirect; not the beliefs,
-- plans and stances of quote_type 'belief', which are attributed but not said) with its
-- article's date, source and title, and the speaker's corpus-level identity and kind.
create or replace view speaker_quotes as
select q.speaker, q.speaker_label, coalesce(i.identity, q.speaker) as identity,
       coalesce(i.kind, case q.speaker_label when 'PERSON' then 'person'
                                             when 'ORG' then 'organisation'
                                             when 'GPE' then 'place' when 'FAC' then 'place'
                                             when 'NORP' then 'group' else 'other' end) as kind,
       m.seen_at, m.date_source, m.source, m.title, m.source_path, q.article_id,
       q.quote_index, q.quote_type, q.cue, q.text, q.speaker_text,
       q.speaker_role, q.speaker_organisation, q.speaker_gender, q.speaker_gender_source,
       m.story_id
from quotes q
join article_meta m on m.article_id = q.article_id and m.batch_id = q.batch_id
left join identity_names i on i.name = q.speaker
where q.speaker is not null and q.quote_type <> 'belief';

-- speaker_counts_live: per speaker identity, kind, outlet and month ('YYYY-MM' of the
-- publication date, else 'undated'), their quotes, the direct ones, the articles quoting them
-- and the gender votes of gender_votes below (f_text, m_text, f_name, m_name); computed from
-- the current rows on every query.
create or replace view speaker_counts_live as
select identity, kind, source,
       case when date_source = 'published' then strftime(seen_at, '%Y-%m')
            else 'undated' end as month,
       count(*) as quotes, count(*) filter (where quote_type = 'direct') as direct,
       count(distinct article_id) as articles,
       count(*) filter (where speaker_gender = 'female'
                          and coalesce(speaker_gender_source, 'text') = 'text') as f_text,
       count(*) filter (where speaker_gender = 'male'
                          and coalesce(speaker_gender_source, 'text') = 'text') as m_text,
       count(*) filter (where speaker_gender = 'female' and speaker_gender_source = 'name')
           as f_name,
       count(*) filter (where speaker_gender = 'male' and speaker_gender_source = 'name')
           as m_name
from speaker_quotes
group by identity, kind, source, month;

-- speaker_counts: the same, read from the table a run keeps up to date after its last commit
-- (aggregates/speaker_counts.parquet: what a run changes is added to it, as for the
-- co-occurrence pairs) when that table matches the batches committed now, else computed live.
-- An article has one outlet and one month, so its rows' counts add up: top-speakers and
-- source-diversity sum a few rows a speaker rather than read every quote (1.7 and 1.5 s at a
-- million articles).
create or replace view speaker_counts as
select identity, kind, source, month, quotes, direct, articles, f_text, m_text, f_name, m_name
from {speaker_counts_source};

-- top_speakers: who is quoted most (by identity: all of a speaker's names together), in how many
-- articles (copies) and sources, and in how many stories (a syndicated story once).
create or replace view top_speakers as
select identity as speaker, any_value(kind) as kind, count(*) as quotes,
       count(*) filter (where quote_type = 'direct') as direct,
       count(*) filter (where quote_type = 'mixed') as mixed,
       count(*) filter (where quote_type = 'indirect') as indirect,
       -- sources and outlets: NULL, not 0, where no article names its source
       count(distinct article_id) as articles, nullif(count(distinct source), 0) as sources,
       count(distinct story_id) as stories
from speaker_quotes
group by identity;

-- speakers: who the quoted are, by identity: the role and organisation the articles give them
-- most often, their gender where the articles' own words give it, else where their first name
-- does (gender_source says which; NULL where neither; the majority where articles differ, with
-- gender_articles saying how many articles gave any), and
-- how much and where they are quoted (outlets: distinct sources; stories: a syndicated story once).
-- gender_votes(gender, source): an aggregate over a person's quotes, how many gave female and
-- male by the articles' own words (rows from before quotes-12 carry no source: theirs was the
-- words) and by a first name. speaker_gender_of(votes): the articles' words by majority first, a
-- first name's where the words give none or split evenly; an even split of both is no gender
-- (never the first of two in some order: a tie broken by chance made the women counted differ
-- from one query to the next). speaker_gender_source_of(votes): which of the two decided.
create or replace macro gender_votes(g, src) as {
    'f_text': count(*) filter (where g = 'female' and coalesce(src, 'text') = 'text'),
    'm_text': count(*) filter (where g = 'male' and coalesce(src, 'text') = 'text'),
    'f_name': count(*) filter (where g = 'female' and src = 'name'),
    'm_name': count(*) filter (where g = 'male' and src = 'name')};
create or replace macro speaker_gender_of(v) as
    case when v.f_text > v.m_text then 'female' when v.m_text > v.f_text then 'male'
         when v.f_name > v.m_name then 'female' when v.m_name > v.f_name then 'male' end;
create or replace macro speaker_gender_source_of(v) as
    case when v.f_text <> v.m_text then 'text' when v.f_name <> v.m_name then 'name' end;

create or replace view speakers as
with counted as (
    select identity, any_value(kind) as kind,
           mode(speaker_role) as role, mode(speaker_organisation) as organisation,
           gender_votes(speaker_gender, speaker_gender_source) as votes,
           count(distinct article_id) filter (where speaker_gender is not null) as gender_articles,
           count(*) as quotes, count(distinct article_id) as articles,
           nullif(count(distinct source), 0) as outlets, count(distinct story_id) as stories
    from speaker_quotes
    group by identity
)
select identity as speaker, kind, role, organisation, speaker_gender_of(votes) as gender,
       speaker_gender_source_of(votes) as gender_source,
       gender_articles, quotes, articles, outlets, stories
from counted;

-- speaker_source: how often each speaker (identity) is quoted per source.
create or replace view speaker_source as
select identity as speaker, coalesce(source, '(unknown)') as source, count(*) as quotes,
       count(distinct article_id) as articles
from speaker_quotes
group by all;

-- source_daily: article counts per source per day.
create or replace view source_daily as
select coalesce(source, '(unknown)') as source, cast(seen_at as date) as day,
       count(*) as articles
from article_dates
group by all;

-- rising_entities: mentions in the latest week of data against the average of the four weeks
-- before it (weeks with no mention count as zero), per identity; undated_share is the share of
-- the five weeks' articles with no publication date, whose "week" is only when they were stored.
create or replace view rising_entities as
with latest as (
    select cast(date_trunc('week', max(seen_at)) as date) as week from named_entities
),
window_articles as (
    select count(*) filter (where d.date_source <> 'published') / greatest(count(*), 1)
           as undated_share
    from article_dates d, latest
    where d.seen_at >= latest.week - interval 28 day
),
weekly as (  -- entity_mentions_weekly, for the five weeks that matter only
    select week, identity, kind, sum(n) as mentions, count(*) as articles
    from (select cast(date_trunc('week', e.seen_at) as date) as week, e.identity, e.kind,
                 e.article_id, count(*) as n
          from named_entities e, latest
          where e.seen_at >= latest.week - interval 28 day
          group by all)
    group by all
),
now_week as (
    select w.identity, w.kind, w.mentions, w.articles
    from weekly w, latest where w.week = latest.week
),
before as (
    select w.identity, w.kind, sum(w.mentions) / 4.0 as avg_mentions
    from weekly w, latest
    where w.week >= latest.week - interval 28 day and w.week < latest.week
    group by all
)
select n.identity, n.kind, (select week from latest) as week, n.mentions, n.articles,
       coalesce(b.avg_mentions, 0) as previous_avg,
       round(n.mentions / greatest(coalesce(b.avg_mentions, 0), 0.5), 2) as rise,
       round((select undated_share from window_articles), 3) as undated_share
from now_week n left join before b using (identity, kind);

-- quote_norm(text): a quote's words as lineage compares them (lower case, accents, quote marks
-- and punctuation gone), for finding a quotation by any fragment of its words.
create or replace macro quote_norm(t) as
    trim(regexp_replace(strip_accents(lower(t)), '[^\pL\pN]+', ' ', 'g'));

-- quotation_appearances: every direct quote that belongs to a quotation (the same words, or
-- nearly, in two or more places: tasks/corpus/lineage.py), with its role (canonical: the
-- earliest full wording; copy; variant, whose diff says how its words differ, [-dropped-]
-- {+added+}; fragment: an excerpt of a longer wording), the speaker it was credited to (the
-- identity), where and when it appeared (seen_at, and whether that is the publication date;
-- from article_meta, one small row an article, not every batch's articles and their dates).
-- Written by a run after its last commit; empty until then.
-- quotation_appearances_in(batch_ids): the same for the quotes of some batches, each read
-- filtered (a run computes again only the quotations a change reached: tasks/corpus/build.py);
-- null: every batch.
create or replace macro quotation_appearances_in(batch_ids) as table
select qa.quotation_id, qa.article_id, qa.quote_index, qa.role, qa.similarity, qa.diff,
       q.text, nullif(trim(coalesce(i.identity, q.speaker)), '') as speaker,
       nullif(trim(q.speaker), '') as speaker_name,
       m.source, m.title, m.url, m.seen_at, m.date_source
from {quotation_appearances_source} qa
join (select * from quotes
      where batch_ids is null or batch_id in (select unnest(batch_ids))) q
    on q.article_id = qa.article_id and q.quote_index = qa.quote_index
join (select * from article_meta
      where batch_ids is null or batch_id in (select unnest(batch_ids))) m
    on m.article_id = qa.article_id
left join identity_names i on i.name = q.speaker;

create or replace view quotation_appearances as select * from quotation_appearances_in(null);

-- quotations: one row per quotation: its canonical wording, its first appearance (article,
-- outlet, time, and whether that time is the publication's or when it was first seen), in how
-- many articles and outlets, its variants and fragments, the speakers it was credited to with
-- each one's share of the credited appearances, and conflict: two or more speakers credited
-- with the same words. Stored by a run after its last commit (aggregates/quotations.parquet);
-- quotations_live computes it; quotations_from(app), the quotations of the appearances in the
-- table or view named app (a run's: those of the quotations a change reached).
create or replace macro quotations_from(app) as table
with app as (select * from query_table(app)),
credited as (
    select quotation_id, speaker, count(*) as quotes from app
    where speaker is not null group by all
),
speaker_lists as (
    select c.quotation_id,
           list({'speaker': c.speaker, 'quotes': c.quotes,
                 'share': round(c.quotes / t.total, 3)} order by c.quotes desc, c.speaker)
               as speakers,
           count(*) as named
    from credited c
    join (select quotation_id, sum(quotes) as total from credited group by 1) t using (quotation_id)
    group by c.quotation_id
)
select a.quotation_id,
       any_value(a.text) filter (where a.role = 'canonical') as text,
       arg_min(a.article_id, (a.seen_at, a.article_id)) as first_article_id,
       arg_min(a.source, (a.seen_at, a.article_id)) as first_source,
       min(a.seen_at) as first_seen_at,
       arg_min(a.date_source, (a.seen_at, a.article_id)) as first_date_source,
       count(distinct a.article_id) as articles,
       count(distinct a.source) as outlets,
       count(*) filter (where a.role = 'variant') as variants,
       count(*) filter (where a.role = 'fragment') as fragments,
       coalesce(any_value(sl.speakers), []) as speakers,
       coalesce(any_value(sl.named), 0) > 1 as conflict
from app a left join speaker_lists sl using (quotation_id)
group by a.quotation_id;

create or replace view quotations_live as select * from quotations_from('quotation_appearances');

create or replace view quotations as select * from {quotations_source};
