import { type Context, Hono } from "hono";
import type { AppContext } from "@app/context.ts";
import { type AuthDeps, authenticate, type Credentials } from "@app/authenticate.ts";
import { type LlmCallDeps, serveLlmCall } from "@app/llm_call.ts";
import { vaultProviderKeys } from "@app/llm_keys.ts";
import { countTokens, findModel, listModels } from "@app/llm_models.ts";
import { authenticateGatewayCaller, type GatewayAuthDeps, mintGatewaySession } from "@app/llm_sessions.ts";
import { isApiKeyText } from "@domain/identity/mod.ts";
import { type Dialect, parseJsonBody } from "@domain/llm/mod.ts";
import { AppError } from "@shared/errors.ts";
import { declaredBodyLimit } from "../body_limit.ts";
import type { HttpEnv } from "../env.ts";
import { dialectError } from "./llm_errors.ts";

/**
 * The provider gateway's wire edge: `/v1/messages` (+ `count_tokens`), `/v1/chat/completions`,
 * `/v1/models`, Gemini's `/v1beta/models/{model}:generateContent|:streamGenerateContent`, and
 * `POST /api/public/gateway/sessions`. Decode → `serveLlmCall` → encode; errors in the dialect.
 */
export type LlmRouteDeps = LlmCallDeps & GatewayAuthDeps & { readonly bodyLimitBytes: number };

/** The paths this module serves (app.ts leaves their body limit to us). */
export function isGatewayPath(path: string): boolean {
  return path.startsWith("/v1/") || path.startsWith("/v1beta/") || path === "/api/public/gateway/sessions";
}

/** The dialect an error on `path` is written in (before the body is read). */
function dialectOfPath(path: string): Dialect {
  if (path.startsWith("/v1beta/")) return "gemini";
  return path.startsWith("/v1/messages") ? "anthropic" : "openai";
}

export function llmRoutes(deps: LlmRouteDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const tooLarge = new AppError("request.too_large", `request body exceeds ${deps.bodyLimitBytes} bytes`);
  const limiter = declaredBodyLimit<HttpEnv>({
    maxSize: deps.bodyLimitBytes,
    onError: (c) => dialectError(c, dialectOfPath(c.req.path), tooLarge, deps.log),
  });
  app.use("*", (c, next) => isGatewayPath(c.req.path) ? limiter(c, next) : next());
  app.post("/v1/messages", (c) => serve(c, deps, "anthropic"));
  app.post("/v1/chat/completions", (c) => serve(c, deps, "openai"));
  app.post("/v1/messages/count_tokens", (c) =>
    guarded(c, deps, "anthropic", async () => {
      return c.json(countTokens(deps.runtime.table, parseJsonBody(await c.req.text())));
    }));
  mountModelRoutes(app, deps);
  app.post("/v1beta/models/:spec", (c) => {
    const match = /^(.+):(generateContent|streamGenerateContent)$/.exec(c.req.param("spec"));
    if (!match) {
      return dialectError(
        c,
        "gemini",
        new AppError("request.not_found", "unknown Gemini operation"),
        deps.log,
      );
    }
    return serve(c, deps, "gemini", { model: match[1]!, stream: match[2] === "streamGenerateContent" });
  });
  app.post("/api/public/gateway/sessions", async (c) => {
    try {
      return c.json(await mintGatewaySession(deps, credentialsOf(c)), 201);
    } catch (error) {
      return dialectError(c, "openai", error, deps.log);
    }
  });
  return app;
}

/** `GET /v1/models` and `/v1/models/{id}`, in the shape the caller's SDK expects. */
function mountModelRoutes(app: Hono<HttpEnv>, deps: LlmRouteDeps): void {
  app.get("/v1/models", (c) => {
    const dialect = anthropicShaped(c) ? "anthropic" : "openai";
    return guarded(
      c,
      deps,
      dialect,
      (caller) => json(c, listModels(deps.runtime, caller.principal, dialect)),
    );
  });
  app.get("/v1/models/:id", (c) => {
    const dialect = anthropicShaped(c) ? "anthropic" : "openai";
    const id = c.req.param("id");
    return guarded(
      c,
      deps,
      dialect,
      (caller) => json(c, findModel(deps.runtime, caller.principal, dialect, id)),
    );
  });
}

function json(c: Context<HttpEnv>, body: unknown): Promise<Response> {
  return Promise.resolve(c.json(body));
}

async function serve(
  c: Context<HttpEnv>,
  deps: LlmRouteDeps,
  dialect: Dialect,
  gemini?: { model: string; stream: boolean },
) {
  return await guarded(c, deps, dialect, async (caller) => {
    const reply = await serveLlmCall(deps, {
      caller,
      dialect,
      body: parseJsonBody(await c.req.text()),
      ...(gemini ? { gemini } : {}),
      anthropicVersion: c.req.header("anthropic-version"),
      anthropicBeta: c.req.header("anthropic-beta"),
      traceId: c.get("traceId"),
      signal: c.req.raw.signal,
    });
    if (reply.kind === "json") return c.json(reply.body);
    return new Response(reply.body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  });
}

async function guarded(
  c: Context<HttpEnv>,
  deps: LlmRouteDeps,
  dialect: Dialect,
  run: (caller: Awaited<ReturnType<typeof authenticateGatewayCaller>>) => Promise<Response>,
): Promise<Response> {
  try {
    const caller = await authenticateGatewayCaller(deps, credentialsOf(c), c.req.header("x-session-id"));
    return await run(caller);
  } catch (error) {
    return dialectError(c, dialect, error, deps.log);
  }
}

/**
 * `Authorization: Bearer`, `x-api-key` or Gemini's `x-goog-api-key` (never a URL query key). SDKs
 * put whatever key they were given in their own header, so a JWT may arrive in `x-api-key` too.
 */
function credentialsOf(c: Context<HttpEnv>): Credentials {
  const authorization = c.req.header("authorization");
  const key = c.req.header("x-api-key") || c.req.header("x-goog-api-key") || undefined;
  if (!authorization && key && !isApiKeyText(key)) return { authorization: `Bearer ${key}` };
  return { authorization, apiKey: key };
}

function anthropicShaped(c: Context<HttpEnv>): boolean {
  return c.req.header("anthropic-version") !== undefined ||
    c.req.header("x-inference-protocol")?.toLowerCase() === "anthropic";
}

/** The context slices the gateway uses. */
export function llmDeps(ctx: AppContext, auth: AuthDeps): LlmRouteDeps {
  return {
    authenticate: (credentials, audiences) => authenticate(auth, credentials, { audiences }, ctx.clock.now()),
    db: ctx.db,
    recorder: ctx.llmCalls,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    policy: ctx.policy,
    audit: ctx.audit,
    runtime: ctx.llm,
    keys: vaultProviderKeys({ vault: ctx.vault, db: ctx.db, clock: ctx.clock, log: ctx.log }),
    egressScan: ctx.egressScan,
    fetch: ctx.upstreamHttp.fetch,
    bodyLimitBytes: ctx.config.server.bodyLimitBytes,
    sessionMemo: new Map(),
  };
}
