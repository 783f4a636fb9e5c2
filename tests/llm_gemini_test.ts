import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();
const GEMINI_KEY = "AIzaSyFakeGeminiKeyForTests0123456789";

async function setup() {
  const gemini = startFakeProvider("gemini");
  const openai = startFakeProvider("openai-chat");
  const gw = await openGateway({
    profile: `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: fake-gemini, upstream_model: gemini-fake }
    - { model_pattern: "gemini-*", provider: fake-openai, upstream_model: gpt-fake }
providers:
  - name: fake-gemini
    wire: gemini
    endpoint: ${gemini.endpoint}
    api_key_secret: gemini_key
    models: [{ id: gemini-fake, pricing: { input_per_million: 1, output_per_million: 4 } }]
  - { name: fake-openai, wire: openai-chat, endpoint: "${openai.endpoint}" }
`,
    secrets: { gemini_key: GEMINI_KEY },
  });
  return {
    gw,
    gemini,
    openai,
    [Symbol.asyncDispose]: async () => {
      await gw[Symbol.asyncDispose]();
      await gemini[Symbol.asyncDispose]();
      await openai[Symbol.asyncDispose]();
    },
  };
}

Deno.test(`llm gemini (${mode}): Anthropic SDK → Gemini-wire upstream, whole, streamed and with tools`, async () => {
  await using s = await setup();
  const client = new Anthropic({ apiKey: s.gw.adminToken, baseURL: s.gw.url, maxRetries: 0 });
  const text = await client.messages.create({
    model: "claude-x",
    max_tokens: 40,
    system: "terse",
    messages: [{ role: "user", content: "ping" }],
  });
  assert.equal(text.content[0]?.type === "text" && text.content[0].text, "echo: ping");
  assert.deepEqual([text.usage.input_tokens, text.usage.output_tokens], [12, 7]);
  const sent = s.gemini.requests[0]!;
  assert.equal(sent.path, "/v1beta/models/gemini-fake:generateContent");
  assert.equal(sent.headers["x-goog-api-key"], GEMINI_KEY);
  assert.deepEqual(sent.body["systemInstruction"], { parts: [{ text: "terse" }] });
  assert.deepEqual(sent.body["generationConfig"], { maxOutputTokens: 40 });
  const streamed = await client.messages.stream({
    model: "claude-x",
    max_tokens: 40,
    messages: [{ role: "user", content: "stream please" }],
  }).finalMessage();
  assert.equal(streamed.content[0]?.type === "text" && streamed.content[0].text, "echo: stream please");
  assert.equal(streamed.usage.output_tokens, 7);
  assert.equal(s.gemini.requests[1]!.path, "/v1beta/models/gemini-fake:streamGenerateContent");
  const tools = [{
    name: "lookup",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
  }];
  const call = await client.messages.create({
    model: "claude-x",
    max_tokens: 40,
    tools,
    messages: [{ role: "user", content: "where?" }],
  });
  const use = call.content.find((b) => b.type === "tool_use");
  assert.ok(use && use.type === "tool_use");
  assert.equal(call.stop_reason, "tool_use");
  const answer = await client.messages.create({
    model: "claude-x",
    max_tokens: 40,
    tools,
    messages: [
      { role: "user", content: "where?" },
      { role: "assistant", content: call.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "Oslo" }] },
    ],
  });
  assert.equal(answer.content[0]?.type === "text" && answer.content[0].text, "tool said: Oslo");
  await s.gw.ctx.llmCalls.flush();
  const rows = await s.gw.ctx.db.many<{ provider: string; cost_microdollars: number }>(
    "select provider, cost_microdollars from ai_requests order by created_at",
  );
  assert.deepEqual(rows[0], { provider: "fake-gemini", cost_microdollars: 40 }); // 12 × 1 + 7 × 4
});

Deno.test(`llm gemini (${mode}): a Gemini-dialect caller reaches an OpenAI-wire upstream, whole and streamed`, async () => {
  await using s = await setup();
  const headers = {
    "x-goog-api-key": "",
    authorization: `Bearer ${s.gw.adminToken}`,
    "content-type": "application/json",
  };
  const body = {
    contents: [{ role: "user", parts: [{ text: "hola" }] }],
    generationConfig: { maxOutputTokens: 30 },
  };
  const whole = await fetch(`${s.gw.url}/v1beta/models/gemini-pro:generateContent`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  assert.equal(whole.status, 200);
  const json = await whole.json();
  assert.equal(json.candidates[0].content.parts[0].text, "echo: hola");
  assert.equal(json.candidates[0].finishReason, "STOP");
  assert.equal(json.usageMetadata.promptTokenCount, 12);
  assert.equal(s.openai.requests[0]!.body["max_tokens"], 30);
  const stream = await fetch(`${s.gw.url}/v1beta/models/gemini-pro:streamGenerateContent?alt=sse`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  assert.match(stream.headers.get("content-type") ?? "", /text\/event-stream/);
  const frames = (await stream.text()).split("\n\n").filter((f) => f.startsWith("data: "));
  const chunks = frames.map((f) => JSON.parse(f.slice(6)));
  const text = chunks.flatMap((c) =>
    c.candidates[0].content.parts.map((p: { text?: string }) => p.text ?? "")
  ).join("");
  assert.equal(text, "echo: hola");
  assert.equal(chunks.at(-1).usageMetadata.candidatesTokenCount, 7);
  assert.equal(chunks.at(-1).candidates[0].finishReason, "STOP");
  const unknown = await fetch(`${s.gw.url}/v1beta/models/gemini-pro:embedContent`, {
    method: "POST",
    headers,
    body: "{}",
  });
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.status, "NOT_FOUND");
});

Deno.test(`llm gemini (${mode}): count_tokens estimates locally and 404s an unknown model`, async () => {
  await using s = await setup();
  const client = new Anthropic({ apiKey: s.gw.adminToken, baseURL: s.gw.url, maxRetries: 0 });
  const counted = await client.messages.countTokens({
    model: "claude-x",
    messages: [{ role: "user", content: "x".repeat(400) }],
  });
  assert.ok(counted.input_tokens >= 100 && counted.input_tokens < 110, String(counted.input_tokens));
  await assert.rejects(
    client.messages.countTokens({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    (error: unknown) => error instanceof Anthropic.NotFoundError,
  );
  assert.equal(s.gemini.requests.length, 0, "counting never calls a provider");
});
