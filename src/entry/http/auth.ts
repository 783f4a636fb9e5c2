import type { MiddlewareHandler } from "hono";
import { AppError } from "@shared/errors.ts";
import { type AuthDeps, authenticateBearer, bearerToken } from "@app/authenticate.ts";
import type { Clock } from "@shared/clock.ts";
import type { HttpEnv } from "./env.ts";

export interface RequireAuthOptions {
  readonly audience: string;
  readonly adminOnly?: boolean;
}

/** Authenticates the bearer token for `audience`; sets `principal`. Admin-only routes 403 others. */
export function requireAuth(
  deps: AuthDeps & { clock: Clock },
  options: RequireAuthOptions,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const verdict = await authenticateBearer(
      deps,
      bearerToken(c.req.header("authorization")),
      options.audience,
      deps.clock.now(),
    );
    if (!verdict.ok) {
      throw verdict.reason === "missing"
        ? new AppError("auth.missing_token", "a bearer token is required")
        : new AppError("auth.invalid_token", `token rejected: ${verdict.reason.replaceAll("_", " ")}`);
    }
    if (options.adminOnly && verdict.principal.scope !== "admin") {
      throw new AppError("auth.forbidden", "admin scope required");
    }
    c.set("principal", verdict.principal);
    await next();
  };
}
