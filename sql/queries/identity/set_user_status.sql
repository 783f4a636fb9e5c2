update users
set status = $2, updated_at = $3
where id = $1
returning id, name, email, roles, department, status, created_at
