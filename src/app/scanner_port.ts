import type { SecretScanPort } from "@domain/governance/mod.ts";
import { createScanner, detectorIds, type ScanOptions } from "@domain/scanner/mod.ts";
import { configError } from "@infra/config/config_error.ts";
import type { SecretScanSettings } from "@infra/config/secret_scan_schema.ts";

const CONFIG_FILE = "services/governance/config.yaml";

/**
 * Binds the scanner to this deployment's fingerprint key (derived from the token pepper) and the
 * governance config's `extra_patterns` for the `secret_scan` stage, compiled once. Findings carry
 * previews and fingerprints only, never a whole secret. A detector override naming no detector is a
 * configuration error (the schema cannot know the scanner's ids).
 */
export function createScannerPort(
  fingerprintKey: Uint8Array,
  settings?: Pick<SecretScanSettings, "detectors" | "extra_patterns">,
): SecretScanPort {
  const known = new Set([...detectorIds(), "custom-pattern"]);
  const unknown = Object.keys(settings?.detectors ?? {}).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw configError(unknown.map((id) => ({
      file: CONFIG_FILE,
      path: `stages.secret_scan.detectors.${id}`,
      message: "no such detector id",
    })));
  }
  const scanner = createScanner(egressScanOptions(fingerprintKey, settings));
  return {
    scanJson: (value) => scanner.scanJson(value),
    scanText: (text, path) => scanner.scanText(text, path),
  };
}

/**
 * The options of every other scan of this deployment, the egress ones included (tool results,
 * resource contents, model output): the same fingerprint key and `extra_patterns` as `secret_scan`,
 * so a deployment's own token formats are redacted on the way out as they are denied on the way in.
 */
export function egressScanOptions(
  fingerprintKey: Uint8Array,
  settings?: Pick<SecretScanSettings, "extra_patterns">,
): ScanOptions {
  const extraPatterns = (settings?.extra_patterns ?? []).map((p) => ({
    name: p.name,
    ...(p.prefix === undefined ? {} : { prefix: p.prefix }),
    ...(p.regex === undefined ? {} : { regex: p.regex }),
  }));
  return { fingerprintKey, extraPatterns };
}
