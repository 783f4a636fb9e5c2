-- Several charges in one round trip, answered in order (sp_rate_limit_charge_many, migration 0009).
select ord, allowed, used, retry_after_ms from sp_rate_limit_charge_many($1::jsonb) order by ord
