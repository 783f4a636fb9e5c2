/**
 * Resolving vault secrets for a governed call (MCP env/headers, provider `api_key_secret`, …).
 *
 * - `resolveSecretForCaller(deps, name, caller, known?)` → `Secret`: the caller's own secret, else
 *   their department's, else the organisation's. None → `AppError("vault.secret_missing")`; a value
 *   that fails authentication → `AppError("vault.integrity_failure")` plus an `admin.change` event
 *   (action `secret.integrity_failed`, no value) and an error log; nothing is decrypted.
 * - `resolveTemplate(deps, template, caller, known?)` → `Secret`: a whole-value `secret:<name>` or a
 *   string with `${secret:<name>}` placeholders (no escaping; other text is kept). `resolveTemplates`
 *   does the same for a record (env, headers). `secretReferences(template)` lists the names a
 *   template needs (config validation), throwing `vault.invalid_reference` on a malformed one.
 * - `createKnownSecrets()` → per-call `KnownSecrets`; every resolve above registers what it returns
 *   when given one, and `known.redactKnown(text)` / `redactKnownJson(value)` remove those values
 *   (and their base64 forms) from results before they reach the client or model.
 * - `vaultDenyVerdict(error)` → a preset deny with policy `vault` for `decide()`, or undefined when
 *   the error is not the vault's.
 */
import type { Principal } from "@domain/identity/mod.ts";
import { parseSecretName, resolutionOrder, type SecretName, type Vault } from "@domain/vault/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { Secret } from "@shared/secret.ts";
import type { Verdict } from "./govern.ts";
import { recordVaultChange } from "./vault_events.ts";
import type { KnownSecrets } from "./vault_known.ts";
import { reencryptInBackground } from "./vault_maintenance.ts";

export type { KnownSecrets } from "./vault_known.ts";
export { createKnownSecrets, MIN_KNOWN_LENGTH } from "./vault_known.ts";

export interface VaultResolveDeps {
  readonly vault: Vault;
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Whose secrets a call may use: a `Principal` fits; `userId: null` (a system job) means org only. */
export type SecretCaller = Pick<Principal, "department"> & { readonly userId: Principal["userId"] | null };

const WHOLE = /^secret:(.*)$/s;
const PLACEHOLDER = /\$\{secret:([^}]*)\}/g;

export async function resolveSecretForCaller(
  deps: VaultResolveDeps,
  name: string,
  caller: SecretCaller,
  known?: KnownSecrets,
): Promise<Secret> {
  const secretName = parseName(name);
  const owners = resolutionOrder(caller);
  let opened;
  try {
    opened = await deps.vault.read(deps.db, owners, secretName, deps.clock.now());
  } catch (error) {
    if (isAppError(error, "vault.integrity_failure")) await raiseIntegrityAlarm(deps, error, secretName);
    throw error;
  }
  if (opened === undefined) {
    throw new AppError(
      "vault.secret_missing",
      `secret ${secretName} is not set for this user, their department or the organisation`,
    );
  }
  if (opened.stale) reencryptInBackground(deps, opened.owner, opened.name);
  known?.add(opened.value);
  return opened.value;
}

/** Resolves `secret:<name>` or `…${secret:<name>}…`; a template without references comes back as is. */
export async function resolveTemplate(
  deps: VaultResolveDeps,
  template: string,
  caller: SecretCaller,
  known?: KnownSecrets,
): Promise<Secret> {
  const whole = WHOLE.exec(template);
  if (whole) return await resolveSecretForCaller(deps, whole[1] ?? "", caller, known);
  const names = secretReferences(template);
  if (names.length === 0) return new Secret(template);
  const values = new Map<string, string>();
  for (const name of names) {
    values.set(name, (await resolveSecretForCaller(deps, name, caller, known)).reveal());
  }
  return new Secret(template.replace(PLACEHOLDER, (_, name: string) => values.get(name) ?? ""));
}

/** Every value of `templates` resolved (e.g. an MCP server's env or headers). */
export async function resolveTemplates(
  deps: VaultResolveDeps,
  templates: Readonly<Record<string, string>>,
  caller: SecretCaller,
  known?: KnownSecrets,
): Promise<Record<string, Secret>> {
  const out: Record<string, Secret> = {};
  for (const [key, template] of Object.entries(templates)) {
    out[key] = await resolveTemplate(deps, template, caller, known);
  }
  return out;
}

/** The distinct secret names a template refers to, in order of first use. */
export function secretReferences(template: string): SecretName[] {
  const whole = WHOLE.exec(template);
  if (whole) return [parseName(whole[1] ?? "")];
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => parseName(m[1] ?? ""));
  return [...new Set(names)];
}

/** A preset deny (policy `vault`, reason naming the secret, never its value) for a vault failure. */
export function vaultDenyVerdict(error: unknown): Verdict | undefined {
  if (!isAppError(error) || !error.code.startsWith("vault.")) return undefined;
  return { decision: "deny", policy: "vault", reason: error.message, chain: [] };
}

function parseName(text: string): SecretName {
  const name = parseSecretName(text);
  if (name === undefined) {
    throw new AppError(
      "vault.invalid_reference",
      `invalid secret reference ${JSON.stringify(text.slice(0, 64))}: names use letters, digits, . _ -`,
    );
  }
  return name;
}

/** Tampering is a security event: recorded on its own (the caller's work is failing). */
async function raiseIntegrityAlarm(deps: VaultResolveDeps, error: AppError, name: SecretName): Promise<void> {
  const target = { owner: error.data?.["owner"] ?? null, name, version: error.data?.["version"] ?? null };
  deps.log.error("vault.integrity_failure", target);
  try {
    await recordVaultChange(deps.db, {
      action: "secret.integrity_failed",
      actor: { kind: "system" },
      target,
    }, deps.clock.now());
  } catch (cause) {
    deps.log.error("vault.integrity_event_failed", { name, error: String(cause) });
  }
}
