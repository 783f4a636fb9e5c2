/**
 * The secret scanner's contract (pure: no I/O). The `secret_scan` stage, the egress scan and the
 * benchmark call only these functions; the detectors behind them may grow freely.
 */
export type Confidence = "certain" | "high" | "low";

export interface Finding {
  readonly detectorId: string;
  /** Human name used in deny texts, e.g. `AWS Access Key`. */
  readonly name: string;
  /** JSON path of the leaf (`command`, `config.db[2].url`), or `text` for a plain text scan. */
  readonly path: string;
  /** Offsets in the original (un-normalised) string where known. */
  readonly start: number;
  readonly end: number;
  readonly confidence: Confidence;
  /** The first min(12, ⌊length/3⌋) characters of the matched value as sent, then `...[REDACTED]`. */
  readonly preview: string;
  /** HMAC-SHA-256 of the secret under the scanner's key, hex: lets audits correlate without storing it. */
  readonly fingerprint: string;
}

export interface ScanResult {
  readonly findings: readonly Finding[];
  /** Zero-width, bidi-control, soft hyphen or tag characters were present (informational). */
  readonly hiddenCharacters: boolean;
}

export interface ScanOptions {
  /** Key for fingerprints (the deployment's token pepper); never logged. */
  readonly fingerprintKey: Uint8Array;
  /** Known secret values (vault) to catch verbatim, e.g. for the egress scan. */
  readonly knownSecrets?: readonly string[];
}
