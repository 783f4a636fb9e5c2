import assert from "node:assert/strict";
import type { UserId } from "@shared/ids.ts";
import { parseOwnerKey, parseSecretName, resolutionOrder } from "./owner.ts";

const USER = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b" as UserId;

Deno.test("parseOwnerKey() accepts org, user:<uuid>, department:<name> and nothing with |", () => {
  assert.equal(parseOwnerKey("org"), "org");
  assert.equal(parseOwnerKey(`user:${USER}`), `user:${USER}`);
  assert.equal(parseOwnerKey("department:R&D"), "department:R&D");
  const bad = ["", "ORG", "user:alice@example.com", "department:", "department:a|b", "team:x", " org"];
  for (const text of bad) {
    assert.equal(parseOwnerKey(text), undefined, text);
  }
});

Deno.test("parseSecretName() refuses separators, braces and empty names", () => {
  assert.equal(parseSecretName("github"), "github");
  assert.equal(parseSecretName("anthropic.prod_key-2"), "anthropic.prod_key-2");
  for (const bad of ["", "-x", "a|b", "a}b", "a b", "x".repeat(129)]) {
    assert.equal(parseSecretName(bad), undefined, bad);
  }
});

Deno.test("resolutionOrder() is user, then department, then org", () => {
  assert.deepEqual(resolutionOrder({ userId: USER, department: "legal" }), [
    `user:${USER}`,
    "department:legal",
    "org",
  ]);
  assert.deepEqual(resolutionOrder({ userId: USER, department: null }), [`user:${USER}`, "org"]);
  assert.deepEqual(resolutionOrder({ userId: null, department: null }), ["org"]);
});
