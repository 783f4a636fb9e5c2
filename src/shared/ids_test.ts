import assert from "node:assert/strict";
import { isUuid, newSessionId, newUuidV7, parseSessionId, parseTraceId } from "./ids.ts";

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
