select
  id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
  evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
  created_at, seq, prev_hash, row_hash
from governance_decisions
where trace_id = $1
order by seq
