-- One chained batch (sp_audit_insert, migrations 0008, 0016): decision rows and one outbox event each.
select sp_audit_insert($1::jsonb) as events
