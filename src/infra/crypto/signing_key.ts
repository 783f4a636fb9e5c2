import { encodeBase64Url } from "./base64.ts";

/**
 * RSA-2048 JWT signing keys. On disk: PKCS#8 PEM. The key id is the base64url SHA-256 of the
 * public key's SPKI encoding, so the same key always has the same `kid`.
 */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JsonWebKey & { kid: string; alg: "RS256"; use: "sig" };
}

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export async function generateSigningKeyPem(): Promise<string> {
  const pair = await crypto.subtle.generateKey(
    { ...ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return toPem(pkcs8, "PRIVATE KEY");
}

export async function importSigningKey(pem: string): Promise<SigningKey> {
  const der = fromPem(pem, "PRIVATE KEY");
  const privateKey = await crypto.subtle.importKey("pkcs8", der, ALGORITHM, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  const [n, e] = [jwk.n ?? "", jwk.e ?? ""];
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "RSA", n, e }, ALGORITHM, true, ["verify"]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
  const kid = encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", spki)));
  const signOnly = await crypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
  return {
    kid,
    privateKey: signOnly,
    publicJwk: { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" },
  };
}

function toPem(der: Uint8Array, label: string): string {
  const b64 = btoa(String.fromCharCode(...der));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function fromPem(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(`-----BEGIN ${label}-----`, "").replace(`-----END ${label}-----`, "").replace(
    /\s+/g,
    "",
  );
  const bin = atob(body);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
