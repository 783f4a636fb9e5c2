import assert from "node:assert/strict";
import { secretFinder } from "./llm_render.ts";
import { redactStrings } from "./mcp_redact.ts";
import { egressScanOptions } from "./scanner_port.ts";
import { createKnownSecrets } from "./vault_known.ts";

const KEY = new TextEncoder().encode("egress-test-key-0123456789abcdef");
const CUSTOM = "acme_" + "Q7w9E2r4T6y8U1i3";
const settings = { extra_patterns: [{ name: "Acme API key", prefix: "acme_" }] };

Deno.test("egress redaction applies the deployment's extra_patterns to tool results", () => {
  const result = { content: [{ type: "text", text: `the key is ${CUSTOM}, keep it` }] };
  const plain = redactStrings(result, createKnownSecrets(), egressScanOptions(KEY));
  assert.equal(plain.content[0]!.text, `the key is ${CUSTOM}, keep it`, "not a built-in format");
  const configured = redactStrings(result, createKnownSecrets(), egressScanOptions(KEY, settings));
  assert.equal(configured.content[0]!.text, "the key is [REDACTED:custom-pattern], keep it");
});

Deno.test("egress redaction applies the deployment's extra_patterns to model output", () => {
  const text = `use ${CUSTOM} next`;
  assert.deepEqual(secretFinder(egressScanOptions(KEY), [])(text), []);
  const found = secretFinder(egressScanOptions(KEY, settings), [])(text);
  assert.deepEqual(found, [{ start: 4, end: 4 + CUSTOM.length, detectorId: "custom-pattern" }]);
});
