import assert from "node:assert/strict";
import { redactJson, redactText } from "./redact.ts";
import { FIXTURES as F, OPTIONS } from "./test_support.ts";

Deno.test("redactText() replaces every occurrence and names the detector", () => {
  assert.equal(
    redactText(`a ${F.groq} b ${F.groq}`, OPTIONS),
    "a [REDACTED:groq-api-key] b [REDACTED:groq-api-key]",
  );
  assert.equal(redactText("nothing to see", OPTIONS), "nothing to see");
});

Deno.test("redactJson() redacts values by key, keys themselves, and known vault secrets in base64", () => {
  const knownSecrets = ["vault-value-Fixture-42"];
  const value = { password: F.password, [F.stripe]: 1, log: `got ${btoa("vault-value-Fixture-42")}`, n: 3 };
  assert.deepEqual(redactJson(value, { ...OPTIONS, knownSecrets }), {
    password: "[REDACTED:generic-password-field]",
    "[REDACTED:stripe-secret-key]": 1,
    log: "got [REDACTED:known-secret]",
    n: 3,
  });
});

Deno.test("redactJson() replaces a subtree deeper than maxDepth instead of passing it", () => {
  assert.deepEqual(redactJson({ a: { b: { c: "x" } } }, { ...OPTIONS, maxDepth: 2 }), {
    a: { b: "[REDACTED:unscannable]" },
  });
});

Deno.test("scan options accept configured extra patterns", async () => {
  const { scanText } = await import("./scan.ts");
  const extraPatterns = [{ name: "Acme Internal Token", prefix: "acme_" }, {
    name: "Ticket Key",
    regex: "TKT-[0-9]{6}-[A-Z]{4}",
  }];
  const result = scanText("use acme_Q2x9Fixture77 and TKT-123456-ABCD", "t", { ...OPTIONS, extraPatterns });
  assert.deepEqual(result.findings.map((f) => `${f.detectorId}:${f.name}`), [
    "custom-pattern:Acme Internal Token",
    "custom-pattern:Ticket Key",
  ]);
});
