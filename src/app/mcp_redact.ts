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
  const options = { fingerprintKey };
  return mapStrings(result, (text) => {
    const withoutKnown = known.redactKnown(text);
    const { findings } = scanText(withoutKnown, "result", options);
    return findings.length === 0 ? withoutKnown : redactSpans(withoutKnown, findings);
  }) as CallToolResult;
}
