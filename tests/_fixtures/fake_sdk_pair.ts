/**
 * Two fake providers (OpenAI wire behind \`claude-*\`, Anthropic wire behind \`gpt-*\`, so every
 * SDK call crosses dialects), a gateway in front of them, and both official SDK clients.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { AppContext } from "@app/context.ts";
import { openGateway } from "./fake_gateway.ts";
import { type FakeProvider, startFakeProvider } from "./fake_provider.ts";

export const OPENAI_KEY = "sk-fake-openai-0123456789abcdef";
export const ANTHROPIC_KEY = "sk-ant-fake-0123456789abcdef";

function profile(openai: FakeProvider, anthropic: FakeProvider): string {
  return `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: fake-openai, upstream_model: gpt-fake }
    - { model_pattern: "gpt-*", provider: fake-anthropic, upstream_model: claude-fake }
providers:
  - name: fake-openai
    wire: openai-chat
    endpoint: ${openai.endpoint}
    api_key_secret: fake_openai_key
    models:
      - { id: gpt-fake, pricing: { input_per_million: 2.5, output_per_million: 10 } }
  - name: fake-anthropic
    wire: anthropic
    endpoint: ${anthropic.endpoint}
    api_key_secret: fake_anthropic_key
    models:
      - { id: claude-fake, max_output_tokens: 2048, pricing: { input_per_million: 3, output_per_million: 15 } }
`;
}

export async function setup() {
  const openai = startFakeProvider("openai-chat");
  const anthropic = startFakeProvider("anthropic");
  const gw = await openGateway({
    profile: profile(openai, anthropic),
    secrets: { fake_openai_key: OPENAI_KEY, fake_anthropic_key: ANTHROPIC_KEY },
  });
  return {
    gw,
    openai,
    anthropic,
    anthropicClient: new Anthropic({ apiKey: gw.adminToken, baseURL: gw.url, maxRetries: 0 }),
    openaiClient: new OpenAI({ apiKey: gw.adminToken, baseURL: `${gw.url}/v1`, maxRetries: 0 }),
    [Symbol.asyncDispose]: async () => {
      await gw[Symbol.asyncDispose]();
      await openai[Symbol.asyncDispose]();
      await anthropic[Symbol.asyncDispose]();
    },
  };
}

export interface AiRow {
  provider: string;
  model: string;
  requested_model: string;
  status: string;
  input_tokens: number;
  output_tokens: number;
  cost_microdollars: number;
  stream: boolean;
  trace_id: string;
}

/**
 * The `ai_requests` rows, waiting (≤ 3 s) until there are `atLeast`: an SDK may stop reading a
 * stream at its last content frame, before the gateway's closing frame (and the row) goes out.
 */
export async function aiRows(ctx: Pick<AppContext, "db" | "llmCalls">, atLeast = 0): Promise<AiRow[]> {
  const deadline = Date.now() + 3_000;
  while (true) {
    await ctx.llmCalls.flush();
    const rows = await ctx.db.many<AiRow>(
      `select provider, model, requested_model, status, input_tokens, output_tokens, cost_microdollars, stream, trace_id
       from ai_requests order by created_at`,
    );
    if (rows.length >= atLeast || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Nothing that identifies the caller reached the provider; the provider key came from the vault. */
export function assertHygiene(headers: Record<string, string>, token: string) {
  for (const [name, value] of Object.entries(headers)) {
    assert.ok(!value.includes(token), `caller credential forwarded in ${name}`);
    assert.ok(!name.startsWith("x-stainless"), `SDK header ${name} forwarded`);
    assert.ok(!["x-session-id", "x-trace-id", "cookie"].includes(name), `${name} forwarded`);
  }
  assert.equal(headers["user-agent"], "systemprompt-gateway");
}
