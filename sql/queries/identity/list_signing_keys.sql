select kid, public_jwk, status, created_at, retired_at, not_after
from signing_keys
order by created_at desc, kid
