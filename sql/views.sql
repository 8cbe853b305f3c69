-- Warehouse views over the committed Parquet files. {<table>_parquet} is the list of that
-- table's files in the committed batches (and {runs_parquet} of the run records), listed once per
-- publish so that every view reads the same snapshot (a batch is in all of them or in none).
-- A file's rows come from the batches of its current contents only (file_parts: its latest
-- batch, or the batches of the parts of a big file), so a changed file's new rows replace the old.

-- file_parts: what each input file holds now, one row per part read: a file is read whole (one
-- row, split_id NULL) or, when big, in parts (split_id; part k of len(split_cuts) + 1 holds the
-- records from split_cuts[k] to the next cut, by record_index), each part by its own batch. A
-- path's rows are those of the contents it had last (the hash of its latest record): the latest
-- split with every part stored, else the latest split as far as it got (a run stopped in it).
create or replace view file_parts as
with rows as (
    select *, coalesce(split_id, batch_id) as split
    from read_parquet({files_parquet}, union_by_name = true)
),
-- a path with one row (most of them: a file read once, whole) is its own current contents;
-- only the paths stored more than once go through the windows below (at a million files,
-- 0.4 s rather than 2 s)
counts as (select path, count(*) = 1 as single from rows group by path),
many as (select r.* from rows r semi join counts n on n.path = r.path and not n.single),
current as (
    select r.* from many r
    join (select path, content_hash from many
          qualify row_number() over (partition by path order by batch_id desc) = 1) l
      on r.path = l.path and r.content_hash is not distinct from l.content_hash
    qualify row_number() over (partition by r.path, r.split, r.part order by r.batch_id desc) = 1
),
chosen as (
    select path, split from current
    group by path, split
    qualify row_number() over (
        partition by path
        order by count(*) = coalesce(len(any_value(split_cuts)) + 1, 1) desc, max(batch_id) desc
    ) = 1
),
live as (
    select c.* from current c semi join chosen h on c.path = h.path and c.split = h.split
    union all
    select r.* from rows r semi join counts n on n.path = r.path and n.single
)
select c.path, c.batch_id, c.run_id, c.content_hash, c.size, c.mtime_ns, c.format, c.status,
       c.error, c.warning, c.articles, c.records_failed, c.processed_at, c.retryable,
       c.record_kinds, c.split_id, c.part, c.split_cuts
from live c;

-- live_parts: the (path, batch_id) pairs of file_parts, stored once when the views are written
-- (in news.duckdb, or in a connection's memory): the article views semi-join this small table
-- rather than each deriving file_parts again, which keeps their plans small and quick.
create or replace table live_parts as select path, batch_id from file_parts;

-- files: one row per input file, what happened to it and why. A file read in parts is summed
-- over them: ok when every part is stored and ok, failed when none gave an article, partial
-- otherwise (its error names the parts not stored yet, which the next run reads); parts says
-- how many there are and parts_stored how many are in.
create or replace view files as
with parts as (
    select * from file_parts where split_id is not null
),
kinds as (
    select path, map_from_entries(list({'key': k, 'value': n} order by k)) as record_kinds
    from (select path, e.key as k, sum(e.value)::int as n
          from parts, unnest(map_entries(record_kinds)) as t(e) group by path, e.key)
    group by path
),
split as (
    select path, any_value(content_hash) as content_hash, max(size) as size,
           max(mtime_ns) as mtime_ns, any_value(format) as format,
           any_value(len(split_cuts)) + 1 as parts, count(*) as parts_stored,
           sum(articles)::int as articles, sum(records_failed)::int as records_failed,
           bool_and(status = 'ok') as all_ok, count(error) as errors,
           string_agg('part ' || (part + 1) || ': ' || error, '; ' order by part) as part_errors,
           string_agg(distinct warning, '; ') as warning,
           coalesce(bool_or(retryable), false) as retryable, max(processed_at) as processed_at,
           max(batch_id) as batch_id, arg_max(run_id, batch_id) as run_id
    from parts group by path
)
select path, content_hash, size, mtime_ns, format, status, error, warning, articles,
       records_failed, coalesce(retryable, false) as retryable, record_kinds, processed_at,
       batch_id, run_id, 1 as parts, 1 as parts_stored
from file_parts where split_id is null
union all
select s.path, s.content_hash, s.size, s.mtime_ns, s.format,
       case when s.articles = 0 then 'failed'
            when s.parts_stored = s.parts and s.all_ok then 'ok'
            else 'partial' end as status,
       nullif(concat_ws('; ',
           case when s.parts_stored < s.parts then
               format('{} of {} parts not stored yet (a run stopped before them; the next run '
                      'reads them)', s.parts - s.parts_stored, s.parts) end,
           s.part_errors,
           case when s.articles = 0 and s.errors = 0 then 'no articles in file' end), '') as error,
       s.warning, s.articles, s.records_failed,
       s.retryable or s.parts_stored < s.parts as retryable, k.record_kinds, s.processed_at,
       s.batch_id, s.run_id, s.parts, s.parts_stored
from split s left join kinds k using (path);

-- articles: the current version of every article (the rows of each file's latest parts).
-- news_etl_all_live (set below) says every row in the files is one: then the files are read as
-- they are. Each view that needs it has two ways, one of which folds away at planning
-- (getvariable is a constant there); a client that has not set the variable (another tool
-- opening news.duckdb) always takes the semi-join.
create or replace view articles as
with a as not materialized (
    select a.article_id, a.source_path, a.record_index, a.title, a.text, a.published_at,
           a.source, a.url, a.authors, a.language, a.word_count, a.content_hash, a.extra,
           a.model, a.extractor_version, a.processed_at, a.fetched_at, a.batch_id
    from read_parquet({articles_parquet}, union_by_name = true) a
)
select * from a where coalesce(getvariable('news_etl_all_live'), false)
union all
select * from a semi join live_parts f on a.source_path = f.path and a.batch_id = f.batch_id
where not coalesce(getvariable('news_etl_all_live'), false);

-- live_articles: the (article_id, batch_id) pairs of articles, stored as live_parts is: the
-- entities, quotes and postings views semi-join it, so they read no article file to know which
-- of their rows are live. The rows of the articles view, read through its semi-join (a
-- variable left from earlier statements on this connection must not decide what is live) from
-- {article_keys}: the articles files' key columns, or a run's narrow copy of them.
set variable news_etl_all_live = false;
create or replace table live_articles as
select k.article_id, k.batch_id from {article_keys} k
semi join live_parts f on k.source_path = f.path and k.batch_id = f.batch_id;

-- live_article_keys(): those columns of the live articles alone, which article_dates and the
-- stories read without a whole article row (a macro: no view of its own in the contract).
create or replace macro live_article_keys() as table
select k.* from {article_keys} k
semi join live_articles l on k.article_id = l.article_id and k.batch_id = l.batch_id;

-- news_etl_all_live: whether every article row in the batch files is live (none superseded by a
-- later batch or pruned since the files were written or compacted), counted from the Parquet
-- footers: then articles, entities, quotes and postings read their files without a semi-join.
set variable news_etl_all_live = (select count(*) from live_articles)
    = (select count(*) from read_parquet({articles_parquet}, union_by_name = true));

-- entities: named-entity mentions with character offsets into articles.text.
create or replace view entities as
with e as not materialized (
    select e.article_id, e.entity_index, e.start_char, e.end_char, e.text, e.label,
           e.sentence_index, e.canonical, e.batch_id
    from read_parquet({entities_parquet}, union_by_name = true) e
)
select * from e where coalesce(getvariable('news_etl_all_live'), false)
union all
select * from e semi join live_articles a on e.article_id = a.article_id and e.batch_id = a.batch_id
where not coalesce(getvariable('news_etl_all_live'), false);

-- quotes: who said what; spans are {start, end} character offsets into articles.text.
-- quote_type: direct, mixed (a clause around quoted words), indirect (reported speech), belief
-- (what someone believes, knows, plans or stands for: attributed, not said). speaker_role and
-- speaker_organisation are what the article calls the speaker ('Kremlin spokesman'); speaker_gender
-- is male or female where the article's words say so (an honorific, a gendered noun, the
-- pronouns it uses for the person: speaker_gender_source 'text'), else where the person's first
-- name is unambiguous (speaker_gender_source 'name', unless a run had --no-gender-from-names);
-- NULL otherwise.
create or replace view quotes as
with q as not materialized (
    select q.article_id, q.quote_index, q.text, q.spans, q.quote_type, q.cue, q.cue_start,
           q.cue_end, q.speaker, q.speaker_text, q.speaker_start, q.speaker_end, q.speaker_label,
           q.speaker_role, q.speaker_organisation, q.speaker_gender, q.speaker_gender_source,
           q.speaker_rule, q.batch_id
    from read_parquet({quotes_parquet}, union_by_name = true) q
)
select * from q where coalesce(getvariable('news_etl_all_live'), false)
union all
select * from q semi join live_articles a on q.article_id = a.article_id and q.batch_id = a.batch_id
where not coalesce(getvariable('news_etl_all_live'), false);

-- runs: one row per pipeline run.
create or replace view runs as
select run_id, started_at, finished_at, status, raw, model, files_seen, files_new, files_changed,
       files_unchanged, files_failed, files_missing, files_reprocessed, files_pruned,
       stale_articles, articles, entities, quotes, words, wall_seconds, error
from read_parquet({runs_parquet}, union_by_name = true);

-- postings: the full-text index of the live articles and quotes (tasks/corpus/index.py): one row per
-- document and term, a document being an article (title and text, quote_index NULL) or one of
-- its quotes; tf is the term's count in it and doc_len its length in words. search_articles()
-- and search_quotes() (search.sql) rank with it.
create or replace view postings as
with p as not materialized (
    select p.article_id, p.quote_index, p.term, p.tf, p.doc_len, p.batch_id
    from read_parquet({postings_parquet}, union_by_name = true) p
)
select * from p where coalesce(getvariable('news_etl_all_live'), false)
union all
select * from p semi join live_articles a on p.article_id = a.article_id and p.batch_id = a.batch_id
where not coalesce(getvariable('news_etl_all_live'), false);
