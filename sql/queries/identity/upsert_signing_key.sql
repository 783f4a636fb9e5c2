-- Records a key the first time it is seen; an existing row keeps its status and dates.
insert into signing_keys (kid, algorithm, public_jwk, status, created_at)
values ($1, 'RS256', $2::jsonb, 'active', $3)
on conflict (kid) do nothing
