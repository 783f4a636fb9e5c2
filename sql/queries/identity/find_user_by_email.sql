select id, name, email, roles, department, status, created_at
from users
where lower(email) = lower($1)
