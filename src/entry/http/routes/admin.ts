import { Hono } from "hono";
import type { HttpEnv } from "../env.ts";

/** `/api/v1/admin/*` (mounted behind authentication). */
export function adminRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/me", (c) => {
    const p = c.get("principal");
    return c.json({
      user_id: p.userId,
      email: p.email,
      roles: p.roles,
      scope: p.scope,
      session_id: p.sessionId,
      client_id: p.clientId,
      department: p.department,
    });
  });
  return app;
}
