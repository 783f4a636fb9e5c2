import type { Secret } from "@shared/secret.ts";
import { resolveTemplates, type SecretCaller, type VaultResolveDeps } from "./vault_resolve.ts";
import type { KnownSecrets } from "./vault_known.ts";

/**
 * Where the MCP gateway gets the values of `secret:<name>` references in an upstream's `env` and
 * `headers`: the vault (ARCHITECTURE §10), resolved for the caller (their own secret, else their
 * department's, else the organisation's; a child process started for the whole server uses the
 * organisation's). Every value resolved is registered in `known`, so the egress scan removes it
 * from results. A narrow port so the gateway's tests and flows need no vault internals.
 */
export type McpSecretCaller = SecretCaller;

export interface McpSecretSource {
  /** Each template resolved; a missing secret throws `vault.secret_missing` naming it (no value). */
  resolveTemplates(
    templates: Readonly<Record<string, string>>,
    caller: McpSecretCaller,
    known: KnownSecrets,
  ): Promise<Record<string, Secret>>;
}

export function createVaultSecretSource(deps: VaultResolveDeps): McpSecretSource {
  return {
    resolveTemplates: (templates, caller, known) => resolveTemplates(deps, templates, caller, known),
  };
}
