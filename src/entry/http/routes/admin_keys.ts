import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  apiKeyRecord,
  describeSigningKeys,
  issueApiKey,
  type KeyDeps,
  listApiKeys,
  parseApiKeyPrefix,
  revokeApiKey,
  rotateSigningKey,
  type UserAdminDeps,
} from "@domain/identity/mod.ts";
import { AppError } from "@shared/errors.ts";
import type { HttpEnv } from "../env.ts";
import { parseJsonBody } from "../json_body.ts";
import { actorOf, adminUserRoutes } from "./admin_users.ts";

const issueBody = z.strictObject({
  /** The owner: an email or a user id. */
  user: z.string().trim().min(1).max(254),
  name: z.string().trim().min(1).max(200).optional(),
  expires_days: z.number().int().min(1).max(3650).nullable().optional(),
});

export interface AdminKeyDeps extends UserAdminDeps {
  readonly keys: KeyDeps & { readonly longestLifetimeSeconds: number };
}

type C = Context<HttpEnv>;

/** Everything identity under `/api/v1/admin`: users, API keys and signing keys. */
export function identityAdminRoutes(deps: AdminKeyDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.route("/", adminUserRoutes(deps));
  app.route("/", adminKeyRoutes(deps));
  return app;
}

/**
 * `/api/v1/admin` personal access tokens and JWT signing keys (admin only):
 * `GET /api-keys[?user=email|id]`, `POST /api-keys` `{user, name?, expires_days?}` (201, the key
 * appears in this answer only), `DELETE /api-keys/{prefix}`, `GET /keys`, `POST /keys/rotate`.
 */
export function adminKeyRoutes(deps: AdminKeyDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/api-keys", async (c) => {
    const keys = await listApiKeys(deps.db, c.req.query("user") || null);
    const now = deps.clock.now();
    return c.json({ items: keys.map((k) => apiKeyRecord(k, now)) });
  });
  app.post("/api-keys", (c) => postApiKey(deps, c));
  app.delete("/api-keys/:prefix", (c) => deleteApiKey(deps, c));
  app.get("/keys", async (c) => {
    const ring = deps.keys.ring;
    return c.json({ items: await describeSigningKeys({ db: deps.db, ring }, deps.clock.now()) });
  });
  app.post("/keys/rotate", async (c) => {
    await parseJsonBody(c, z.strictObject({}));
    const result = await rotateSigningKey(deps.keys, actorOf(c.get("principal")));
    const { kid, retiring, verifyUntil, pruned } = result;
    return c.json({ kid, retiring, verify_until: verifyUntil, pruned });
  });
  return app;
}

async function postApiKey(deps: AdminKeyDeps, c: C): Promise<Response> {
  const body = await parseJsonBody(c, issueBody);
  const issued = await issueApiKey(deps, {
    ref: body.user,
    name: body.name ?? "default",
    expiresDays: body.expires_days ?? null,
    actor: actorOf(c.get("principal")),
    traceId: c.get("traceId"),
  });
  c.header("cache-control", "no-store");
  return c.json({ key: issued.key.reveal(), ...apiKeyRecord(issued.record, deps.clock.now()) }, 201);
}

async function deleteApiKey(deps: AdminKeyDeps, c: C): Promise<Response> {
  const prefix = parseApiKeyPrefix(c.req.param("prefix") ?? "");
  if (!prefix) throw new AppError("identity.api_key_not_found", "no API key with that prefix");
  const revoked = await revokeApiKey(deps, {
    prefix,
    actor: actorOf(c.get("principal")),
    traceId: c.get("traceId"),
  });
  return c.json(apiKeyRecord(revoked, deps.clock.now()));
}
