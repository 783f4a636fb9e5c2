import { errors as joseErrors, importJWK, jwtVerify, SignJWT } from "jose";
import type { SigningKey } from "@infra/crypto/signing_key.ts";
import type { SessionId, UserId } from "@shared/ids.ts";
import { parseSessionId, parseUserId } from "@shared/ids.ts";
import type { VerifiedToken, VerifiedTokens } from "./verified_tokens.ts";

/** The keys a process signs with (the newest) and verifies with (all it knows). */
export interface TokenKeys {
  readonly signing: SigningKey;
  readonly verifying: ReadonlyMap<string, CryptoKey>;
}

export async function createTokenKeys(keys: readonly SigningKey[]): Promise<TokenKeys> {
  const [signing] = keys;
  if (!signing) throw new Error("no JWT signing key (run `systemprompt admin setup`)");
  const verifying = new Map<string, CryptoKey>();
  for (const key of keys) verifying.set(key.kid, await importJWK(key.publicJwk, "RS256") as CryptoKey);
  return { signing, verifying };
}

/** Session and admin tokens (ARCHITECTURE §4). */
export const SESSION_AUDIENCES: readonly string[] = ["web", "api", "mcp", "a2a"];
/** Plugin tokens: the hooks API and plugin endpoints only. */
export const PLUGIN_AUDIENCES: readonly string[] = ["hook", "plugin"];
export const PLUGIN_SCOPE = "hook:govern hook:track";
/** A PAT is valid wherever any credential is. */
export const ALL_AUDIENCES: readonly string[] = [...SESSION_AUDIENCES, ...PLUGIN_AUDIENCES];
/** No token lives longer; a rotated-out key therefore verifies at most this long (plus leeway). */
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 86_400;
export const LEEWAY_SECONDS = 30;

export type TokenType = "access" | "plugin";

export interface AccessClaims {
  readonly userId: UserId;
  readonly sessionId: SessionId;
  /** As written at mint time: informational only, access follows the user's live roles. */
  readonly scope: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
  readonly tokenType: TokenType;
  readonly pluginId: string | null;
}

export interface MintInput {
  readonly userId: UserId;
  readonly sessionId: SessionId;
  readonly scope: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
  readonly tokenType?: TokenType;
  readonly pluginId?: string;
  readonly issuer: string;
  readonly ttlSeconds: number;
  readonly now: Date;
}

export async function mintAccessToken(keys: TokenKeys, input: MintInput): Promise<string> {
  if (!(input.ttlSeconds > 0 && input.ttlSeconds <= MAX_TOKEN_LIFETIME_SECONDS)) {
    throw new RangeError(`token lifetime must be 1..${MAX_TOKEN_LIFETIME_SECONDS} s`);
  }
  const iat = Math.floor(input.now.getTime() / 1000);
  return await new SignJWT({
    scope: input.scope,
    session_id: input.sessionId,
    client_id: input.clientId,
    token_type: input.tokenType ?? "access",
    ...(input.pluginId !== undefined ? { plugin_id: input.pluginId } : {}),
  })
    .setProtectedHeader({ alg: "RS256", kid: keys.signing.kid, typ: "JWT" })
    .setIssuer(input.issuer)
    .setSubject(input.userId)
    .setAudience([...input.audiences])
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + input.ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(keys.signing.privateKey);
}

export type TokenVerdict =
  | { readonly valid: true; readonly claims: AccessClaims; readonly expiresAt: Date }
  | { readonly valid: false; readonly reason: TokenFailure };

export type TokenFailure = "malformed" | "unknown_key" | "expired" | "invalid_signature" | "invalid_claims";

export interface VerifyExpectation {
  readonly issuer: string;
  /** Any one of these in the token's `aud` is enough. */
  readonly audience: string | readonly string[];
  readonly now: Date;
}

/**
 * Verifies an RS256 access token. With `memo`, a token whose signature was verified before (by a
 * key still in `keys`) skips the RSA check; issuer, audience, `nbf` and `exp` are checked on every
 * call in jose's order and with jose's outcomes.
 */
export async function verifyAccessToken(
  keys: TokenKeys,
  token: string,
  expect: VerifyExpectation,
  memo?: VerifiedTokens,
): Promise<TokenVerdict> {
  const known = memo?.lookup(token, keys);
  if (known) return checkVerified(known, expect);
  let used: { kid: string; key: CryptoKey } | undefined;
  try {
    const { payload } = await jwtVerify(token, (header) => {
      const key = header.kid ? keys.verifying.get(header.kid) : undefined;
      if (!key || !header.kid) throw new UnknownKey();
      used = { kid: header.kid, key };
      return key;
    }, {
      algorithms: ["RS256"],
      issuer: expect.issuer,
      audience: typeof expect.audience === "string" ? expect.audience : [...expect.audience],
      clockTolerance: LEEWAY_SECONDS,
      currentDate: expect.now,
    });
    const claims = decodeClaims(payload);
    if (!claims || payload.exp === undefined) return { valid: false, reason: "invalid_claims" };
    if (memo && used && typeof payload.iss === "string") {
      memo.remember(token, { ...used, claims, issuer: payload.iss, exp: payload.exp, nbf: payload.nbf });
    }
    return { valid: true, claims, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    return { valid: false, reason: classify(error) };
  }
}

/** What jose checks on every verification that can change between calls: iss, aud, nbf, exp. */
function checkVerified(known: VerifiedToken, expect: VerifyExpectation): TokenVerdict {
  const now = Math.floor(expect.now.getTime() / 1000);
  const wanted = typeof expect.audience === "string" ? [expect.audience] : expect.audience;
  if (known.issuer !== expect.issuer) return { valid: false, reason: "invalid_claims" };
  if (!wanted.some((aud) => known.claims.audiences.includes(aud))) {
    return { valid: false, reason: "invalid_claims" };
  }
  if (known.nbf !== undefined && known.nbf > now + LEEWAY_SECONDS) {
    return { valid: false, reason: "invalid_claims" };
  }
  if (known.exp <= now - LEEWAY_SECONDS) return { valid: false, reason: "expired" };
  return { valid: true, claims: known.claims, expiresAt: new Date(known.exp * 1000) };
}

function decodeClaims(payload: Record<string, unknown>): AccessClaims | undefined {
  const userId = parseUserId(String(payload["sub"] ?? ""));
  const sessionId = parseSessionId(String(payload["session_id"] ?? ""));
  if (!userId || !sessionId) return undefined;
  const aud = payload["aud"];
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === "string");
  const scope = typeof payload["scope"] === "string" ? payload["scope"] : "";
  const tokenType: TokenType = payload["token_type"] === "plugin" ? "plugin" : "access";
  const pluginId = typeof payload["plugin_id"] === "string" ? payload["plugin_id"] : null;
  if (tokenType === "plugin" && !isPluginScope(scope)) return undefined;
  return {
    userId,
    sessionId,
    scope,
    clientId: String(payload["client_id"] ?? ""),
    audiences,
    tokenType,
    pluginId,
  };
}

/** A `scope` claim as its set of grants (RFC 6749 §3.3: space-delimited, case-sensitive). */
export function scopeGrants(scope: string): string[] {
  const grants: string[] = [];
  for (const grant of scope.split(" ")) {
    if (grant !== "" && !grants.includes(grant)) grants.push(grant); // a scope holds a few grants
  }
  return grants;
}

/** A plugin token must carry both hook grants; anything less is not a plugin token. */
function isPluginScope(scope: string): boolean {
  const grants = new Set(scopeGrants(scope));
  return grants.has("hook:govern") && grants.has("hook:track");
}

class UnknownKey extends Error {}

function classify(error: unknown): TokenFailure {
  if (error instanceof UnknownKey) return "unknown_key";
  if (error instanceof joseErrors.JWTExpired) return "expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "invalid_signature";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return "invalid_claims";
  return "malformed";
}
