-- $1 is a LIKE pattern built by the caller (wildcards in the search text escaped).
select id, name, email, roles, department, status, created_at
from users
where email ilike $1 or name ilike $1 or coalesce(department, '') ilike $1
order by created_at, id
limit 200
