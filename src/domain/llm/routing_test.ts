import assert from "node:assert/strict";
import { DEFAULT_CATALOG } from "./catalog.ts";
import { mergeProviders } from "./providers.ts";
import { buildRouteTable, listedModels, matchesPattern, resolveRoute, slugOf } from "./routing.ts";

const gateway = (routes: unknown[], defaultProvider?: string) => ({
  enabled: true,
  routes: routes as never,
  timeout_ms: 1000,
  retries: 2,
  retry_backoff_ms: 10,
  ...(defaultProvider ? { default_provider: defaultProvider } : {}),
});

const merged = mergeProviders(DEFAULT_CATALOG, [
  {
    name: "local",
    wire: "openai-chat",
    endpoint: "http://127.0.0.1:11434/v1/",
    models: [{ id: "llama-3.1-8b", pricing: { input_per_million: 0.1, output_per_million: 0.2 } }],
  },
  {
    name: "anthropic",
    endpoint: "https://proxy.example/v1",
    models: [{ id: "claude-opus-4-1", max_output_tokens: 4000 }],
  },
]);

Deno.test("matchesPattern() and slugOf() follow the pinned pattern forms", () => {
  assert.ok(matchesPattern("claude-*", "claude-x"));
  assert.ok(!matchesPattern("claude-*", "xclaude-"));
  assert.ok(matchesPattern("*-mini", "gpt-4o-mini"));
  assert.ok(matchesPattern("*", "anything"));
  assert.ok(matchesPattern("exact", "exact") && !matchesPattern("exact", "exactly"));
  assert.deepEqual(["claude-*", "local-*", "*-mini", "*", "gpt-4o"].map(slugOf), [
    "claude",
    "local",
    "mini",
    "any",
    "gpt-4o",
  ]);
});

Deno.test("mergeProviders() overrides catalog fields by name and models by id, keeping the rest", () => {
  assert.equal(merged.problems.length, 0);
  const anthropic = merged.providers.get("anthropic")!;
  assert.equal(anthropic.endpoint, "https://proxy.example/v1");
  assert.equal(anthropic.wire, "anthropic");
  assert.equal(anthropic.apiKeySecret, "anthropic");
  const opus = anthropic.models.find((m) => m.id === "claude-opus-4-1")!;
  assert.equal(opus.maxOutputTokens, 4000);
  assert.deepEqual(opus.pricing, { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 });
  assert.ok(anthropic.models.some((m) => m.id === "claude-haiku-4-5"));
  assert.equal(merged.providers.get("local")!.endpoint, "http://127.0.0.1:11434/v1");
  const broken = mergeProviders(DEFAULT_CATALOG, [{ name: "nowhere" }]);
  assert.deepEqual(broken.problems.map((p) => p.path), ["providers[0].wire", "providers[0].endpoint"]);
});

Deno.test("resolveRoute(): routes in order, then a catalog model, then default_provider, else unknown", () => {
  const { table, problems } = buildRouteTable(
    gateway([
      { model_pattern: "local-*", provider: "local", upstream_model: "llama-3.1-8b", fallbacks: [] },
      {
        id: "cheap",
        model_pattern: "*-mini",
        provider: "local",
        fallbacks: [{ provider: "openai", upstream_model: "gpt-4o-mini" }],
      },
    ]),
    merged.providers,
  );
  assert.deepEqual(problems, []);
  const local = resolveRoute(table, "local-fast")!;
  assert.equal(local.routeId, "local");
  assert.equal(local.candidates[0].upstreamModel, "llama-3.1-8b");
  assert.equal(local.candidates[0].model?.pricing?.input, 0.1);
  const cheap = resolveRoute(table, "gpt-4o-mini")!;
  assert.equal(cheap.routeId, "cheap");
  assert.deepEqual(cheap.candidates.map((c) => `${c.provider.name}/${c.upstreamModel}`), [
    "local/gpt-4o-mini",
    "openai/gpt-4o-mini",
  ]);
  assert.equal(resolveRoute(table, "claude-haiku-4-5")!.routeId, "anthropic");
  assert.equal(resolveRoute(table, "mystery"), undefined);
  const withDefault = buildRouteTable(gateway([], "local"), merged.providers).table;
  assert.equal(resolveRoute(withDefault, "mystery")!.routeId, "default");
});

Deno.test("buildRouteTable() reports unknown providers and duplicate ids with their profile keys", () => {
  const { problems } = buildRouteTable(
    gateway([
      { model_pattern: "a-*", provider: "ghost", fallbacks: [{ provider: "phantom" }] },
      { model_pattern: "a*", provider: "local", fallbacks: [] },
    ], "void"),
    merged.providers,
  );
  assert.deepEqual(problems.map((p) => p.path), [
    "gateway.routes[0].provider",
    "gateway.routes[0].fallbacks[0].provider",
    "gateway.routes[1]",
    "gateway.default_provider",
  ]);
});

Deno.test("listedModels() lists catalog models and exact route patterns once", () => {
  const { table } = buildRouteTable(
    gateway([{ model_pattern: "house-model", provider: "local", fallbacks: [] }]),
    merged.providers,
  );
  const ids = listedModels(table).map((m) => m.id);
  assert.ok(ids.includes("house-model") && ids.includes("llama-3.1-8b") && ids.includes("gpt-4o"));
  assert.equal(new Set(ids).size, ids.length);
});
