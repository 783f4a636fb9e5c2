-- The position of every sequence of the public schema (identity columns included); null when unused.
select sequencename::text as name, last_value
from pg_sequences
where schemaname = 'public'
order by sequencename
