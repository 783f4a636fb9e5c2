import { newSessionId, type SessionId } from "@shared/ids.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import {
  type AdminActor,
  createUser,
  createUserRepo,
  type KeyDeps,
  MAX_TOKEN_LIFETIME_SECONDS,
  mintAccessToken,
  PLUGIN_AUDIENCES,
  PLUGIN_SCOPE,
  recordAdminChange,
  scopeForRoles,
  signingKeyDir,
  type User,
} from "@domain/identity/mod.ts";
import { writeAtomic } from "@infra/config/scaffold.ts";
import { authenticate } from "./authenticate.ts";
import type { AppContext } from "./context.ts";

export const DEFAULT_ADMIN_EMAIL = "admin@localhost";
const ADMIN_TOKEN_TTL_SECONDS = 30 * 86_400;
const ADMIN_TOKEN_REMINT_AFTER_MS = 86_400_000;

export type AdminContext = Pick<AppContext, "users" | "tokens" | "config" | "clock">;
type TokenFileContext = AdminContext & Pick<AppContext, "identityCache">;

/** Creates the admin user unless one with that email exists (an `admin.change` event when it does). */
export async function ensureAdminUser(
  ctx: Pick<AppContext, "db" | "clock" | "identityCache">,
  email: string,
): Promise<{ user: User; created: boolean }> {
  const outcome = await createUser({ db: ctx.db, clock: ctx.clock, cache: ctx.identityCache }, {
    name: "Administrator",
    email,
    department: null,
    roles: ["admin", "user"],
    ifNotExists: true,
    actor: { kind: "cli" },
  });
  return { user: outcome.user, created: outcome.changed };
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
    scope: scopeForRoles(user.roles),
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
  ctx: TokenFileContext,
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

async function stillValid(ctx: TokenFileContext, path: string, user: User): Promise<boolean> {
  const token = (await Deno.readTextFile(path)).trim();
  const verdict = await authenticate(
    { tokens: ctx.tokens, identity: ctx.identityCache, issuer: ctx.config.security.jwtIssuer },
    { authorization: `Bearer ${token}` },
    { audiences: ["api"] },
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

export type IssueContext = AdminContext & Pick<AppContext, "db">;

export interface IssuedToken {
  readonly token: string;
  readonly sessionId: SessionId;
  readonly expiresAt: Date;
}

/** `admin session login`: a session JWT for any active user (a user-role account gets user scope). */
export async function issueSessionToken(
  ctx: IssueContext,
  user: User,
  options: { ttlSeconds: number; actor: AdminActor },
): Promise<IssuedToken> {
  requireActive(user);
  return await issueToken(ctx, user, {
    ttlSeconds: options.ttlSeconds,
    clientId: "sp_cli",
    kind: "cli",
    actor: options.actor,
    action: "session.issued",
  });
}

/**
 * `admin keys issue-plugin-token`: a JWT for the hooks API (`aud` hook+plugin, scope
 * `hook:govern hook:track`, `plugin_id`), issued to admins only. What it may do later still
 * follows the user's live roles: demote the user and the token loses admin exemptions.
 */
export async function issuePluginToken(
  ctx: IssueContext,
  user: User,
  options: { pluginId: string; ttlSeconds: number; actor: AdminActor },
): Promise<IssuedToken> {
  requireActive(user);
  if (!user.roles.includes("admin")) {
    throw new AppError(
      "identity.not_admin",
      `plugin tokens are issued to admins only; ${user.email} has roles ${user.roles.join(", ") || "(none)"}`,
    );
  }
  return await issueToken(ctx, user, {
    ttlSeconds: options.ttlSeconds,
    clientId: "sp_plugin",
    kind: "plugin",
    actor: options.actor,
    action: "plugin_token.issued",
    plugin: { pluginId: options.pluginId },
  });
}

function requireActive(user: User): void {
  if (user.status !== "active") {
    throw new AppError("identity.user_inactive", `${user.email} is ${user.status}: no new credentials`);
  }
}

interface IssueOptions {
  readonly ttlSeconds: number;
  readonly clientId: string;
  readonly kind: string;
  readonly actor: AdminActor;
  readonly action: string;
  readonly plugin?: { readonly pluginId: string };
}

/** The session row and its `admin.change` event in one transaction, then the JWT (never recorded). */
async function issueToken(ctx: IssueContext, user: User, o: IssueOptions): Promise<IssuedToken> {
  const now = ctx.clock.now();
  const sessionId = newSessionId(now.getTime());
  const expiresAt = new Date(now.getTime() + o.ttlSeconds * 1000);
  await ctx.db.tx(async (q) => {
    await createUserRepo(q).insertSession({
      id: sessionId,
      userId: user.id,
      clientId: o.clientId,
      kind: o.kind,
      createdAt: now,
      expiresAt,
    });
    const target = { user_id: user.id, email: user.email, session_id: sessionId, expires_at: expiresAt };
    const plugin = o.plugin ? { plugin_id: o.plugin.pluginId } : {};
    await recordAdminChange(q, { action: o.action, actor: o.actor, target: { ...target, ...plugin } }, now);
  });
  const token = await mintAccessToken(ctx.tokens, {
    userId: user.id,
    sessionId,
    scope: o.plugin ? PLUGIN_SCOPE : scopeForRoles(user.roles),
    clientId: o.clientId,
    audiences: o.plugin ? PLUGIN_AUDIENCES : ctx.config.security.audiences,
    ...(o.plugin ? { tokenType: "plugin" as const, pluginId: o.plugin.pluginId } : {}),
    issuer: ctx.config.security.jwtIssuer,
    ttlSeconds: o.ttlSeconds,
    now,
  });
  return { token, sessionId, expiresAt };
}

/** What key rotation needs from the context. Every token lives at most MAX_TOKEN_LIFETIME_SECONDS. */
export function signingKeyDeps(
  ctx: Pick<AppContext, "db" | "clock" | "tokens" | "config">,
): KeyDeps & { longestLifetimeSeconds: number } {
  return {
    db: ctx.db,
    clock: ctx.clock,
    ring: ctx.tokens,
    keyDir: signingKeyDir(ctx.config.layout.credentialsDir),
    longestLifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
  };
}
