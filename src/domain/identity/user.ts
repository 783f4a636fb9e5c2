import type { SessionId, UserId } from "@shared/ids.ts";

export type UserStatus = "active" | "suspended" | "banned" | "deleted";

export interface User {
  readonly id: UserId;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly department: string | null;
  readonly status: UserStatus;
  readonly createdAt: Date;
}

export type AccessScope = "admin" | "user" | "unknown";

/** How the caller proved who they are. */
export type CredentialKind = "session" | "plugin" | "api_key";

/** Who is calling, resolved from identity only (never from a request body). */
export interface Principal {
  readonly userId: UserId;
  readonly email: string;
  readonly roles: readonly string[];
  /** From the user's live roles, never from the token or the request. */
  readonly scope: AccessScope;
  readonly credential: CredentialKind;
  /** Audiences the credential is valid for (a PAT carries its owner's: all of them). */
  readonly audiences: readonly string[];
  /**
   * OAuth scopes the credential was granted (a JWT's space-separated `scope` claim). They narrow
   * what a resource accepts (an MCP server's `oauth.scopes`), never widen what the roles allow; a
   * PAT or an in-process caller carries none.
   */
  readonly grantedScopes: readonly string[];
  readonly pluginId: string | null;
  readonly sessionId: SessionId;
  readonly clientId: string | null;
  readonly department: string | null;
  readonly agentId: string | null;
  readonly actChain: readonly string[];
}

export function scopeForRoles(roles: readonly string[]): AccessScope {
  return roles.includes("admin") ? "admin" : "user";
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;
const ROLE = /^[a-z][a-z0-9_-]{0,63}$/;

/** Loose on purpose (`admin@localhost` is a valid account): one @, no spaces, bounded length. */
export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

/** Role names as the access rules spell them: `admin`, `user`, `data-science`. */
export function isRoleName(text: string): boolean {
  return ROLE.test(text);
}

/** The wire and CLI shape of a user (snake_case, no internal fields). */
export function userRecord(user: User): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles,
    department: user.department,
    status: user.status,
    created_at: user.createdAt,
  };
}
