-- One chained batch in one round trip, if the chain head is still ($2, $3), with the checkpoints it makes
-- due ($5, null for none) (sp_audit_append, migrations 0011 and 0018).
select sp_audit_append($1::bigint, $2::bigint, $3::text, $4::jsonb, $5::jsonb) as appended
