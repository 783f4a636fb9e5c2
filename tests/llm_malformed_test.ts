import assert from "node:assert/strict";
import { type Gateway, openGateway } from "./_fixtures/fake_gateway.ts";
import { startFakeProvider } from "./_fixtures/fake_provider.ts";
import { seeded } from "@domain/audit/test_values.ts";
import { testDbMode } from "./support/db.ts";

/**
 * Malformed requests on every `/v1` surface: valid bodies of each dialect mutated at random (fields
 * dropped, values swapped for nulls, numbers, empty or huge strings, arrays, objects), with a fixed
 * seed. None may get a 5xx of ours, a hang or a crash: each answer is a success or a 4xx error in
 * the caller's own dialect.
 */
const mode = testDbMode();

const SEEDS: Record<string, unknown> = {
  "/v1/messages": {
    model: "claude-test",
    max_tokens: 20,
    system: [{ type: "text", text: "be brief" }],
    messages: [
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: { a: 1 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
    ],
    tools: [{ name: "f", description: "d", input_schema: { type: "object", properties: {} } }],
    tool_choice: { type: "auto" },
    stop_sequences: ["x"],
    temperature: 0.5,
    metadata: { user_id: "u" },
  },
  "/v1/messages/count_tokens": {
    model: "claude-test",
    messages: [{ role: "user", content: "hi" }],
  },
  "/v1/chat/completions": {
    model: "gpt-test",
    max_tokens: 20,
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    stop: ["x"],
    n: 1,
  },
  "/v1beta/models/gemini-test:generateContent": {
    contents: [{ role: "user", parts: [{ text: "hi" }] }],
    systemInstruction: { parts: [{ text: "be brief" }] },
    generationConfig: { maxOutputTokens: 20, stopSequences: ["x"] },
    tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "object" } }] }],
  },
};

const ODD: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -0,
  "",
  "x",
  "\u0000",
  "\ud800",
  [],
  {},
  [null],
  JSON.parse('{"__proto__": {"polluted": true}}'), // an own `__proto__` key, as a client can send one
  "a".repeat(5000),
  2 ** 53,
  -(2 ** 31),
  [[[]]],
  { type: "image" },
  { type: "text" },
  { type: "text", text: 5 },
];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  const roll = r();
  if (depth > 0 && roll < 0.12) return ODD[Math.floor(r() * ODD.length)];
  if (Array.isArray(value)) {
    const copy = value.map((v) => (r() < 0.5 ? mutate(v, r, depth + 1) : v));
    if (r() < 0.1) copy.push(ODD[Math.floor(r() * ODD.length)]);
    if (r() < 0.1) copy.pop();
    return copy;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = r();
      if (p < 0.08) continue;
      out[k] = p < 0.6 ? mutate(v, r, depth + 1) : v;
    }
    if (r() < 0.05) out["stream"] = ODD[Math.floor(r() * ODD.length)];
    return out;
  }
  return value;
}

const PROFILE = (endpoints: { a: string; o: string; g: string }) => `
gateway:
  routes:
    - { model_pattern: "claude-*", provider: fa, upstream_model: claude-fake }
    - { model_pattern: "gpt-*", provider: fo, upstream_model: gpt-fake }
    - { model_pattern: "gemini-*", provider: fg, upstream_model: gemini-fake }
providers:
  - { name: fa, wire: anthropic, endpoint: "${endpoints.a}", models: [{ id: claude-fake, pricing: { input_per_million: 1, output_per_million: 2 } }] }
  - { name: fo, wire: openai-chat, endpoint: "${endpoints.o}", models: [{ id: gpt-fake, pricing: { input_per_million: 1, output_per_million: 2 } }] }
  - { name: fg, wire: gemini, endpoint: "${endpoints.g}", models: [{ id: gemini-fake, pricing: { input_per_million: 1, output_per_million: 2 } }] }
`;

/** The error shape of each dialect (what its official SDK reads). */
function isDialectError(path: string, body: Record<string, unknown>): boolean {
  const error = body["error"] as Record<string, unknown> | undefined;
  if (typeof error !== "object" || error === null || typeof error["message"] !== "string") return false;
  if (path.startsWith("/v1beta/")) {
    return typeof error["code"] === "number" && typeof error["status"] === "string";
  }
  if (path.startsWith("/v1/messages")) return body["type"] === "error" && typeof error["type"] === "string";
  return typeof error["type"] === "string";
}

Deno.test(`llm malformed input (${mode}): mutated bodies get a success or a 4xx in the caller's dialect`, async () => {
  const fa = startFakeProvider("anthropic");
  const fo = startFakeProvider("openai-chat");
  const fg = startFakeProvider("gemini");
  const gw: Gateway = await openGateway({
    profile: PROFILE({ a: fa.endpoint, o: fo.endpoint, g: fg.endpoint }),
  });
  const statuses = new Map<number, number>();
  try {
    const random = seeded(20261201);
    const paths = Object.keys(SEEDS);
    for (let i = 0; i < 160; i++) {
      const path = paths[i % paths.length]!;
      const body = mutate(SEEDS[path], random);
      const response = await fetch(`${gw.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${gw.adminToken}`,
          "anthropic-version": "2023-06-01",
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const what = `${response.status} on ${path} for ${JSON.stringify(body).slice(0, 300)}: ${
        text.slice(0, 200)
      }`;
      assert.ok(response.status < 500, what);
      if (response.status >= 400) assert.ok(isDialectError(path, JSON.parse(text)), what);
    }
  } finally {
    await gw[Symbol.asyncDispose]();
    for (const fake of [fa, fo, fg]) await fake[Symbol.asyncDispose]();
  }
  assert.ok((statuses.get(200) ?? 0) > 20 && (statuses.get(400) ?? 0) > 20, JSON.stringify([...statuses]));
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined, "no body reached Object.prototype");
});
