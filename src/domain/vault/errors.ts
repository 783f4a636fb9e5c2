import { AppError } from "@shared/errors.ts";
import type { OwnerKey, SecretName } from "./owner.ts";

/** The one message a wrong master key produces, at boot and afterwards. */
export const MASTER_KEY_MISMATCH = "vault master key does not decrypt the key ring";

export function masterKeyMismatch(hint?: string): AppError {
  return new AppError(
    "vault.master_key_mismatch",
    hint ? `${MASTER_KEY_MISMATCH} (${hint})` : MASTER_KEY_MISMATCH,
  );
}

/** Another process rotated the master key: this one's copy is stale until it restarts. */
export function keyRingRotated(ringVersion: number, ownVersion: number | undefined): AppError {
  return masterKeyMismatch(
    `the key ring is at master-key version ${ringVersion}, this process holds version ${
      ownVersion ?? "none"
    }; ` +
      "restart it with the new master key",
  );
}

/** A sealed value or wrapped key failed authentication: nothing was decrypted. */
export function integrityFailure(owner: OwnerKey, name: SecretName | null, version: number | null): AppError {
  const what = name === null ? `the data key of ${owner.split(":")[0]}` : `secret ${name}`;
  return new AppError("vault.integrity_failure", `${what} failed its integrity check and was not used`, {
    data: { owner, name, version },
  });
}
