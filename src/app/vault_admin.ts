import { findUserByRef, isEmail } from "@domain/identity/mod.ts";
import {
  deleteSealed,
  isDepartmentName,
  listSecrets,
  ORG_OWNER,
  type OwnerKey,
  ownerKey,
  parseOwnerKey,
  reencryptSecret,
  type SecretName,
  type SecretRecord,
  type Vault,
} from "@domain/vault/mod.ts";
import type { Db, Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import type { Secret } from "@shared/secret.ts";
import { recordVaultChange, type VaultActor } from "./vault_events.ts";

/**
 * Admin use cases on the vault (CLI `admin secrets …`, REST `/api/v1/admin/secrets`): each change
 * runs in one transaction with its `admin.change` event, which names owner, name and version only.
 */
export interface VaultAdminDeps {
  readonly db: Db;
  readonly vault: Vault;
  readonly clock: Clock;
}

export interface SecretChangeInput {
  /** `org`, `department:<name>`, `user:<uuid>` or `user:<email>`. */
  readonly owner: string;
  readonly name: SecretName;
  readonly actor: VaultActor;
  readonly traceId?: string | null | undefined;
}

/** Owner text as admins type it: whether it is well-formed (the user may still not exist). */
export function isOwnerRef(text: string): boolean {
  if (text === "org" || parseOwnerKey(text) !== undefined) return true;
  if (text.startsWith("user:")) return isEmail(text.slice(5));
  return text.startsWith("department:") && isDepartmentName(text.slice(11));
}

/** The canonical owner; a `user:<email>` becomes `user:<uuid>` (404 when no such user). */
export async function resolveOwnerRef(q: Queryable, text: string): Promise<OwnerKey> {
  if (text === "org") return ORG_OWNER;
  if (text.startsWith("user:")) {
    const user = await findUserByRef(q, text.slice(5));
    return ownerKey({ kind: "user", userId: user.id });
  }
  const key = parseOwnerKey(text);
  if (key === undefined) {
    throw new AppError(
      "vault.invalid_reference",
      "owner must be org, department:<name>, user:<email> or user:<id>",
    );
  }
  return key;
}

export async function setSecret(
  deps: VaultAdminDeps,
  input: SecretChangeInput & { readonly value: Secret },
): Promise<SecretRecord> {
  const now = deps.clock.now();
  return await deps.db.tx(async (q) => {
    const owner = await resolveOwnerRef(q, input.owner);
    const record = await deps.vault.store(q, owner, input.name, input.value, now);
    await recordChange(q, "secret.set", input, record, now);
    return record;
  });
}

export async function deleteSecret(deps: VaultAdminDeps, input: SecretChangeInput): Promise<SecretRecord> {
  const now = deps.clock.now();
  return await deps.db.tx(async (q) => {
    const owner = await resolveOwnerRef(q, input.owner);
    const record = await deleteSealed(q, owner, input.name) ?? missing(input.name, owner);
    await recordChange(q, "secret.deleted", input, record, now);
    return record;
  });
}

/** Re-encrypts one secret under its owner's current data key, as the next version. */
export async function rotateSecret(deps: VaultAdminDeps, input: SecretChangeInput): Promise<SecretRecord> {
  const now = deps.clock.now();
  return await deps.db.tx(async (q) => {
    const owner = await resolveOwnerRef(q, input.owner);
    const target = { owner, name: input.name, bumpVersion: true };
    const record = await reencryptSecret(deps.vault, q, target, now) ?? missing(input.name, owner);
    await recordChange(q, "secret.rotated", input, record, now);
    return record;
  });
}

/** A new data key for the owner; its secrets move to it on their next read or by the maintenance job. */
export async function rotateOwnerDataKey(
  deps: VaultAdminDeps,
  input: Omit<SecretChangeInput, "name">,
): Promise<{ owner: OwnerKey; retired: number }> {
  const now = deps.clock.now();
  return await deps.db.tx(async (q) => {
    const owner = await resolveOwnerRef(q, input.owner);
    const { retired } = await deps.vault.rotateDataKey(q, owner, now);
    const change = { action: "secret.data_key_rotated", actor: input.actor, traceId: input.traceId };
    await recordVaultChange(q, { ...change, target: { owner, retired_data_keys: retired } }, now);
    return { owner, retired };
  });
}

/** Names, owners, versions and times; never a value. */
export async function listSecretRecords(q: Queryable, owner: string | null): Promise<SecretRecord[]> {
  return await listSecrets(q, owner === null ? null : await resolveOwnerRef(q, owner));
}

/** The wire and CLI shape of a secret's metadata. */
export function secretRecordWire(record: SecretRecord): Record<string, unknown> {
  return {
    owner: record.owner,
    name: record.name,
    version: record.version,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

async function recordChange(
  q: Queryable,
  action: string,
  input: SecretChangeInput,
  record: SecretRecord,
  now: Date,
): Promise<void> {
  const target = { owner: record.owner, name: record.name, version: record.version };
  await recordVaultChange(q, { action, actor: input.actor, target, traceId: input.traceId }, now);
}

function missing(name: SecretName, owner: OwnerKey): never {
  throw new AppError("vault.secret_missing", `secret ${name} is not set for ${owner}`);
}
