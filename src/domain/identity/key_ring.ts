import { importJWK } from "jose";
import type { SigningKey } from "@infra/crypto/signing_key.ts";
import type { TokenKeys } from "./tokens.ts";

export type PublicJwk = SigningKey["publicJwk"];

interface RingState {
  readonly signing: SigningKey;
  readonly verifying: ReadonlyMap<string, CryptoKey>;
  readonly jwks: readonly PublicJwk[];
}

/**
 * The process's JWT keys, replaceable while it runs: a rotation (here, or in another process
 * that announces it with `NOTIFY sp_identity, 'keys'`) swaps the whole set at once, so a reader
 * never sees a signer without its verifiers. `signers` are private keys, newest first (the first
 * signs); `verifyOnly` are public keys known from the database but not held here.
 */
export class KeyRing implements TokenKeys {
  #state: RingState;

  private constructor(state: RingState) {
    this.#state = state;
  }

  static async create(
    signers: readonly SigningKey[],
    verifyOnly: readonly PublicJwk[] = [],
  ): Promise<KeyRing> {
    return new KeyRing(await buildState(signers, verifyOnly));
  }

  get signing(): SigningKey {
    return this.#state.signing;
  }

  get verifying(): ReadonlyMap<string, CryptoKey> {
    return this.#state.verifying;
  }

  /** Every public key that still verifies, signer first (the JWKS document). */
  get jwks(): readonly PublicJwk[] {
    return this.#state.jwks;
  }

  async replace(signers: readonly SigningKey[], verifyOnly: readonly PublicJwk[] = []): Promise<void> {
    this.#state = await buildState(signers, verifyOnly);
  }
}

async function buildState(
  signers: readonly SigningKey[],
  verifyOnly: readonly PublicJwk[],
): Promise<RingState> {
  const [signing] = signers;
  if (!signing) throw new Error("no JWT signing key (run `systemprompt admin setup`)");
  const verifying = new Map<string, CryptoKey>();
  const jwks: PublicJwk[] = [];
  for (const jwk of [...signers.map((k) => k.publicJwk), ...verifyOnly]) {
    if (verifying.has(jwk.kid)) continue;
    verifying.set(jwk.kid, await importJWK(jwk, "RS256") as CryptoKey);
    jwks.push(jwk);
  }
  return { signing, verifying, jwks };
}
