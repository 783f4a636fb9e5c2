/**
 * Vault: credentials encrypted at rest with envelope encryption (ARCHITECTURE §10).
 *
 * Key hierarchy: the master key (KEK, 32 bytes, from config) wraps one data key (DEK) per owner
 * (`user:<id>`, `department:<name>`, `org`) with XChaCha20-Poly1305, AAD `dek|<owner>|<kek_version>`;
 * each secret is sealed under its owner's DEK with a random 24-byte nonce, AAD
 * `secret|<owner>|<name>|<version>`. Every blob starts with a self-describing header (format, kind,
 * KEK version or DEK id) that the AAD also covers. A key-ring check value proves the KEK at open.
 *
 * Invariants: plaintext never reaches the database, a log, an error or an event; values travel as
 * `Secret`; unwrapped keys are zeroed after each operation; a failed authentication decrypts
 * nothing (`vault.integrity_failure`); a wrong KEK refuses to open (`vault.master_key_mismatch`).
 *
 * Entry points: `Vault.open` (the KEK holder: store, read, rotateDataKey, rewrapAll, adopt),
 * `reencryptSecret` / `reencryptStale`, `listSecrets`, `deleteSealed`, owner and name parsers.
 * Cross-domain flows (resolution for a principal, admin changes with events) live in `src/app/vault_*`.
 */
export { Vault } from "./vault.ts";
export type { OpenedSecret } from "./vault.ts";
export type { OwnerKey, SecretName, VaultOwner } from "./owner.ts";
export {
  isDepartmentName,
  ORG_OWNER,
  ownerKey,
  parseOwnerKey,
  parseSecretName,
  resolutionOrder,
} from "./owner.ts";
export type { SecretRecord } from "./secret_repo.ts";
export { deleteSealed, listSecrets } from "./secret_repo.ts";
export { reencryptSecret, reencryptStale } from "./reencrypt.ts";
export { decodeKey, encodeKey, generateKey, zero } from "./keys.ts";
export { MASTER_KEY_MISMATCH } from "./errors.ts";
