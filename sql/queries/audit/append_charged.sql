-- A batch of decisions with their charges, placed and hashed by the database (sp_audit_append_charged, migration 0013).
select ord, seq, row_hash, refused_stage, charges
from sp_audit_append_charged($1::bigint, $2::jsonb)
