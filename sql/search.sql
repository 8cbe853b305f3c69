-- The search macros over the postings index: kept apart from analysis.sql, whose text is part
-- of the aggregates' digest (tasks/warehouse.py), so that a change to how search ranks or
-- shows does not make every warehouse compute its aggregates live until its next run.

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
