-- Every table of the public schema but schema_migrations, with its kind ('r' plain, 'p' partitioned),
-- its size in blocks and its insertable columns in order (generated columns are left out).
select
  c.relname::text as table_name,
  c.relkind::text as kind,
  (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::bigint as blocks,
  array_agg(a.attname::text order by a.attnum) as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
where c.relkind in ('r', 'p') and not c.relispartition and c.relname <> 'schema_migrations'
group by c.oid, c.relname, c.relkind
order by c.relname
