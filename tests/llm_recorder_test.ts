import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { addUser, openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import type { Queryable } from "@infra/db/db.ts";
import { createCallRecorder } from "@app/llm_recorder.ts";
import { silentLogger } from "@shared/logger.ts";
import { openTestDb, testDbMode } from "./support/db.ts";
import { aiRequestRow } from "./support/ai_request.ts";

const mode = testDbMode();

/** Every call costs exactly its estimate: 1,000 output tokens at $1/M = 1,000 µ$ (input is free). */
const PROFILE = (endpoint: string) => `
gateway:
  routes: [{ model_pattern: "*", provider: fake, upstream_model: m }]
providers:
  - { name: fake, wire: openai-chat, endpoint: "${endpoint}", models: [{ id: m, pricing: { input_per_million: 0, output_per_million: 1 } }] }
`;

Deno.test(`llm recorder (${mode}): after a graceful shutdown every answered call has its ai_requests row`, async () => {
  await using fake = startFakeProvider("openai-chat", {
    delayMs: 200,
    answer: () => ({ text: "ok", usage: { input: 3, output: 1000 } }),
  });
  await using gw = await openGateway({ profile: PROFILE(fake.endpoint) });
  const client = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const calls = Array.from(
    { length: 30 },
    () =>
      client.chat.completions.create({
        model: "any",
        max_tokens: 1000,
        messages: [{ role: "user", content: "go" }],
      }),
  );
  // Shut down while the calls are in flight: the server drains them, then the context's dispose
  // (here its first step, the recorder) makes every queued row durable before the database closes.
  const deadline = Date.now() + 5_000;
  while (fake.requests.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await gw.server.shutdown();
  const answered = (await Promise.allSettled(calls)).filter((r) => r.status === "fulfilled").length;
  assert.ok(answered > 0, "some calls were answered during the drain");
  await gw.ctx.llmCalls[Symbol.asyncDispose]();
  assert.equal(gw.ctx.llmCalls.depth(), 0);
  const rows = await gw.ctx.db.one<{ n: number; cost: number }>(
    "select count(*)::int as n, coalesce(sum(cost_microdollars), 0)::int8 as cost from ai_requests where status = 'completed'",
  );
  assert.deepEqual(rows, { n: answered, cost: answered * 1000 });
});

Deno.test(`llm recorder (${mode}): a crashed process's stale reservation is reclaimed; a live one is not`, async () => {
  await using fake = startFakeProvider("openai-chat", {
    answer: () => ({ text: "ok", usage: { input: 3, output: 1000 } }),
  });
  await using gw = await openGateway({
    profile: PROFILE(fake.endpoint),
    policies: "budgets:\n  - { name: team, scope: user, subject: '*', window: month, limit_usd: 0.0105 }\n",
  });
  const { token } = await addUser(gw, "crashy@example.com");
  const client = new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const call = () =>
    client.chat.completions.create({
      model: "any",
      max_tokens: 1000,
      messages: [{ role: "user", content: "go" }],
    });
  await call();
  await gw.ctx.llmCalls.flush();
  // A process that died two hours ago holding 9,500 µ$: the 1,000 µ$ call no longer fits.
  await holdReservation(gw.ctx.db, 9_500, "2 hours");
  await call();
  await gw.ctx.llmCalls.flush();
  assert.deepEqual(await windowState(gw.ctx.db), { spent: 2_000, reserved: 0, held: 0 });
  // A reservation made just now belongs to a live call: it is respected, the call is refused.
  await holdReservation(gw.ctx.db, 8_500, "0 seconds");
  await assert.rejects(call(), (e) => e instanceof OpenAI.RateLimitError);
  await gw.ctx.llmCalls.flush();
  assert.deepEqual(await windowState(gw.ctx.db), { spent: 2_000, reserved: 8_500, held: 1 });
  assert.equal(fake.requests.length, 2);
});

async function holdReservation(db: Queryable, micros: number, age: string): Promise<void> {
  await db.query(
    `with w as (
       update llm_budget_windows set reserved_micros = reserved_micros + $1 where budget = 'team'
       returning budget, subject_key, window_start
     )
     insert into llm_budget_reservations (reservation_id, budget, subject_key, window_start, amount_micros, created_at)
     select gen_random_uuid(), budget, subject_key, window_start, $1, now() - $2::interval from w`,
    [micros, age],
  );
}

async function windowState(db: Queryable): Promise<{ spent: number; reserved: number; held: number }> {
  return await db.one(
    `select w.spent_micros::int8 as spent, w.reserved_micros::int8 as reserved,
       (select count(*)::int from llm_budget_reservations) as held
     from llm_budget_windows w where budget = 'team'`,
  );
}

Deno.test(`llm recorder (${mode}): an oversize body is refused in the caller's dialect`, async () => {
  await using fake = startFakeProvider("openai-chat");
  await using gw = await openGateway({ profile: PROFILE(fake.endpoint) });
  const huge = "x".repeat(2 * 1024 * 1024 + 1);
  const anthropic = new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });
  const a = await anthropic.messages.create({
    model: "any",
    max_tokens: 10,
    messages: [{ role: "user", content: huge }],
  }).catch((e: unknown) => e);
  assert.ok(a instanceof Anthropic.APIError, String(a));
  assert.equal(a.status, 413);
  assert.deepEqual(Object.keys(a.error as object), ["type", "error"]);
  assert.equal((a.error as { error: { type: string } }).error.type, "request_too_large");
  const openai = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const o = await openai.chat.completions.create({
    model: "any",
    messages: [{ role: "user", content: huge }],
  })
    .catch((e: unknown) => e);
  assert.ok(o instanceof OpenAI.APIError, String(o));
  assert.equal(o.status, 413);
  assert.equal(o.code, "request.too_large");
  assert.match(o.message, /request body exceeds 2097152 bytes/);
  const g = await fetch(`${gw.url}/v1beta/models/any:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": gw.adminToken, "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: huge }] }] }),
  });
  assert.equal(g.status, 413);
  assert.match(g.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await g.json(), {
    error: { code: 413, message: "request body exceeds 2097152 bytes", status: "INVALID_ARGUMENT" },
  });
  assert.equal(fake.requests.length, 0);
  // Other routes keep the REST problem shape.
  const admin = await fetch(`${gw.url}/api/v1/admin/me`, { method: "POST", body: huge });
  assert.match(admin.headers.get("content-type") ?? "", /problem\+json/);
  await admin.body?.cancel();
});

Deno.test(`llm recorder (${mode}): queued rows are group-committed, a full batch at once, and disposing writes what is still queued`, async () => {
  await using db = await openTestDb();
  const recorder = createCallRecorder({ db, log: silentLogger }, { lingerMs: 60_000, maxBatch: 7 });
  const row = (i: number) => aiRequestRow(i, i, `t${i}`);
  for (let i = 1; i <= 6; i++) recorder.record({ row: row(i), settle: null });
  assert.equal(recorder.depth(), 6, "nothing written before the linger ends");
  for (let i = 7; i <= 20; i++) recorder.record({ row: row(i), settle: null });
  assert.equal(recorder.depth(), 13, "a full batch goes at once");
  await recorder[Symbol.asyncDispose]();
  assert.equal(recorder.depth(), 0);
  const written = await db.one<{ n: number; cost: number; events: number }>(
    `select count(*)::int as n, sum(cost_microdollars)::int8 as cost,
       (select count(*)::int from event_outbox where kind = 'llm.request') as events from ai_requests`,
  );
  assert.deepEqual(written, { n: 20, cost: 210, events: 20 });
});

Deno.test(`llm recorder (${mode}): an llm.request event shows its ai_requests row, which cannot change`, async () => {
  await using db = await openTestDb();
  const recorder = createCallRecorder({ db, log: silentLogger }, { lingerMs: 60_000, maxBatch: 3 });
  const rows = [
    aiRequestRow(11, 42, "trace-a"),
    aiRequestRow(12, 43, "trace-b"),
    aiRequestRow(13, 44, "trace-c"),
  ];
  for (const row of rows) recorder.record({ row, settle: null });
  await recorder[Symbol.asyncDispose]();
  // The outbox holds a reference, not a copy; the feed shows the row as it was written.
  const stored = await db.many<{ payload: unknown; request_id: string }>(
    "select payload, request_id::text from event_outbox where kind = 'llm.request' order by id",
  );
  assert.deepEqual(stored.map((s) => [s.payload, s.request_id]), rows.map((r) => [null, r.id]));
  const feed = await db.many<{ trace_id: string; payload: Record<string, unknown>; same: boolean }>(
    `select f.trace_id, f.payload, f.payload = to_jsonb(r) as same
     from event_feed f join ai_requests r on r.id = (f.payload->>'id')::uuid
     where f.kind = 'llm.request' order by f.id`,
  );
  assert.deepEqual(feed.map((f) => f.trace_id), ["trace-a", "trace-b", "trace-c"]);
  assert.ok(feed.every((f) => f.same));
  assert.deepEqual(
    feed.map((f) => [f.payload["id"], f.payload["output_tokens"], f.payload["cost_microdollars"]]),
    rows.map((r) => [r.id, r.usage.output_tokens, r.costMicros]),
  );
  for (
    const change of [
      "update ai_requests set cost_microdollars = 0",
      "delete from ai_requests",
      "truncate ai_requests",
    ]
  ) {
    await assert.rejects(db.exec(change), /ai_requests is append-only/, change);
  }
});
