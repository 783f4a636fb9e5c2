import type { MiddlewareHandler } from "hono";
import { AppError } from "@shared/errors.ts";
import { type AuthDeps, authenticate } from "@app/authenticate.ts";
import type { Clock } from "@shared/clock.ts";
import type { HttpEnv } from "./env.ts";

export interface RequireAuthOptions {
  /** Any one of these must be in the credential's audiences (admin REST: `api`). */
  readonly audiences: readonly string[];
  readonly adminOnly?: boolean;
}

/**
 * Authenticates `Authorization: Bearer` (JWT or PAT) or `x-api-key` (PAT) for the audiences;
 * sets `principal`. Admin-only routes answer 403 to anyone whose live roles lack admin.
 */
export function requireAuth(
  deps: AuthDeps & { clock: Clock },
  options: RequireAuthOptions,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const verdict = await authenticate(
      deps,
      { authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") },
      { audiences: options.audiences },
      deps.clock.now(),
    );
    if (!verdict.ok) {
      throw verdict.reason === "missing"
        ? new AppError("auth.missing_token", verdict.message)
        : new AppError("auth.invalid_token", verdict.message);
    }
    if (options.adminOnly && verdict.principal.scope !== "admin") {
      throw new AppError("auth.forbidden", "admin scope required");
    }
    c.set("principal", verdict.principal);
    await next();
  };
}
