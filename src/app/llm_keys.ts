import type { Secret } from "@shared/secret.ts";
import {
  type KnownSecrets,
  resolveSecretForCaller,
  type SecretCaller,
  type VaultResolveDeps,
} from "./vault_resolve.ts";

/**
 * Where provider API keys come from: the vault secret named by the provider's `api_key_secret`,
 * resolved for the caller (their own, else their department's, else the organisation's) and
 * registered as a known value on every call so model output and upstream errors never carry it back.
 *
 * A resolved key is remembered for `ttlMs` (default 2 s) per (secret, user, department) — the
 * inputs of the resolution order — so a busy gateway reads and decrypts each key a few times a
 * second, not once per call; a change in the vault is seen within that time. Misses and failures
 * (missing secret, integrity failure) are never remembered.
 */
export interface ProviderKeySource {
  /** Throws `vault.secret_missing` (naming the secret, never a value) when none is set. */
  resolve(name: string, caller: SecretCaller, known: KnownSecrets): Promise<Secret>;
}

export interface KeyCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

export function vaultProviderKeys(deps: VaultResolveDeps, options: KeyCacheOptions = {}): ProviderKeySource {
  const ttlMs = options.ttlMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 1_024;
  const cache = new Map<string, { readonly value: Secret; readonly until: number }>();
  return {
    resolve: async (name, caller, known) => {
      if (ttlMs <= 0) return await resolveSecretForCaller(deps, name, caller, known);
      const key = `${name}\u0000${caller.userId ?? ""}\u0000${caller.department ?? ""}`;
      const now = deps.clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) {
        known.add(hit.value);
        return hit.value;
      }
      const value = await resolveSecretForCaller(deps, name, caller, known);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, { value, until: now + ttlMs });
      return value;
    },
  };
}
