import { mapStrings, redactSpans } from "@domain/mcp/mod.ts";
import { type ScanOptions, scanText } from "@domain/scanner/mod.ts";
import type { CallToolResult } from "./mcp_types.ts";
import type { KnownSecrets } from "./vault_known.ts";

/**
 * The egress scan of a tool result (ARCHITECTURE §5 step 6): every text the model would read has
 * the injected credentials (and their encodings) replaced by `[REDACTED]`, then whatever the
 * scanner detects replaced by `[REDACTED:<detector>]`.
 */
export function redactToolResult(
  result: CallToolResult,
  known: KnownSecrets,
  scan: ScanOptions,
): CallToolResult {
  return redactStrings(result, known, scan);
}

/** The same egress scan over any JSON-like result (resource contents, prompt messages, listings). */
export function redactStrings<T>(value: T, known: KnownSecrets, scan: ScanOptions): T {
  return mapStrings(value, (text) => {
    const withoutKnown = known.redactKnown(text);
    const { findings } = scanText(withoutKnown, "result", scan);
    return findings.length === 0 ? withoutKnown : redactSpans(withoutKnown, findings);
  }) as T;
}

/** Detected secrets in one string (e.g. a resource URI before it names an audit row) redacted. */
export function redactDetected(text: string, scan: ScanOptions): string {
  const { findings } = scanText(text, "name", scan);
  return findings.length === 0 ? text : redactSpans(text, findings);
}
