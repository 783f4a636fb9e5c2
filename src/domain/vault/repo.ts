import keyringStateSql from "@sql/queries/vault/keyring_state.sql" with { type: "text" };
import keyringLockSql from "@sql/queries/vault/keyring_lock.sql" with { type: "text" };
import keyringVersionSharedSql from "@sql/queries/vault/keyring_version_shared.sql" with { type: "text" };
import keyringInitSql from "@sql/queries/vault/keyring_init.sql" with { type: "text" };
import keyringUpdateSql from "@sql/queries/vault/keyring_update.sql" with { type: "text" };
import keyringInstalledSql from "@sql/queries/vault/keyring_installed.sql" with { type: "text" };
import dataKeyActiveSql from "@sql/queries/vault/data_key_active.sql" with { type: "text" };
import dataKeyInsertSql from "@sql/queries/vault/data_key_insert.sql" with { type: "text" };
import dataKeyRetireSql from "@sql/queries/vault/data_key_retire.sql" with { type: "text" };
import dataKeysLockAllSql from "@sql/queries/vault/data_keys_lock_all.sql" with { type: "text" };
import dataKeyRewrapSql from "@sql/queries/vault/data_key_rewrap.sql" with { type: "text" };
import dataKeysPruneSql from "@sql/queries/vault/data_keys_prune.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { OwnerKey } from "./owner.ts";

/** Key-ring and data-key rows. Secrets rows live in `secret_repo.ts`. */
export interface KeyringRow {
  readonly kekVersion: number;
  readonly check: Uint8Array;
}

export interface DataKeyRow {
  readonly id: string;
  readonly owner: OwnerKey;
  readonly kekVersion: number;
  readonly wrapped: Uint8Array;
  readonly status: "active" | "retired";
}

interface RawKeyring {
  kek_version: number;
  kek_check: Uint8Array;
}

interface RawDataKey {
  id: string;
  owner: string;
  kek_version: number;
  wrapped_key: Uint8Array;
  status: string;
}

export async function isVaultInstalled(q: Queryable): Promise<boolean> {
  return (await q.one<{ installed: boolean }>(keyringInstalledSql)).installed;
}

export async function readKeyring(q: Queryable, lock = false): Promise<KeyringRow | undefined> {
  const row = await q.maybeOne<RawKeyring>(lock ? keyringLockSql : keyringStateSql);
  return row && { kekVersion: Number(row.kek_version), check: row.kek_check };
}

/** The current KEK version, holding a share lock until the transaction ends (blocks a rotation). */
export async function lockKeyringShared(q: Queryable): Promise<number | undefined> {
  const row = await q.maybeOne<{ kek_version: number }>(keyringVersionSharedSql);
  return row && Number(row.kek_version);
}

export async function initKeyring(q: Queryable, row: KeyringRow, at: Date): Promise<void> {
  await q.query(keyringInitSql, [row.kekVersion, row.check, at]);
}

export async function updateKeyring(q: Queryable, row: KeyringRow, at: Date): Promise<void> {
  await q.query(keyringUpdateSql, [row.kekVersion, row.check, at]);
}

export async function findActiveDataKey(q: Queryable, owner: OwnerKey): Promise<DataKeyRow | undefined> {
  const row = await q.maybeOne<RawDataKey>(dataKeyActiveSql, [owner]);
  return row && decodeDataKey(row);
}

/** Inserts unless the owner already has an active key (a concurrent writer won). */
export async function insertDataKey(q: Queryable, row: DataKeyRow, at: Date): Promise<void> {
  await q.query(dataKeyInsertSql, [row.id, row.owner, row.kekVersion, row.wrapped, at]);
}

export async function retireDataKey(q: Queryable, owner: OwnerKey, at: Date): Promise<string[]> {
  return (await q.many<{ id: string }>(dataKeyRetireSql, [owner, at])).map((r) => r.id);
}

export async function lockAllDataKeys(q: Queryable): Promise<DataKeyRow[]> {
  return (await q.many<RawDataKey>(dataKeysLockAllSql)).map(decodeDataKey);
}

export async function rewrapDataKey(q: Queryable, id: string, kekVersion: number, wrapped: Uint8Array) {
  await q.query(dataKeyRewrapSql, [id, kekVersion, wrapped]);
}

export async function pruneRetiredDataKeys(q: Queryable): Promise<void> {
  await q.query(dataKeysPruneSql);
}

function decodeDataKey(row: RawDataKey): DataKeyRow {
  return {
    id: row.id,
    owner: row.owner as OwnerKey,
    kekVersion: Number(row.kek_version),
    wrapped: row.wrapped_key,
    status: row.status === "retired" ? "retired" : "active",
  };
}
