import { type Principal, scopeForRoles, type UserRepo, verifyAccessToken } from "@domain/identity/mod.ts";
import type { TokenFailure, TokenKeys } from "@domain/identity/mod.ts";

export interface AuthDeps {
  readonly tokens: TokenKeys;
  readonly users: UserRepo;
  readonly issuer: string;
}

export type AuthVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | {
    readonly ok: false;
    readonly reason: TokenFailure | "missing" | "unknown_user" | "inactive_user" | "session_revoked";
  };

/**
 * Bearer token → Principal. The token proves who; the database says what they may do now: roles,
 * department and status are read live, and scope follows the roles, never the request.
 */
export async function authenticateBearer(
  deps: AuthDeps,
  token: string | undefined,
  audience: string,
  now: Date,
): Promise<AuthVerdict> {
  if (!token) return { ok: false, reason: "missing" };
  const verdict = await verifyAccessToken(deps.tokens, token, { issuer: deps.issuer, audience, now });
  if (!verdict.valid) return { ok: false, reason: verdict.reason };
  const { claims } = verdict;
  const user = await deps.users.findById(claims.userId);
  if (!user) return { ok: false, reason: "unknown_user" };
  if (user.status !== "active") return { ok: false, reason: "inactive_user" };
  if (!await deps.users.isSessionActive(claims.sessionId, now)) {
    return { ok: false, reason: "session_revoked" };
  }
  return {
    ok: true,
    principal: {
      userId: user.id,
      email: user.email,
      roles: user.roles,
      // Live roles decide: a demotion applies to the next call, whatever the token says.
      scope: scopeForRoles(user.roles),
      credential: "session",
      audiences: claims.audiences,
      pluginId: null,
      sessionId: claims.sessionId,
      clientId: claims.clientId || null,
      department: user.department,
      agentId: null,
      actChain: [],
    },
  };
}

export function bearerToken(header: string | null | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
