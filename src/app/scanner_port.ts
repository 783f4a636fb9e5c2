import type { SecretScanPort } from "@domain/governance/mod.ts";
import { scanJson, scanText } from "@domain/scanner/mod.ts";

/**
 * Binds the scanner to this deployment's fingerprint key (derived from the token pepper) for the
 * `secret_scan` stage. Findings carry previews and fingerprints only, never a whole secret.
 */
export function createScannerPort(fingerprintKey: Uint8Array): SecretScanPort {
  const options = { fingerprintKey };
  return {
    scanJson: (value) => scanJson(value, options),
    scanText: (text, path) => scanText(text, path, options),
  };
}
