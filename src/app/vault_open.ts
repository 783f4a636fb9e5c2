import { MASTER_KEY_MISMATCH, Vault } from "@domain/vault/mod.ts";
import type { Config } from "@infra/config/config.ts";
import type { Db } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { readPendingKeys, removePendingKey, writeMasterKeyToSecretsFile } from "./vault_key_files.ts";

/**
 * Opens the vault at context creation. A master key that does not open the key ring stops the
 * process ("vault master key does not decrypt the key ring"), unless a master-key rotation was cut
 * short after its commit: then the pending new key opens it, and for a `secrets.json` key the
 * rotation is finished here (the file rewritten in place); for an environment or systemd key the
 * error says where the new key waits.
 */
export interface VaultOpenDeps {
  readonly db: Db;
  readonly config: Pick<Config, "secrets" | "layout">;
  readonly clock: Clock;
  readonly log: Logger;
}

export async function openAppVault(deps: VaultOpenDeps): Promise<Vault> {
  const { secrets, layout } = deps.config;
  const now = deps.clock.now();
  try {
    const vault = await Vault.open(deps.db, secrets.masterKey, now);
    for (const pending of await readPendingKeys(layout)) {
      if (pending.key.reveal() === secrets.masterKey.reveal()) await removePendingKey(pending.path);
    }
    return vault;
  } catch (error) {
    if (!isAppError(error, "vault.master_key_mismatch")) throw error;
    for (const pending of await readPendingKeys(layout)) {
      const vault = await Vault.open(deps.db, pending.key, now).catch(() => undefined);
      if (vault === undefined) continue;
      if (secrets.masterKeySource !== "secrets.json") {
        vault[Symbol.dispose]();
        throw new AppError(
          "vault.master_key_mismatch",
          `${MASTER_KEY_MISMATCH} (a master-key rotation left the new key in ${pending.path}: ` +
            `put it in ${secrets.masterKeySource}, then delete that file)`,
        );
      }
      await writeMasterKeyToSecretsFile(layout.secretsFile, pending.key);
      await removePendingKey(pending.path);
      deps.log.warn("vault.master_key_rotation_completed", { file: layout.secretsFile });
      return vault;
    }
    throw error;
  }
}
