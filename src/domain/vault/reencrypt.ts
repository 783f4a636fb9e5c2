import type { Queryable } from "@infra/db/db.ts";
import { sealSecret, zero } from "./keys.ts";
import type { OwnerKey, SecretName } from "./owner.ts";
import { pruneRetiredDataKeys } from "./repo.ts";
import { findSealed, listStale, lockSecretVersion, replaceSealed, type SecretRecord } from "./secret_repo.ts";
import type { Vault } from "./vault.ts";

/**
 * Re-encrypts one secret under its owner's active data key with a fresh nonce. `bumpVersion`
 * (an admin rotation) also moves it to the next version; the lazy move off a retired data key keeps
 * the version. Undefined when the secret does not exist or has nothing to move.
 */
export async function reencryptSecret(
  vault: Vault,
  q: Queryable,
  target: { readonly owner: OwnerKey; readonly name: SecretName; readonly bumpVersion: boolean },
  now: Date,
): Promise<SecretRecord | undefined> {
  const { owner, name, bumpVersion } = target;
  if ((await lockSecretVersion(q, owner, name)) === undefined) return undefined;
  const [row] = await findSealed(q, [owner], name);
  if (row === undefined) return undefined;
  const opened = vault.openRow(row);
  const dek = await vault.activeDataKey(q, owner, now);
  try {
    if (!bumpVersion && dek.id === row.dekId) return undefined;
    const version = bumpVersion ? row.version + 1 : row.version;
    const ciphertext = sealSecret(dek.key, { owner, name, version, dekId: dek.id }, opened.value);
    const write = { owner, name, version, dekId: dek.id, ciphertext };
    return await replaceSealed(q, write, { dekId: row.dekId, version: row.version }, now);
  } finally {
    zero(dek.key);
  }
}

/**
 * One batch of the background job: moves secrets off retired data keys, then drops data keys no
 * secret uses. A secret that fails (e.g. its integrity check) is reported and skipped.
 */
export async function reencryptStale(
  vault: Vault,
  q: Queryable,
  limit: number,
  now: Date,
): Promise<{ moved: number; failures: { owner: OwnerKey; name: SecretName; error: unknown }[] }> {
  let moved = 0;
  const failures: { owner: OwnerKey; name: SecretName; error: unknown }[] = [];
  for (const stale of await listStale(q, limit)) {
    try {
      if (await reencryptSecret(vault, q, { ...stale, bumpVersion: false }, now)) moved++;
    } catch (error) {
      failures.push({ ...stale, error });
    }
  }
  await pruneRetiredDataKeys(q);
  return { moved, failures };
}
