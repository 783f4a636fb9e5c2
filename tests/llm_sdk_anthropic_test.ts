import assert from "node:assert/strict";
import { aiRows, assertHygiene, OPENAI_KEY, setup } from "./_fixtures/fake_sdk_pair.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();

Deno.test(`llm sdk (${mode}): Anthropic SDK → /v1/messages → OpenAI-wire upstream, text and tools`, async () => {
  await using s = await setup();
  const text = await s.anthropicClient.messages.create({
    model: "claude-test",
    max_tokens: 100,
    system: "be brief",
    messages: [{ role: "user", content: "hello there" }],
  });
  assert.equal(text.content[0]?.type, "text");
  assert.equal(text.content[0]?.type === "text" && text.content[0].text, "echo: hello there");
  assert.equal(text.stop_reason, "end_turn");
  assert.deepEqual([text.usage.input_tokens, text.usage.output_tokens], [12, 7]);
  const sent = s.openai.requests[0]!;
  assert.equal(sent.path, "/v1/chat/completions");
  assert.equal(sent.body["model"], "gpt-fake");
  assert.deepEqual(sent.body["messages"], [
    { role: "system", content: "be brief" },
    { role: "user", content: "hello there" },
  ]);
  assert.equal(sent.headers["authorization"], `Bearer ${OPENAI_KEY}`);
  assertHygiene(sent.headers, s.gw.adminToken);
  // A plain-HTTP upstream is called through the gateway's own keep-alive client, which kept the connection.
  assert.equal(s.gw.ctx.upstreamHttp.idle(), 1);

  const tools = [{
    name: "get_weather",
    description: "Weather for a city",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
  }];
  const first = await s.anthropicClient.messages.create({
    model: "claude-test",
    max_tokens: 100,
    tools,
    messages: [{ role: "user", content: "weather in Paris?" }],
  });
  assert.equal(first.stop_reason, "tool_use");
  const call = first.content.find((b) => b.type === "tool_use");
  assert.ok(call && call.type === "tool_use");
  assert.equal(call.name, "get_weather");
  assert.deepEqual(call.input, { city: "Paris" });
  const second = await s.anthropicClient.messages.create({
    model: "claude-test",
    max_tokens: 100,
    tools,
    messages: [
      { role: "user", content: "weather in Paris?" },
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny" }] },
    ],
  });
  assert.equal(second.content[0]?.type === "text" && second.content[0].text, "tool said: sunny");
  const translated = s.openai.requests[2]!.body["messages"] as Record<string, unknown>[];
  assert.deepEqual(translated.slice(1), [
    {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: call.id,
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      }],
    },
    { role: "tool", tool_call_id: call.id, content: "sunny" },
  ]);
  const rows = await aiRows(s.gw.ctx, 3);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    { ...rows[0]!, trace_id: "" },
    {
      provider: "fake-openai",
      model: "gpt-fake",
      requested_model: "claude-test",
      status: "completed",
      input_tokens: 12,
      output_tokens: 7,
      cost_microdollars: 100, // 12 × 2.5 + 7 × 10
      stream: false,
      trace_id: "",
    },
  );
});

Deno.test(`llm sdk (${mode}): Anthropic SDK streams text and tool use through an OpenAI-wire upstream`, async () => {
  await using s = await setup();
  const stream = s.anthropicClient.messages.stream({
    model: "claude-test",
    max_tokens: 100,
    messages: [{ role: "user", content: "stream me a reply please" }],
  });
  const deltas: string[] = [];
  stream.on("text", (t) => deltas.push(t));
  const message = await stream.finalMessage();
  assert.equal(
    message.content[0]?.type === "text" && message.content[0].text,
    "echo: stream me a reply please",
  );
  assert.ok(deltas.length > 3, "text arrived in several deltas");
  assert.equal(message.usage.output_tokens, 7);
  assert.equal(message.usage.input_tokens, 12);
  assert.equal(s.openai.requests[0]!.body["stream"], true);
  assert.deepEqual(s.openai.requests[0]!.body["stream_options"], { include_usage: true });

  const toolStream = s.anthropicClient.messages.stream({
    model: "claude-test",
    max_tokens: 100,
    tools: [{
      name: "get_weather",
      input_schema: { type: "object", properties: { city: { type: "string" } } },
    }],
    messages: [{ role: "user", content: "weather?" }],
  });
  const toolMessage = await toolStream.finalMessage();
  assert.equal(toolMessage.stop_reason, "tool_use");
  const call = toolMessage.content.find((b) => b.type === "tool_use");
  assert.ok(call && call.type === "tool_use");
  assert.deepEqual(call.input, { city: "Paris" });
  const rows = await aiRows(s.gw.ctx, 2);
  assert.deepEqual(
    rows.map((r) => [r.status, r.stream, r.input_tokens, r.output_tokens, r.cost_microdollars]),
    [
      ["completed", true, 12, 7, 100],
      ["completed", true, 12, 7, 100],
    ],
  );
  // Both streams were read to their end over one connection, which is kept for the next call.
  for (let i = 0; i < 100 && s.gw.ctx.upstreamHttp.idle() === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(s.gw.ctx.upstreamHttp.idle(), 1);
});

Deno.test(`llm sdk (${mode}): /v1/models answers in each SDK's shape`, async () => {
  await using s = await setup();
  const anthropicModels = [];
  for await (const m of s.anthropicClient.models.list()) anthropicModels.push(m);
  assert.ok(anthropicModels.some((m) => m.id === "claude-sonnet-4-6" && m.type === "model"));
  assert.ok(anthropicModels.some((m) => m.id === "gpt-fake"));
  const openaiModels = [];
  for await (const m of s.openaiClient.models.list()) openaiModels.push(m);
  assert.ok(openaiModels.some((m) => m.id === "claude-fake" && m.owned_by === "fake-anthropic"));
  const raw = await fetch(`${s.gw.url}/v1/models`, {
    headers: { authorization: `Bearer ${s.gw.adminToken}`, "x-inference-protocol": "anthropic" },
  });
  const body = await raw.json();
  assert.equal(body.has_more, false);
  assert.equal(body.data[0].type, "model");
});
