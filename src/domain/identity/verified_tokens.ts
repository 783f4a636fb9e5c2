import type { AccessClaims, TokenKeys } from "./tokens.ts";

/**
 * Tokens whose RS256 signature this process has already verified. RSA verification costs 0.1–0.2 ms
 * of main-thread CPU per call on our machines, and a client (a Claude Code hook, an MCP session)
 * sends the same bearer token on every call. Only what cannot change is remembered — the signature
 * and the claims — and the time-based claims (`exp`, `nbf`), issuer and audience are checked again
 * on every use. Each entry names the exact key object that verified it, so replacing the key ring
 * (a rotation, a key dropped from the JWKS) makes every earlier entry miss. Only tokens that
 * verified are stored, so garbage cannot fill it; beyond `maxEntries` the oldest are dropped.
 */
export interface VerifiedToken {
  readonly kid: string;
  readonly key: CryptoKey;
  readonly claims: AccessClaims;
  readonly issuer: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly nbf: number | undefined;
}

export const VERIFIED_TOKENS_MAX = 4096;

export class VerifiedTokens {
  readonly #entries = new Map<string, VerifiedToken>();
  readonly #max: number;

  constructor(maxEntries = VERIFIED_TOKENS_MAX) {
    this.#max = maxEntries;
  }

  /** The entry for `token` if the key that verified it is still the ring's key for its kid. */
  lookup(token: string, keys: TokenKeys): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (keys.verifying.get(entry.kid) === entry.key) return entry;
    this.#entries.delete(token);
    return undefined;
  }

  remember(token: string, entry: VerifiedToken): void {
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
