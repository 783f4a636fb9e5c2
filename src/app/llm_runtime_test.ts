import assert from "node:assert/strict";
import { ProblemList } from "@infra/config/config_error.ts";
import { emptyGatewayPolicies, loadGatewayPolicies } from "@infra/config/gateway_policies_schema.ts";
import { profileSchema } from "@infra/config/profile_schema.ts";
import { isAppError } from "@shared/errors.ts";
import { createLlmRuntime } from "./llm_runtime.ts";

const config = (profile: Record<string, unknown>) => ({
  profile,
  layout: { profileFile: "/home/profiles/local/profile.yaml" },
  services: { gatewayPolicies: emptyGatewayPolicies() },
});

Deno.test("createLlmRuntime() merges the catalog and the profile and applies gateway defaults", () => {
  const runtime = createLlmRuntime(config({
    gateway: { routes: [{ model_pattern: "local-*", provider: "local", upstream_model: "llama-3.1-8b" }] },
    providers: [{ name: "local", wire: "openai-chat", endpoint: "http://127.0.0.1:11434/v1" }],
  }));
  assert.equal(runtime.enabled, true);
  assert.equal(runtime.retries, 2);
  assert.equal(runtime.table.timeoutMs, 120_000);
  assert.deepEqual([...runtime.table.providers.keys()], ["anthropic", "openai", "gemini", "local"]);
  assert.equal(runtime.table.routes[0]!.id, "local");
});

Deno.test("createLlmRuntime() refuses routes to unknown providers, naming the profile file and key", () => {
  assert.throws(
    () =>
      createLlmRuntime(config({
        gateway: { default_provider: "nowhere", routes: [{ model_pattern: "x-*", provider: "ghost" }] },
        providers: [{ name: "half", endpoint: "http://127.0.0.1:1/v1" }],
      })),
    (error: unknown) => {
      assert.ok(isAppError(error, "config.invalid"));
      assert.match(
        error.message,
        /profile\.yaml: providers\[0\]\.wire: required for a provider not in the catalog/,
      );
      assert.match(error.message, /gateway\.routes\[0\]\.provider: unknown provider ghost/);
      assert.match(error.message, /gateway\.default_provider: unknown provider nowhere/);
      return true;
    },
  );
});

Deno.test("profile providers/routes and gateway policies are strict: unknown keys and bad shapes are problems", () => {
  const problems = new ProblemList();
  const base = { name: "p" };
  const bad = profileSchema.safeParse({
    ...base,
    providers: [{ name: "x", wire: "grpc", endpoint: "ftp://x", models: [{ id: "m", price: 1 }] }],
    gateway: { routes: [{ model_pattern: "a*b", provider: "x" }] },
  });
  assert.ok(!bad.success);
  const paths = bad.error.issues.map((i) => i.path.join("."));
  for (
    const p of [
      "providers.0.wire",
      "providers.0.endpoint",
      "providers.0.models.0",
      "gateway.routes.0.model_pattern",
    ]
  ) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
  }
  assert.ok(
    profileSchema.safeParse({ ...base, providers: { anthropic: {} } }).success === false,
    "a record is no longer accepted",
  );
  const documents = new Map<string, unknown>([["gateway/policies.yaml", {
    budgets: [{ name: "b", scope: "team", window: "week", limit_usd: -1 }],
    quotas: [{ name: "q", scope: "user", window_seconds: 0, max_requests: 1, extra: true }],
  }]]);
  loadGatewayPolicies("/services", documents, problems);
  const keys = problems.items.map((p) => p.path);
  for (
    const k of [
      "budgets[0].scope",
      "budgets[0].window",
      "budgets[0].limit_usd",
      "quotas[0].window_seconds",
      "quotas[0].extra",
    ]
  ) {
    assert.ok(keys.includes(k), `${k} in ${keys.join(", ")}`);
  }
  assert.ok(problems.items.every((p) => p.file === "/services/gateway/policies.yaml"));
});
