-- Puts a restored sequence back where the backup found it (the next value follows it).
select setval(format('public.%I', $1::text)::regclass, $2::bigint, true) is not null as done
