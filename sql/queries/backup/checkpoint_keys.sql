-- The keys that signed the audit checkpoints of a restored database.
select distinct key_id from audit_checkpoints order by key_id
