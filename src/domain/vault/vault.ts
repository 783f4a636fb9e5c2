import type { Queryable } from "@infra/db/db.ts";
import { AppError } from "@shared/errors.ts";
import { newUuidV7 } from "@shared/ids.ts";
import type { Secret } from "@shared/secret.ts";
import { integrityFailure, keyRingRotated, masterKeyMismatch } from "./errors.ts";
import {
  decodeKey,
  generateKey,
  opensCheck,
  openSecret,
  sealCheck,
  sealSecret,
  type SecretBinding,
  unwrapDataKey,
  wrapDataKey,
  zero,
} from "./keys.ts";
import type { OwnerKey, SecretName } from "./owner.ts";
import {
  type DataKeyRow,
  findActiveDataKey,
  initKeyring,
  insertDataKey,
  isVaultInstalled,
  lockAllDataKeys,
  lockKeyringShared,
  readKeyring,
  retireDataKey,
  rewrapDataKey,
  updateKeyring,
} from "./repo.ts";
import {
  findSealed,
  lockSecretVersion,
  type SealedSecretRow,
  type SecretRecord,
  upsertSealed,
} from "./secret_repo.ts";

/** A secret read for use: its value (only as a `Secret`) and whether its data key is retired. */
export interface OpenedSecret {
  readonly owner: OwnerKey;
  readonly name: SecretName;
  readonly version: number;
  readonly value: Secret;
  readonly stale: boolean;
}

/**
 * The process's holder of the master key (KEK). It verifies the KEK against the key ring's check
 * value before any use (a fresh database records one), unwraps a data key only for the operation at
 * hand and zeroes it afterwards. All methods run on the caller's `Queryable`, so use cases decide
 * the transaction.
 */
export class Vault implements Disposable {
  #kek: Uint8Array;
  #kekVersion: number | undefined;

  private constructor(kek: Uint8Array) {
    this.#kek = kek;
  }

  /** Opens the vault; throws `vault.master_key_mismatch` when the key does not open the key ring. */
  static async open(q: Queryable, masterKey: Secret, now: Date): Promise<Vault> {
    const kek = decodeKey(masterKey.reveal());
    if (kek === undefined) throw masterKeyMismatch("the master key is not 32 bytes of base64");
    const vault = new Vault(kek);
    // Before migration 0005 has run (e.g. `infra db status` on an old database) the check waits.
    if (await isVaultInstalled(q)) await vault.#ready(q, now);
    return vault;
  }

  /** The verified master-key version (undefined until the key ring exists). */
  get kekVersion(): number | undefined {
    return this.#kekVersion;
  }

  async store(
    q: Queryable,
    owner: OwnerKey,
    name: SecretName,
    value: Secret,
    now: Date,
  ): Promise<SecretRecord> {
    const dek = await this.#activeDataKey(q, owner, now);
    try {
      const version = ((await lockSecretVersion(q, owner, name)) ?? 0) + 1;
      const ciphertext = sealSecret(dek.key, { owner, name, version, dekId: dek.id }, value);
      return await upsertSealed(q, { owner, name, version, dekId: dek.id, ciphertext }, now);
    } finally {
      zero(dek.key);
    }
  }

  /** The first of `owners` (most specific first) that holds `name`, decrypted; undefined if none does. */
  async read(q: Queryable, owners: readonly OwnerKey[], name: SecretName, now: Date) {
    await this.#ready(q, now);
    const rows = await findSealed(q, owners, name);
    const row = owners.map((o) => rows.find((r) => r.owner === o)).find((r) => r !== undefined);
    return row && this.openRow(row);
  }

  /** Decrypts one sealed row; throws `vault.integrity_failure` if any part fails authentication. */
  openRow(row: SealedSecretRow): OpenedSecret {
    if (row.dekOwner !== row.owner) throw integrityFailure(row.owner, row.name, row.version);
    const key = this.#unwrap({ owner: row.owner, kekVersion: row.kekVersion, wrapped: row.wrappedKey }, row);
    try {
      const binding: SecretBinding = {
        owner: row.owner,
        name: row.name,
        version: row.version,
        dekId: row.dekId,
      };
      const value = openSecret(key, binding, row.ciphertext);
      if (value === undefined) throw integrityFailure(row.owner, row.name, row.version);
      return {
        owner: row.owner,
        name: row.name,
        version: row.version,
        value,
        stale: row.dekStatus === "retired",
      };
    } finally {
      zero(key);
    }
  }

  /** The owner's active data key, created (wrapped under the current KEK) on first use. */
  async activeDataKey(q: Queryable, owner: OwnerKey, now: Date) {
    return await this.#activeDataKey(q, owner, now);
  }

  /** Retires the owner's data key and creates a new one; secrets move to it lazily. */
  async rotateDataKey(q: Queryable, owner: OwnerKey, now: Date): Promise<{ dekId: string; retired: number }> {
    await this.#ready(q, now);
    const retired = await retireDataKey(q, owner, now);
    const dek = await this.#activeDataKey(q, owner, now);
    zero(dek.key);
    return { dekId: dek.id, retired: retired.length };
  }

  /**
   * Rewraps every data key under `newKek` and records its check value, in the caller's transaction.
   * This vault keeps using the old key until `adopt` is called after the commit.
   */
  async rewrapAll(
    q: Queryable,
    newKek: Uint8Array,
    now: Date,
  ): Promise<{ kekVersion: number; dataKeys: number }> {
    await this.#ready(q, now);
    const ring = await readKeyring(q, true);
    if (ring === undefined || !opensCheck(this.#kek, ring.kekVersion, ring.check)) throw masterKeyMismatch();
    if (ring.kekVersion !== this.#kekVersion) throw keyRingRotated(ring.kekVersion, this.#kekVersion);
    const next = ring.kekVersion + 1;
    const rows = await lockAllDataKeys(q);
    for (const row of rows) {
      const dek = this.#unwrap(row, undefined);
      try {
        await rewrapDataKey(q, row.id, next, wrapDataKey(newKek, next, row.owner, dek));
      } finally {
        zero(dek);
      }
    }
    await updateKeyring(q, { kekVersion: next, check: sealCheck(newKek, next) }, now);
    return { kekVersion: next, dataKeys: rows.length };
  }

  /** Switches to the new master key once its rotation committed; the old bytes are zeroed. */
  adopt(newKek: Uint8Array, kekVersion: number): void {
    zero(this.#kek);
    this.#kek = newKek.slice();
    this.#kekVersion = kekVersion;
  }

  [Symbol.dispose](): void {
    zero(this.#kek);
    this.#kekVersion = undefined;
  }

  async #ready(q: Queryable, now: Date): Promise<number> {
    if (this.#kekVersion !== undefined) return this.#kekVersion;
    let ring = await readKeyring(q);
    if (ring === undefined) {
      await initKeyring(q, { kekVersion: 1, check: sealCheck(this.#kek, 1) }, now);
      ring = await readKeyring(q);
    }
    if (ring === undefined || !opensCheck(this.#kek, ring.kekVersion, ring.check)) throw masterKeyMismatch();
    this.#kekVersion = ring.kekVersion;
    return ring.kekVersion;
  }

  async #activeDataKey(q: Queryable, owner: OwnerKey, now: Date): Promise<{ id: string; key: Uint8Array }> {
    const own = await this.#ready(q, now);
    let row = await findActiveDataKey(q, owner);
    if (row === undefined) {
      const ringVersion = await lockKeyringShared(q);
      if (ringVersion !== own) throw keyRingRotated(ringVersion ?? 0, own);
      const key = generateKey();
      const id = newUuidV7(now.getTime());
      const wrapped = wrapDataKey(this.#kek, own, owner, key);
      zero(key);
      await insertDataKey(q, { id, owner, kekVersion: own, wrapped, status: "active" }, now);
      row = await findActiveDataKey(q, owner);
      if (row === undefined) throw new AppError("internal.unexpected", "data key vanished after insert");
    }
    return { id: row.id, key: this.#unwrap(row, undefined) };
  }

  #unwrap(
    row: Pick<DataKeyRow, "owner" | "kekVersion" | "wrapped">,
    secret: Pick<SealedSecretRow, "name" | "version"> | undefined,
  ): Uint8Array {
    const own = this.#kekVersion;
    if (own === undefined || row.kekVersion > own) throw keyRingRotated(row.kekVersion, own);
    const dek = row.kekVersion !== own
      ? undefined
      : unwrapDataKey(this.#kek, row.kekVersion, row.owner, row.wrapped);
    if (dek === undefined) throw integrityFailure(row.owner, secret?.name ?? null, secret?.version ?? null);
    return dek;
  }
}
