import { encodeKey, generateKey, type Vault, zero } from "@domain/vault/mod.ts";
import type { Config, MasterKeySource } from "@infra/config/config.ts";
import type { Db } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import type { Secret } from "@shared/secret.ts";
import { recordVaultChange, type VaultActor } from "./vault_events.ts";
import { removePendingKey, writeMasterKeyToSecretsFile, writePendingKey } from "./vault_key_files.ts";

/**
 * `admin keys rotate-master`: a new master key rewraps every data key in one transaction (secrets
 * are untouched); this process switches to it after the commit and the old key is zeroed. The new
 * key goes where the old one came from: `secrets.json` is rewritten in place (0600); a key from
 * `SYSTEMPROMPT_MASTER_KEY` or a systemd credential is returned once for the operator to install,
 * and stays in a 0600 pending file until a process starts with it.
 */
export interface MasterKeyDeps {
  readonly db: Db;
  readonly vault: Vault;
  readonly config: Pick<Config, "secrets" | "layout">;
  readonly clock: Clock;
}

export type MasterKeyRotation =
  | {
    readonly kind: "written";
    readonly kekVersion: number;
    readonly dataKeys: number;
    readonly source: "secrets.json";
    readonly file: string;
  }
  | {
    readonly kind: "install";
    readonly kekVersion: number;
    readonly dataKeys: number;
    readonly source: Exclude<MasterKeySource, "secrets.json">;
    /** Shown once; the operator puts it where `source` reads from. */
    readonly newKey: Secret;
    readonly pendingFile: string;
  };

export async function rotateMasterKey(
  deps: MasterKeyDeps,
  input: { readonly actor: VaultActor; readonly traceId?: string | null },
): Promise<MasterKeyRotation> {
  const { secrets, layout } = deps.config;
  const source = secrets.masterKeySource;
  const newKek = generateKey();
  const newKey = encodeKey(newKek);
  const pendingFile = await writePendingKey(layout, newKey);
  let rewrapped: { kekVersion: number; dataKeys: number };
  try {
    const now = deps.clock.now();
    rewrapped = await deps.db.tx(async (q) => {
      const result = await deps.vault.rewrapAll(q, newKek, now);
      const target = { kek_version: result.kekVersion, data_keys: result.dataKeys, source };
      await recordVaultChange(q, { action: "vault.master_key_rotated", ...input, target }, now);
      return result;
    });
  } catch (error) {
    zero(newKek);
    await removePendingKey(pendingFile);
    throw error;
  }
  deps.vault.adopt(newKek, rewrapped.kekVersion);
  zero(newKek);
  if (source !== "secrets.json") return { kind: "install", ...rewrapped, source, newKey, pendingFile };
  await writeMasterKeyToSecretsFile(layout.secretsFile, newKey);
  await removePendingKey(pendingFile);
  return { kind: "written", ...rewrapped, source, file: layout.secretsFile };
}
