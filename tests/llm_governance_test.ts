import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { addApiKey, addUser, type Gateway, openGateway } from "./_fixtures/fake_gateway.ts";
import { type FakeProvider, startFakeProvider } from "./_fixtures/fake_provider.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();
const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u",
  "+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQz",
  "uVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

const PROFILE = (fake: FakeProvider) => `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: fake, upstream_model: gpt-fake }
    - { model_pattern: "gpt-*", provider: fake, upstream_model: gpt-fake }
providers:
  - name: fake
    wire: openai-chat
    endpoint: ${fake.endpoint}
    models:
      - { id: gpt-fake, pricing: { input_per_million: 1, output_per_million: 2 } }
`;

async function gateway(extra: { policies?: string; roles?: string } = {}) {
  const fake = startFakeProvider("openai-chat");
  const gw = await openGateway({ profile: PROFILE(fake), ...extra });
  return {
    gw,
    fake,
    [Symbol.asyncDispose]: async () => {
      await gw[Symbol.asyncDispose]();
      await fake[Symbol.asyncDispose]();
    },
  };
}

const anthropic = (gw: Gateway, token: string) =>
  new Anthropic({ apiKey: token, baseURL: gw.url, maxRetries: 0 });
const openai = (gw: Gateway, token: string) =>
  new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });

async function post(gw: Gateway, path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

interface Row {
  decision: string;
  policy: string;
  reason: string | null;
  tool_name: string;
  evaluated_rules: {
    target: Record<string, unknown>;
    chain: { policy_id: string; result: string; detail: string }[];
  };
}

function decisions(gw: Gateway): Promise<Row[]> {
  return gw.ctx.db.many<Row>(
    "select decision, policy, reason, tool_name, evaluated_rules from governance_decisions order by seq",
  );
}

Deno.test(`llm governance (${mode}): a PEM key in the prompt is denied in each dialect; nothing reaches the provider`, async () => {
  await using s = await gateway();
  const prompt = `please review this key\n${PEM}`;
  await assert.rejects(
    anthropic(s.gw, s.gw.adminToken).messages.create({
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: prompt }],
    }),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.PermissionDeniedError);
      assert.equal(error.status, 403);
      assert.deepEqual(Object.keys(error.error as object), ["type", "error"]);
      const inner = (error.error as { error: { type: string; message: string } }).error;
      assert.equal(inner.type, "permission_error");
      assert.match(inner.message, /^\[GOVERNANCE\] secret detected: .* at prompt\.text \(/);
      assert.ok(!inner.message.includes("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t"));
      return true;
    },
  );
  const raw = await post(s.gw, "/v1/chat/completions", {
    model: "gpt-test",
    messages: [{ role: "user", content: prompt }],
  }, { authorization: `Bearer ${s.gw.adminToken}` });
  assert.equal(raw.status, 403);
  assert.equal(raw.body.error.type, "permission_error");
  assert.equal(raw.body.error.code, "llm.denied");
  assert.equal(s.fake.requests.length, 0, "the provider saw nothing");
  const rows = await decisions(s.gw);
  assert.deepEqual(rows.map((r) => [r.decision, r.policy, r.tool_name]), [
    ["deny", "secret_scan", "llm:claude-test"],
    ["deny", "secret_scan", "llm:gpt-test"],
  ]);
  assert.equal(rows[0]!.evaluated_rules.target["surface"], "llm");
  assert.equal(rows[0]!.evaluated_rules.target["route"], "claude");
  await s.gw.ctx.llmCalls.flush();
  const ai = await s.gw.ctx.db.many<{ status: string; cost_microdollars: number }>(
    "select status, cost_microdollars from ai_requests",
  );
  assert.deepEqual(ai, [{ status: "denied", cost_microdollars: 0 }, {
    status: "denied",
    cost_microdollars: 0,
  }]);
});

Deno.test(`llm governance (${mode}): unknown model → 404, route ACL → 403, exposure → 403`, async () => {
  await using s = await gateway({
    roles: "rules:\n  - { entity: 'gateway_route:gpt', effect: deny, users: [intern@example.com] }\n",
    policies: "exposure:\n  - { models: ['claude-opus-*'], allow_roles: [admin] }\n",
  });
  const { token } = await addUser(s.gw, "intern@example.com");
  await assert.rejects(
    openai(s.gw, token).chat.completions.create({
      model: "no-such-model",
      messages: [{ role: "user", content: "x" }],
    }),
    (error: unknown) => error instanceof OpenAI.NotFoundError && error.status === 404,
  );
  await assert.rejects(
    anthropic(s.gw, token).messages.create({
      model: "mystery",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    }),
    (error: unknown) => error instanceof Anthropic.NotFoundError,
  );
  await assert.rejects(
    openai(s.gw, token).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x" }],
    }),
    (error: unknown) =>
      error instanceof OpenAI.PermissionDeniedError && /gateway_route:gpt denied/.test(error.message),
  );
  await assert.rejects(
    anthropic(s.gw, token).messages.create({
      model: "claude-opus-9",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    }),
    (error: unknown) => error instanceof Anthropic.PermissionDeniedError && /not exposed/.test(error.message),
  );
  const ok = await anthropic(s.gw, s.gw.adminToken).messages.create({
    model: "claude-opus-9",
    max_tokens: 5,
    messages: [{ role: "user", content: "x" }],
  });
  assert.equal(ok.content[0]?.type === "text" && ok.content[0].text, "echo: x");
  const hidden = [];
  for await (const m of anthropic(s.gw, token).models.list()) hidden.push(m.id);
  assert.ok(!hidden.includes("claude-opus-4-5") && hidden.includes("claude-sonnet-4-6"));
  assert.deepEqual((await decisions(s.gw)).map((r) => [r.decision, r.policy]), [
    ["deny", "rbac"],
    ["deny", "rbac"],
    ["allow", "default_allow"],
  ]);
});

Deno.test(`llm governance (${mode}): budget and quota exhaustion → 429 with retry-after`, async () => {
  await using s = await gateway({
    policies: [
      "budgets:",
      "  - { name: tiny, scope: user, subject: 'budget@example.com', window: day, limit_usd: 0.0001 }",
      "  - { name: roomy, scope: user, subject: 'quota@example.com', window: day, limit_usd: 10 }",
      "quotas:",
      "  - { name: two-per-minute, scope: user, subject: 'quota@example.com', window_seconds: 60, max_requests: 2 }",
    ].join("\n"),
  });
  await addUser(s.gw, "budget@example.com");
  const over = await post(s.gw, "/v1/messages", {
    model: "claude-test",
    max_tokens: 1000, // 1000 × $2/M = 2000 µ$ > 100 µ$
    messages: [{ role: "user", content: "hi" }],
  }, { "x-api-key": (await addApiKey(s.gw, "budget@example.com")).key, "anthropic-version": "2023-06-01" });
  assert.equal(over.status, 429);
  assert.equal(over.body.error.type, "rate_limit_error");
  assert.match(over.body.error.message, /budget exceeded: tiny/);
  const retryAfter = Number(over.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 86_400, `retry-after ${retryAfter}`);
  const quota = await addUser(s.gw, "quota@example.com");
  const client = openai(s.gw, quota.token);
  for (let i = 0; i < 2; i++) {
    await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
  }
  await assert.rejects(
    client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.ok(Number(error.headers?.get("retry-after")) >= 1);
      return true;
    },
  );
  const policies = (await decisions(s.gw)).map((r) => `${r.decision}:${r.policy}`);
  assert.deepEqual(policies, ["deny:budget", "allow:default_allow", "allow:default_allow", "deny:budget"]);
  assert.equal(s.fake.requests.length, 2);
  // The rate limit is charged alongside the budget stage; both calls that stage denied had it handed back.
  const hits = await s.gw.ctx.db.many<{ quota: boolean; hits: number }>(
    "select key like 'quota:%' as quota, sum(hits)::int as hits from rate_limit_hits group by 1 order by 1",
  );
  assert.deepEqual(hits, [{ quota: false, hits: 2 }, { quota: true, hits: 2 }]);
  const notes = await s.gw.ctx.db.many<{ detail: string | null }>(
    `select e->>'detail' as detail from governance_decisions d,
       jsonb_array_elements(d.evaluated_rules->'chain') e
     where d.decision = 'deny' and e->>'policy_id' = 'rate_limit' order by d.created_at`,
  );
  assert.deepEqual(notes.map((n) => n.detail), Array(2).fill("started early; charge handed back"));
  // The quota-denied call's reservation (made alongside the quota charge) is released by its settlement.
  await s.gw.ctx.llmCalls.flush();
  const roomy = await s.gw.ctx.db.one<{ reserved_micros: number; spent_micros: number }>(
    "select reserved_micros, spent_micros from llm_budget_windows where budget = 'roomy'",
  );
  assert.equal(roomy.reserved_micros, 0);
  const spent = await s.gw.ctx.db.one<{ total: number }>(
    "select coalesce(sum(cost_microdollars), 0)::int8 as total from ai_requests where status = 'completed'",
  );
  assert.equal(roomy.spent_micros, spent.total);
});

Deno.test(`llm governance (${mode}): credentials, gateway sessions and x-session-id`, async () => {
  await using s = await gateway();
  const none = await post(s.gw, "/v1/messages", { model: "claude-test", max_tokens: 5, messages: [] }, {});
  assert.equal(none.status, 401);
  assert.equal(none.body.error.type, "authentication_error");
  const forged = await post(s.gw, "/v1/chat/completions", { model: "gpt-test", messages: [] }, {
    authorization: "Bearer nope",
  });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.error.type, "authentication_error");
  await addUser(s.gw, "pat@example.com");
  const { key } = await addApiKey(s.gw, "pat@example.com");
  const minted = await post(s.gw, "/api/public/gateway/sessions", {}, { "x-api-key": key });
  assert.equal(minted.status, 201);
  assert.match(minted.body.session_id, /^sess_/);
  const body = { model: "gpt-test", messages: [{ role: "user", content: "hello" }] };
  const ok = await post(s.gw, "/v1/chat/completions", body, {
    "x-api-key": key,
    "x-session-id": minted.body.session_id,
  });
  assert.equal(ok.status, 200);
  const wrong = await post(s.gw, "/v1/chat/completions", body, {
    "x-api-key": key,
    "x-session-id": "sess_nope",
  });
  assert.equal(wrong.status, 401);
  const jwtMismatch = await post(s.gw, "/v1/chat/completions", body, {
    authorization: `Bearer ${s.gw.adminToken}`,
    "x-session-id": minted.body.session_id,
  });
  assert.equal(jwtMismatch.status, 401);
  const jwtInKeyHeader = await post(s.gw, "/v1/messages", {
    model: "claude-test",
    max_tokens: 5,
    messages: [{ role: "user", content: "hi" }],
  }, { "x-api-key": s.gw.adminToken, "anthropic-version": "2023-06-01" });
  assert.equal(jwtInKeyHeader.status, 200, "a JWT in x-api-key works too");
  const one = await fetch(`${s.gw.url}/v1/models/gpt-fake`, {
    headers: { authorization: `Bearer ${s.gw.adminToken}` },
  });
  assert.deepEqual(await one.json(), { id: "gpt-fake", object: "model", created: 0, owned_by: "fake" });
  const missing = await fetch(`${s.gw.url}/v1/models/nope`, {
    headers: { "x-api-key": key, "anthropic-version": "x" },
  });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, "not_found_error");
  const bad = await post(s.gw, "/v1/chat/completions", { model: "gpt-test" }, {
    authorization: `Bearer ${s.gw.adminToken}`,
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.type, "invalid_request_error");
  await s.gw.ctx.llmCalls.flush();
  const rows = await s.gw.ctx.db.many<{ session_id: string; api_key: string | null }>(
    "select session_id, api_key from ai_requests order by created_at",
  );
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.session_id, minted.body.session_id);
  assert.ok(rows[0]!.api_key && key.includes(rows[0]!.api_key));
});
