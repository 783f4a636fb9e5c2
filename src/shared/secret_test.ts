import assert from "node:assert/strict";
import { Secret } from "./secret.ts";

Deno.test("Secret never prints its value", () => {
  const canary = "canary-7f3a9c1e-do-not-print";
  const s = new Secret(canary);
  assert.equal(String(s), "[REDACTED]");
  assert.equal(JSON.stringify({ s }), '{"s":"[REDACTED]"}');
  assert.ok(!Deno.inspect({ s }).includes(canary));
  assert.equal(s.reveal(), canary);
});
