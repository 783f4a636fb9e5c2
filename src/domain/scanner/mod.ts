/**
 * Secret scanner: finds credentials in JSON values (every string leaf and key, with its path) and
 * in text. Pure and synchronous; never returns or logs a full secret (findings carry a redacted
 * preview and an HMAC fingerprint).
 *
 * Pipeline per string: normalise on a copy (NFKC, hidden characters, confusables) → bounded decode
 * pass (base64/hex/percent/HTML/escapes, ≤ 2 levels, ≤ 4× input) → keyword prefilter → format rules
 * (checksums where the format has one) and the keyword-anchored grammar → entropy backstop. Adjacent
 * values are also scanned joined (split secrets), strings holding JSON are walked as JSON.
 *
 * Invariants: linear-time matching (every pattern is literal-anchored or bounded; `redos_test.ts`),
 * `maxBytes`/`maxDepth` bound the work and set `truncated`, one finding per occurrence (offsets in
 * the original string, so a caller can redact every finding's span).
 *
 * Entry points: `createScanner(options)` (a `Scanner` with `scanJson` / `scanText`, set up once per
 * options), the one-off `scanJson(value, options)` / `scanText(text, path, options)`, `redactJson` /
 * `redactText` (egress: tool results, model responses), `detectorIds()`.
 */
export type { Confidence, ExtraPattern, Finding, ScanOptions, ScanResult } from "./types.ts";
export { createScanner, scanJson, type Scanner, scanText } from "./scan.ts";
export { detectorIds } from "./rules.ts";
export { redactJson, redactText } from "./redact.ts";
