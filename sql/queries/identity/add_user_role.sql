update users
set roles = array_append(array_remove(roles, $2), $2), updated_at = $3
where id = $1
returning id, name, email, roles, department, status, created_at
