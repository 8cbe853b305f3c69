-- The search macros over the postings index: kept apart from analysis.sql, whose text is part
-- of the aggregates' digest (tasks/store/warehouse.py), so that a change to how search ranks or
-- shows does not make every warehouse compute its aggregates live until its next run.

-- Full-text search over the postings index (tasks/corpus/index.py), ranked by BM25 (k1 1.2, b 0.75).
-- search_terms(q): a query's terms exactly as the index made them (lower case, accents
-- stripped, runs of letters and digits, no function words, plurals folded by search_stem);
-- a test keeps this SQL and tasks/corpus/index.py in step.
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

-- search_snippet(text, terms, pattern): about 200 characters of text around the first place a
-- term occurs (any of its written forms: tariff, tariffs; policy, policies), each marked «so»;
-- pattern is search_forms(terms), passed by a search that computed it once. The place is found
-- by plain string search (a regular expression over whole articles costs ten times more); only
-- the 200 characters go through one. A macro's argument is pasted wherever it is named, so
-- list_transform([x], lambda v: ...)[1] names each costly value once per row (the folded text,
-- the window's start) rather than computing it anew at every use.
create or replace macro search_forms(terms) as '\b(' || array_to_string(flatten(list_transform(
    terms, lambda t: [t, t || 's', t || 'es', case when ends_with(t, 'y')
                                               then left(t, length(t) - 1) || 'ies' else t end])),
    '|') || ')\b';

create or replace macro search_first(flat, terms) as list_transform(
    [strip_accents(lower(flat))], lambda folded: list_min(list_filter(list_transform(
        terms, lambda t: strpos(folded, ' ' || case
            when length(t) > 3 and (ends_with(t, 'y') or ends_with(t, 'e'))
                then left(t, length(t) - 1)
            else t end)),
        lambda p: p > 0)))[1];

-- the 200 characters from start, spaces closed up, cut to whole words at a cut end, and an
-- ellipsis where the text goes on before or after them (a reader sees the passage is cut)
create or replace macro search_window(flat, start, pattern) as list_transform(
    [regexp_replace(substring(flat, start, 200), '\s+', ' ', 'g')], lambda w: list_transform(
        [case when start > 1 then regexp_replace(w, '^\S*\s', '') else w end],
        lambda w: (case when start > 1 then '… ' else '' end)
                  || regexp_replace(trim(case when start + 200 < length(flat)
                                              then regexp_replace(w, '\s\S*$', '') else w end),
                                    pattern, '«\0»', 'gi')
                  || (case when start + 200 < length(flat) then ' …' else '' end))[1])[1];

-- (line breaks become spaces character for character, so positions hold; runs of spaces are
-- closed up in the 200 characters shown only)
create or replace macro search_flat(txt) as ' ' || regexp_replace(txt, '[\t\n\f\r]', ' ', 'g');

create or replace macro search_snippet(txt, terms, pattern := null) as list_transform(
    [search_flat(txt)], lambda flat: list_transform(
        [greatest(1, coalesce(search_first(flat, terms), 1) - 80)],
        lambda start: search_window(flat, start, coalesce(pattern, search_forms(terms))))[1])[1];

-- search_narrowed(n, source, seen_at): whether a row of an article from source, dated seen_at,
-- passes a search's narrowing, read from its own row n (narrowing: source lower-cased, since):
-- a narrowing written on the joined columns alone is pushed into the scan of every article
create or replace macro search_narrowed(n, source, seen_at) as
    (n.source is null or lower(source) = n.source) and (n.since is null or seen_at >= n.since);

-- search_articles('words'): articles ranked by BM25 over title (counted twice) and text, best
-- first, with a snippet; optional lim (20), in_source and since narrow the result. Copies of one
-- story (article_stories) are one hit, its best-ranked copy, with how many of the story's copies
-- matched (copies) in how many outlets; all_copies := true lists every copy.
-- The query's terms are worked out once (words); the best few are ranked, grouped and narrowed
-- on the articles' narrow metadata (article_meta) before any article's text is read; then the
-- text of those few alone is read (stored by article_id in small row groups: the scan reads the
-- groups holding them).
create or replace macro search_articles(q, lim := 20, in_source := null, since := null,
                                        all_copies := false) as table
with words as materialized (
    select search_terms(q) as terms, search_forms(search_terms(q)) as pattern
),
hits as materialized (
    select p.article_id, p.batch_id, p.term, p.tf, p.doc_len from postings p
    where p.quote_index is null and p.term in (select unnest(terms) from words)
),
corpus as (select count(*) as n, avg(word_count) as avgdl from article_meta),
df as (select term, count(*) as df from hits group by term),
-- (scores to nine places: a sum's last bits depend on the order threads add in, and they once
-- broke ties between copies at random)
scored as materialized (
    select h.article_id, any_value(h.batch_id) as batch_id, count(*) as terms_matched,
           round(sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * 2.2
               / (h.tf + 1.2 * (0.25 + 0.75 * h.doc_len / greatest(c.avgdl, 1)))), 9) as score
    from hits h join df using (term), corpus c
    group by h.article_id
),
-- The best matches first: those scoring at least the (2 x lim)-th best score (ties kept), with
-- their metadata (few ids: the join's pushed-down filter reads their row groups alone). When
-- they hold lim stories (lim matches with all_copies) after the narrowing, the best lim are
-- among them: any other story's best copy scores below them all. Otherwise (a narrow source or
-- date) every match is narrowed, as a broad query then must; that join reads nothing when the
-- lead is enough (its build side is empty).
lead_cut as materialized (
    select case when count(*) < 2 * lim then '-infinity'::double else min(score) end as cut
    from (select score from scored order by score desc limit 2 * lim)
),
-- (joined, then narrowed, the narrowing read from a row of its own: one written on the join's
-- columns alone is pushed into the scan of every article, even through a materialized CTE)
narrowing as materialized (
    select lower(in_source) as source, cast(since as timestamptz) as since
),
lead_rows as materialized (
    select s.score, s.terms_matched, s.article_id, s.batch_id, a.story_id, a.source, a.seen_at
    from (select * from scored where score >= (select cut from lead_cut)) s
    join (select article_id, batch_id, source, seen_at, story_id from article_meta) a
      on a.article_id = s.article_id and a.batch_id = s.batch_id
),
lead as materialized (
    select l.score, l.terms_matched, l.article_id, l.batch_id, l.story_id, l.source
    from lead_rows l, narrowing n where search_narrowed(n, l.source, l.seen_at)
),
enough as materialized (
    select (select cut from lead_cut) = '-infinity'::double
           or (case when all_copies then (select count(*) from lead)
                    else (select count(distinct story_id) from lead) end) >= lim as yes
),
-- (every match joined, when the lead is not enough: narrowed by source in the join, a filter
-- in the scan that leaves few articles; by date after it, as the lead is: a date leaves most
-- articles, which the planner, taking them for the smaller side, would hash even when the
-- other side is empty)
every_row as materialized (
    select s.score, s.terms_matched, s.article_id, s.batch_id, a.story_id, a.source, a.seen_at
    from (select * from scored where not (select yes from enough)) s
    join (select article_id, batch_id, source, seen_at, story_id from article_meta
          where in_source is null or lower(source) = lower(in_source)) a
      on a.article_id = s.article_id and a.batch_id = s.batch_id
),
matched as materialized (
    select * from lead where (select yes from enough)
    union all
    select e.score, e.terms_matched, e.article_id, e.batch_id, e.story_id, e.source
    from every_row e, narrowing n where search_narrowed(n, e.source, e.seen_at)
),
-- each story's best score (exact for the stories that can make the few), then the copies of
-- the stories that can make the top few alone
stories as materialized (
    select story_id, max(score) as best from matched group by story_id
),
top as materialized (
    select m.score, m.terms_matched, m.article_id, m.batch_id, m.story_id
    from matched m join stories s using (story_id)
    -- (a story whose best copy scores below the lim-th best story's cannot make the few)
    where all_copies or (m.score = s.best and m.score >= coalesce(
        (select min(best) from (select best from stories order by best desc limit lim)),
        '-infinity'::double))
    qualify all_copies or row_number() over (partition by m.story_id order by m.article_id) = 1
    order by m.score desc, m.article_id
    limit lim
),
-- how many of those stories' copies matched, in how many outlets: counted in every match when
-- every match was narrowed, else in those stories' articles (few stories: a filter in the
-- scan) that are matches and pass the narrowing
copies as materialized (
    select story_id, count(*) as copies, count(distinct source) as outlets from matched
    where not (select yes from enough) and story_id in (select story_id from top)
    group by story_id
    union all
    select a.story_id, count(*) as copies, count(distinct a.source) as outlets
    from (select article_id, batch_id, source, seen_at, story_id from article_meta
          where story_id in (select story_id from top where (select yes from enough))) a
    semi join scored s on s.article_id = a.article_id and s.batch_id = a.batch_id
    where (in_source is null or lower(a.source) = lower(in_source))
      and (since is null or a.seen_at >= cast(since as timestamptz))
    group by a.story_id
),
-- (the text looked up on its own: the planner, given a source as a prepared parameter, had
-- otherwise joined the live files to the whole text column before the best few)
picked as materialized (
    select t.*, c.copies, c.outlets, x.text from top t
    join copies c using (story_id)
    join articles x on x.article_id = t.article_id and x.batch_id = t.batch_id
)
select round(t.score, 3) as score, t.terms_matched, a.title, a.source, a.seen_at,
       a.date_source, a.url, a.source_path,
       search_snippet(t.text, w.terms, pattern := w.pattern) as snippet, t.article_id,
       t.story_id, t.copies, t.outlets
from picked t
join article_meta a on a.article_id = t.article_id and a.batch_id = t.batch_id
cross join words w
order by t.score desc, t.article_id;

-- search_quotes('words'): quotes ranked by BM25 over their own words, with who said them;
-- optional lim (20), by_speaker (any of a speaker's names, or a surname), in_source and since.
-- Statements only: beliefs (what someone believes or plans, attributed but not said) join with
-- beliefs := true. The same words in copies of one story are one hit (copies: how many), told
-- apart from other quotes by their score (the same words score the same) and their place among
-- their article's quotes of that score; all_copies := true lists every copy.
create or replace macro search_quotes(q, lim := 20, by_speaker := null, in_source := null,
                                      since := null, beliefs := false,
                                      all_copies := false) as table
with words as materialized (
    select search_terms(q) as terms, search_forms(search_terms(q)) as pattern
),
hits as materialized (
    select p.article_id, p.quote_index, p.batch_id, p.term, p.tf, p.doc_len from postings p
    where p.quote_index is not null and p.term in (select unnest(terms) from words)
),
-- avgdl: the matched quotes' mean length (reading every quote's text to average them all
-- costs more than the search; a quote's length varies far less than an article's)
corpus as (select (select sum(quote_count) from article_meta) as n,
                  (select avg(doc_len) from (select distinct article_id, quote_index, doc_len
                                             from hits)) as avgdl),
df as (select term, count(*) as df from hits group by term),
scored as materialized (
    select h.article_id, h.quote_index, any_value(h.batch_id) as batch_id,
           count(*) as terms_matched,
           round(sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * 2.2
               / (h.tf + 1.2 * (0.25 + 0.75 * h.doc_len / greatest(c.avgdl, 1)))), 9) as score
    from hits h join df using (term), corpus c
    group by h.article_id, h.quote_index
),
-- the matching quotes of the speaker asked for, read only when one is. The test is on the
-- names as stored (the parts of quote_speakers are sorted by name), not on the identity the
-- view joins to each: first the names meant (the name asked for, the names of the identities
-- asked for, and stored names that are their own identity), then the quotes of those names.
speaker_names as materialized (
    select name from identity_names
    where by_speaker is not null
      and (lower(identity) = lower(identity_of(by_speaker))
           -- a surname alone finds the full names that end with it ('Novak': Pavel Novak);
           -- ends_with, not LIKE: '%' or '_' in a name is a character, not every speaker
           or ends_with(lower(identity), ' ' || lower(by_speaker)))
    union
    select distinct speaker from quote_speaker_names
    where by_speaker is not null
      and (lower(speaker) = lower(by_speaker) or lower(speaker) = lower(identity_of(by_speaker))
           or ends_with(lower(speaker), ' ' || lower(by_speaker)))
      and (lower(speaker) = lower(by_speaker)
           or speaker not in (select name from identity_names))
),
spoken as materialized (
    select s.* from scored s
    semi join (select article_id, quote_index, batch_id from quote_speaker_names
               where speaker in (select name from speaker_names)) qk
      on qk.article_id = s.article_id and qk.quote_index = s.quote_index
     and qk.batch_id = s.batch_id
),
-- narrowed on the articles' narrow metadata (source, date, story, which quotes are beliefs);
-- no quote is read to rank. The best first, as search_articles does: the matches whose score
-- (to six places: the score that tells copies of the same words apart) is at least the
-- (2 x lim)-th best, with every copy of their words; when they make lim hits after the
-- narrowing, the best lim are among them and their copies are all counted. Otherwise every
-- match is narrowed (that join reads nothing when the lead is enough).
candidates as materialized (
    select * from scored where by_speaker is null
    union all
    select * from spoken
),
lead_cut as materialized (
    select case when count(*) < 2 * lim then '-infinity'::double
                else min(round(score, 6)) end as cut
    from (select score from candidates order by score desc limit 2 * lim)
),
narrowing as materialized (
    select lower(in_source) as source, cast(since as timestamptz) as since
),
lead_rows as materialized (
    select s.*, a.story_id, a.source, a.seen_at, a.belief_quotes
    from (select * from candidates where round(score, 6) >= (select cut from lead_cut)) s
    join (select article_id, batch_id, source, seen_at, story_id, belief_quotes
          from article_meta) a
      on a.article_id = s.article_id and a.batch_id = s.batch_id
),
-- (k: the quote's place among its article's matches of the same score: two quotes of one
-- article are never copies of each other, however alike they score, while the k-th of a score
-- in one copy of a story is the k-th in every other)
lead as materialized (
    select l.score, l.terms_matched, l.article_id, l.quote_index, l.batch_id, l.story_id,
           l.source, row_number() over (partition by l.article_id, l.batch_id, round(l.score, 6)
                                        order by l.quote_index) as k
    from lead_rows l, narrowing n
    where search_narrowed(n, l.source, l.seen_at)
      and (beliefs or not list_contains(l.belief_quotes, l.quote_index))
),
enough as materialized (
    select (select cut from lead_cut) = '-infinity'::double
           or (case when all_copies then (select count(*) from lead)
                    else (select count(distinct (story_id, round(score, 6), k)) from lead)
               end) >= lim as yes
),
-- (as search_articles does: by source in the join, by date and belief after it)
every_row as not materialized (
    select s.*, a.story_id, a.source, a.seen_at, a.belief_quotes
    from (select * from candidates where not (select yes from enough)) s
    join (select article_id, batch_id, source, seen_at, story_id, belief_quotes
          from article_meta where in_source is null or lower(source) = lower(in_source)) a
      on a.article_id = s.article_id and a.batch_id = s.batch_id
),
matched as materialized (
    select * from lead where (select yes from enough)
    union all
    select e.score, e.terms_matched, e.article_id, e.quote_index, e.batch_id, e.story_id,
           e.source, row_number() over (partition by e.article_id, e.batch_id, round(e.score, 6)
                                        order by e.quote_index) as k
    from every_row e, narrowing n
    where search_narrowed(n, e.source, e.seen_at)
      and (beliefs or not list_contains(e.belief_quotes, e.quote_index))
),
narrowed as materialized (
    select score, terms_matched, article_id, quote_index, batch_id, story_id,
           count(*) over copy as copies, count(distinct source) over copy as outlets,
           row_number() over (copy order by article_id, quote_index) as nth
    from matched
    window copy as (partition by story_id, round(score, 6), k)
),
ranked as materialized (
    select * from narrowed where all_copies or nth = 1
    order by score desc, article_id, quote_index
    limit lim
),
-- then the words of those few alone (quotes are stored by article in small row groups: the
-- scan reads the groups holding them; materialized on its own, or the planner may name the
-- speakers of every quote before it picks the few)
picked as materialized (
    select r.score, r.terms_matched, r.article_id, r.quote_index, r.batch_id, r.story_id,
           r.copies, r.outlets, qt.speaker, qt.speaker_text, qt.quote_type, qt.cue, qt.text
    from ranked r
    join quotes qt on qt.article_id = r.article_id and qt.quote_index = r.quote_index
                  and qt.batch_id = r.batch_id
)
select round(r.score, 3) as score, r.terms_matched, coalesce(i.identity, r.speaker) as speaker,
       r.speaker_text, r.quote_type, r.cue,
       search_snippet(r.text, w.terms, pattern := w.pattern) as quote,
       a.title, a.source, a.seen_at, a.date_source, r.article_id, r.quote_index, r.story_id,
       r.copies, r.outlets
from picked r
join article_meta a on a.article_id = r.article_id and a.batch_id = r.batch_id
left join identity_names i on i.name = r.speaker
cross join words w
order by r.score desc, r.article_id, r.quote_index;
