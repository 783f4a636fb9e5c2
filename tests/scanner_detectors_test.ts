/**
 * Every detector (all of `detectorIds()`) has a true positive, a near-miss negative and an evasion:
 * - true positive: the first public-corpus secret the detector reports, or a generated fixture
 *   (below) for detectors the corpus has no example of;
 * - near miss: the same text with the matched value's body (after its first four characters)
 *   replaced by `x` — a documentation placeholder of the right shape — unless a detector has its
 *   own near miss below;
 * - evasion: the same text with a zero-width space inside the matched value (normalisation must
 *   remove it, and the same detector must still report it).
 * Fixture values are generated from a seed, so no credential-shaped string is written here.
 */
import assert from "node:assert/strict";
import { createScanner, detectorIds, type Scanner } from "../src/domain/scanner/mod.ts";
import { loadCorpus } from "./scanner_corpus.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const B64 = `${ALNUM}+/`;

/** `n` deterministic pseudo-random characters of `alphabet`. */
function rnd(alphabet: string, n: number, seed: number): string {
  let x = seed * 2654435761 % 4294967296 || 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[Math.floor((x / 2147483648) * alphabet.length)];
  }
  return out;
}

const pw = rnd(ALNUM, 14, 1);
const pem = (kind: string) =>
  `-----BEGIN ${kind} PRIVATE KEY-----\n${rnd(B64, 64, 2)}\n${rnd(B64, 64, 3)}\n${
    rnd(B64, 40, 4)
  }==\n-----END ${kind} PRIVATE KEY-----`;
const jwtPart = (seed: number) => rnd(`${ALNUM}_-`, 24, seed);

/** Detectors the corpus has no positive for (or whose corpus text has several secrets). */
const FIXTURES: Readonly<Record<string, string>> = {
  "airtable-pat": `AIRTABLE=pat${rnd(ALNUM, 14, 5)}.${rnd(HEX, 64, 6)}`,
  "amqp-url-with-password": `BROKER=amqp://svc:${pw}@mq.internal:5672/vh`,
  "anthropic-admin-key": `key sk-ant-admin01-${rnd(`${ALNUM}_-`, 80, 7)}`,
  "aws-access-key": `aws_access_key_id = AKIA${rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 8)}`,
  "azure-client-secret": `AZURE_CLIENT_SECRET=abc8Q~${rnd(ALNUM, 34, 9)}`,
  "bearer-token-jwt": `Authorization: Bearer eyJ${jwtPart(10)}.eyJ${jwtPart(11)}.${jwtPart(12)}`,
  "cohere-api-key": `COHERE_API_KEY="${rnd(ALNUM, 40, 13)}"`,
  "gcp-service-account": `key.json = {"type": "service_account", "private_key_id": "${rnd(HEX, 40, 14)}"}`,
  "known-secret": `the vault value is ${rnd(ALNUM, 20, 15)} today`,
  "langsmith-api-key": `LANGSMITH=lsv2_pt_${rnd(HEX, 32, 16)}_${rnd(HEX, 10, 17)}`,
  "mistral-api-key": `MISTRAL_API_KEY=${rnd(ALNUM, 32, 18)}`,
  "mysql-url-with-password": `DSN=mysql://app:${pw}@db.internal:3306/app`,
  "openai-admin-key": `OPENAI_ADMIN_KEY=sk-admin-${rnd(`${ALNUM}_-`, 60, 19)}`,
  "openai-service-account-key": `OPENAI_API_KEY=sk-svcacct-${rnd(`${ALNUM}_-`, 60, 20)}`,
  "openrouter-api-key": `OPENROUTER=sk-or-v1-${rnd(HEX, 64, 21)}`,
  "pem-private-key-dsa": pem("DSA"),
  "pem-private-key-encrypted": pem("ENCRYPTED"),
  "pinecone-api-key": `PINECONE=pcsk_${rnd(ALNUM, 6, 22)}_${rnd(`${ALNUM}_`, 60, 23)}`,
  "pkcs12-keystore": `p12: MII${rnd(B64, 3, 24)}IBAzCC${rnd(B64, 90, 25)}`,
  "pulumi-token": `PULUMI_ACCESS_TOKEN=pul-${rnd(HEX, 40, 26)}`,
  "redis-url-with-auth": `REDIS_URL=redis://:${pw}@cache:6379/0`,
  "replicate-api-token": `REPLICATE=r8_${rnd(ALNUM, 37, 27)}`,
  "stripe-test-secret-key": `STRIPE=sk_test_${rnd(ALNUM, 24, 28)}`,
  "twilio-auth-token": `TWILIO_AUTH_TOKEN=${rnd(HEX, 32, 29)}`,
  "jwk-private-key": `{"kty": "EC", "crv": "P-256", "d": "${rnd(`${ALNUM}_-`, 43, 30)}"}`,
  "truenas-api-key": `TRUENAS_KEY=1-${rnd(ALNUM, 64, 31)}`,
  "mongodb-srv-url": `MONGO=mongodb+srv://svc:${pw}@cluster0.example.net/db`,
};

/** Near misses for detectors whose `x`-filled value still has the detector's shape. */
const NEAR_MISSES: Readonly<Record<string, string>> = {
  "jwk-private-key": `{"kty": "EC", "crv": "P-256", "x": "${rnd(`${ALNUM}_-`, 43, 30)}"}`,
  "truenas-api-key": `TRUENAS_KEY=1-${"ab12".repeat(16)}`,
  "mongodb-srv-url": "MONGO=mongodb+srv://svc:<password>@cluster0.example.net/db",
};

const KNOWN = FIXTURES["known-secret"]?.split(" ")[4] ?? "";

function reports(scanner: Scanner, text: string, id: string): { start: number; end: number } | undefined {
  return scanner.scanText(text, "text").findings.find((f) => f.detectorId === id);
}

function truePositives(scanner: Scanner): Map<string, string> {
  const found = new Map<string, string>(Object.entries(FIXTURES));
  for (const item of loadCorpus().filter((i) => i.expect === "secret")) {
    for (const f of scanner.scanText(item.text, "text").findings) {
      if (!found.has(f.detectorId)) found.set(f.detectorId, item.text);
    }
  }
  return found;
}

Deno.test("every detector: a true positive, a near-miss negative and a zero-width evasion", () => {
  const scanner = createScanner({ fingerprintKey: new Uint8Array(32), knownSecrets: [KNOWN] });
  const positives = truePositives(scanner);
  const problems: string[] = [];
  for (const id of detectorIds()) {
    const text = positives.get(id);
    const hit = text === undefined ? undefined : reports(scanner, text, id);
    if (text === undefined || !hit) {
      problems.push(`${id}: no true positive`);
      continue;
    }
    const secret = text.slice(hit.start, hit.end);
    const placeholder = secret.slice(0, 4) + "x".repeat(Math.max(0, secret.length - 4));
    const near = NEAR_MISSES[id] ?? text.slice(0, hit.start) + placeholder + text.slice(hit.end);
    if (reports(scanner, near, id)) problems.push(`${id}: near miss reported: ${near.slice(0, 80)}`);
    const mid = hit.start + Math.floor((hit.end - hit.start) / 2);
    const evasion = `${text.slice(0, mid)}\u200b${text.slice(mid)}`;
    if (!reports(scanner, evasion, id)) problems.push(`${id}: zero-width evasion missed`);
  }
  assert.deepEqual(problems, []);
  assert.ok(detectorIds().length >= 159);
});
