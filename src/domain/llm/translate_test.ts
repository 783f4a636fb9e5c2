import assert from "node:assert/strict";
import { parseAnthropicRequest } from "./anthropic_request.ts";
import { toGeminiBody } from "./gemini_encode.ts";
import { parseGeminiRequest } from "./gemini_request.ts";
import { createGeminiChunkDecoder, decodeGeminiResponse } from "./gemini_response.ts";
import { toOpenAiBody } from "./openai_encode.ts";
import { parseOpenAiRequest } from "./openai_request.ts";
import { decodeOpenAiResponse, encodeOpenAiResponse } from "./openai_response.ts";
import { createOpenAiChunkDecoder } from "./openai_stream.ts";
import { createOpenAiChunkEncoder } from "./openai_stream_encode.ts";
import type { StreamEvent } from "./types.ts";

const openAiToolTurns = {
  model: "m",
  max_tokens: 64,
  stop: "END",
  tools: [{
    type: "function",
    function: { name: "get_weather", description: "w", parameters: { type: "object" } },
  }],
  tool_choice: "required",
  messages: [
    { role: "system", content: "sys" },
    {
      role: "user",
      content: [{ type: "text", text: "hi" }, {
        type: "image_url",
        image_url: { url: "data:image/png;base64,AAAA" },
      }],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "c1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
      }],
    },
    { role: "tool", tool_call_id: "c1", content: "cold" },
    { role: "user", content: "thanks" },
  ],
};

Deno.test("parseOpenAiRequest() → canonical: system, parts, tool calls, tool results merged into the next user turn", () => {
  const r = parseOpenAiRequest(openAiToolTurns);
  assert.equal(r.system, "sys");
  assert.equal(r.max_tokens, 64);
  assert.deepEqual(r.stop_sequences, ["END"]);
  assert.deepEqual(r.tool_choice, { type: "any" });
  assert.deepEqual(r.tools, [{ name: "get_weather", description: "w", input_schema: { type: "object" } }]);
  assert.deepEqual(r.messages, [
    {
      role: "user",
      content: [{ type: "text", text: "hi" }, {
        type: "image",
        source: { type: "base64", media_type: "image/png", data: "AAAA" },
      }],
    },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "c1", name: "get_weather", input: { city: "Oslo" } }],
    },
    {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "c1", content: "cold" }, {
        type: "text",
        text: "thanks",
      }],
    },
  ]);
});

Deno.test("toOpenAiBody() round-trips the canonical form back to OpenAI messages (tool results first)", () => {
  const body = toOpenAiBody(parseOpenAiRequest({ ...openAiToolTurns, stream: true }), {
    model: "up",
    maxTokens: 64,
    completionTokensField: "max_completion_tokens",
  });
  assert.equal(body["max_completion_tokens"], 64);
  assert.deepEqual(body["stream_options"], { include_usage: true });
  assert.deepEqual(body["tool_choice"], "required");
  assert.deepEqual((body["messages"] as unknown[]).slice(2), [
    {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "c1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
      }],
    },
    { role: "tool", tool_call_id: "c1", content: "cold" },
    { role: "user", content: "thanks" },
  ]);
});

Deno.test("parseAnthropicRequest() validates and keeps only what other wires can carry", () => {
  assert.throws(() => parseAnthropicRequest({ model: "m", messages: [] }), /max_tokens/);
  assert.throws(
    () => parseAnthropicRequest({ model: "m", max_tokens: 5, messages: [{ role: "system", content: "x" }] }),
    /role/,
  );
  const r = parseAnthropicRequest({
    model: "m",
    max_tokens: 5,
    system: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }],
    tools: [{ type: "web_search_20250305", name: "web_search" }, {
      name: "f",
      input_schema: { type: "object" },
    }],
    messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "document", source: {} }] }],
  });
  assert.deepEqual(r.system, [{ type: "text", text: "s" }]);
  assert.deepEqual(r.tools, [{ name: "f", input_schema: { type: "object" } }]);
  assert.deepEqual(r.messages[0]!.content, [{ type: "text", text: "a" }]);
});

Deno.test("OpenAI responses ↔ canonical: finish reasons, tool calls and cached-token usage", () => {
  const message = decodeOpenAiResponse({
    id: "chatcmpl-1",
    model: "gpt",
    choices: [{
      message: { content: null, tool_calls: [{ id: "c", function: { name: "f", arguments: '{"x":1}' } }] },
      finish_reason: "tool_calls",
    }],
    usage: { prompt_tokens: 110, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 100 } },
  }, "fallback");
  assert.equal(message.stop_reason, "tool_use");
  assert.deepEqual(message.usage, {
    input_tokens: 10,
    output_tokens: 5,
    cache_read_input_tokens: 100,
    cache_creation_input_tokens: 0,
  });
  const back = encodeOpenAiResponse(message, 1) as {
    choices: { finish_reason: string }[];
    usage: { prompt_tokens: number };
  };
  assert.equal(back.choices[0]!.finish_reason, "tool_calls");
  assert.equal(back.usage.prompt_tokens, 110);
});

Deno.test("OpenAI chunk streams ↔ canonical events: text, then a tool call, then usage", () => {
  const decoder = createOpenAiChunkDecoder("m");
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id: "c",
    model: "m",
    choices: [{ delta, finish_reason: finish }],
  });
  const events: StreamEvent[] = [
    ...decoder.push(chunk({ role: "assistant", content: "" })),
    ...decoder.push(chunk({ content: "Hi" })),
    ...decoder.push(
      chunk({ tool_calls: [{ index: 0, id: "t", function: { name: "f", arguments: '{"a"' } }] }),
    ),
    ...decoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] })),
    ...decoder.push(chunk({}, "tool_calls")),
    ...decoder.push({ id: "c", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } }),
    ...decoder.finish(),
  ];
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  const delta = events.find((e) => e.type === "message_delta");
  assert.ok(delta?.type === "message_delta");
  assert.equal(delta.delta.stop_reason, "tool_use");
  assert.equal(delta.usage.output_tokens, 4);
  const encoder = createOpenAiChunkEncoder(1, true);
  const out = events.flatMap((e) => encoder.push(e));
  assert.equal(out.at(-1), "[DONE]");
  assert.deepEqual(JSON.parse(out.at(-2)!).usage.completion_tokens, 4);
  assert.equal(JSON.parse(out.at(-3)!).choices[0].finish_reason, "tool_calls");
});

Deno.test("an OpenAI stream cut before any finish_reason ends with an error event", () => {
  const decoder = createOpenAiChunkDecoder("m");
  decoder.push({ choices: [{ delta: { content: "partial" } }] });
  assert.ok(decoder.finish().some((e) => e.type === "error"));
});

Deno.test("Gemini: requests both ways, responses and streamed chunks → canonical", () => {
  const request = parseOpenAiRequest(openAiToolTurns);
  const body = toGeminiBody(request, 64) as {
    contents: { role: string; parts: unknown[] }[];
    systemInstruction: unknown;
  };
  assert.deepEqual(body.systemInstruction, { parts: [{ text: "sys" }] });
  assert.deepEqual(body.contents[1], {
    role: "model",
    parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }],
  });
  assert.deepEqual(body.contents[2]!.parts[0], {
    functionResponse: { name: "get_weather", response: { content: "cold" } },
  });
  const back = parseGeminiRequest(body, "gemini-x", true);
  assert.equal(back.model, "gemini-x");
  assert.equal(back.max_tokens, 64);
  assert.equal(back.system, "sys");
  const message = decodeGeminiResponse({
    candidates: [{
      content: { parts: [{ text: "a" }, { text: "b" }, { functionCall: { name: "f", args: { q: 1 } } }] },
      finishReason: "STOP",
    }],
    usageMetadata: {
      promptTokenCount: 20,
      candidatesTokenCount: 4,
      thoughtsTokenCount: 6,
      cachedContentTokenCount: 5,
    },
  }, "g");
  assert.equal(message.stop_reason, "tool_use");
  assert.deepEqual(message.content[0], { type: "text", text: "ab" });
  assert.deepEqual(message.usage, {
    input_tokens: 15,
    output_tokens: 10,
    cache_read_input_tokens: 5,
    cache_creation_input_tokens: 0,
  });
  const decoder = createGeminiChunkDecoder("g");
  const events = [
    ...decoder.push({ candidates: [{ content: { parts: [{ text: "x" }] } }] }),
    ...decoder.push({
      candidates: [{ content: { parts: [{ text: "y" }] }, finishReason: "MAX_TOKENS" }],
      usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2 },
    }),
    ...decoder.finish(),
  ];
  const end = events.find((e) => e.type === "message_delta");
  assert.ok(end?.type === "message_delta");
  assert.equal(end.delta.stop_reason, "max_tokens");
  assert.equal(end.usage.output_tokens, 2);
});
