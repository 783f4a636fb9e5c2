-- Decisions placed and hashed by the database, each with its charges (sp_audit_append_charged, migration 0013).
select ord, seq, row_hash, refused_stage, charges
from sp_audit_append_charged($1::bigint, $2::text[], $3::int4[], $4::jsonb, $5::text[], $6::boolean)
