/**
 * The secret scanner's contract (pure: no I/O). The `secret_scan` stage, the egress scan and the
 * benchmark call only these functions; the detectors behind them may grow freely.
 */
export type Confidence = "certain" | "high" | "low";

export interface Finding {
  readonly detectorId: string;
  /** Human name used in deny texts, e.g. `AWS Access Key`. */
  readonly name: string;
  /**
   * JSON path of the leaf (`command`, `config.db[2].url`), or the path given to `scanText`. A finding
   * in an object key is reported as `<object path>[key:<index>]` so the path never spells a secret.
   */
  readonly path: string;
  /** Offsets in the original (un-normalised) string where known, else the whole leaf. */
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
  /**
   * A bound was hit (`maxBytes` of string data, `maxDepth` of nesting): the findings cover only what
   * was scanned. Callers that must fail closed deny such a call as `unscannable`.
   */
  readonly truncated?: boolean;
}

export interface ScanOptions {
  /** Key for fingerprints (the deployment's token pepper); never logged. */
  readonly fingerprintKey: Uint8Array;
  /** Known secret values (vault) to catch verbatim, e.g. for the egress scan. */
  readonly knownSecrets?: readonly string[];
  /** String bytes (UTF-16 code units) scanned per call before `truncated` is set; default 1 MiB. */
  readonly maxBytes?: number;
  /** JSON nesting depth scanned before `truncated` is set; default 64. */
  readonly maxDepth?: number;
  /**
   * Deployment-specific formats (`extra_patterns` in the governance config): a literal `prefix`
   * (followed by ≥ 8 token characters) or a `regex` (JavaScript syntax, matched case-sensitively;
   * the configuration author owns its complexity). Reported as `custom-pattern` with `name`.
   */
  readonly extraPatterns?: readonly ExtraPattern[];
}

export interface ExtraPattern {
  readonly name: string;
  readonly prefix?: string;
  readonly regex?: string;
}
