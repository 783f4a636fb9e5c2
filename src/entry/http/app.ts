import { Hono } from "hono";
import { AppError, describeError } from "@shared/errors.ts";
import type { AppContext } from "@app/context.ts";
import { signingKeyDeps } from "@app/setup.ts";
import { authDepsOf } from "@app/authenticate.ts";
import { requireAuth } from "./auth.ts";
import type { HttpEnv } from "./env.ts";
import { declaredBodyLimit } from "./body_limit.ts";
import { asAppError, problemResponse } from "./problem.ts";
import { requestContext } from "./request_context.ts";
import { adminRoutes } from "./routes/admin.ts";
import { identityAdminRoutes } from "./routes/admin_keys.ts";
import { adminSecretRoutes } from "./routes/admin_secrets.ts";
import { wellKnownRoutes } from "./routes/wellknown.ts";
import { healthRoutes } from "./routes/health.ts";
import { hookDeps, hookRoutes } from "./routes/hooks.ts";
import { mcpRoutes, startMcpGateway } from "./routes/mcp_routes.ts";
import { eventRoutes } from "./routes/events.ts";
import { isGatewayPath, llmDeps, llmRoutes } from "./routes/llm_routes.ts";

/** Builds the HTTP application from the context. Routes receive only the slices they need. */
export function createHttpApp(ctx: AppContext): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const limit = ctx.config.server.bodyLimitBytes;
  app.use("*", requestContext({ metrics: ctx.metrics, log: ctx.log }));
  const limiter = declaredBodyLimit<HttpEnv>({
    maxSize: limit,
    onError: (c) =>
      problemResponse(c, new AppError("request.too_large", `request body exceeds ${limit} bytes`)),
  });
  // The govern hook reads at most the limit itself and answers 200 (a deny) to an oversized body;
  // the provider gateway applies the same limit but answers in the caller's dialect (llm_routes.ts).
  const ownLimit = (path: string) =>
    path === "/api/public/hooks/govern" || (ctx.llm.enabled && isGatewayPath(path));
  app.use("*", (c, next) => ownLimit(c.req.path) ? next() : limiter(c, next));
  app.route("/", healthRoutes({ db: ctx.db, version: ctx.build.version, instanceId: ctx.instanceId }));
  app.get(
    "/metrics",
    (c) => c.text(ctx.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
  const auth = authDepsOf(ctx);
  app.route("/", wellKnownRoutes({ keys: ctx.tokens }));
  app.route("/api/public/hooks", hookRoutes({ ...hookDeps(ctx, auth), bodyLimit: limit }));
  app.route("/", mcpRoutes(startMcpGateway(ctx, auth)));
  if (ctx.llm.enabled) app.route("/", llmRoutes(llmDeps(ctx, auth)));
  const anyUser = requireAuth(auth, { audiences: ["api"] });
  const adminOnly = requireAuth(auth, { audiences: ["api"], adminOnly: true });
  app.use("/api/v1/admin/*", (c, next) => (c.req.path === "/api/v1/admin/me" ? anyUser : adminOnly)(c, next));
  app.use("/api/v1/events/*", adminOnly);
  app.route("/api/v1/events", eventRoutes({ db: ctx.db }));
  app.route("/api/v1/admin", adminRoutes());
  const identity = { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache, keys: signingKeyDeps(ctx) };
  app.route("/api/v1/admin", identityAdminRoutes(identity));
  app.route("/api/v1/admin/secrets", adminSecretRoutes({ db: ctx.db, vault: ctx.vault, clock: ctx.clock }));
  app.notFound((c) =>
    problemResponse(c, new AppError("request.not_found", `no route for ${c.req.method} ${c.req.path}`))
  );
  app.onError((error, c) => {
    const appError = dbFailure(error) ?? asAppError(error);
    if (appError.code === "internal.unexpected" || appError.code === "db.unavailable") {
      ctx.log.error("http.unhandled_error", { error: describeError(error), trace_id: c.get("traceId") });
    }
    return problemResponse(c, appError);
  });
  return app;
}

/** A lost database connection is a 503 (fail closed), not a 500. */
function dbFailure(error: unknown): AppError | undefined {
  if (error instanceof AppError) return undefined;
  const text = describeError(error);
  if (/ECONNREFUSED|ENOENT|connection|terminat|CONNECTION_|closed/i.test(text)) {
    return new AppError("db.unavailable", "database unavailable", { cause: error });
  }
  return undefined;
}
