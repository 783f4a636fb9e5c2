import type { Queryable } from "@infra/db/db.ts";
import { AppError } from "@shared/errors.ts";
import { newUuidV7 } from "@shared/ids.ts";
import type { Secret } from "@shared/secret.ts";
import { type AdminActor, recordAdminChange } from "./admin_change.ts";
import { createApiKeyRepo } from "./api_key_repo.ts";
import { type ApiKey, type ApiKeyPrefix, generateApiKey, hashApiKey } from "./api_keys.ts";
import { findUserByRef, type UserAdminDeps } from "./user_admin.ts";

export interface IssueApiKeyInput {
  readonly ref: string;
  readonly name: string;
  readonly expiresDays: number | null;
  readonly actor: AdminActor;
  readonly traceId?: string | null;
}

/** A new PAT for an active user. The key is returned once; only its SHA-256 is stored. */
export async function issueApiKey(
  deps: UserAdminDeps,
  input: IssueApiKeyInput,
): Promise<{ key: Secret; record: ApiKey }> {
  const now = deps.clock.now();
  const { key, prefix } = generateApiKey();
  const keyHash = await hashApiKey(key.reveal());
  const record = await deps.db.tx(async (q) => {
    const user = await findUserByRef(q, input.ref);
    if (user.status !== "active") {
      throw new AppError("identity.user_inactive", `${user.email} is ${user.status}: no new credentials`);
    }
    const expiresAt = input.expiresDays === null
      ? null
      : new Date(now.getTime() + input.expiresDays * 86_400_000);
    const id = newUuidV7(now.getTime());
    const repo = createApiKeyRepo(q);
    await repo.insert({ id, userId: user.id, name: input.name, prefix, keyHash, createdAt: now, expiresAt });
    const target = { user_id: user.id, email: user.email, prefix, name: input.name, expires_at: expiresAt };
    await recordAdminChange(q, {
      action: "api_key.issued",
      actor: input.actor,
      target,
      traceId: input.traceId,
    }, now);
    const created: ApiKey = {
      id,
      userId: user.id,
      email: user.email,
      name: input.name,
      prefix,
      createdAt: now,
      expiresAt,
      revokedAt: null,
    };
    return created;
  });
  return { key, record };
}

/** Every key, or one user's; never a secret or a digest. */
export async function listApiKeys(q: Queryable, ref: string | null): Promise<ApiKey[]> {
  const user = ref === null ? null : await findUserByRef(q, ref);
  return await createApiKeyRepo(q).list(user?.id ?? null);
}

/** Revokes a key by its public prefix (idempotent: revoking twice keeps the first time). */
export async function revokeApiKey(
  deps: UserAdminDeps,
  input: { prefix: ApiKeyPrefix; actor: AdminActor; traceId?: string | null },
): Promise<ApiKey> {
  const now = deps.clock.now();
  const record = await deps.db.tx(async (q) => {
    const revoked = await createApiKeyRepo(q).revoke(input.prefix, now);
    if (!revoked) {
      throw new AppError("identity.api_key_not_found", `no API key with prefix ${input.prefix}`);
    }
    const target = { user_id: revoked.userId, email: revoked.email, prefix: revoked.prefix };
    await recordAdminChange(q, {
      action: "api_key.revoked",
      actor: input.actor,
      target,
      traceId: input.traceId,
    }, now);
    return revoked;
  });
  deps.cache.invalidateUser(record.userId);
  return record;
}
