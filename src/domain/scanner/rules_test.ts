import assert from "node:assert/strict";
import { detectorIds } from "./rules.ts";
import { FIXTURES as F, fx, ids, scan } from "./test_support.ts";

/** [detector id, text that must be caught, near miss that must pass, evasion that must be caught]. */
const FAMILIES: readonly (readonly [string, string, string, string])[] = [
  [
    "aws-access-key",
    `aws_access_key_id = ${F.aws}`,
    fx("AKIA", "XXXXXXXXXXXXXXXX"),
    fx("АКІА", F.aws.slice(4)),
  ],
  [
    "aws-secret-key",
    `aws_secret_access_key = ${F.awsSecret}`,
    "aws_secret_access_key = <your-secret>",
    `aws_secret_access_key=${encodeURIComponent(F.awsSecret)}`,
  ],
  [
    "github-token-classic",
    `GITHUB_TOKEN=${F.ghp}`,
    fx("ghp_", "x".repeat(36)),
    `tok: ${F.ghp.slice(0, 8)}\u200b${F.ghp.slice(8)}`,
  ],
  ["github-oauth", `oauth_token: ${F.gho}`, "gho_ is the OAuth prefix", btoa(`token=${F.gho}`)],
  [
    "npm-token",
    `//registry.npmjs.org/:_authToken=${F.npm}`,
    "npm_config_cache=/tmp/npm",
    `\\u006e\\u0070\\u006d\\u005f${F.npm.slice(4)}`,
  ],
  [
    "anthropic-api-key",
    `ANTHROPIC_API_KEY=${F.anthropic}`,
    'client = Anthropic(api_key="sk-ant-...")',
    `key ｓｋ－ａｎｔ－${F.anthropic.slice(7)}`,
  ],
  [
    "openai-project-key",
    `Authorization: Bearer ${F.openaiProject}`,
    "openai.api_key = 'sk-proj-…'",
    [...F.openaiProject].map((c) => c.charCodeAt(0).toString(16)).join(""),
  ],
  [
    "groq-api-key",
    `GROQ_API_KEY=${F.groq}`,
    "gsk_ keys are Groq keys",
    `&#x67;&#x73;&#x6b;&#x5f;${F.groq.slice(4)}`,
  ],
  [
    "huggingface-token",
    `HF_TOKEN=${F.huggingface}`,
    fx("hf_", "3478658437658347638475687346587374"),
    `t=${F.huggingface.replace("hf_", "h\u00adf_")}`,
  ],
  ["google-api-key", `?key=${F.google}&alt=json`, "GOOGLE_API_KEY=AIza...", `k=${btoa(F.google)}`],
  ["xai-api-key", `XAI_API_KEY="${F.xai}"`, "model: grok-3-mini", `XAI="${F.xai.replace("xai", "хаі")}"`],
  [
    "slack-bot-token",
    `SLACK_BOT_TOKEN=${F.slack}`,
    'SLACK_BOT_TOKEN="xoxb-your-bot-token"',
    `t=${F.slack.replace("xoxb", "хохb")}`,
  ],
  [
    "stripe-secret-key",
    `Stripe.api_key = "${F.stripe}"`,
    "STRIPE_SECRET_KEY=sk_live_****************",
    `k=${encodeURIComponent(F.stripe).replace(/_/g, "%5F")}`,
  ],
  [
    "gitlab-token",
    `--build-arg GO_REPO_TOKEN=${F.gitlab}`,
    fx("glpat-", "xxxxxxxxxxxxxxxxxxxx"),
    `t=${F.gitlab.slice(0, 6)}\u2060${F.gitlab.slice(6)}`,
  ],
  [
    "sendgrid-api-key",
    `SENDGRID_API_KEY=${F.sendgrid}`,
    "SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxx",
    `v=${btoa(F.sendgrid)}`,
  ],
  [
    "replicate-api-token",
    `REPLICATE_API_TOKEN=${F.replicate}`,
    "r8_ is Replicate's prefix",
    `x=${btoa(btoa(F.replicate))}`,
  ],
  [
    "perplexity-api-key",
    `PPLX=${F.perplexity}`,
    "pplx-api docs",
    `PPLX=${F.perplexity.replace("pplx", "рplx")}`,
  ],
  [
    "digitalocean-token",
    `token = "${F.digitalocean}"`,
    fx("dop_v1_", "0".repeat(64)),
    `t=${btoa(F.digitalocean)}`,
  ],
  [
    "twilio-api-key",
    `TWILIO_API_KEY_SID=${F.twilio}`,
    "SK4D2F64E2A108CD72F648Bx984C3B5A13",
    `sid=${btoa(F.twilio)}`,
  ],
  [
    "telegram-bot-token",
    `bot ${F.telegram}`,
    "12345678:AAtoo-short",
    `bot=${encodeURIComponent(F.telegram)}`,
  ],
];

Deno.test("each detector family catches a true positive, passes a near miss and sees through an evasion", () => {
  for (const [id, positive, nearMiss, evasion] of FAMILIES) {
    assert.ok(
      ids(scan(positive)).includes(id),
      `${id}: positive ${JSON.stringify(positive)} → ${ids(scan(positive))}`,
    );
    assert.deepEqual(ids(scan(nearMiss)), [], `${id}: near miss ${JSON.stringify(nearMiss)}`);
    assert.ok(scan(evasion).findings.length > 0, `${id}: evasion ${JSON.stringify(evasion)}`);
  }
});

Deno.test("AWS's documentation key id is blocked with the pinned name (the audit tests send it)", () => {
  const [finding] = scan("curl -H 'Authorization: AKIAIOSFODNN7EXAMPLE' https://api.example.com").findings;
  assert.equal(finding?.detectorId, "aws-access-key");
  assert.equal(finding?.name, "AWS Access Key");
  assert.equal(finding?.preview, "AKIAIO...[REDACTED]");
});

Deno.test("GitHub and npm checksums raise confidence; a failed checksum still blocks", () => {
  assert.equal(scan(F.ghp).findings[0]?.confidence, "certain");
  assert.equal(scan(F.npm).findings[0]?.confidence, "certain");
  const broken = `${F.ghp.slice(0, -1)}${F.ghp.endsWith("A") ? "B" : "A"}`;
  assert.equal(scan(broken).findings[0]?.confidence, "high");
});

const KEY_BODY = fx(
  "MIIBOgIBAAJBAJtFfagSXdo0JmX6EdwWGvFMaXeOFY5xOTs3PWsnhRFakQFbAuI/",
  "\n",
  "DaJSTVnp3ObjJPZhJs/P/XPWIKRNIglRqkkCAwEAAQJAbErPFMWah3EPxtfeVO1l",
);

Deno.test("private keys: PEM (plain, escaped, concatenated), base64 PEM and bare DER", () => {
  const pem = fx("-----BEGIN RSA ", "PRIVATE KEY-----\n", KEY_BODY, "\n-----END RSA PRIVATE KEY-----");
  assert.deepEqual(ids(scan(pem)), ["pem-private-key-rsa"]);
  assert.deepEqual(ids(scan(`key = "${pem.replace(/\n/g, "\\n")}"`)), ["pem-private-key-rsa"]);
  assert.deepEqual(ids(scan(pem.replace(/\n/g, '" +\n"'))), ["pem-private-key-rsa"]);
  assert.ok(scan(`PRIVATE_KEY_B64=${btoa(pem)}`).findings.length > 0);
  assert.deepEqual(ids(scan(`<data>\n  ${KEY_BODY}\n</data>`)), ["der-private-key"]);
});

Deno.test("private keys: placeholders, public keys and certificates pass", () => {
  for (
    const text of [
      fx("-----BEGIN RSA ", "PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
      fx("-----BEGIN ", "PRIVATE KEY-----\\n<paste key here>\\n-----END PRIVATE KEY-----"),
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE99M+HpftN5kqrW7rjSraYXwxlHfx\n-----END PUBLIC KEY-----",
      'grep -rn "BEGIN RSA PRIVATE KEY" --include=*.pem .',
    ]
  ) assert.deepEqual(ids(scan(text)), [], text);
});

Deno.test("JWTs are caught; single-segment base64 JSON cursors are not", () => {
  const jwt = fx(
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    ".eyJzdWIiOiJmaXh0dXJlIiwiaWF0IjoxNzAwMDAwMDAwfQ",
    ".c2lnbmF0dXJlLWZpeHR1cmUtMDEyMzQ1Njc4OQ",
  );
  assert.ok(
    ids(scan(`Authorization: Bearer ${jwt}`)).some((id) => id === "bearer-token-jwt" || id === "jwt-raw"),
  );
  assert.deepEqual(ids(scan('{"next_cursor":"eyJvZmZzZXQiOjIwMCwic29ydCI6ImNyZWF0ZWRfYXQifQ"}')), []);
});

Deno.test("connection URLs with a password are named after the database; placeholders pass", () => {
  assert.deepEqual(ids(scan(`DATABASE_URL=postgres://app:${F.password}@db.internal:5432/app`)), [
    "postgres-url-with-password",
  ]);
  assert.deepEqual(ids(scan(`mongodb+srv://svc:${F.password}@cluster0.example.net/db`)), ["mongodb-srv-url"]);
  assert.deepEqual(ids(scan(`REDIS_URL=redis://:${F.password}@cache:6379/0`)), ["redis-url-with-auth"]);
  assert.deepEqual(ids(scan(`https://deploy:${F.password}@git.example.com/repo.git`)), ["basic-auth-url"]);
  for (
    const clean of [
      "postgres://user:password@localhost:5432/app",
      "postgresql://<user>:<password>@<host>/db",
      "redis://cache.internal:6379/0",
    ]
  ) {
    assert.deepEqual(ids(scan(clean)), [], clean);
  }
});

Deno.test("detectorIds() covers every detector id of the original product", () => {
  const original = [
    "aws-access-key",
    "aws-secret-key",
    "github-token-classic",
    "github-token-fine-grained",
    "github-oauth",
    "github-app-user-to-server",
    "github-app-server-to-server",
    "github-app-refresh",
    "gitlab-token",
    "slack-bot-token",
    "slack-user-token",
    "slack-webhook",
    "stripe-secret-key",
    "stripe-restricted-key",
    "google-api-key",
    "anthropic-api-key",
    "openai-api-key",
    "twilio-auth-token",
    "sendgrid-api-key",
    "mailgun-api-key",
    "heroku-api-key",
    "pem-private-key-rsa",
    "pem-private-key-ec",
    "pem-private-key",
    "generic-password-field",
    "generic-secret-field",
    "bearer-token-jwt",
    "jwt-raw",
    "postgres-url-with-password",
    "mysql-url-with-password",
    "mongodb-srv-url",
    "redis-url-with-auth",
    "high-entropy-token",
  ];
  const ids = new Set(detectorIds());
  assert.deepEqual(original.filter((id) => !ids.has(id)), []);
});
