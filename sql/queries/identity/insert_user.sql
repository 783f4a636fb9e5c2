insert into users (id, name, email, roles, department, status, created_at, updated_at)
values ($1, $2, $3, $4::text[], $5, 'active', $6, $6)
on conflict (lower(email)) do nothing
returning id, name, email, roles, department, status, created_at
