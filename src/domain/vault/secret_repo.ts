import secretFindSql from "@sql/queries/vault/secret_find.sql" with { type: "text" };
import secretVersionLockSql from "@sql/queries/vault/secret_version_lock.sql" with { type: "text" };
import secretUpsertSql from "@sql/queries/vault/secret_upsert.sql" with { type: "text" };
import secretReencryptSql from "@sql/queries/vault/secret_reencrypt.sql" with { type: "text" };
import secretDeleteSql from "@sql/queries/vault/secret_delete.sql" with { type: "text" };
import secretListSql from "@sql/queries/vault/secret_list.sql" with { type: "text" };
import secretsStaleSql from "@sql/queries/vault/secrets_stale.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { OwnerKey, SecretName } from "./owner.ts";

/** What anyone may see of a secret: never its value. */
export interface SecretRecord {
  readonly owner: OwnerKey;
  readonly name: SecretName;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A sealed secret with the wrapped data key that opens it. */
export interface SealedSecretRow {
  readonly owner: OwnerKey;
  readonly name: SecretName;
  readonly version: number;
  readonly dekId: string;
  readonly ciphertext: Uint8Array;
  readonly dekOwner: OwnerKey;
  readonly kekVersion: number;
  readonly wrappedKey: Uint8Array;
  readonly dekStatus: "active" | "retired";
}

export interface SealedWrite {
  readonly owner: OwnerKey;
  readonly name: SecretName;
  readonly version: number;
  readonly dekId: string;
  readonly ciphertext: Uint8Array;
}

interface RawRecord {
  owner: string;
  name: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface RawSealed {
  owner: string;
  name: string;
  version: number;
  dek_id: string;
  ciphertext: Uint8Array;
  dek_owner: string;
  kek_version: number;
  wrapped_key: Uint8Array;
  dek_status: string;
}

/** The rows of `name` held by any of `owners` (in no particular order). */
export async function findSealed(
  q: Queryable,
  owners: readonly OwnerKey[],
  name: SecretName,
): Promise<SealedSecretRow[]> {
  return (await q.many<RawSealed>(secretFindSql, [owners, name])).map((r) => ({
    owner: r.owner as OwnerKey,
    name: r.name as SecretName,
    version: Number(r.version),
    dekId: r.dek_id,
    ciphertext: r.ciphertext,
    dekOwner: r.dek_owner as OwnerKey,
    kekVersion: Number(r.kek_version),
    wrappedKey: r.wrapped_key,
    dekStatus: r.dek_status === "retired" ? "retired" : "active",
  }));
}

/** The current version, locking the row until the transaction ends; undefined when absent. */
export async function lockSecretVersion(q: Queryable, owner: OwnerKey, name: SecretName) {
  const row = await q.maybeOne<{ version: number }>(secretVersionLockSql, [owner, name]);
  return row && Number(row.version);
}

export async function upsertSealed(q: Queryable, write: SealedWrite, at: Date): Promise<SecretRecord> {
  const { owner, name, version, dekId, ciphertext } = write;
  return decodeRecord(await q.one<RawRecord>(secretUpsertSql, [owner, name, version, dekId, ciphertext, at]));
}

/** Replaces a sealed value only if the row is still the one that was read (optimistic). */
export async function replaceSealed(
  q: Queryable,
  write: SealedWrite,
  expected: { readonly dekId: string; readonly version: number },
  at: Date,
): Promise<SecretRecord | undefined> {
  const { owner, name, version, dekId, ciphertext } = write;
  const row = await q.maybeOne<RawRecord>(
    secretReencryptSql,
    [owner, name, dekId, ciphertext, version, at, expected.dekId, expected.version],
  );
  return row && decodeRecord(row);
}

export async function deleteSealed(q: Queryable, owner: OwnerKey, name: SecretName) {
  const row = await q.maybeOne<RawRecord>(secretDeleteSql, [owner, name]);
  return row && decodeRecord(row);
}

export async function listSecrets(q: Queryable, owner: OwnerKey | null): Promise<SecretRecord[]> {
  return (await q.many<RawRecord>(secretListSql, [owner])).map(decodeRecord);
}

export async function listStale(q: Queryable, limit: number) {
  const rows = await q.many<{ owner: string; name: string }>(secretsStaleSql, [limit]);
  return rows.map((r) => ({ owner: r.owner as OwnerKey, name: r.name as SecretName }));
}

function decodeRecord(row: RawRecord): SecretRecord {
  return {
    owner: row.owner as OwnerKey,
    name: row.name as SecretName,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
