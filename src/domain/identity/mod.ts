/**
 * Identity: users, sessions and access tokens. Tokens are RS256 JWTs signed with the profile's
 * newest key; every known key verifies. Roles are read from the database on each resolution, so a
 * role change applies to the next request.
 */
export type { AccessScope, Principal, User, UserStatus } from "./user.ts";
export { scopeForRoles } from "./user.ts";
export type { NewSession, NewUser, UserRepo } from "./user_repo.ts";
export { createUserRepo } from "./user_repo.ts";
export type { AccessClaims, MintInput, TokenFailure, TokenKeys, TokenVerdict } from "./tokens.ts";
export { createTokenKeys, mintAccessToken, verifyAccessToken } from "./tokens.ts";
