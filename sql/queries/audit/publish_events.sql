-- Outbox events for up to $1 decisions committed since the last publish, and one nudge for
-- `sp_events` listeners (sp_audit_publish, migration 0017).
select sp_audit_publish($1::integer) as published
