import type { Secret } from "@shared/secret.ts";
import {
  type KnownSecrets,
  resolveSecretForCaller,
  type SecretCaller,
  type VaultResolveDeps,
} from "./vault_resolve.ts";

/**
 * Where provider API keys come from: the vault secret named by the provider's `api_key_secret`,
 * resolved per call for the caller (their own, else their department's, else the organisation's)
 * and registered as a known value so model output and upstream errors never carry it back.
 */
export interface ProviderKeySource {
  /** Throws `vault.secret_missing` (naming the secret, never a value) when none is set. */
  resolve(name: string, caller: SecretCaller, known: KnownSecrets): Promise<Secret>;
}

export function vaultProviderKeys(deps: VaultResolveDeps): ProviderKeySource {
  return { resolve: (name, caller, known) => resolveSecretForCaller(deps, name, caller, known) };
}
