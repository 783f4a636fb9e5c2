import { newSessionId, newUserId } from "@shared/ids.ts";
import type { Clock } from "@shared/clock.ts";
import { mintAccessToken, type User } from "@domain/identity/mod.ts";
import { writeAtomic } from "@infra/config/scaffold.ts";
import { authenticateBearer } from "./authenticate.ts";
import type { AppContext } from "./context.ts";

export const DEFAULT_ADMIN_EMAIL = "admin@localhost";
const ADMIN_TOKEN_TTL_SECONDS = 30 * 86_400;
const ADMIN_TOKEN_REMINT_AFTER_MS = 86_400_000;

export type AdminContext = Pick<AppContext, "users" | "tokens" | "config" | "clock">;

/** Creates the admin user unless one with that email exists. */
export async function ensureAdminUser(
  ctx: AdminContext,
  email: string,
): Promise<{ user: User; created: boolean }> {
  const existing = await ctx.users.findByEmail(email);
  if (existing) return { user: existing, created: false };
  const now = ctx.clock.now();
  const inserted = await ctx.users.insert({
    id: newUserId(now.getTime()),
    name: "Administrator",
    email,
    roles: ["admin", "user"],
    department: null,
    createdAt: now,
  });
  const user = inserted ?? await ctx.users.findByEmail(email);
  if (!user) throw new Error("admin user vanished during creation");
  return { user, created: inserted !== undefined };
}

/** A session row plus an access JWT for it. */
export async function mintSessionToken(
  ctx: AdminContext,
  user: User,
  options: { ttlSeconds: number; clientId: string; kind: string; audiences?: readonly string[] },
): Promise<string> {
  const now = ctx.clock.now();
  const sessionId = newSessionId(now.getTime());
  await ctx.users.insertSession({
    id: sessionId,
    userId: user.id,
    clientId: options.clientId,
    kind: options.kind,
    createdAt: now,
    expiresAt: new Date(now.getTime() + options.ttlSeconds * 1000),
  });
  return await mintAccessToken(ctx.tokens, {
    userId: user.id,
    sessionId,
    scope: user.roles.includes("admin") ? "admin" : "user",
    clientId: options.clientId,
    audiences: options.audiences ?? ctx.config.security.audiences,
    issuer: ctx.config.security.jwtIssuer,
    ttlSeconds: options.ttlSeconds,
    now,
  });
}

/**
 * `<home>/admin.token` (0600): an admin JWT valid 30 days, re-minted when older than one day so a
 * running appliance always has a fresh one.
 */
export async function refreshAdminToken(
  ctx: AdminContext,
  user: User,
): Promise<{ path: string; minted: boolean }> {
  const path = ctx.config.layout.adminTokenFile;
  if (await isFresh(path, ctx.clock) && await stillValid(ctx, path, user)) return { path, minted: false };
  const token = await mintSessionToken(ctx, user, {
    ttlSeconds: ADMIN_TOKEN_TTL_SECONDS,
    clientId: "sp_admin_token",
    kind: "admin_token",
  });
  await writeAtomic(path, `${token}\n`, 0o600);
  return { path, minted: true };
}

async function stillValid(ctx: AdminContext, path: string, user: User): Promise<boolean> {
  const token = (await Deno.readTextFile(path)).trim();
  const verdict = await authenticateBearer(
    { tokens: ctx.tokens, users: ctx.users, issuer: ctx.config.security.jwtIssuer },
    token,
    "api",
    ctx.clock.now(),
  );
  return verdict.ok && verdict.principal.userId === user.id && verdict.principal.scope === "admin";
}

async function isFresh(path: string, clock: Clock): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.mtime !== null && clock.now().getTime() - info.mtime.getTime() < ADMIN_TOKEN_REMINT_AFTER_MS;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The oldest active admin, whose token `<home>/admin.token` carries. */
export async function findBootstrapAdmin(
  ctx: AdminContext,
  preferredEmail?: string,
): Promise<User | undefined> {
  if (preferredEmail) {
    const preferred = await ctx.users.findByEmail(preferredEmail);
    if (preferred?.status === "active" && preferred.roles.includes("admin")) return preferred;
  }
  return await ctx.users.findFirstAdmin();
}
