import assert from "node:assert/strict";
import { mapStrings, redactSpans } from "./redact.ts";
import { auditedToolName, parseAuditedToolName } from "./names.ts";

Deno.test("redactSpans() replaces each span, merging overlaps", () => {
  const text = "key=AKIAIOSFODNN7EXAMPLE and token=abc123";
  const spans = [
    { start: 4, end: 24, detectorId: "aws-access-key" },
    { start: 10, end: 20, detectorId: "inner" },
    { start: 35, end: 41, detectorId: "t" },
  ];
  assert.equal(redactSpans(text, spans), "key=[REDACTED:aws-access-key] and token=[REDACTED:t]");
  assert.equal(redactSpans("plain", []), "plain");
});

Deno.test("mapStrings() rewrites every string leaf but not image or blob payloads", () => {
  const value = {
    content: [
      { type: "text", text: "a" },
      { type: "image", data: "aaaa", mimeType: "image/png" },
      { type: "resource", resource: { uri: "u", blob: "aaaa" } },
    ],
    structuredContent: { nested: ["a", 1, null] },
  };
  assert.deepEqual(mapStrings(value, (s) => s.replaceAll("a", "X")), {
    content: [
      { type: "text", text: "X" },
      { type: "imXge", data: "aaaa", mimeType: "imXge/png" },
      { type: "resource", resource: { uri: "u", blob: "aaaa" } },
    ],
    structuredContent: { nested: ["X", 1, null] },
  });
});

Deno.test("auditedToolName() and parseAuditedToolName() round-trip; the server never holds `__`", () => {
  assert.equal(auditedToolName("github", "create__issue"), "mcp__github__create__issue");
  assert.deepEqual(parseAuditedToolName("mcp__github__create__issue"), {
    server: "github",
    tool: "create__issue",
  });
  assert.equal(parseAuditedToolName("Bash"), undefined);
});
