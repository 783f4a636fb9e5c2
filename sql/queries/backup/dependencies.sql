-- Foreign keys between tables of the public schema (child references parent), self-references aside.
select distinct child.relname::text as child, parent.relname::text as parent
from pg_constraint k
join pg_class child on child.oid = k.conrelid
join pg_class parent on parent.oid = k.confrelid
join pg_namespace n on n.oid = child.relnamespace and n.nspname = 'public'
where k.contype = 'f' and k.conrelid <> k.confrelid
order by 1, 2
