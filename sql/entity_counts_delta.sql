-- What a run changes in entity_counts (sql/analysis.sql, entity_counts_live), so the table kept
-- from the last run is updated rather than recomputed (tasks/corpus/build.py, write_cooccurrence),
-- after sql/cooccurrence_delta.sql and from the same rows: cooc_removed and cooc_affected as the
-- last run identified them (cooc_basis), cooc_added and cooc_affected as this one does
-- (identity_names), each row (article_id, canonical, label, n: its mentions there). An article
-- is taken away or added whole, so its names' articles and mentions are too.
create or replace temp table counts_delta as
with minus_rows as (
    select r.article_id, coalesce(m.identity, r.canonical) as identity,
           coalesce(m.kind, cooc_kind(r.label)) as kind, r.canonical, r.n
    from (select * from cooc_removed union all select * from cooc_affected) r
    left join cooc_basis m on m.name = r.canonical
),
plus_rows as (
    select r.article_id, coalesce(m.identity, r.canonical) as identity,
           coalesce(m.kind, cooc_kind(r.label)) as kind, r.canonical, r.n
    from (select * from cooc_added union all select * from cooc_affected) r
    left join identity_names m on m.name = r.canonical
)
select identity, kind, null::varchar as canonical, -count(distinct article_id) as articles,
       -sum(n) as mentions
from minus_rows group by identity, kind
union all
select identity, kind, canonical, -count(distinct article_id), -sum(n)
from minus_rows group by identity, kind, canonical
union all
select identity, kind, null::varchar, count(distinct article_id), sum(n)
from plus_rows group by identity, kind
union all
select identity, kind, canonical, count(distinct article_id), sum(n)
from plus_rows group by identity, kind, canonical;
