select admitted, failed, remaining_micros, retry_after_s, shadow
from sp_llm_budget_reserve(
  $1::uuid, $2::text[], $3::text[], $4::text[], $5::text[]::bigint[], $6::text[]::boolean[], $7::bigint, $8
)
