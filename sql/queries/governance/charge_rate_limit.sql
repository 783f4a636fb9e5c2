select allowed, used, retry_after_ms from sp_rate_limit_charge($1, $2, $3, $4)
