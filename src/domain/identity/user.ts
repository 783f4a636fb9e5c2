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
