import assert from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";
import { jsonish, seeded } from "./test_values.ts";

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

/** The first implementation (member arrays, joins): the text every existing chain was hashed with. */
function reference(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "object": {
      const withToJson = value as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === "function") return reference(withToJson.toJSON());
      const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";
      if (Array.isArray(value)) {
        return `[${value.map((v) => (omitted(v) ? "null" : reference(v))).join(",")}]`;
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record).sort().filter((k) => !omitted(record[k]))
        .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`cannot encode a ${typeof value}`);
  }
}

Deno.test("canonicalJson() writes an array's holes as null, as JSON.stringify does", () => {
  const sparse = [1, , 3]; // the first implementation wrote "[1,,3]", which no JSON parser reads
  assert.equal(canonicalJson({ a: sparse }), '{"a":[1,null,3]}');
});

Deno.test("canonicalJson() writes exactly what the first implementation wrote (2,000 random values)", () => {
  const next = seeded(20261201);
  for (let i = 0; i < 2_000; i++) {
    const v = jsonish(next, { holes: false });
    const outcome = (f: (v: unknown) => string) => {
      try {
        return f(v);
      } catch (error) {
        return `throws ${(error as Error).name}`;
      }
    };
    assert.equal(outcome(canonicalJson), outcome(reference), `case ${i}`);
  }
});
