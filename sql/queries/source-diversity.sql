-- name: source-diversity
-- description: Who gets quoted, by gender, per outlet and month: the people quoted (each once), women and men among them, the unknown, and the women's share of those of known gender with its 95% interval (Wilson), with first names and from the articles' words alone.
-- param: source = ''   a source name ('' for all)
-- param: since = ''    the first month shown, YYYY-MM ('' for all)
-- param: by_month = 1  1: a row per outlet and month; 0: a row per outlet over the whole period
-- (articles with no outlet named count under '(no outlet named)', and articles with no
-- publication date under the month 'undated': the month they were processed is no month of news)
-- read from the counts a run keeps per speaker, outlet and month (speaker_counts: a few rows a
-- person, not every quote): who is quoted where, and each person's gender over all their
-- quotes, as the speakers view gives it (speaker_gender_of: the articles' own words first, a
-- first name's where the words give none or split evenly, no gender for an even split of both)
with persons as materialized (
    select coalesce(source, '(no outlet named)') as source, month, identity,
           f_text, m_text, f_name, m_name
    from speaker_counts
    where kind = 'person'
),
gendered as (
    select identity, speaker_gender_of(votes) as gender,
           speaker_gender_source_of(votes) as gender_source
    from (select identity, {'f_text': sum(f_text), 'm_text': sum(m_text),
                            'f_name': sum(f_name), 'm_name': sum(m_name)} as votes
          from persons group by identity)
),
quoted as (
    select distinct source, case when $by_month <> 1 then 'all' else month end as month,
           identity
    from persons
    where ($source = '' or source = $source)
      and ($since = '' or (month <> 'undated' and month >= $since))
),
counted as (
    select q.source, q.month, count(*) as people,
           count(*) filter (where s.gender = 'female') as women,
           count(*) filter (where s.gender = 'male') as men,
           count(*) filter (where s.gender is null) as unknown,
           -- the articles' own words alone (no first names)
           count(*) filter (where s.gender = 'female' and s.gender_source = 'text') as women_text,
           count(*) filter (where s.gender = 'male' and s.gender_source = 'text') as men_text
    from quoted q
    join gendered s on s.identity = q.identity
    group by q.source, q.month
),
-- the women's share of those of known gender, k of n, with the 95% Wilson score interval
shares as (
    select *, nullif(women + men, 0) as known, women_text + men_text as known_text,
           1.959964 as z
    from counted
)
select source, month, people, women, men, unknown,
       round(unknown / people, 3) as unknown_share,
       round(women / known, 3) as women_share_of_known,
       round((women / known + z * z / (2 * known)
              - z * sqrt(women / known * (1 - women / known) / known + z * z / (4 * known * known)))
             / (1 + z * z / known), 3) as women_share_low,
       round((women / known + z * z / (2 * known)
              + z * sqrt(women / known * (1 - women / known) / known + z * z / (4 * known * known)))
             / (1 + z * z / known), 3) as women_share_high,
       women_text, men_text,
       round(women_text / nullif(known_text, 0), 3) as women_share_of_known_text,
       round(1 - known_text / people, 3) as unknown_share_text
from shares
order by source, month
