import {
  type OwnerKey,
  reencryptSecret,
  reencryptStale,
  type SecretName,
  type Vault,
} from "@domain/vault/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * Data-key rotation moves secrets lazily: a read that finds its secret under a retired data key
 * re-encrypts it in the background, and `runVaultMaintenance` (a scheduler job) moves the rest in
 * batches and drops data keys nothing uses any more.
 */
export interface VaultJobDeps {
  readonly vault: Vault;
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
}

export const MAINTENANCE_BATCH = 200;

/** Supervised fire-and-forget: the caller already has its value; a failure is only logged. */
export function reencryptInBackground(deps: VaultJobDeps, owner: OwnerKey, name: SecretName): void {
  const target = { owner, name, bumpVersion: false };
  deps.db.tx((q) => reencryptSecret(deps.vault, q, target, deps.clock.now())).then(
    (moved) => moved && deps.log.info("vault.secret_reencrypted", { owner, name }),
    (error) => deps.log.warn("vault.reencrypt_failed", { owner, name, error: describeError(error) }),
  );
}

/** One pass of the background job; returns how many secrets moved. Safe on every replica at once. */
export async function runVaultMaintenance(deps: VaultJobDeps, batch = MAINTENANCE_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const { moved, failures } = await reencryptStale(deps.vault, deps.db, batch, deps.clock.now());
    for (const f of failures) {
      deps.log.error("vault.reencrypt_failed", {
        owner: f.owner,
        name: f.name,
        error: describeError(f.error),
      });
    }
    total += moved;
    if (moved === 0 || moved + failures.length < batch) return total;
  }
}
