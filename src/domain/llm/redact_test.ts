import assert from "node:assert/strict";
import { createStreamRedactor, type FindSecrets, redactMessage, redactText } from "./redact.ts";
import type { StreamEvent } from "./types.ts";

/** A stand-in scanner: AWS-style key ids and a keyed `password: <value>`. */
const find: FindSecrets = (text) => {
  const spans = [];
  for (const m of text.matchAll(/AKIA[0-9A-Z]{16}/g)) {
    spans.push({ start: m.index, end: m.index + m[0].length, detectorId: "aws" });
  }
  for (const m of text.matchAll(/password: (\S{6,})/g)) {
    const start = m.index + m[0].length - m[1]!.length;
    spans.push({ start, end: start + m[1]!.length, detectorId: "password" });
  }
  for (const m of text.matchAll(/-----BEGIN KEY-----[\s\S]*?-----END KEY-----/g)) {
    spans.push({ start: m.index, end: m.index + m[0].length, detectorId: "pem" });
  }
  return spans;
};

function streamed(pieces: string[]): { text: string; sends: number } {
  const redactor = createStreamRedactor(find);
  const out: StreamEvent[] = [];
  out.push(
    ...redactor.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  );
  for (const text of pieces) {
    out.push(
      ...redactor.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
    );
  }
  out.push(...redactor.push({ type: "content_block_stop", index: 0 }));
  const deltas = out.flatMap((
    e,
  ) => (e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : []));
  return { text: deltas.join(""), sends: deltas.length };
}

const chunk = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, i * size + size));

Deno.test("redactText() replaces each finding once, in order", () => {
  assert.equal(redactText("a AKIAIOSFODNN7EXAMPLE b", find), "a [REDACTED:aws] b");
  assert.equal(redactText("nothing here", find), "nothing here");
});

Deno.test("createStreamRedactor() catches a secret split across every possible chunk size", () => {
  const text = "the key is AKIAIOSFODNN7EXAMPLE and that is all";
  for (let size = 1; size <= text.length; size++) {
    const { text: out } = streamed(chunk(text, size));
    assert.equal(out, "the key is [REDACTED:aws] and that is all", `chunk size ${size}`);
  }
});

Deno.test("createStreamRedactor() keeps streaming word by word, holding only the word in flight", () => {
  const { sends } = streamed(chunk("one two three four five six seven eight nine ten", 4));
  assert.ok(sends >= 8, `${sends} sends`);
});

Deno.test("createStreamRedactor() rescans sent text as context for keyed secrets and holds PEM blocks", () => {
  assert.equal(
    streamed(chunk("my password: hunter2secret then more", 3)).text,
    "my password: [REDACTED:password] then more",
  );
  const pem = "x -----BEGIN KEY----- abc def ghi -----END KEY----- y";
  assert.equal(streamed(chunk(pem, 5)).text, "x [REDACTED:pem] y");
});

Deno.test("redactMessage() redacts text blocks and tool inputs (keys and values)", () => {
  const message = redactMessage({
    id: "m",
    type: "message",
    role: "assistant",
    model: "x",
    content: [
      { type: "text", text: "AKIAIOSFODNN7EXAMPLE" },
      {
        type: "tool_use",
        id: "t",
        name: "f",
        input: { a: ["AKIAIOSFODNN7EXAMPLE"], AKIAIOSFODNN7EXAMPLE: 1 },
      },
    ],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  }, find);
  assert.deepEqual(message.content, [
    { type: "text", text: "[REDACTED:aws]" },
    { type: "tool_use", id: "t", name: "f", input: { a: ["[REDACTED:aws]"], "[REDACTED:aws]": 1 } },
  ]);
});

Deno.test("redactMessage() and the stream redactor read the model's thinking too", () => {
  const message = redactMessage({
    id: "m",
    type: "message",
    role: "assistant",
    model: "x",
    content: [{
      type: "thinking",
      thinking: "the user key AKIAIOSFODNN7EXAMPLE is in .env",
      signature: "sig",
    }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  }, find);
  assert.deepEqual(message.content, [
    { type: "thinking", thinking: "the user key [REDACTED:aws] is in .env", signature: "sig" },
  ]);
  const redactor = createStreamRedactor(find);
  const out: StreamEvent[] = [];
  const start = { type: "thinking" as const, thinking: "", signature: "" };
  out.push(...redactor.push({ type: "content_block_start", index: 0, content_block: start }));
  for (const thinking of chunk("so AKIAIOSFODNN7EXAMPLE it is", 3)) {
    out.push(
      ...redactor.push({
        type: "content_block_delta",
        index: 0,
        delta: { type: "thinking_delta", thinking },
      }),
    );
  }
  const signature = { type: "signature_delta" as const, signature: "abc" };
  out.push(...redactor.push({ type: "content_block_delta", index: 0, delta: signature }));
  out.push(...redactor.push({ type: "content_block_stop", index: 0 }));
  const thought = out.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "thinking_delta" ? [e.delta.thinking] : []
  );
  assert.equal(thought.join(""), "so [REDACTED:aws] it is");
  assert.ok(out.some((e) => e.type === "content_block_delta" && e.delta.type === "signature_delta"));
});

Deno.test("createStreamRedactor() holds back a long token and releases it in linear time", () => {
  // A 200,000-character token, then a space and more text, in one delta: finding the held-back run
  // with a backtracking `/\S*$/` took ~14 s for 160,000 characters (quadratic); walked backwards it is linear.
  const token = "x".repeat(200_000);
  const started = performance.now();
  const { text } = streamed([`${token} y`, "\u00a0z AKIAIOSFODNN7EXAMPLE end"]);
  const ms = performance.now() - started;
  assert.equal(text, `${token} y\u00a0z [REDACTED:aws] end`);
  assert.ok(ms < 1500, `${ms.toFixed(0)} ms`); // generous for a shared machine; quadratic takes minutes
});
