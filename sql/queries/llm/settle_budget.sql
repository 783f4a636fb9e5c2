select sp_llm_budget_settle($1::uuid, $2::bigint) as settled
