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

/** The value with every plain object rebuilt in sorted key order (what normalizeDecision stores). */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== "object") return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(out, key, {
      value: sortedCopy((value as Record<string, unknown>)[key]),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return out;
}

Deno.test("canonicalJson() of data already in key order (one JSON.stringify) matches the first implementation", () => {
  const next = seeded(20261202);
  for (let i = 0; i < 2_000; i++) {
    const v = sortedCopy(jsonish(next, { holes: false }));
    let want: string;
    try {
      want = reference(v);
    } catch (error) {
      assert.throws(() => canonicalJson(v), (error as Error).constructor as new () => Error, `case ${i}`);
      continue;
    }
    assert.equal(canonicalJson(v), want, `case ${i}`);
  }
});

Deno.test("canonicalJson() leaves JSON.stringify's way where it differs from canonical text", () => {
  class Tagged {
    constructor(readonly b: number, readonly a: number) {}
  }
  const cases: [unknown, string][] = [
    [{ a: new String("xy") }, '{"a":{"0":"x","1":"y"}}'], // boxed values are objects here
    [{ a: { toJSON: (key: string) => key || "none" } }, '{"a":"none"}'], // toJSON gets no key
    [{ a: new Tagged(2, 1) }, '{"a":{"a":1,"b":2}}'],
    [{ 10: 1, 2: 2 }, '{"10":1,"2":2}'], // integer keys come in numeric order
    [{ a: [1, { z: 1, y: 2 }], b: new Date(0) }, '{"a":[1,{"y":2,"z":1}],"b":"1970-01-01T00:00:00.000Z"}'],
  ];
  for (const [value, text] of cases) assert.equal(canonicalJson(value), text);
  const date = new Date(0);
  Object.defineProperty(date, "toJSON", { value: (key: string) => key || "own" });
  assert.equal(canonicalJson({ d: date }), '{"d":"own"}');
});

/** The value as jsonb hands it back: a JSON round trip, each object's keys shortest first, then bytewise. */
function jsonbOrdered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrdered);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    const item = jsonbOrdered((value as Record<string, unknown>)[key]);
    Object.defineProperty(out, key, { value: item, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

Deno.test("canonicalJson() of rows as jsonb orders them (copied in key order) matches the first implementation", () => {
  const next = seeded(20261203);
  let checked = 0;
  for (let i = 0; i < 2_000; i++) {
    const text = JSON.stringify(jsonish(next, { holes: false }) ?? null);
    if (text === undefined) continue;
    const v = jsonbOrdered(JSON.parse(text));
    const before = JSON.stringify(v);
    assert.equal(canonicalJson(v), reference(v), `case ${i}`);
    assert.equal(JSON.stringify(v), before, `case ${i}: the value is left as it was`);
    checked++;
  }
  assert.ok(checked > 1_500);
  const row = JSON.parse('{"b":1,"aa":{"zz":[{"y":2,"x":1}],"c":null},"10":3,"9":4}');
  assert.equal(canonicalJson(row), '{"10":3,"9":4,"aa":{"c":null,"zz":[{"x":1,"y":2}]},"b":1}');
  const withProto = JSON.parse('{"z":1,"__proto__":{"b":1,"a":2}}');
  assert.equal(canonicalJson(withProto), '{"__proto__":{"a":2,"b":1},"z":1}');
  assert.equal(canonicalJson(JSON.parse('{"z":1,"__proto__":7}')), '{"__proto__":7,"z":1}');
});
