import assert from "node:assert/strict";
import { isUuid, newSessionId, newTraceId, newUuidV7, parseSessionId, parseTraceId } from "./ids.ts";

Deno.test("newUuidV7() is a version-7 UUID ordered by its timestamp", () => {
  const a = newUuidV7(1_700_000_000_000);
  const b = newUuidV7(1_700_000_000_001);
  assert.ok(isUuid(a));
  assert.equal(a[14], "7");
  assert.ok(a < b);
});

Deno.test("session ids are sess_<uuid> and parse back; others do not", () => {
  const id = newSessionId();
  assert.equal(parseSessionId(id), id);
  assert.equal(parseSessionId("sess_nope"), undefined);
});

Deno.test("parseTraceId() accepts short printable ids and rejects the rest", () => {
  assert.equal(parseTraceId("abc-123"), "abc-123");
  assert.equal(parseTraceId("bad id with spaces"), undefined);
  assert.equal(parseTraceId("x".repeat(200)), undefined);
  assert.equal(parseTraceId(null), undefined);
});

Deno.test("newUuidV7() carries the 48-bit millisecond timestamp, version 7, the RFC 9562 variant, and does not repeat", () => {
  for (const ms of [0, 1, 0xffffff, 0x1000000, 1_700_000_000_000, 2 ** 48 - 1]) {
    const id = newUuidV7(ms);
    assert.ok(isUuid(id), id);
    assert.equal(parseInt(id.replaceAll("-", "").slice(0, 12), 16), ms, id);
    assert.equal(id[14], "7");
    assert.ok("89ab".includes(id[19]!), id);
  }
  // Across several refills of the random pool, ids of one millisecond stay distinct.
  const ids = new Set(Array.from({ length: 5000 }, () => newUuidV7(1_700_000_000_000)));
  assert.equal(ids.size, 5000);
  const randomHex = [...ids].map((id) => id.replaceAll("-", "").slice(13)).join("");
  const counts = new Map<string, number>();
  for (const c of randomHex) counts.set(c, (counts.get(c) ?? 0) + 1);
  // 5000 × 19 hex digits: each of the 16 should appear ~5,900 times; a stuck byte would skew it.
  assert.equal(counts.size, 16);
  for (const [digit, n] of counts) assert.ok(n > 4000 && n < 8000, `${digit}: ${n}`);
});

Deno.test("newTraceId() is the same kind of id without dashes, and ids made in turn do not mix", () => {
  const trace = newTraceId(1_700_000_000_000);
  assert.match(trace, /^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  assert.equal(parseInt(trace.slice(0, 12), 16), 1_700_000_000_000);
  const uuid = newUuidV7(1_700_000_000_001);
  assert.ok(isUuid(uuid), uuid);
  assert.equal(newTraceId(5).length, 32);
  assert.ok(isUuid(newUuidV7(6)));
});
