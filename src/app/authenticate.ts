import {
  ALL_AUDIENCES,
  apiKeyMatches,
  apiKeyStatus,
  type IdentitySource,
  isApiKeyText,
  LEEWAY_SECONDS,
  parseApiKey,
  type Principal,
  scopeForRoles,
  scopeGrants,
  type TokenFailure,
  type TokenKeys,
  type User,
  VerifiedTokens,
  verifyAccessToken,
} from "@domain/identity/mod.ts";
import type { Clock } from "@shared/clock.ts";
import { parseSessionId, type SessionId } from "@shared/ids.ts";
import type { AppContext } from "./context.ts";

export interface AuthDeps {
  readonly tokens: TokenKeys;
  /** Live user, session and API-key facts (the context's IdentityCache). */
  readonly identity: IdentitySource;
  readonly issuer: string;
  /** Tokens whose signature this process already checked (skips the RSA verification on reuse). */
  readonly verified?: VerifiedTokens;
}

/** What the caller sent: the `Authorization` header and/or the `x-api-key` header. */
export interface Credentials {
  readonly authorization?: string | null | undefined;
  readonly apiKey?: string | null | undefined;
}

export interface Accept {
  /** The credential must be valid for at least one of these (a JWT's `aud`; a PAT has them all). */
  readonly audiences: readonly string[];
}

export type AuthFailure =
  | TokenFailure
  | "missing"
  | "unknown_api_key"
  | "invalid_api_key"
  | "key_revoked"
  | "unknown_user"
  | "inactive_user"
  | "session_revoked";

export type AuthVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: AuthFailure; readonly message: string };

/** Client-safe texts (the hooks API puts them in deny reasons). */
export const MISSING_CREDENTIALS = "Missing Authorization header";
export const INVALID_CREDENTIALS = "Invalid or expired token";

/**
 * Credentials → Principal: an RS256 JWT (session or plugin token), or a PAT (`sp-live-…` as a
 * Bearer token or in `x-api-key`). The credential proves who; the database says what they may do
 * now: roles, department and status are read live (cached ≤ 30 s, dropped on change), and scope
 * follows the roles, never the token or the request.
 */
export async function authenticate(
  deps: AuthDeps,
  credentials: Credentials,
  accept: Accept,
  now: Date,
): Promise<AuthVerdict> {
  const presented = presentedCredential(credentials);
  switch (presented.kind) {
    case "none":
      return fail("missing");
    case "malformed":
      return fail("malformed");
    case "api_key":
      return await authenticateApiKey(deps, presented.value, now);
    case "jwt":
      return await authenticateJwt(deps, presented.value, accept, now);
    default: {
      const never: never = presented;
      return never;
    }
  }
}

type Presented =
  | { readonly kind: "none" | "malformed" }
  | { readonly kind: "api_key" | "jwt"; readonly value: string };

function presentedCredential(credentials: Credentials): Presented {
  const header = credentials.authorization?.trim();
  const token = bearerToken(header);
  if (token) return { kind: isApiKeyText(token) ? "api_key" : "jwt", value: token };
  const apiKey = credentials.apiKey?.trim();
  if (apiKey) return isApiKeyText(apiKey) ? { kind: "api_key", value: apiKey } : { kind: "malformed" };
  return header ? { kind: "malformed" } : { kind: "none" };
}

async function authenticateJwt(
  deps: AuthDeps,
  token: string,
  accept: Accept,
  now: Date,
): Promise<AuthVerdict> {
  const verdict = await verifyAccessToken(deps.tokens, token, {
    issuer: deps.issuer,
    audience: accept.audiences,
    now,
  }, deps.verified);
  if (!verdict.valid) return fail(verdict.reason);
  const { claims } = verdict;
  const session = await deps.identity.findSession(claims.sessionId);
  const sessionLive = session !== undefined && session.userId === claims.userId &&
    session.revokedAt === null &&
    session.expiresAt.getTime() + LEEWAY_SECONDS * 1000 > now.getTime();
  if (!sessionLive) return fail("session_revoked");
  const user = await deps.identity.findUser(claims.userId);
  if (!user) return fail("unknown_user");
  if (user.status !== "active") return fail("inactive_user");
  return {
    ok: true,
    principal: principalOf(user, {
      credential: claims.tokenType === "plugin" ? "plugin" : "session",
      audiences: claims.audiences,
      grantedScopes: scopeGrants(claims.scope),
      pluginId: claims.pluginId,
      sessionId: claims.sessionId,
      clientId: claims.clientId || null,
    }),
  };
}

async function authenticateApiKey(deps: AuthDeps, text: string, now: Date): Promise<AuthVerdict> {
  const parsed = parseApiKey(text);
  if (!parsed) return fail("malformed");
  const key = await deps.identity.findApiKey(parsed.prefix);
  if (!key) return fail("unknown_api_key");
  if (!await apiKeyMatches(text, key.keyHash)) return fail("invalid_api_key");
  const status = apiKeyStatus(key, now);
  if (status !== "active") return fail(status === "revoked" ? "key_revoked" : "expired");
  const user = await deps.identity.findUser(key.userId);
  if (!user) return fail("unknown_user");
  if (user.status !== "active") return fail("inactive_user");
  const sessionId = parseSessionId(`sess_${key.id}`);
  if (!sessionId) return fail("invalid_claims");
  return {
    ok: true,
    principal: principalOf(user, {
      credential: "api_key",
      audiences: ALL_AUDIENCES,
      // A PAT is not an OAuth grant: a resource that demands scopes wants a consented token.
      grantedScopes: [],
      pluginId: null,
      sessionId,
      clientId: `pat:${key.prefix}`,
    }),
  };
}

function principalOf(
  user: User,
  via: Pick<Principal, "credential" | "audiences" | "grantedScopes" | "pluginId" | "clientId"> & {
    sessionId: SessionId;
  },
): Principal {
  return {
    userId: user.id,
    email: user.email,
    roles: user.roles,
    // Live roles decide: a demotion applies to the next call, whatever the credential says.
    scope: scopeForRoles(user.roles),
    ...via,
    department: user.department,
    agentId: null,
    actChain: [],
  };
}

function fail(reason: AuthFailure): AuthVerdict {
  return { ok: false, reason, message: reason === "missing" ? MISSING_CREDENTIALS : INVALID_CREDENTIALS };
}

export function bearerToken(header: string | null | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** The authentication slice of the context (what the HTTP edge and the hooks API pass along). */
export function authDepsOf(
  ctx: Pick<AppContext, "tokens" | "identityCache" | "config" | "clock">,
): AuthDeps & { readonly clock: Clock } {
  return {
    tokens: ctx.tokens,
    identity: ctx.identityCache,
    issuer: ctx.config.security.jwtIssuer,
    clock: ctx.clock,
    verified: new VerifiedTokens(),
  };
}
