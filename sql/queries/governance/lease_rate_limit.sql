-- Charges one call and, for a busy key, leases a block of hits (sp_rate_limit_lease, migration 0014).
select allowed, used, retry_after_ms, granted, stamp from sp_rate_limit_lease($1, $2, $3, $4, $5, $6)
