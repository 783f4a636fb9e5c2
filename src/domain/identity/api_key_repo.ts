import insertApiKeySql from "@sql/queries/identity/insert_api_key.sql" with { type: "text" };
import findApiKeySql from "@sql/queries/identity/find_api_key.sql" with { type: "text" };
import listApiKeysSql from "@sql/queries/identity/list_api_keys.sql" with { type: "text" };
import revokeApiKeySql from "@sql/queries/identity/revoke_api_key.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { UserId } from "@shared/ids.ts";
import type { ApiKey, ApiKeyPrefix, StoredApiKey } from "./api_keys.ts";

export interface NewApiKey {
  readonly id: string;
  readonly userId: UserId;
  readonly name: string;
  readonly prefix: ApiKeyPrefix;
  readonly keyHash: Uint8Array;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export interface ApiKeyRepo {
  insert(key: NewApiKey): Promise<void>;
  findByPrefix(prefix: ApiKeyPrefix): Promise<StoredApiKey | undefined>;
  /** Every key (or one user's), oldest first; never the digest. */
  list(userId: UserId | null): Promise<ApiKey[]>;
  /** Sets `revoked_at` unless already set; undefined when no key has that prefix. */
  revoke(prefix: ApiKeyPrefix, at: Date): Promise<ApiKey | undefined>;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  email: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export function createApiKeyRepo(db: Queryable): ApiKeyRepo {
  return {
    insert: async (k) => {
      await db.query(insertApiKeySql, [
        k.id,
        k.userId,
        k.name,
        k.prefix,
        k.keyHash,
        k.createdAt,
        k.expiresAt,
      ]);
    },
    findByPrefix: async (prefix) => {
      const row = await db.maybeOne<ApiKeyRow & { key_hash: Uint8Array }>(findApiKeySql, [prefix]);
      return row && { ...decodeApiKey(row), keyHash: row.key_hash };
    },
    list: async (userId) => (await db.many<ApiKeyRow>(listApiKeysSql, [userId])).map(decodeApiKey),
    revoke: async (prefix, at) => {
      const row = await db.maybeOne<ApiKeyRow>(revokeApiKeySql, [prefix, at]);
      return row && decodeApiKey(row);
    },
  };
}

function decodeApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id as UserId,
    email: row.email,
    name: row.name,
    prefix: row.prefix as ApiKeyPrefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
