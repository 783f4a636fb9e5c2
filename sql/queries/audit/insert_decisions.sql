-- One chained batch (sp_audit_insert, migration 0008): decision rows, one outbox event and one NOTIFY each.
select sp_audit_insert($1::jsonb) as events
