import assert from "node:assert/strict";
import { parseSse, sseFrame } from "./sse.ts";

async function events(chunks: string[]) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
  const out = [];
  for await (const e of parseSse(body)) out.push(e);
  return out;
}

Deno.test("parseSse() joins data lines, honours event names, CRLF and comments, across chunk borders", async () => {
  const out = await events([
    ": keep-alive\r\n\r\nevent: message_start\r\nda",
    'ta: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\ndata:[DONE]\n',
  ]);
  assert.deepEqual(out, [
    { event: "message_start", data: '{"a":1}' },
    { event: undefined, data: "line1\nline2" },
    { event: undefined, data: "[DONE]" },
  ]);
});

Deno.test("sseFrame() writes named and unnamed frames", () => {
  assert.equal(sseFrame({ a: 1 }, "ping"), 'event: ping\ndata: {"a":1}\n\n');
  assert.equal(sseFrame("[DONE]"), "data: [DONE]\n\n");
});
