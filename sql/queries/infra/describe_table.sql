select a.attname as column,
       format_type(a.atttypid, a.atttypmod) as type,
       not a.attnotnull as nullable,
       pg_get_expr(d.adbin, d.adrelid) as default
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where n.nspname = 'public' and c.relname = $1 and a.attnum > 0 and not a.attisdropped
order by a.attnum
