/** Private keys (PEM, OpenSSH, PGP, DER in base64, JWK), JWTs and WireGuard keys. */
import { isPlaceholderToken } from "./quality.ts";
import { type Hit, patternRule, type Rule } from "./rule.ts";

const PEM_HEADER =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/g;
const PEM_KINDS: Readonly<Record<string, readonly [string, string]>> = {
  "RSA PRIVATE KEY": ["pem-private-key-rsa", "RSA Private Key"],
  "EC PRIVATE KEY": ["pem-private-key-ec", "EC Private Key"],
  "DSA PRIVATE KEY": ["pem-private-key-dsa", "DSA Private Key"],
  "OPENSSH PRIVATE KEY": ["pem-private-key-openssh", "OpenSSH Private Key"],
  "PGP PRIVATE KEY BLOCK": ["pgp-private-key", "PGP Private Key Block"],
  "PGP PRIVATE KEY": ["pgp-private-key", "PGP Private Key Block"],
  "ENCRYPTED PRIVATE KEY": ["pem-private-key-encrypted", "Encrypted Private Key"],
  "SSH2 ENCRYPTED PRIVATE KEY": ["pem-private-key-encrypted", "Encrypted Private Key"],
};
const BODY_WINDOW = 1200;

/** Base64 characters in runs of 16 or more: how much key material follows a header. */
function keyMaterial(body: string): number {
  let total = 0;
  for (const run of body.matchAll(/[A-Za-z0-9+/=]{16,}/g)) total += run[0].length;
  return total;
}

/** PEM blocks, including escaped (`\n`), concatenated (`" +`) and commented (` * `) forms. */
function findPem(text: string, out: Hit[]): void {
  for (const m of text.matchAll(PEM_HEADER)) {
    const bodyStart = m.index + m[0].length;
    const endAt = text.indexOf("-----END", bodyStart);
    const bodyEnd = endAt === -1 || endAt - bodyStart > BODY_WINDOW
      ? Math.min(text.length, bodyStart + BODY_WINDOW)
      : endAt;
    const body = text.slice(bodyStart, bodyEnd).replace(/\\[nrt]/g, " ");
    if (body.includes("...") || body.includes("…") || /<[a-z ]+>/i.test(body) || keyMaterial(body) < 64) {
      continue;
    }
    const [ruleId, name] = PEM_KINDS[m[1] ?? ""] ?? ["pem-private-key", "Private Key"];
    const close = endAt === bodyEnd ? text.indexOf("-----", endAt + 8) : -1;
    const end = close === -1 ? bodyEnd : close + 5;
    const confidence = ruleId === "pem-private-key-encrypted" ? "low" : "certain";
    out.push({ ruleId, name, start: m.index, end, confidence });
  }
}

export const KEY_RULES: readonly Rule[] = [
  { id: "pem-private-key", name: "Private Key", keywords: ["-----begin "], find: findPem },
  patternRule({
    id: "der-private-key",
    name: "Private Key (base64 DER)",
    keywords: ["iba", "agea", "caqee"],
    pattern:
      /(?<![A-Za-z0-9+/])M(?:II[A-Za-z0-9+/]{3}IBA(?:A[JK]|D[A-Z])|IG[A-Za-z0-9+/]AgEA|H[A-Za-z0-9+/]CAQEE)[A-Za-z0-9+/]{40,}/,
    confidence: "certain",
  }),
  patternRule({
    id: "pkcs12-keystore",
    name: "PKCS#12 Keystore",
    keywords: ["ibazcc"],
    pattern: /(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{3}IBAzCC[A-Za-z0-9+/]{60,}/,
  }),
  patternRule({
    id: "private-key-base64-pem",
    name: "Private Key (base64 PEM)",
    keywords: ["ls0tls1crudjtib"],
    pattern:
      /LS0tLS1CRUdJTiB(?:SU0EgUFJJVkFURSBLRV|FQyBQUklWQVRFIEtFW|PUEVOU1NIIFBSSVZBVEUgS0VZ|QUklWQVRFIEtFW)[A-Za-z0-9+/=]{40,}/,
    confidence: "certain",
  }),
  patternRule({
    id: "jwk-private-key",
    name: "JSON Web Key (private)",
    keywords: ['"kty"'],
    pattern: /"d"\s*:\s*"(?<s>[A-Za-z0-9_-]{20,})"/d,
  }),
  patternRule({
    id: "bearer-token-jwt",
    name: "JSON Web Token",
    keywords: ["bearer eyj", "bearer: eyj"],
    pattern: /bearer:?\s+(?<s>eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,})/di,
  }),
  patternRule({
    id: "jwt-raw",
    name: "JSON Web Token",
    keywords: ["eyj"],
    pattern: /(?<![\w-])eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/,
    verify: (s) => isPlaceholderToken(s.slice(s.lastIndexOf(".") + 1)) ? undefined : "high",
  }),
  patternRule({
    id: "wireguard-private-key",
    name: "WireGuard Private Key",
    keywords: ["privatekey", "presharedkey"],
    pattern: /(?:PrivateKey|PresharedKey)\s*=\s*(?<s>[A-Za-z0-9+/]{42,43}=)/di,
    confidence: "certain",
  }),
];
