-- Hands back a lease's unused hits (sp_rate_limit_return, migration 0014).
select sp_rate_limit_return($1, $2, $3)
