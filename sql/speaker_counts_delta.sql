-- What a run changes in speaker_counts (sql/analysis.sql, speaker_counts_live), so the table
-- kept from the last run is updated rather than recomputed (tasks/corpus/build.py,
-- write_speaker_counts), as sql/cooccurrence_delta.sql does for the pairs. Reads, as temp views
-- or tables: spk_removed, spk_kept, spk_added (sql/speaker_parts.sql's rows of the batches the
-- last run counted and this one does not, both count, and this one counts alone); spk_basis
-- (name, identity, kind: the identities the kept table was computed with); identity_names;
-- spk_affected (sql/kept_affected.sql).
-- Writes spk_delta: the counts to take away (the removed articles, and the kept articles quoting
-- a name whose identity changed, as they were) and to add (the added articles and those kept
-- ones, as they are now). An article has one outlet and one month: its speakers' articles are
-- counted within a row and add up across rows.
create or replace temp macro spk_kind(label) as
    case label when 'PERSON' then 'person' when 'ORG' then 'organisation'
               when 'GPE' then 'place' when 'FAC' then 'place'
               when 'NORP' then 'group' else 'other' end;

create or replace temp table spk_delta as
with minus_rows as (
    select coalesce(m.identity, r.speaker) as identity,
           coalesce(m.kind, spk_kind(r.speaker_label)) as kind, r.source, r.month, r.article_id,
           r.quotes, r.direct, r.f_text, r.m_text, r.f_name, r.m_name
    from (select * from spk_removed union all select * from spk_affected) r
    left join spk_basis m on m.name = r.speaker
),
plus_rows as (
    select coalesce(m.identity, r.speaker) as identity,
           coalesce(m.kind, spk_kind(r.speaker_label)) as kind, r.source, r.month, r.article_id,
           r.quotes, r.direct, r.f_text, r.m_text, r.f_name, r.m_name
    from (select * from spk_added union all select * from spk_affected) r
    left join identity_names m on m.name = r.speaker
)
select identity, kind, source, month, -sum(quotes) as quotes, -sum(direct) as direct,
       -count(distinct article_id) as articles, -sum(f_text) as f_text, -sum(m_text) as m_text,
       -sum(f_name) as f_name, -sum(m_name) as m_name
from minus_rows group by identity, kind, source, month
union all
select identity, kind, source, month, sum(quotes), sum(direct), count(distinct article_id),
       sum(f_text), sum(m_text), sum(f_name), sum(m_name)
from plus_rows group by identity, kind, source, month;
