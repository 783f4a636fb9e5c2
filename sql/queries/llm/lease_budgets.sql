-- Leases a block of budget under one reservation id (sp_llm_budget_lease, migration 0015).
select sp_llm_budget_lease(
  $1::uuid, $2::text[], $3::text[], $4::text[], $5::text[]::bigint[], $6::bigint, $7::integer, $8::integer
) as granted
