-- One chained batch in one round trip, if the chain head is still ($2, $3) (sp_audit_append, migration 0011).
select sp_audit_append($1::bigint, $2::bigint, $3::text, $4::jsonb) as appended
