-- The people quoted (each identity once) by gender: with first names (gender), and from the
-- articles' own words alone (gender_source = 'text'); the report adds the 95% interval.
select count(*) as people,
       count(*) filter (where gender = 'female') as women,
       count(*) filter (where gender = 'male') as men,
       count(*) filter (where gender = 'female' and gender_source = 'text') as women_text,
       count(*) filter (where gender = 'male' and gender_source = 'text') as men_text
from speakers
where kind = 'person'
