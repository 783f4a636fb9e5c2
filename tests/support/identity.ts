import assert from "node:assert/strict";
import { authenticate, type AuthVerdict, type Credentials } from "@app/authenticate.ts";
import type { AppContext } from "@app/context.ts";
import { createUser, type User } from "@domain/identity/mod.ts";
import { runCli } from "@entry/cli/main.ts";
import { captureIo, type CliRun, STACK_FRAME } from "./cli_io.ts";
import type { TestApp } from "./test_app.ts";

/**
 * Helpers for the identity suites: REST calls with a bearer token, CLI runs the way the server
 * runs a forwarded command (its context shared), users made through the admin use case, and
 * authentication against a context as the HTTP edge does it.
 */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly [key: string]: unknown;
}

export async function call(
  t: Pick<TestApp, "app">,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers["authorization"] = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  return await t.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
}

export async function expectJson<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as T;
}

/** A problem+json answer with this status and code, and no stack trace. */
export async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.doesNotMatch(text, /\n\s+at |\bat .+:\d+:\d+/);
  const body = JSON.parse(text) as Problem;
  assert.equal(body.code, code, text);
  return body;
}

/** `systemprompt <argv>` run in-process against the test app's context (the admin-channel path). */
export async function cliShared(t: TestApp, ...argv: string[]): Promise<CliRun> {
  const captured = captureIo();
  const code = await runCli(argv, {
    env: { SYSTEMPROMPT_HOME: t.home },
    cwd: t.home,
    io: captured.io,
    sharedContext: t.ctx,
  });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

export function expectExit(run: CliRun, code: number): CliRun {
  assert.equal(run.code, code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, STACK_FRAME);
  return run;
}

export async function makeUser(
  ctx: AppContext,
  email: string,
  roles: readonly string[] = ["user"],
  department: string | null = null,
): Promise<User> {
  const outcome = await createUser(
    { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache },
    { name: email.split("@")[0]!, email, department, roles, ifNotExists: false, actor: { kind: "cli" } },
  );
  return outcome.user;
}

/** Authenticates as the HTTP edge does, for the given audiences, at `now` (default: the context's clock). */
export async function authAs(
  ctx: AppContext,
  credentials: Credentials,
  audiences: readonly string[] = ["api"],
  now: Date = ctx.clock.now(),
): Promise<AuthVerdict> {
  return await authenticate(
    { tokens: ctx.tokens, identity: ctx.identityCache, issuer: ctx.config.security.jwtIssuer },
    credentials,
    { audiences },
    now,
  );
}

export function bearerOf(token: string): Credentials {
  return { authorization: `Bearer ${token}` };
}

/** The `admin.change` payloads written so far, oldest first. */
export async function adminChanges(ctx: AppContext): Promise<Record<string, unknown>[]> {
  const rows = await ctx.db.many<{ payload: Record<string, unknown> }>(
    "select payload from event_outbox where kind = 'admin.change' order by id",
  );
  return rows.map((r) => r.payload);
}

/** Waits (bounded) until `check` holds: for effects that travel over NOTIFY between connections. */
export async function eventually(check: () => boolean | Promise<boolean>, limitMs = 3_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
