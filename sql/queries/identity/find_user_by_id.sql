select id, name, email, roles, department, status, created_at
from users
where id = $1
