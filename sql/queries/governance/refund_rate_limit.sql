-- Hands back one charge of a key (sp_rate_limit_refund, migration 0012).
select sp_rate_limit_refund($1)
