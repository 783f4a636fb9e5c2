import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { addUser, openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();

Deno.test(`llm budget (${mode}): 50 concurrent calls against a budget that fits 10 — at most 10 admitted, no overspend`, async () => {
  // Each call costs exactly its estimate: 1,000 output tokens at $1/M = 1,000 µ$ (input is free).
  await using fake = startFakeProvider("openai-chat", {
    answer: () => ({ text: "ok", usage: { input: 20, output: 1000 }, frameDelayMs: 5 }),
  });
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m }]
providers:
  - { name: fake, wire: openai-chat, endpoint: "${fake.endpoint}", models: [{ id: m, pricing: { input_per_million: 0, output_per_million: 1 } }] }
`,
    policies: "budgets:\n  - { name: team, scope: user, subject: '*', window: month, limit_usd: 0.0105 }\n",
  });
  const { token } = await addUser(gw, "crowd@example.com");
  const client = new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const results = await Promise.allSettled(
    Array.from(
      { length: 50 },
      () =>
        client.chat.completions.create({
          model: "any",
          max_tokens: 1000,
          messages: [{ role: "user", content: "go" }],
        }),
    ),
  );
  const admitted = results.filter((r) => r.status === "fulfilled").length;
  const limited =
    results.filter((r) => r.status === "rejected" && r.reason instanceof OpenAI.RateLimitError).length;
  assert.equal(admitted + limited, 50, "every call either ran or was refused with 429");
  assert.ok(admitted <= 10, `${admitted} admitted`);
  assert.ok(admitted >= 1);
  assert.equal(fake.requests.length, admitted);
  await gw.ctx.llmCalls.flush();
  const window = await gw.ctx.db.one<{ spent_micros: number; reserved_micros: number; limit_micros: number }>(
    "select spent_micros, reserved_micros, limit_micros from llm_budget_windows where budget = 'team'",
  );
  assert.equal(window.limit_micros, 10_500);
  assert.equal(window.reserved_micros, 0, "every reservation settled");
  assert.equal(window.spent_micros, admitted * 1000);
  assert.ok(window.spent_micros <= window.limit_micros);
  const settled = await gw.ctx.db.one<{ total: number; n: number }>(
    "select coalesce(sum(cost_microdollars), 0)::int8 as total, count(*)::int as n from ai_requests where status = 'completed'",
  );
  assert.deepEqual(settled, { total: admitted * 1000, n: admitted });
});

Deno.test(`llm budget (${mode}): ai_requests cost equals the catalog price to the microdollar`, async () => {
  await using anthropicFake = startFakeProvider("anthropic", {
    answer: () => ({ text: "priced", usage: { input: 1234, output: 567, cacheRead: 890 } }),
  });
  const usages = [{ input: 10, output: 0 }, { input: 10, output: 3, cacheRead: 100 }];
  let n = 0;
  await using openaiFake = startFakeProvider("openai-chat", {
    answer: () => ({ text: "priced", usage: usages[n++]! }),
  });
  // Catalog providers pointed at the fakes: their catalog prices apply unchanged.
  await using gw = await openGateway({
    profile: `
providers:
  - { name: anthropic, endpoint: "${anthropicFake.endpoint}" }
  - { name: openai, endpoint: "${openaiFake.endpoint}" }
`,
    secrets: { anthropic: "sk-ant-test-key-123456", openai: "sk-openai-test-key-123456" },
  });
  const claude = new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });
  await claude.messages.create({
    model: "claude-sonnet-4-6",
    max_tokens: 50,
    messages: [{ role: "user", content: "x" }],
  });
  const gpt = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  await gpt.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
  const streamed = await gpt.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    messages: [{ role: "user", content: "x" }],
  });
  for await (const _ of streamed) { /* drain */ }
  await gw.ctx.llmCalls.flush();
  const rows = await gw.ctx.db.many<Record<string, unknown>>(
    `select provider, model, input_tokens, output_tokens, cache_read_tokens, cost_microdollars, stream
     from ai_requests order by created_at`,
  );
  assert.deepEqual(rows, [
    // $3/M × 1234 + $15/M × 567 + $0.30/M × 890 = 3702 + 8505 + 267
    {
      provider: "anthropic",
      model: "claude-sonnet-4-6",
      input_tokens: 1234,
      output_tokens: 567,
      cache_read_tokens: 890,
      cost_microdollars: 12_474,
      stream: false,
    },
    // $0.15/M × 10 = 1.5 µ$ → rounded half-up to 2
    {
      provider: "openai",
      model: "gpt-4o-mini",
      input_tokens: 10,
      output_tokens: 0,
      cache_read_tokens: 0,
      cost_microdollars: 2,
      stream: false,
    },
    // streamed usage: 10 × 0.15 + 3 × 0.60 + 100 × 0.075 = 1.5 + 1.8 + 7.5 = 10.8 → 11
    {
      provider: "openai",
      model: "gpt-4o-mini",
      input_tokens: 10,
      output_tokens: 3,
      cache_read_tokens: 100,
      cost_microdollars: 11,
      stream: true,
    },
  ]);
  assert.equal(openaiFake.requests[1]!.headers["authorization"], "Bearer sk-openai-test-key-123456");
  assert.deepEqual(openaiFake.requests[1]!.body["stream_options"], { include_usage: true });
});

Deno.test(`llm budget (${mode}): a shadow budget never denies; it records the would-be denial`, async () => {
  await using fake = startFakeProvider("openai-chat");
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m }]
providers:
  - { name: fake, wire: openai-chat, endpoint: "${fake.endpoint}", models: [{ id: m, pricing: { input_per_million: 1, output_per_million: 1 } }] }
`,
    policies:
      "budgets:\n  - { name: watch, scope: organization, subject: '*', window: day, limit_usd: 0.000001, mode: shadow }\n",
  });
  const client = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const answer = await client.chat.completions.create({
    model: "m",
    messages: [{ role: "user", content: "hi" }],
  });
  assert.equal(answer.choices[0]?.message.content, "echo: hi");
  const [row] = await gw.ctx.db.many<
    { decision: string; evaluated_rules: { chain: { policy_id: string; detail: string }[] } }
  >(
    "select decision, evaluated_rules from governance_decisions",
  );
  assert.equal(row!.decision, "allow");
  const budget = row!.evaluated_rules.chain.find((e) => e.policy_id === "budget")!;
  assert.match(budget.detail, /shadow: watch would deny/);
  await gw.ctx.llmCalls.flush();
  const window = await gw.ctx.db.one<{ spent_micros: number; reserved_micros: number }>(
    "select spent_micros, reserved_micros from llm_budget_windows where budget = 'watch'",
  );
  assert.deepEqual(window, { spent_micros: 19, reserved_micros: 0 }); // 12 in + 7 out at $1/M
});
