-- Which of these decision ids are already in the chain (a journal replayed twice inserts nothing twice).
select id::text as id from governance_decisions where id = any($1::text[]::uuid[])
