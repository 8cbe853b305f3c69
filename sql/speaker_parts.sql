-- Each article's quoted speakers in {quotes} (the live quotes of the batches asked for:
-- build.py's batch_rows), for speaker_counts (tasks/corpus/build.py, write_speaker_counts): a
-- row per article, speaker name, label, outlet and month (an article has one of each), with its
-- quotes (speech, as speaker_quotes counts them), the direct ones,
-- and the gender votes of gender_votes (sql/analysis.sql). Identity-free: a change of identity
-- rewrites no part.
-- (the dates read from article_dates, which a run derives once: through article_meta, whose
-- parts hold every article, a batch's rows took 0.46 s at a million articles)
select q.batch_id, q.article_id, q.speaker, q.speaker_label, m.source,
       case when m.date_source = 'published' then strftime(m.seen_at, '%Y-%m')
            else 'undated' end as month,
       count(*)::int as quotes,
       (count(*) filter (where q.quote_type = 'direct'))::int as direct,
       (count(*) filter (where q.speaker_gender = 'female'
                           and coalesce(q.speaker_gender_source, 'text') = 'text'))::int as f_text,
       (count(*) filter (where q.speaker_gender = 'male'
                           and coalesce(q.speaker_gender_source, 'text') = 'text'))::int as m_text,
       (count(*) filter (where q.speaker_gender = 'female'
                           and q.speaker_gender_source = 'name'))::int as f_name,
       (count(*) filter (where q.speaker_gender = 'male'
                           and q.speaker_gender_source = 'name'))::int as m_name
from {quotes} q
join article_dates m on m.article_id = q.article_id
where q.speaker is not null and q.quote_type <> 'belief'
group by q.batch_id, q.article_id, q.speaker, q.speaker_label, m.source, month
