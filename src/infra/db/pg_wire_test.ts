import assert from "node:assert/strict";
import { ConnectionClosed, MessageReader, MessageWriter, readInt32 } from "./pg_wire.ts";

/** A reader over `chunks`, handed out `step` bytes at a time. */
function readerOf(bytes: Uint8Array, step: number): MessageReader {
  let at = 0;
  return new MessageReader((into) => {
    if (at >= bytes.byteLength) return Promise.resolve(null);
    const n = Math.min(step, into.byteLength, bytes.byteLength - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return Promise.resolve(n);
  });
}

Deno.test("MessageWriter frames messages with their lengths, and NULL as -1", () => {
  const bytes = new MessageWriter().begin(0x42).cstring("é").value(null).value("ab").end().take();
  assert.deepEqual([...bytes], [
    0x42,
    0,
    0,
    0,
    17,
    0xc3,
    0xa9,
    0,
    255,
    255,
    255,
    255,
    0,
    0,
    0,
    2,
    0x61,
    0x62,
  ]);
  assert.equal(readInt32(bytes, 1), bytes.byteLength - 1);
});

Deno.test("MessageReader cuts messages out of any chunking, and grows for a large one", async () => {
  const out = new MessageWriter();
  const big = "x".repeat(70_000);
  out.begin(0x44).cstring("one").end().begin(0x44).cstring(big).end().begin(0x5a).bytes(
    new Uint8Array([0x49]),
  ).end();
  const bytes = out.take();
  for (const step of [1, 7, 4096, 1 << 20]) {
    const reader = readerOf(bytes, step);
    const first = await reader.next();
    assert.equal(new TextDecoder().decode(first.body), "one\0");
    assert.equal((await reader.next()).body.byteLength, big.length + 1);
    const last = await reader.next();
    assert.deepEqual([last.type, ...last.body], [0x5a, 0x49]);
    await assert.rejects(reader.next(), ConnectionClosed);
  }
});
