import { errors as joseErrors, importJWK, jwtVerify, SignJWT } from "jose";
import type { SigningKey } from "@infra/crypto/signing_key.ts";
import type { SessionId, UserId } from "@shared/ids.ts";
import { parseSessionId, parseUserId } from "@shared/ids.ts";
import type { AccessScope } from "./user.ts";

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

export interface AccessClaims {
  readonly userId: UserId;
  readonly sessionId: SessionId;
  readonly scope: AccessScope;
  readonly clientId: string;
  readonly audiences: readonly string[];
}

export interface MintInput extends AccessClaims {
  readonly issuer: string;
  readonly ttlSeconds: number;
  readonly now: Date;
}

export async function mintAccessToken(keys: TokenKeys, input: MintInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return await new SignJWT({
    scope: input.scope,
    session_id: input.sessionId,
    client_id: input.clientId,
    token_type: "access",
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

const LEEWAY_SECONDS = 30;

export async function verifyAccessToken(
  keys: TokenKeys,
  token: string,
  expect: { readonly issuer: string; readonly audience: string; readonly now: Date },
): Promise<TokenVerdict> {
  try {
    const { payload } = await jwtVerify(token, (header) => {
      const key = header.kid ? keys.verifying.get(header.kid) : undefined;
      if (!key) throw new UnknownKey();
      return key;
    }, {
      algorithms: ["RS256"],
      issuer: expect.issuer,
      audience: expect.audience,
      clockTolerance: LEEWAY_SECONDS,
      currentDate: expect.now,
    });
    const userId = parseUserId(String(payload.sub ?? ""));
    const sessionId = parseSessionId(String(payload["session_id"] ?? ""));
    if (!userId || !sessionId || payload.exp === undefined) return { valid: false, reason: "invalid_claims" };
    const scope = payload["scope"] === "admin" ? "admin" : "user";
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""];
    return {
      valid: true,
      claims: { userId, sessionId, scope, clientId: String(payload["client_id"] ?? ""), audiences: aud },
      expiresAt: new Date(payload.exp * 1000),
    };
  } catch (error) {
    return { valid: false, reason: classify(error) };
  }
}

class UnknownKey extends Error {}

function classify(error: unknown): TokenFailure {
  if (error instanceof UnknownKey) return "unknown_key";
  if (error instanceof joseErrors.JWTExpired) return "expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "invalid_signature";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return "invalid_claims";
  return "malformed";
}
