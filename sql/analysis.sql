-- Analysis views over the core views (sql/views.sql). Time series use seen_at: the article's
-- publication time, or when the pipeline first stored it when the source carries no date; every
-- time view says which (date_source, undated counts), and rising_entities says how much of its
-- window is undated rather than invent a trend from the processing schedule.

-- article_dates: each article's time on the analysis clock and where it came from: 'published'
-- (the source's date) or 'first_seen' (the first time any batch stored this article: kept when
-- the article is reprocessed or its file changes).
create or replace view article_dates as
with first_stored as (
    select article_id, min(coalesce(first_seen, processed_at)) as first_stored_at
    from read_parquet({articles_parquet}, union_by_name = true)
    group by article_id
)
select a.article_id, a.source, a.source_path, coalesce(a.published_at, f.first_stored_at) as seen_at,
       case when a.published_at is not null then 'published' else 'first_seen' end as date_source,
       a.published_at is null as date_from_processing, f.first_stored_at as first_seen
from articles a join first_stored f using (article_id);

-- article_meta: one row per live article with what a search ranks, narrows and shows (not the
-- text): stored by a run after its last commit (aggregates/article_meta.parquet), so a search
-- reads one small file instead of the metadata columns of every batch; computed live until then.
create or replace view article_meta_live as
select a.article_id, a.batch_id, a.title, a.source, a.url, a.source_path, a.word_count,
       d.seen_at, coalesce(qc.quote_count, 0) as quote_count
from articles a join article_dates d using (article_id)
left join (select article_id, batch_id, count(*) as quote_count from quotes group by all) qc
       using (article_id, batch_id);

create or replace view article_meta as select * from {article_meta_source};

-- article_stories: each article's story (tasks/dedup.py): copies of one text, and the same story
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

-- identity_names: what every stored entity or speaker name refers to across the corpus
-- (tasks/identity.py): its identity's display name, its kind (person, organisation, place,
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

-- named_entities: mentions of names (people, organisations, places, groups...), not of numbers
-- or dates, with their corpus-level identity and kind.
create or replace view named_entities as
select e.article_id, e.canonical, e.label,
       coalesce(i.identity, e.canonical) as identity,
       coalesce(i.kind, case e.label when 'PERSON' then 'person' when 'ORG' then 'organisation'
                                     when 'GPE' then 'place' when 'LOC' then 'place'
                                     when 'FAC' then 'place' when 'NORP' then 'group'
                                     else 'other' end) as kind,
       e.text, e.start_char, e.end_char, d.seen_at, d.date_source, d.source, st.story_id
from entities e join article_dates d using (article_id)
left join article_stories st using (article_id)
left join identity_names i on i.name = e.canonical
where e.label in ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT', 'PRODUCT', 'WORK_OF_ART', 'LAW');

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

-- speaker_quotes: every attributed quote (speech: direct, mixed and indirect; not the beliefs,
-- plans and stances of quote_type 'belief', which are attributed but not said) with its
-- article's date, source and title, and the speaker's corpus-level identity and kind.
create or replace view speaker_quotes as
select q.speaker, q.speaker_label, coalesce(i.identity, q.speaker) as identity,
       coalesce(i.kind, case q.speaker_label when 'PERSON' then 'person'
                                             when 'ORG' then 'organisation'
                                             when 'GPE' then 'place' when 'FAC' then 'place'
                                             when 'NORP' then 'group' else 'other' end) as kind,
       d.seen_at, a.source, a.title, a.source_path, q.article_id,
       q.quote_index, q.quote_type, q.cue, q.text, q.speaker_text,
       q.speaker_role, q.speaker_organisation, q.speaker_gender, st.story_id
from quotes q
join articles a using (article_id)
join article_dates d using (article_id)
left join article_stories st using (article_id)
left join identity_names i on i.name = q.speaker
where q.speaker is not null and q.quote_type <> 'belief';

-- top_speakers: who is quoted most (by identity: all of a speaker's names together), in how many
-- articles (copies) and sources, and in how many stories (a syndicated story once).
create or replace view top_speakers as
select identity as speaker, any_value(kind) as kind, count(*) as quotes,
       count(*) filter (where quote_type = 'direct') as direct,
       count(*) filter (where quote_type = 'mixed') as mixed,
       count(*) filter (where quote_type = 'indirect') as indirect,
       count(distinct article_id) as articles, count(distinct source) as sources,
       count(distinct story_id) as stories
from speaker_quotes
group by identity;

-- speakers: who the quoted are, by identity: the role and organisation the articles give them
-- most often, their gender where the articles' own words give it (NULL where none does; the
-- majority where articles differ, with gender_articles saying how many articles gave any), and
-- how much and where they are quoted (outlets: distinct sources; stories: a syndicated story once).
create or replace view speakers as
select identity as speaker, any_value(kind) as kind,
       mode(speaker_role) as role, mode(speaker_organisation) as organisation,
       mode(speaker_gender) as gender,
       count(distinct article_id) filter (where speaker_gender is not null) as gender_articles,
       count(*) as quotes, count(distinct article_id) as articles,
       count(distinct source) as outlets, count(distinct story_id) as stories
from speaker_quotes
group by identity;

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

-- Full-text search over the postings index (tasks/search.py), ranked by BM25 (k1 1.2, b 0.75).
-- search_terms(q): a query's terms exactly as the index made them (lower case, accents
-- stripped, runs of letters and digits, no function words, plurals folded by search_stem);
-- a test keeps this SQL and tasks/search.py in step.
create or replace macro search_stem(w) as case
    when length(w) > 4 and ends_with(w, 'ies') and not (ends_with(w, 'eies') or ends_with(w, 'aies'))
        then left(w, length(w) - 3) || 'y'
    when length(w) > 4 and (ends_with(w, 'sses') or ends_with(w, 'xes') or ends_with(w, 'ches')
                            or ends_with(w, 'shes') or ends_with(w, 'zes'))
        then left(w, length(w) - 2)
    when length(w) > 3 and ends_with(w, 'es')
         and not (ends_with(w, 'aes') or ends_with(w, 'ees') or ends_with(w, 'oes'))
        then left(w, length(w) - 1)
    when length(w) > 3 and ends_with(w, 's')
         and not (ends_with(w, 'us') or ends_with(w, 'ss') or ends_with(w, 'is'))
        then left(w, length(w) - 1)
    else w end;

create or replace macro search_terms(q) as list_distinct(list_transform(list_filter(
    regexp_split_to_array(strip_accents(lower(q)), '[^\pL\pN]+'),
    lambda w: length(w) > 1 and not list_contains([
        'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'for', 'from', 'had',
        'has', 'have', 'he', 'her', 'his', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'not', 'of',
        'on', 'or', 'our', 'she', 'so', 'than', 'that', 'the', 'their', 'them', 'then', 'there',
        'these', 'they', 'this', 'those', 'to', 'was', 'we', 'were', 'what', 'when', 'which',
        'who', 'will', 'with', 'would', 'you', 'your'], w)),
    lambda w: search_stem(w)));

-- search_snippet(text, terms): about 200 characters of text around the first place a term
-- occurs (any of its written forms: tariff, tariffs; policy, policies), each marked «so». The
-- place is found by plain string search (a regular expression over whole articles costs ten
-- times more); only the 200 characters go through one.
create or replace macro search_forms(terms) as '\b(' || array_to_string(flatten(list_transform(
    terms, lambda t: [t, t || 's', t || 'es', case when ends_with(t, 'y')
                                               then left(t, length(t) - 1) || 'ies' else t end])),
    '|') || ')\b';

create or replace macro search_first(flat, terms) as list_min(list_filter(list_transform(
    terms, lambda t: strpos(strip_accents(lower(flat)), ' ' || case
        when length(t) > 3 and (ends_with(t, 'y') or ends_with(t, 'e')) then left(t, length(t) - 1)
        else t end)),
    lambda p: p > 0));

create or replace macro search_window(flat, start, terms) as trim(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(substring(flat, start, 200), '\s+', ' ', 'g'),
                                  case when start > 1 then '^\S*\s' else '^$' end, ''),
                   case when start + 200 < length(flat) then '\s\S*$' else '^$' end, ''),
    search_forms(terms), '«\0»', 'gi'));

-- (line breaks become spaces character for character, so positions hold; runs of spaces are
-- closed up in the 200 characters shown only)
create or replace macro search_flat(txt) as
    ' ' || translate(txt, chr(9) || chr(10) || chr(12) || chr(13), '    ');

create or replace macro search_snippet(txt, terms) as search_window(
    search_flat(txt),
    greatest(1, coalesce(search_first(search_flat(txt), terms), 1) - 80),
    terms);

-- search_articles('words'): articles ranked by BM25 over title (counted twice) and text, best
-- first, with a snippet; optional lim (20), in_source and since narrow the result.
create or replace macro search_articles(q, lim := 20, in_source := null, since := null) as table
with hits as materialized (
    select p.article_id, p.batch_id, p.term, p.tf, p.doc_len from postings p
    where p.quote_index is null and list_contains(search_terms(q), p.term)
),
corpus as (select count(*) as n, avg(word_count) as avgdl from article_meta),
df as (select term, count(*) as df from hits group by term),
scored as (
    select h.article_id, any_value(h.batch_id) as batch_id, count(*) as terms_matched,
           sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * 2.2
               / (h.tf + 1.2 * (0.25 + 0.75 * h.doc_len / greatest(c.avgdl, 1)))) as score
    from hits h join df using (term), corpus c
    group by h.article_id
),
top as materialized (
    select s.score, s.terms_matched, s.article_id, s.batch_id, a.title, a.source, a.seen_at,
           a.url, a.source_path
    from scored s join article_meta a on a.article_id = s.article_id and a.batch_id = s.batch_id
    where (in_source is null or lower(a.source) = lower(in_source))
      and (since is null or a.seen_at >= cast(since as timestamptz))
    order by s.score desc, s.article_id
    limit lim
)
-- the text of the best few only, found by their batches too: the scan then reads those batches'
-- files alone (every file holds one batch id) rather than the whole corpus's text
select round(t.score, 3) as score, t.terms_matched, t.title, t.source, t.seen_at, t.url,
       t.source_path, search_snippet(x.text, search_terms(q)) as snippet, t.article_id
from top t join articles x on x.article_id = t.article_id and x.batch_id = t.batch_id
order by t.score desc, t.article_id;

-- search_quotes('words'): quotes ranked by BM25 over their own words, with who said them;
-- optional lim (20), by_speaker (any of a speaker's names, or a surname), in_source and since.
create or replace macro search_quotes(q, lim := 20, by_speaker := null, in_source := null,
                                      since := null) as table
with hits as materialized (
    select p.article_id, p.quote_index, p.batch_id, p.term, p.tf, p.doc_len from postings p
    where p.quote_index is not null and list_contains(search_terms(q), p.term)
),
-- avgdl: the matched quotes' mean length (reading every quote's text to average them all
-- costs more than the search; a quote's length varies far less than an article's)
corpus as (select (select sum(quote_count) from article_meta) as n,
                  (select avg(doc_len) from (select distinct article_id, quote_index, doc_len
                                             from hits)) as avgdl),
df as (select term, count(*) as df from hits group by term),
scored as (
    select h.article_id, h.quote_index, any_value(h.batch_id) as batch_id,
           count(*) as terms_matched,
           sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * 2.2
               / (h.tf + 1.2 * (0.25 + 0.75 * h.doc_len / greatest(c.avgdl, 1)))) as score
    from hits h join df using (term), corpus c
    group by h.article_id, h.quote_index
),
-- the best few, ranked on the quotes' narrow columns (who said it) and the articles' metadata:
-- joined on batch_id too, so the scans read the matching batches' files only
-- two ways, one of which a given by_speaker folds away at planning: with no speaker asked for,
-- no quote is read to rank (a speaker passed as a prepared parameter runs both)
ranked as materialized (
    (select s.score, s.terms_matched, s.article_id, s.quote_index, s.batch_id, a.title,
            a.source, a.seen_at
     from scored s
     join article_meta a on a.article_id = s.article_id and a.batch_id = s.batch_id
     where by_speaker is null
       and (in_source is null or lower(a.source) = lower(in_source))
       and (since is null or a.seen_at >= cast(since as timestamptz))
     order by s.score desc, s.article_id, s.quote_index
     limit lim)
    union all
    (select s.score, s.terms_matched, s.article_id, s.quote_index, s.batch_id, a.title,
            a.source, a.seen_at
     from scored s
     join (select article_id, quote_index, batch_id, speaker from quotes) qs
       on qs.article_id = s.article_id and qs.quote_index = s.quote_index
      and qs.batch_id = s.batch_id
     join article_meta a on a.article_id = s.article_id and a.batch_id = s.batch_id
     left join identity_names i on i.name = qs.speaker
     where by_speaker is not null
       and (lower(coalesce(i.identity, qs.speaker)) = lower(identity_of(by_speaker))
            or lower(qs.speaker) = lower(by_speaker)
            -- a surname alone finds the full names that end with it ('Novak': Pavel Novak)
            or lower(coalesce(i.identity, qs.speaker)) like '% ' || lower(by_speaker))
       and (in_source is null or lower(a.source) = lower(in_source))
       and (since is null or a.seen_at >= cast(since as timestamptz))
     order by s.score desc, s.article_id, s.quote_index
     limit lim)
)
-- then the words of those few alone (quotes are stored by article in small row groups: the
-- scan reads the groups holding them)
select round(r.score, 3) as score, r.terms_matched, coalesce(i.identity, qt.speaker) as speaker,
       qt.speaker_text, qt.quote_type, qt.cue, search_snippet(qt.text, search_terms(q)) as quote,
       r.title, r.source, r.seen_at, r.article_id, r.quote_index
from ranked r
join quotes qt on qt.article_id = r.article_id and qt.quote_index = r.quote_index
              and qt.batch_id = r.batch_id
left join identity_names i on i.name = qt.speaker
order by r.score desc, r.article_id, r.quote_index;
