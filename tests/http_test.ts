import assert from "node:assert/strict";
import { mintSessionToken } from "@app/setup.ts";
import { createTokenKeys, mintAccessToken } from "@domain/identity/mod.ts";
import { generateSigningKeyPem, importSigningKey } from "@infra/crypto/signing_key.ts";
import { startHttpServer } from "@entry/http/serve.ts";
import { fixedClock } from "@shared/clock.ts";
import { newSessionId, newUserId } from "@shared/ids.ts";
import { testDbMode } from "./support/db.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();
const HEALTH_PATHS = ["/api/v1/health", "/health"];

interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly [key: string]: unknown;
}

/** Asserts a problem+json answer with the given status and code, and no stack trace in it. */
async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.doesNotMatch(text, /\n\s+at |\bat .+:\d+:\d+/, "a problem body must not carry a stack trace");
  const body = JSON.parse(text) as Problem;
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(body["stack"], undefined);
  return body;
}

function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

async function createUser(t: TestApp, email: string) {
  const user = await t.ctx.users.insert({
    id: newUserId(),
    name: "Plain User",
    email,
    roles: ["user"],
    department: "research",
    createdAt: new Date(),
  });
  assert.ok(user, "the user was inserted");
  return user;
}

Deno.test(`health (${mode}) answers 200 with version, database and instance id`, async () => {
  await using t = await openTestApp();
  for (const path of HEALTH_PATHS) {
    const response = await t.app.request(path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await response.json(), {
      status: "healthy",
      version: t.ctx.build.version,
      database: "ok",
      instance_id: t.ctx.instanceId,
    });
  }
});

Deno.test(`health (${mode}) answers 503 unhealthy once the database is gone`, async () => {
  await using t = await openTestApp();
  await t.ctx.db.close();
  for (const path of HEALTH_PATHS) {
    const response = await t.app.request(path);
    assert.equal(response.status, 503, path);
    const body = await response.json() as Record<string, unknown>;
    assert.equal(body["status"], "unhealthy");
    assert.equal(body["database"], "unreachable");
    assert.equal(body["instance_id"], t.ctx.instanceId);
  }
});

Deno.test(`GET /api/v1/admin/me (${mode}) refuses a missing, garbage or foreign token`, async () => {
  await using t = await openTestApp();
  await expectProblem(await t.app.request("/api/v1/admin/me"), 401, "auth.missing_token");
  await expectProblem(
    await t.app.request("/api/v1/admin/me", bearer("not-a-jwt")),
    401,
    "auth.invalid_token",
  );
  const foreign = await createTokenKeys([await importSigningKey(await generateSigningKeyPem())]);
  const forged = await mintAccessToken(foreign, {
    userId: t.admin.id,
    sessionId: newSessionId(),
    scope: "admin",
    clientId: "forger",
    audiences: ["api"],
    issuer: t.ctx.config.security.jwtIssuer,
    ttlSeconds: 3600,
    now: new Date(),
  });
  await expectProblem(await t.app.request("/api/v1/admin/me", bearer(forged)), 401, "auth.invalid_token");
});

Deno.test(`GET /api/v1/admin/me (${mode}) returns the admin principal`, async () => {
  await using t = await openTestApp();
  const response = await t.app.request("/api/v1/admin/me", bearer(t.adminToken));
  assert.equal(response.status, 200);
  const body = await response.json() as Record<string, unknown>;
  assert.equal(body["user_id"], t.admin.id);
  assert.equal(body["email"], t.admin.email);
  assert.equal(body["scope"], "admin");
  assert.deepEqual(body["roles"], ["admin", "user"]);
  assert.match(String(body["session_id"]), /^sess_/);
});

Deno.test(`/api/v1/admin (${mode}): a user reads /me but is forbidden elsewhere`, async () => {
  await using t = await openTestApp();
  const user = await createUser(t, "plain@example.com");
  const token = await mintSessionToken(t.ctx, user, { ttlSeconds: 3600, clientId: "test", kind: "cli" });
  const me = await t.app.request("/api/v1/admin/me", bearer(token));
  assert.equal(me.status, 200, await me.clone().text());
  const body = await me.json() as Record<string, unknown>;
  assert.equal(body["scope"], "user");
  assert.equal(body["email"], "plain@example.com");
  assert.equal(body["department"], "research");
  for (const path of ["/api/v1/admin/users", "/api/v1/admin/no-such-route"]) {
    await expectProblem(await t.app.request(path, bearer(token)), 403, "auth.forbidden");
  }
  // Authentication runs before routing: only an admin learns that a route does not exist.
  await expectProblem(
    await t.app.request("/api/v1/admin/no-such-route", bearer(t.adminToken)),
    404,
    "request.not_found",
  );
});

Deno.test(`GET /api/v1/admin/me (${mode}) refuses an expired token`, async () => {
  await using t = await openTestApp();
  const past = fixedClock(new Date(Date.now() - 2 * 86_400_000));
  const expired = await mintSessionToken(
    { users: t.ctx.users, tokens: t.ctx.tokens, config: t.ctx.config, clock: past },
    t.admin,
    { ttlSeconds: 3600, clientId: "test", kind: "cli" },
  );
  await expectProblem(await t.app.request("/api/v1/admin/me", bearer(expired)), 401, "auth.invalid_token");
});

Deno.test(`x-trace-id (${mode}) is echoed when well-formed and replaced otherwise`, async () => {
  await using t = await openTestApp();
  const echoed = await t.app.request("/api/v1/health", { headers: { "x-trace-id": "trace-abc.123:x_y" } });
  await echoed.body?.cancel();
  assert.equal(echoed.headers.get("x-trace-id"), "trace-abc.123:x_y");
  const seen = new Set<string>();
  for (const inbound of [undefined, "has spaces in it", "x".repeat(129), "<script>"]) {
    const headers: Record<string, string> = inbound === undefined ? {} : { "x-trace-id": inbound };
    const response = await t.app.request("/api/v1/health", { headers });
    await response.body?.cancel();
    const trace = response.headers.get("x-trace-id") ?? "";
    assert.match(trace, /^[0-9a-f]{32}$/, `fresh trace id for ${inbound}`);
    seen.add(trace);
  }
  assert.equal(seen.size, 4, "each request gets its own trace id");
  const problem = await t.app.request("/nope", { headers: { "x-trace-id": "trace-on-error" } });
  assert.equal(problem.headers.get("x-trace-id"), "trace-on-error");
  assert.equal((await problem.json() as Record<string, unknown>)["trace_id"], "trace-on-error");
});

Deno.test(`unknown routes (${mode}) answer 404 problem+json`, async () => {
  await using t = await openTestApp();
  const body = await expectProblem(await t.app.request("/api/v1/nothing-here"), 404, "request.not_found");
  assert.equal(body.title, "Not found");
});

Deno.test(`request bodies (${mode}) over 2 MiB are refused with 413`, async () => {
  await using t = await openTestApp();
  const big = new Uint8Array(3 * 1024 * 1024).fill(0x61);
  for (const path of ["/api/v1/health", "/api/v1/admin/me", "/anything"]) {
    const declared = { "content-type": "application/octet-stream", "content-length": String(big.length) };
    await expectProblem(await t.app.request(path, { method: "POST", body: big }), 413, "request.too_large");
    const response = await t.app.request(path, { method: "POST", body: big, headers: declared });
    await expectProblem(response, 413, "request.too_large");
  }
  const small = await t.app.request("/nope", { method: "POST", body: "x".repeat(1024) });
  await expectProblem(small, 404, "request.not_found");
  // Over a real socket too, including a chunked body that declares no length.
  const server = startHttpServer(t.ctx, { hostname: "127.0.0.1", port: 0 });
  try {
    const sized = await fetch(`${server.url}/anything`, { method: "POST", body: big });
    await expectProblem(sized, 413, "request.too_large");
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(1024 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/v1/health`, { method: "POST", body: chunked });
    await expectProblem(streamed, 413, "request.too_large");
  } finally {
    await server.shutdown();
  }
});

Deno.test(`GET /metrics (${mode}) exposes request counters and latency histograms`, async () => {
  await using t = await openTestApp();
  await (await t.app.request("/api/v1/health")).body?.cancel();
  await (await t.app.request("/no-such-route")).body?.cancel();
  const response = await t.app.request("/metrics");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
  const text = await response.text();
  assert.ok(
    text.includes('http_requests_total{method="GET",route="/api/v1/health",status="200"} 1\n'),
    text,
  );
  assert.match(text, /^# TYPE http_requests_total counter$/m);
  assert.match(text, /^# TYPE http_request_duration_seconds histogram$/m);
  assert.match(
    text,
    /^http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/health",le="[^"]+"\} \d+$/m,
  );
  assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/health"\} 1$/m);
  // An unknown path is counted under one label, so random URLs cannot blow up the series count.
  assert.ok(!text.includes("/no-such-route"), "raw paths never become label values");
});
