import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Gateway, openGateway } from "./_fixtures/fake_gateway.ts";
import { type FakeProvider, startFakeProvider } from "./_fixtures/fake_provider.ts";
import { pngBytes } from "@domain/llm/test_values.ts";
import { testDbMode } from "./support/db.ts";

/**
 * Governance reads every string an upstream would get, including what rides in inline payloads
 * (image, document and audio `data`, `data:` URLs), what only a fallback of another wire would
 * get, and it denies what it cannot read (a body nested deeper than the scanner goes).
 */
const mode = testDbMode();
const SECRET = "AKIAIOSFODNN7EXAMPLF";
const utf8 = (text: string) => new TextEncoder().encode(text);

const pngBase64 = (size: number) => pngBytes(size).toBase64();

interface Setup extends AsyncDisposable {
  readonly gw: Gateway;
  readonly fa: FakeProvider;
  readonly fo: FakeProvider;
  readonly sent: () => number;
}

async function setup(): Promise<Setup> {
  const fa = startFakeProvider("anthropic");
  const fo = startFakeProvider("openai-chat");
  const gw = await openGateway({
    profile: `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: fa, upstream_model: claude-fake }
    - { model_pattern: "gpt-*", provider: fo, upstream_model: gpt-fake }
    - { model_pattern: "mixed-*", provider: fo, upstream_model: gpt-fake, fallbacks: [{ provider: fa, upstream_model: claude-fake }] }
providers:
  - { name: fa, wire: anthropic, endpoint: "${fa.endpoint}", models: [{ id: claude-fake, pricing: { input_per_million: 1, output_per_million: 2 } }] }
  - { name: fo, wire: openai-chat, endpoint: "${fo.endpoint}", models: [{ id: gpt-fake, pricing: { input_per_million: 1, output_per_million: 2 } }] }
`,
  });
  return {
    gw,
    fa,
    fo,
    sent: () => fa.requests.length + fo.requests.length,
    [Symbol.asyncDispose]: async () => {
      await gw[Symbol.asyncDispose]();
      await fa[Symbol.asyncDispose]();
      await fo[Symbol.asyncDispose]();
    },
  };
}

const anthropic = (gw: Gateway) => new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 });

async function denied(run: () => Promise<unknown>, policy: RegExp): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof Anthropic.APIError || error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 403);
    assert.match(error.message, policy);
    assert.ok(!error.message.includes(SECRET), "the deny text does not repeat the secret");
    return true;
  });
}

async function lastDecision(gw: Gateway): Promise<{ decision: string; policy: string }> {
  return await gw.ctx.db.one("select decision, policy from governance_decisions order by seq desc limit 1");
}

Deno.test(`llm prompt coverage (${mode}): a picture passes untouched; text in its place is read`, async () => {
  await using s = await setup();
  const picture = pngBase64(30_000);
  const image = (data: string) => ({
    model: "claude-test",
    max_tokens: 10,
    messages: [{
      role: "user" as const,
      content: [
        {
          type: "image" as const,
          source: { type: "base64" as const, media_type: "image/png" as const, data },
        },
        { type: "text" as const, text: "what is this?" },
      ],
    }],
  });
  const ok = await anthropic(s.gw).messages.create(image(picture));
  assert.equal(ok.type, "message");
  const forwarded = JSON.stringify(s.fa.requests.at(-1)?.body);
  assert.ok(forwarded.includes(picture), "the upstream got the picture as sent");

  await denied(
    () => anthropic(s.gw).messages.create(image(`aws key ${SECRET}`)),
    /secret detected: AWS Access Key/,
  );
  await denied(
    () => anthropic(s.gw).messages.create(image(utf8(`AWS_ACCESS_KEY_ID=${SECRET}\n`).toBase64())),
    /secret detected: AWS Access Key/,
  );
  const document = {
    type: "document" as const,
    source: {
      type: "base64" as const,
      media_type: "application/pdf" as const,
      data: utf8(`key=${SECRET}`).toBase64(),
    },
  };
  await denied(
    () =>
      anthropic(s.gw).messages.create({
        model: "claude-test",
        max_tokens: 10,
        messages: [{ role: "user", content: [document] }],
      }),
    /secret detected/,
  );
  assert.equal(s.sent(), 1, "only the picture reached a provider");
  assert.deepEqual(await lastDecision(s.gw), { decision: "deny", policy: "secret_scan" });
});

Deno.test(`llm prompt coverage (${mode}): a data: URL of text is read decoded (OpenAI SDK)`, async () => {
  await using s = await setup();
  const openai = new OpenAI({ apiKey: s.gw.adminToken, baseURL: `${s.gw.url}/v1`, maxRetries: 0 });
  const url = `data:text/plain;base64,${utf8(`export AWS_ACCESS_KEY_ID=${SECRET}`).toBase64()}`;
  await denied(
    () =>
      openai.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
      }),
    /secret detected: AWS Access Key/,
  );
  const picture = `data:image/png;base64,${pngBase64(5_000)}`;
  const ok = await openai.chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: picture } }] }],
  });
  assert.equal(ok.object, "chat.completion");
  assert.equal(s.fo.requests.length, 1);
});

Deno.test(`llm prompt coverage (${mode}): what only a fallback of another wire or a forwarded header carries is read`, async () => {
  await using s = await setup();
  // The primary (OpenAI wire) gets a translation without `service_tier`; the Anthropic-wire fallback
  // would get the caller's own body, field and all.
  await denied(
    () =>
      anthropic(s.gw).messages.create({
        model: "mixed-test",
        max_tokens: 10,
        messages: [{ role: "user", content: "hello" }],
        service_tier: `auto ${SECRET}` as "auto",
      }),
    /secret detected: AWS Access Key/,
  );
  assert.equal(s.sent(), 0);
  // The one caller header an upstream gets (`anthropic-beta`, on its own wire) is read too.
  const beta = new Anthropic({
    apiKey: s.gw.adminToken,
    baseURL: s.gw.url,
    maxRetries: 0,
    defaultHeaders: { "anthropic-beta": `tools-2024-04-04,${SECRET}` },
  });
  await denied(
    () =>
      beta.messages.create({
        model: "claude-test",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    /secret detected: AWS Access Key/,
  );
  assert.equal(s.sent(), 0);
  const ok = await anthropic(s.gw).messages.create({
    model: "mixed-test",
    max_tokens: 10,
    messages: [{ role: "user", content: "hello" }],
  });
  assert.equal(ok.type, "message");
});

Deno.test(`llm prompt coverage (${mode}): a body nested deeper than the scanner reads is denied`, async () => {
  await using s = await setup();
  let deep: unknown = `tucked away ${SECRET}`;
  for (let i = 0; i < 80; i++) deep = [deep];
  const response = await fetch(`${s.gw.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": s.gw.adminToken,
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify({
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: "hello" }],
      metadata: { user_id: "u", extra: deep },
    }),
  });
  assert.equal(response.status, 403);
  const body = await response.json();
  assert.equal(body.error.type, "permission_error");
  assert.match(body.error.message, /nested too deeply to scan/);
  assert.equal(s.sent(), 0);
  assert.deepEqual(await lastDecision(s.gw), { decision: "deny", policy: "unscannable" });
});

Deno.test(`llm prompt coverage (${mode}): a secret typed into the model name names no row`, async () => {
  await using s = await setup();
  // `claude-*` is renamed to claude-fake: the provider never sees the caller's name, so the call passes.
  const model = `claude-${SECRET}`;
  const ok = await anthropic(s.gw).messages.create({
    model,
    max_tokens: 10,
    messages: [{ role: "user", content: "hello" }],
  });
  assert.equal(ok.type, "message");
  assert.ok(!JSON.stringify(s.fa.requests).includes(SECRET));
  await s.gw.ctx.llmCalls.flush();
  const stored = await s.gw.ctx.db.many<{ row: string }>(
    "select d::text as row from governance_decisions d union all select a::text from ai_requests a",
  );
  assert.equal(stored.length, 2);
  assert.ok(stored.every((r) => r.row.includes("claude-[REDACTED:") && !r.row.includes(SECRET)));
  await assert.rejects(
    anthropic(s.gw).messages.create({ model: `gemini-${SECRET}`, max_tokens: 5, messages: [] }),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.NotFoundError);
      assert.ok(!error.message.includes(SECRET), "the 404 does not echo it either");
      return true;
    },
  );
});
