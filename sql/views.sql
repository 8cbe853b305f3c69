-- Warehouse views over the committed Parquet files. {<table>_parquet} is the list of that
-- table's files in the committed batches (and {runs_parquet} of the run records), listed once per
-- publish so that every view reads the same snapshot (a batch is in all of them or in none).
-- A file's rows come from its latest batch only, so a changed file's new rows replace the old.

-- files: one row per input file, what happened to it and why.
create or replace view files as
select path, content_hash, size, mtime_ns, format, status, error, warning, articles,
       records_failed, coalesce(retryable, false) as retryable, record_kinds, processed_at,
       batch_id, run_id
from read_parquet({files_parquet}, union_by_name = true)
qualify row_number() over (partition by path order by batch_id desc) = 1;

-- articles: the current version of every article.
create or replace view articles as
select a.article_id, a.source_path, a.record_index, a.title, a.text, a.published_at, a.source,
       a.url, a.authors, a.language, a.word_count, a.content_hash, a.extra, a.model,
       a.extractor_version, a.processed_at, a.fetched_at, a.batch_id
from read_parquet({articles_parquet}, union_by_name = true) a
semi join files f on a.source_path = f.path and a.batch_id = f.batch_id;

-- entities: named-entity mentions with character offsets into articles.text.
create or replace view entities as
select e.article_id, e.entity_index, e.start_char, e.end_char, e.text, e.label,
       e.sentence_index, e.canonical, e.batch_id
from read_parquet({entities_parquet}, union_by_name = true) e
semi join articles a on e.article_id = a.article_id and e.batch_id = a.batch_id;

-- quotes: who said what; spans are {start, end} character offsets into articles.text.
-- quote_type: direct, mixed (a clause around quoted words), indirect (reported speech), belief
-- (what someone believes, knows, plans or stands for: attributed, not said). speaker_role and
-- speaker_organisation are what the article calls the speaker ('Kremlin spokesman'); speaker_gender
-- is male or female only where the article's words say so (an honorific, a gendered noun, the
-- pronouns it uses for the person), never from a first name; NULL otherwise.
create or replace view quotes as
select q.article_id, q.quote_index, q.text, q.spans, q.quote_type, q.cue, q.cue_start, q.cue_end,
       q.speaker, q.speaker_text, q.speaker_start, q.speaker_end, q.speaker_label,
       q.speaker_role, q.speaker_organisation, q.speaker_gender, q.batch_id
from read_parquet({quotes_parquet}, union_by_name = true) q
semi join articles a on q.article_id = a.article_id and q.batch_id = a.batch_id;

-- runs: one row per pipeline run.
create or replace view runs as
select run_id, started_at, finished_at, status, raw, model, files_seen, files_new, files_changed,
       files_unchanged, files_failed, files_missing, files_reprocessed, files_pruned,
       stale_articles, articles, entities, quotes, words, wall_seconds, error
from read_parquet({runs_parquet}, union_by_name = true);

-- postings: the full-text index of the live articles and quotes (tasks/search.py): one row per
-- document and term, a document being an article (title and text, quote_index NULL) or one of
-- its quotes; tf is the term's count in it and doc_len its length in words. search_articles()
-- and search_quotes() (analysis.sql) rank with it.
create or replace view postings as
select p.article_id, p.quote_index, p.term, p.tf, p.doc_len, p.batch_id
from read_parquet({postings_parquet}, union_by_name = true) p
semi join articles a on p.article_id = a.article_id and p.batch_id = a.batch_id;
