/**
 * Identity: users, roles, sessions, JWT keys, plugin tokens and personal access tokens (PATs).
 *
 * Invariants: tokens are RS256 JWTs signed by the newest key of the KeyRing, verified by every key
 * that has not passed its `not_after`; PATs are stored as SHA-256 only. What a caller may do comes
 * from the user's live roles and status, read through the IdentityCache (≤ 30 s, dropped on
 * `NOTIFY sp_identity` by triggers on users, sessions and api_keys), never from a token's claims.
 * Every admin change writes an `admin.change` outbox event in its own transaction.
 *
 * Entry points: user_admin (create, promote/demote, ban), api_key_admin (issue, list, revoke),
 * key_rotation (rotate, reload), tokens (mint, verify), identity_sync (LISTEN wiring).
 */
export type { AccessScope, CredentialKind, Principal, User, UserStatus } from "./user.ts";
export { isEmail, isRoleName, scopeForRoles, userRecord } from "./user.ts";
export type { NewSession, NewUser, SessionState, UserRepo } from "./user_repo.ts";
export { createUserRepo } from "./user_repo.ts";
export type {
  AccessClaims,
  MintInput,
  TokenFailure,
  TokenKeys,
  TokenType,
  TokenVerdict,
  VerifyExpectation,
} from "./tokens.ts";
export {
  ALL_AUDIENCES,
  createTokenKeys,
  LEEWAY_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  mintAccessToken,
  PLUGIN_AUDIENCES,
  PLUGIN_SCOPE,
  scopeGrants,
  SESSION_AUDIENCES,
  verifyAccessToken,
} from "./tokens.ts";
export type { ApiKey, ApiKeyPrefix, ApiKeyStatus, StoredApiKey } from "./api_keys.ts";
export {
  apiKeyMatches,
  apiKeyRecord,
  apiKeyStatus,
  isApiKeyText,
  parseApiKey,
  parseApiKeyPrefix,
} from "./api_keys.ts";
export type { ApiKeyRepo } from "./api_key_repo.ts";
export type { AdminActor, AdminChange } from "./admin_change.ts";
export { recordAdminChange } from "./admin_change.ts";
export type { CreateUserInput, RoleChange, UserAdminDeps, UserOutcome } from "./user_admin.ts";
export { changeRole, createUser, findUserByRef, setUserStatus } from "./user_admin.ts";
export type { IssueApiKeyInput } from "./api_key_admin.ts";
export { issueApiKey, listApiKeys, revokeApiKey } from "./api_key_admin.ts";
export type { IdentitySource } from "./identity_cache.ts";
export { IDENTITY_CACHE_TTL_MS, IDENTITY_CHANNEL, IdentityCache } from "./identity_cache.ts";
export type { IdentitySync } from "./identity_sync.ts";
export { createIdentitySource, startIdentitySync } from "./identity_sync.ts";
export { VerifiedTokens } from "./verified_tokens.ts";
export type { PublicJwk } from "./key_ring.ts";
export { KeyRing } from "./key_ring.ts";
export type { SigningKeyRecord } from "./key_store.ts";
export { signingKeyDir } from "./key_store.ts";
export type { KeyDeps, RotationResult, SigningKeyView } from "./key_rotation.ts";
export { describeSigningKeys, reloadKeyRing, rotateSigningKey } from "./key_rotation.ts";
