/**
 * Secret scanner: finds credentials in JSON values (every string leaf and key, with its path) and
 * in text. Pure and synchronous; never returns or logs a full secret.
 *
 * Entry points: `scanJson(value, options)`, `scanText(text, path, options)`.
 */
export type { Confidence, Finding, ScanOptions, ScanResult } from "./types.ts";
export { scanJson, scanText } from "./scan.ts";
