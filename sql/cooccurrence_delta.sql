-- What a run changes in entity_cooccurrence (sql/analysis.sql, entity_cooccurrence_live), so the
-- table kept from the last run is updated rather than recomputed (tasks/corpus/build.py,
-- write_cooccurrence). Reads, as temp views or tables:
--   cooc_removed, cooc_kept, cooc_added: (article_id, canonical, label) of the named entities of
--     the batches' live articles the last run counted and this one does not, both count, and this
--     one counts alone (a batch one of whose articles was superseded is removed and added anew);
--   cooc_basis: (name, identity, kind), the identities the kept table was computed with;
--   identity_names: the identities now;
--   cooc_affected: the kept articles' rows a change of identity reaches (sql/kept_affected.sql).
-- Writes cooc_delta: the pairs to take away (articles < 0: the removed articles, and the kept
-- articles naming a name whose identity changed, as they were) and to add (the added articles and
-- those kept ones, as they are now). Added to the kept table and summed, the pairs equal a full
-- computation.
create or replace temp macro cooc_kind(label) as
    case label when 'PERSON' then 'person' when 'ORG' then 'organisation'
               when 'GPE' then 'place' when 'LOC' then 'place'
               when 'FAC' then 'place' when 'NORP' then 'group'
               else 'other' end;

create or replace temp table cooc_delta as
with minus_ids as (
    select distinct r.article_id, coalesce(m.identity, r.canonical) as identity,
           coalesce(m.kind, cooc_kind(r.label)) as kind
    from (select * from cooc_removed union all select * from cooc_affected) r
    left join cooc_basis m on m.name = r.canonical
),
plus_ids as (
    select distinct r.article_id, coalesce(m.identity, r.canonical) as identity,
           coalesce(m.kind, cooc_kind(r.label)) as kind
    from (select * from cooc_added union all select * from cooc_affected) r
    left join identity_names m on m.name = r.canonical
)
select a.identity as entity_a, a.kind as kind_a, b.identity as entity_b, b.kind as kind_b,
       -count(*) as articles
from minus_ids a join minus_ids b on a.article_id = b.article_id and a.identity < b.identity
group by all
union all
select a.identity, a.kind, b.identity, b.kind, count(*)
from plus_ids a join plus_ids b on a.article_id = b.article_id and a.identity < b.identity
group by all;
