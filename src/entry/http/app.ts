import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError, describeError } from "@shared/errors.ts";
import type { AppContext } from "@app/context.ts";
import { requireAuth } from "./auth.ts";
import type { HttpEnv } from "./env.ts";
import { asAppError, problemResponse } from "./problem.ts";
import { requestContext } from "./request_context.ts";
import { adminRoutes } from "./routes/admin.ts";
import { healthRoutes } from "./routes/health.ts";

/** Builds the HTTP application from the context. Routes receive only the slices they need. */
export function createHttpApp(ctx: AppContext): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const limit = ctx.config.server.bodyLimitBytes;
  app.use("*", requestContext({ metrics: ctx.metrics, log: ctx.log }));
  app.use(
    "*",
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        problemResponse(c, new AppError("request.too_large", `request body exceeds ${limit} bytes`)),
    }),
  );
  app.route("/", healthRoutes({ db: ctx.db, version: ctx.build.version, instanceId: ctx.instanceId }));
  app.get(
    "/metrics",
    (c) => c.text(ctx.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
  const auth = {
    tokens: ctx.tokens,
    users: ctx.users,
    issuer: ctx.config.security.jwtIssuer,
    clock: ctx.clock,
  };
  app.use("/api/v1/admin/me", requireAuth(auth, { audience: "api" }));
  app.use("/api/v1/admin/*", requireAuth(auth, { audience: "api", adminOnly: true }));
  app.route("/api/v1/admin", adminRoutes());
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
