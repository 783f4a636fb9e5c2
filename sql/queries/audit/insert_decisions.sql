-- One chained batch (sp_audit_insert, migrations 0008, 0017); their events follow (publish_events.sql).
select sp_audit_insert($1::jsonb) as inserted
