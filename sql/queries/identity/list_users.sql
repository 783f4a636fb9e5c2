select id, name, email, roles, department, status, created_at
from users
order by created_at, id
