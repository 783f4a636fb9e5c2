import type { Clock } from "@shared/clock.ts";
import { describeError, isAppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
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
 * second, not once per call; a change in the vault is seen within that time, since no entry is
 * served after it expires. Misses and failures (missing secret, integrity failure) are never
 * remembered. Calls do not wait for the vault while a key is in use:
 * - concurrent calls that find no usable entry share one resolution;
 * - a call that finds an entry past half its life is served from it and starts the refresh in the
 *   background (one at a time per key), so steady traffic finds a fresh entry. A refresh that fails
 *   drops the entry: the next call resolves in line and meets the failure itself.
 */
export interface ProviderKeySource {
  /** Throws `vault.secret_missing` (naming the secret, never a value) when none is set. */
  resolve(name: string, caller: SecretCaller, known: KnownSecrets): Promise<Secret>;
}

export interface KeyCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

/** Resolves one key from the vault, registering it with `known` when given. */
export type ResolveKey = (name: string, caller: SecretCaller, known?: KnownSecrets) => Promise<Secret>;

export function vaultProviderKeys(deps: VaultResolveDeps, options: KeyCacheOptions = {}): ProviderKeySource {
  return cachedProviderKeys(
    (name, caller, known) => resolveSecretForCaller(deps, name, caller, known),
    { clock: deps.clock, log: deps.log },
    options,
  );
}

interface Entry {
  readonly value: Secret;
  readonly until: number;
  /** From here on a hit starts a refresh. */
  readonly refreshFrom: number;
}

export function cachedProviderKeys(
  resolveKey: ResolveKey,
  deps: { readonly clock: Clock; readonly log: Logger },
  options: KeyCacheOptions = {},
): ProviderKeySource {
  const ttlMs = options.ttlMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 1_024;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Secret>>();

  const load = (key: string, name: string, caller: SecretCaller): Promise<Secret> => {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const started = deps.clock.now().getTime();
    const resolving = resolveKey(name, caller).then(
      (value) => {
        if (entries.size >= maxEntries && !entries.has(key)) entries.clear();
        entries.set(key, { value, until: started + ttlMs, refreshFrom: started + ttlMs / 2 });
        return value;
      },
      (error) => {
        entries.delete(key);
        throw error;
      },
    ).finally(() => inFlight.delete(key));
    inFlight.set(key, resolving);
    return resolving;
  };

  return {
    resolve: async (name, caller, known) => {
      if (ttlMs <= 0) return await resolveKey(name, caller, known);
      const key = `${name}\u0000${caller.userId ?? ""}\u0000${caller.department ?? ""}`;
      const now = deps.clock.now().getTime();
      const hit = entries.get(key);
      if (hit && hit.until > now) {
        if (now >= hit.refreshFrom && !inFlight.has(key)) {
          load(key, name, caller).catch((error) =>
            deps.log.warn("llm.provider_key_refresh_failed", {
              secret: name,
              code: isAppError(error) ? error.code : null,
              error: describeError(error),
            })
          );
        }
        known.add(hit.value);
        return hit.value;
      }
      const value = await load(key, name, caller);
      known.add(value);
      return value;
    },
  };
}
