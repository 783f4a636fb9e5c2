import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { AppContext } from "@app/context.ts";
import { openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();
const AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
const PROVIDER_KEY = "sk-live-canary-provider-key-5f1d2e3c4b5a";

interface Attempt {
  provider: string;
  outcome: string;
  status?: number;
}

async function requests(ctx: AppContext) {
  await ctx.llmCalls.flush();
  return await ctx.db.many<
    { status: string; provider: string; attempts: Attempt[]; error: string | null; stream: boolean }
  >(
    "select status, provider, attempts, error, stream from ai_requests order by created_at",
  );
}

/** A TCP port nobody listens on (connection refused). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

Deno.test(`llm resilience (${mode}): 503 twice then 200 — the client sees 200; a dead primary falls back`, async () => {
  await using flaky = startFakeProvider("anthropic", { failFirst: 2, failStatus: 503 });
  await using backup = startFakeProvider("openai-chat");
  await using gw = await openGateway({
    profile: `
gateway:
  retry_backoff_ms: 5
  routes:
    - { model_pattern: "flaky-*", provider: flaky, upstream_model: m }
    - { model_pattern: "dead-*", provider: dead, upstream_model: m, fallbacks: [{ provider: backup, upstream_model: b }] }
providers:
  - { name: flaky, wire: anthropic, endpoint: "${flaky.endpoint}" }
  - { name: dead, wire: anthropic, endpoint: "http://127.0.0.1:${closedPort()}/v1" }
  - { name: backup, wire: openai-chat, endpoint: "${backup.endpoint}" }
`,
  });
  const client = new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });
  const retried = await client.messages.create({
    model: "flaky-1",
    max_tokens: 5,
    messages: [{ role: "user", content: "a" }],
  });
  assert.equal(retried.content[0]?.type === "text" && retried.content[0].text, "echo: a");
  assert.equal(flaky.requests.length, 3);
  const fellBack = await client.messages.create({
    model: "dead-1",
    max_tokens: 5,
    messages: [{ role: "user", content: "b" }],
  });
  assert.equal(fellBack.content[0]?.type === "text" && fellBack.content[0].text, "echo: b");
  assert.equal(backup.requests[0]!.body["model"], "b");
  const rows = await requests(gw.ctx);
  assert.deepEqual(rows.map((r) => [r.status, r.provider]), [["completed", "flaky"], [
    "completed",
    "backup",
  ]]);
  assert.deepEqual(rows[0]!.attempts.map((a) => [a.outcome, a.status]), [
    ["upstream_error", 503],
    ["upstream_error", 503],
    ["ok", 200],
  ]);
  assert.deepEqual(rows[1]!.attempts.map((a) => `${a.provider}:${a.outcome}`), [
    "dead:connection_error",
    "dead:connection_error",
    "dead:connection_error",
    "backup:ok",
  ]);
  flaky.script.failFirst = 100;
  await assert.rejects(
    client.messages.create({ model: "flaky-1", max_tokens: 5, messages: [{ role: "user", content: "c" }] }),
    (error: unknown) => error instanceof Anthropic.APIError && error.status === 502,
  );
  assert.equal((await requests(gw.ctx)).at(-1)!.status, "failed");
});

Deno.test(`llm resilience (${mode}): an upstream slower than the route deadline → 504 after the retries`, async () => {
  await using slow = startFakeProvider("openai-chat", { delayMs: 400 });
  await using gw = await openGateway({
    profile: `
gateway:
  retries: 1
  retry_backoff_ms: 5
  routes: [{ model_pattern: "*", provider: slow, upstream_model: m, timeout_ms: 100 }]
providers:
  - { name: slow, wire: openai-chat, endpoint: "${slow.endpoint}" }
`,
  });
  const client = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }),
    (error: unknown) => error instanceof OpenAI.APIError && error.status === 504,
  );
  const [row] = await requests(gw.ctx);
  assert.equal(row!.status, "failed");
  assert.deepEqual(row!.attempts.map((a) => a.outcome), ["timeout", "timeout"]);
});

Deno.test(`llm resilience (${mode}): a stream longer than the route timeout completes (the deadline is idle time)`, async () => {
  await using fake = startFakeProvider("anthropic", {
    answer: () => ({
      text: "tick ".repeat(12),
      usage: { input: 1, output: 12 },
      chunkSize: 5,
      frameDelayMs: 60,
    }),
  });
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m, timeout_ms: 250 }]
providers:
  - { name: fake, wire: anthropic, endpoint: "${fake.endpoint}" }
`,
  });
  const client = new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });
  const started = performance.now();
  const message = await client.messages.stream({
    model: "m",
    max_tokens: 20,
    messages: [{ role: "user", content: "x" }],
  })
    .finalMessage();
  assert.ok(performance.now() - started > 500, "the stream outlived the 250 ms deadline");
  assert.equal(message.content[0]?.type === "text" && message.content[0].text, "tick ".repeat(12));
  assert.equal((await requests(gw.ctx))[0]!.status, "completed");
});

Deno.test(`llm resilience (${mode}): a client that disconnects mid-stream aborts the upstream`, async () => {
  await using fake = startFakeProvider("openai-chat", {
    answer: () => ({
      text: "word ".repeat(400),
      usage: { input: 5, output: 400 },
      chunkSize: 5,
      frameDelayMs: 10,
    }),
  });
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m }]
providers:
  - { name: fake, wire: openai-chat, endpoint: "${fake.endpoint}" }
`,
  });
  const controller = new AbortController();
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${gw.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "x", stream: true, messages: [{ role: "user", content: "talk" }] }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  await reader.read();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => {});
  for (let i = 0; i < 100 && !(fake.streams[0]?.aborted); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(fake.streams[0]?.aborted, true, "the upstream stream was cancelled");
  let rows = await requests(gw.ctx);
  for (let i = 0; i < 50 && rows.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    rows = await requests(gw.ctx);
  }
  assert.equal(rows[0]?.status, "failed");
  assert.equal(rows[0]?.error, "client closed the stream");
});

Deno.test(`llm resilience (${mode}): secrets in model output are redacted, whole and streamed (split across chunks)`, async () => {
  const text = `here is a key ${AWS_KEY} and the gateway's own ${PROVIDER_KEY} ok`;
  await using fake = startFakeProvider("anthropic", {
    answer: () => ({ text, usage: { input: 5, output: 20 }, chunkSize: 3 }),
  });
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m }]
providers:
  - { name: fake, wire: anthropic, endpoint: "${fake.endpoint}", api_key_secret: fake_key }
`,
    secrets: { fake_key: PROVIDER_KEY },
  });
  const claude = new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });
  const whole = await claude.messages.create({
    model: "m",
    max_tokens: 50,
    messages: [{ role: "user", content: "x" }],
  });
  const wholeText = whole.content[0]?.type === "text" ? whole.content[0].text : "";
  const gpt = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const stream = await gpt.chat.completions.create({
    model: "m",
    stream: true,
    messages: [{ role: "user", content: "x" }],
  });
  let streamed = "";
  let pieces = 0;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content ?? "";
    if (delta) pieces++;
    streamed += delta;
  }
  for (const out of [wholeText, streamed]) {
    assert.ok(!out.includes(AWS_KEY), out);
    assert.ok(!out.includes(PROVIDER_KEY), out);
    assert.ok(!out.includes("AKIAIOSF"), "no prefix of the key leaks either");
    assert.match(
      out,
      /^here is a key \[REDACTED:[a-z0-9-]+\] and the gateway's own \[REDACTED:[a-z0-9-]+\] ok$/,
    );
  }
  assert.ok(pieces > 3, `streamed in ${pieces} pieces`);
  await gw.ctx.llmCalls.flush();
  await gw.ctx.audit.publishEvents();
  const logged = JSON.stringify(await gw.ctx.db.many("select * from ai_requests"));
  assert.ok(!logged.includes(PROVIDER_KEY) && !logged.includes(AWS_KEY));
  const events = JSON.stringify(await gw.ctx.db.many("select payload from event_outbox"));
  assert.ok(!events.includes(PROVIDER_KEY));
});
