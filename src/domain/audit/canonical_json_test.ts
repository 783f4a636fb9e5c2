import assert from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";

Deno.test("canonicalJson() sorts keys at every depth and adds no whitespace", () => {
  const a = { b: 1, a: { z: [3, { y: true, x: null }], c: "s" } };
  assert.equal(canonicalJson(a), '{"a":{"c":"s","z":[3,{"x":null,"y":true}]},"b":1}');
});

Deno.test("canonicalJson() gives the same text for the same data in any key order", () => {
  const one = { chain: [{ policy_id: "secret_scan", result: "pass" }], principal: { id: "u", roles: ["a"] } };
  const two = { principal: { roles: ["a"], id: "u" }, chain: [{ result: "pass", policy_id: "secret_scan" }] };
  assert.equal(canonicalJson(one), canonicalJson(two));
});

Deno.test("canonicalJson() follows JSON.stringify for undefined, non-finite numbers, dates and escapes", () => {
  const value = {
    u: undefined,
    n: Number.NaN,
    i: -Infinity,
    z: -0,
    d: new Date(Date.UTC(2025, 0, 2)),
    arr: [undefined],
  };
  assert.equal(canonicalJson(value), '{"arr":[null],"d":"2025-01-02T00:00:00.000Z","i":null,"n":null,"z":0}');
  assert.equal(canonicalJson({ "é\n": 'q"\u2028' }), JSON.stringify({ "é\n": 'q"\u2028' }));
});

Deno.test("canonicalJson() refuses values JSON cannot carry", () => {
  assert.throws(() => canonicalJson({ big: 1n }), TypeError);
});
