import { join } from "node:path";
import type { HomeLayout } from "@infra/config/home.ts";
import { writeAtomic } from "@infra/config/scaffold.ts";
import { Secret } from "@shared/secret.ts";

/**
 * Where a new master key lives while a rotation runs. The key is written (0600, atomically) to a
 * pending file in the profile's credentials directory before the key ring is rewrapped, so a crash
 * between the commit and the final write never loses the only key that opens the vault.
 */
const PENDING_PREFIX = "master_key.pending-";

export interface PendingKey {
  readonly path: string;
  readonly key: Secret;
}

export async function writePendingKey(layout: HomeLayout, key: Secret): Promise<string> {
  const path = join(layout.credentialsDir, `${PENDING_PREFIX}${crypto.randomUUID()}`);
  await writeAtomic(path, `${key.reveal()}\n`, 0o600);
  return path;
}

export async function readPendingKeys(layout: HomeLayout): Promise<PendingKey[]> {
  const found: PendingKey[] = [];
  try {
    for await (const entry of Deno.readDir(layout.credentialsDir)) {
      if (!entry.isFile || !entry.name.startsWith(PENDING_PREFIX) || entry.name.includes(".tmp-")) continue;
      const path = join(layout.credentialsDir, entry.name);
      found.push({ path, key: new Secret((await Deno.readTextFile(path)).trim()) });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

export async function removePendingKey(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** Replaces `master_key` in secrets.json in place (atomic, still 0600); every other key is kept. */
export async function writeMasterKeyToSecretsFile(file: string, key: Secret): Promise<void> {
  const current = JSON.parse(await Deno.readTextFile(file)) as Record<string, unknown>;
  await writeAtomic(file, `${JSON.stringify({ ...current, master_key: key.reveal() }, null, 2)}\n`, 0o600);
}
