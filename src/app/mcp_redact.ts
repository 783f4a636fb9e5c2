import { mapStrings, redactSpans } from "@domain/mcp/mod.ts";
import { scanText } from "@domain/scanner/mod.ts";
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
  fingerprintKey: Uint8Array,
): CallToolResult {
  return redactStrings(result, known, fingerprintKey);
}

/** The same egress scan over any JSON-like result (resource contents, prompt messages, listings). */
export function redactStrings<T>(value: T, known: KnownSecrets, fingerprintKey: Uint8Array): T {
  const options = { fingerprintKey };
  return mapStrings(value, (text) => {
    const withoutKnown = known.redactKnown(text);
    const { findings } = scanText(withoutKnown, "result", options);
    return findings.length === 0 ? withoutKnown : redactSpans(withoutKnown, findings);
  }) as T;
}

/** Detected secrets in one string (e.g. a resource URI before it names an audit row) redacted. */
export function redactDetected(text: string, fingerprintKey: Uint8Array): string {
  const { findings } = scanText(text, "name", { fingerprintKey });
  return findings.length === 0 ? text : redactSpans(text, findings);
}
