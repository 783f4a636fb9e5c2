select id, name, email, roles, department, status, created_at
from users
where status = 'active' and 'admin' = any (roles)
order by created_at, id
limit 1
