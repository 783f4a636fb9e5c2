import assert from "node:assert/strict";
import OpenAI from "openai";
import { aiRows, ANTHROPIC_KEY, assertHygiene, setup } from "./_fixtures/fake_sdk_pair.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();

Deno.test(`llm sdk (${mode}): OpenAI SDK → /v1/chat/completions → Anthropic-wire upstream, text and tools`, async () => {
  await using s = await setup();
  const text = await s.openaiClient.chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }],
  });
  assert.equal(text.choices[0]?.message.content, "echo: hi");
  assert.equal(text.choices[0]?.finish_reason, "stop");
  assert.equal(text.usage?.prompt_tokens, 12);
  assert.equal(text.usage?.completion_tokens, 7);
  const sent = s.anthropic.requests[0]!;
  assert.equal(sent.path, "/v1/messages");
  assert.equal(sent.body["model"], "claude-fake");
  assert.equal(sent.body["max_tokens"], 2048, "catalog max_output_tokens when the caller sets none");
  assert.equal(sent.body["system"], "be brief");
  assert.equal(sent.headers["x-api-key"], ANTHROPIC_KEY);
  assert.equal(sent.headers["anthropic-version"], "2023-06-01");
  assertHygiene(sent.headers, s.gw.adminToken);

  const tools = [{
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  }];
  const first = await s.openaiClient.chat.completions.create({
    model: "gpt-test",
    max_tokens: 50,
    tools,
    messages: [{ role: "user", content: "weather?" }],
  });
  assert.equal(first.choices[0]?.finish_reason, "tool_calls");
  const call = first.choices[0]?.message.tool_calls?.[0];
  assert.ok(call && call.type === "function");
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
  const second = await s.openaiClient.chat.completions.create({
    model: "gpt-test",
    max_tokens: 50,
    tools,
    messages: [
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: call.id, content: "sunny" },
    ],
  });
  assert.equal(second.choices[0]?.message.content, "tool said: sunny");
  const upstream = s.anthropic.requests[2]!.body["messages"];
  assert.deepEqual(upstream, [
    { role: "user", content: [{ type: "text", text: "weather?" }] },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: call.id, name: "get_weather", input: { city: "Paris" } }],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny" }] },
  ]);
  const rows = await aiRows(s.gw.ctx);
  assert.equal(rows[0]!.cost_microdollars, 141); // 12 × 3 + 7 × 15
  assert.equal(rows[0]!.provider, "fake-anthropic");
});

Deno.test(`llm sdk (${mode}): OpenAI SDK streams text and tool calls through an Anthropic-wire upstream`, async () => {
  await using s = await setup();
  const stream = await s.openaiClient.chat.completions.create({
    model: "gpt-test",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "stream this reply" }],
  });
  let text = "";
  let usage: OpenAI.CompletionUsage | undefined;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, "echo: stream this reply");
  assert.equal(finish, "stop");
  assert.equal(usage?.prompt_tokens, 12);
  assert.equal(usage?.completion_tokens, 7);

  const runner = s.openaiClient.chat.completions.stream({
    model: "gpt-test",
    tools: [{
      type: "function",
      function: { name: "get_weather", parameters: { type: "object", properties: {} } },
    }],
    messages: [{ role: "user", content: "weather?" }],
  });
  const completion = await runner.finalChatCompletion();
  const call = completion.choices[0]?.message.tool_calls?.[0];
  assert.ok(call && call.type === "function");
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
  assert.equal(completion.choices[0]?.finish_reason, "tool_calls");
  const rows = await aiRows(s.gw.ctx, 2);
  assert.deepEqual(rows.map((r) => [r.status, r.stream, r.cost_microdollars]), [
    ["completed", true, 141],
    ["completed", true, 141],
  ]);
});
