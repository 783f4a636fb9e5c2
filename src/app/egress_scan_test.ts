import assert from "node:assert/strict";
import { secretFinder } from "./llm_render.ts";
import { redactStrings } from "./mcp_redact.ts";
import { egressScanOptions } from "./scanner_port.ts";
import { createKnownSecrets } from "./vault_known.ts";
import { Secret } from "@shared/secret.ts";

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

Deno.test("the model-output finder covers each provider key as it is read, in every text", () => {
  const scan = egressScanOptions(KEY);
  const first = new Secret("prov-key-one-" + "x1y2z3w4v5u6");
  const second = new Secret("prov-key-two-" + "a9b8c7d6e5f4");
  const keys: Secret[] = [first];
  const find = secretFinder(scan, keys);
  const text = (k: Secret) => `echo ${k.reveal()} back`;
  const span = (k: Secret) => [{ start: 5, end: 5 + k.reveal().length, detectorId: "known-secret" }];
  assert.deepEqual(find(text(first)), span(first));
  assert.deepEqual(find(text(second)), [], "not read yet: not known");
  keys.push(second); // a fallback's key, read after the finder was made
  assert.deepEqual(find(text(second)), span(second));
  assert.deepEqual(find(text(first)), span(first));
  // Another call with the same (cached) key finds it too; one with no key finds neither.
  assert.deepEqual(secretFinder(scan, [first])(text(first)), span(first));
  assert.deepEqual(secretFinder(scan, [])(text(first)), []);
});
