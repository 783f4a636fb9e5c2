-- `infra logs audit`: newest first; a null parameter means "any".
select
  g.seq, g.created_at, g.decision, g.policy, g.tool_name,
  coalesce(u.email, g.user_id::text) as "user", g.session_id as session, g.reason
from governance_decisions g
left join users u on u.id = g.user_id
where ($1::text is null or g.decision = $1)
  and ($2::text is null or g.policy = $2)
  and ($3::text is null or g.user_id::text = lower($3) or lower(u.email) = lower($3))
  and ($4::text is null or g.session_id = $4)
  and ($5::timestamptz is null or g.created_at >= $5)
order by g.seq desc
limit $6
