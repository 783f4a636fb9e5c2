import assert from "node:assert/strict";
import OpenAI from "openai";
import { openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import { testDbMode } from "./support/db.ts";

const mode = testDbMode();

Deno.test(`llm keys (${mode}): no provider key → vault deny; a fallback with a key is used instead`, async () => {
  await using keyless = startFakeProvider("openai-chat");
  await using keyed = startFakeProvider("openai-chat");
  await using gw = await openGateway({
    profile: `
gateway:
  routes:
    - { model_pattern: "solo", provider: keyless }
    - { model_pattern: "pair", provider: keyless, fallbacks: [{ provider: keyed }] }
providers:
  - { name: keyless, wire: openai-chat, endpoint: "${keyless.endpoint}", api_key_secret: never_set }
  - { name: keyed, wire: openai-chat, endpoint: "${keyed.endpoint}", api_key_secret: keyed_secret }
`,
    secrets: { keyed_secret: "sk-keyed-provider-secret-0001" },
  });
  const client = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({ model: "solo", messages: [{ role: "user", content: "x" }] }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.PermissionDeniedError);
      assert.match(error.message, /secret never_set is not set/);
      return true;
    },
  );
  const answer = await client.chat.completions.create({
    model: "pair",
    messages: [{ role: "user", content: "y" }],
  });
  assert.equal(answer.choices[0]?.message.content, "echo: y");
  assert.equal(keyless.requests.length, 0);
  assert.equal(keyed.requests[0]!.headers["authorization"], "Bearer sk-keyed-provider-secret-0001");
  const rows = await gw.ctx.db.many<{ decision: string; policy: string }>(
    "select decision, policy from governance_decisions order by seq",
  );
  assert.deepEqual(rows, [{ decision: "deny", policy: "vault" }, {
    decision: "allow",
    policy: "default_allow",
  }]);
  await gw.ctx.llmCalls.flush();
  const [, used] = await gw.ctx.db.many<
    { provider: string; attempts: { provider: string; outcome: string }[] }
  >(
    "select provider, attempts from ai_requests order by created_at",
  );
  assert.equal(used!.provider, "keyed");
  assert.deepEqual(used!.attempts.map((a) => `${a.provider}:${a.outcome}`), ["keyless:no_key", "keyed:ok"]);
});

Deno.test(`llm keys (${mode}): a prompt too large to scan is denied as unscannable`, async () => {
  await using fake = startFakeProvider("openai-chat");
  await using gw = await openGateway({
    profile: `
gateway:
  routes: [{ model_pattern: "*", provider: fake }]
providers:
  - { name: fake, wire: openai-chat, endpoint: "${fake.endpoint}" }
`,
  });
  const client = new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "word ".repeat(220_000) }],
    }),
    (error: unknown) =>
      error instanceof OpenAI.PermissionDeniedError && /too large to scan/.test(error.message),
  );
  assert.equal(fake.requests.length, 0);
});
