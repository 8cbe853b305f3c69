-- Analysis views over the core views (sql/views.sql). Time series use seen_at: the article's
-- publication time, or when the pipeline first stored it when the source carries no date.

-- article_dates: each article's time on the analysis clock.
create or replace view article_dates as
select article_id, source, source_path, coalesce(published_at, processed_at) as seen_at,
       published_at is null as date_from_processing
from articles;

-- identity_names: what every stored entity or speaker name refers to across the corpus
-- (tasks/identity.py): its identity's display name, its kind (person, organisation, place,
-- group, other), and how it got there: exact, joined (a variant spelling or plural), resolved (a
-- lone surname or first name given its full name) or ambiguous (candidates lists the full
-- names it could be). Written by a run after its last commit; empty until then, when every
-- name is its own identity.
create or replace view identity_names as
select name, identity, kind, status, candidates from {identity_source};

-- named_entities: mentions of names (people, organisations, places, groups...), not of numbers
-- or dates, with their corpus-level identity and kind.
create or replace view named_entities as
select e.article_id, e.canonical, e.label,
       coalesce(i.identity, e.canonical) as identity,
       coalesce(i.kind, case e.label when 'PERSON' then 'person' when 'ORG' then 'organisation'
                                     when 'GPE' then 'place' when 'LOC' then 'place'
                                     when 'FAC' then 'place' when 'NORP' then 'group'
                                     else 'other' end) as kind,
       e.text, e.start_char, e.end_char, d.seen_at, d.source
from entities e join article_dates d using (article_id)
left join identity_names i on i.name = e.canonical
where e.label in ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT', 'PRODUCT', 'WORK_OF_ART', 'LAW');

-- identity_summary: one row per identity across the corpus, with the names it was written as.
create or replace view identity_summary as
select identity, kind, count(distinct article_id) as articles, count(*) as mentions,
       list(distinct canonical order by canonical) as names,
       min(seen_at) as first_seen, max(seen_at) as last_seen
from named_entities
group by identity, kind;

-- entity_summary: one row per canonical name and label across the corpus.
create or replace view entity_summary as
select canonical, label, count(distinct article_id) as articles, count(*) as mentions,
       min(seen_at) as first_seen, max(seen_at) as last_seen
from named_entities
group by canonical, label;

-- entity_mentions_daily / _weekly: mentions and articles per entity per day / ISO week.
-- (grouping by article first is twice as fast as count(distinct) on millions of mentions)
create or replace view entity_mentions_daily as
select day, canonical, label, sum(n) as mentions, count(*) as articles
from (select cast(seen_at as date) as day, canonical, label, article_id, count(*) as n
      from named_entities group by all)
group by all;

create or replace view entity_mentions_weekly as
select week, canonical, label, sum(n) as mentions, count(*) as articles
from (select cast(date_trunc('week', seen_at) as date) as week, canonical, label, article_id,
             count(*) as n
      from named_entities group by all)
group by all;

-- entity_cooccurrence_live: pairs of entities named in the same article (each pair once, a < b),
-- computed from the current rows on every query (seconds on tens of thousands of articles).
create or replace view entity_cooccurrence_live as
with per_article as (
    select distinct article_id, canonical, label from named_entities
)
select a.canonical as entity_a, a.label as label_a, b.canonical as entity_b, b.label as label_b,
       count(*) as articles
from per_article a
join per_article b on a.article_id = b.article_id
    and (a.canonical < b.canonical or (a.canonical = b.canonical and a.label < b.label))
group by all;

-- entity_cooccurrence: the same pairs, read from the table a run materialises after its last
-- commit (aggregates/entity_cooccurrence.parquet) when that table matches the batches committed
-- now, else computed live. {cooccurrence_source} is one or the other.
create or replace view entity_cooccurrence as
select entity_a, label_a, entity_b, label_b, articles from {cooccurrence_source};

-- speaker_quotes: every attributed quote with its article's date, source and title, and the
-- speaker's corpus-level identity and kind.
create or replace view speaker_quotes as
select q.speaker, q.speaker_label, coalesce(i.identity, q.speaker) as identity,
       coalesce(i.kind, case q.speaker_label when 'PERSON' then 'person'
                                             when 'ORG' then 'organisation'
                                             when 'GPE' then 'place' when 'FAC' then 'place'
                                             when 'NORP' then 'group' else 'other' end) as kind,
       d.seen_at, a.source, a.title, a.source_path, q.article_id,
       q.quote_index, q.quote_type, q.cue, q.text, q.speaker_text
from quotes q
join articles a using (article_id)
join article_dates d using (article_id)
left join identity_names i on i.name = q.speaker
where q.speaker is not null;

-- top_speakers: who is quoted most, in how many articles and sources.
create or replace view top_speakers as
select speaker, any_value(speaker_label) as label, count(*) as quotes,
       count(*) filter (where quote_type = 'direct') as direct,
       count(*) filter (where quote_type = 'mixed') as mixed,
       count(*) filter (where quote_type = 'indirect') as indirect,
       count(distinct article_id) as articles, count(distinct source) as sources
from speaker_quotes
group by speaker;

-- speaker_source: how often each speaker is quoted per source.
create or replace view speaker_source as
select speaker, coalesce(source, '(unknown)') as source, count(*) as quotes,
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
-- before it (weeks with no mention count as zero).
create or replace view rising_entities as
with latest as (
    select cast(date_trunc('week', max(seen_at)) as date) as week from named_entities
),
weekly as (  -- entity_mentions_weekly, for the five weeks that matter only
    select week, canonical, label, sum(n) as mentions, count(*) as articles
    from (select cast(date_trunc('week', e.seen_at) as date) as week, e.canonical, e.label,
                 e.article_id, count(*) as n
          from named_entities e, latest
          where e.seen_at >= latest.week - interval 28 day
          group by all)
    group by all
),
now_week as (
    select w.canonical, w.label, w.mentions, w.articles
    from weekly w, latest where w.week = latest.week
),
before as (
    select w.canonical, w.label, sum(w.mentions) / 4.0 as avg_mentions
    from weekly w, latest
    where w.week >= latest.week - interval 28 day and w.week < latest.week
    group by all
)
select n.canonical, n.label, (select week from latest) as week, n.mentions, n.articles,
       coalesce(b.avg_mentions, 0) as previous_avg,
       round(n.mentions / greatest(coalesce(b.avg_mentions, 0), 0.5), 2) as rise
from now_week n left join before b using (canonical, label);
