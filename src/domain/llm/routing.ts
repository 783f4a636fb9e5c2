import type { GatewayProfile } from "@infra/config/profile_schema.ts";
import type { ModelSpec, ProviderProblem, ProviderSpec } from "./providers.ts";

/**
 * Model → upstream. Order: `gateway.routes` (first match of `model_pattern`: exact, `prefix*`,
 * `*suffix` or `*`), then a provider whose models list the id (route id = the provider's name),
 * then `default_provider` (route id `default`); otherwise the model is unknown (404).
 */
export interface RouteSpec {
  readonly id: string;
  readonly modelPattern: string;
  readonly provider: string;
  readonly upstreamModel: string | undefined;
  readonly fallbacks: readonly { readonly provider: string; readonly upstreamModel: string | undefined }[];
  readonly timeoutMs: number | undefined;
}

export interface RouteTable {
  readonly routes: readonly RouteSpec[];
  readonly providers: ReadonlyMap<string, ProviderSpec>;
  readonly defaultProvider: string | undefined;
  readonly timeoutMs: number;
}

export interface Candidate {
  readonly provider: ProviderSpec;
  readonly upstreamModel: string;
  /** The catalog entry of the upstream model (pricing, output limit), when known. */
  readonly model: ModelSpec | undefined;
}

export interface ResolvedRoute {
  readonly routeId: string;
  /** The primary upstream, then the ordered fallbacks. */
  readonly candidates: readonly [Candidate, ...Candidate[]];
  readonly timeoutMs: number;
}

export function matchesPattern(pattern: string, model: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return model.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return model.endsWith(pattern.slice(1));
  return model === pattern;
}

/** `claude-*` → `claude`, `*-mini` → `mini`, `*` → `any`. */
export function slugOf(pattern: string): string {
  const slug = pattern.toLowerCase().replaceAll("*", "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug || "any";
}

export function buildRouteTable(
  gateway: GatewayProfile,
  providers: ReadonlyMap<string, ProviderSpec>,
): { table: RouteTable; problems: ProviderProblem[] } {
  const problems: ProviderProblem[] = [];
  const known = (name: string, path: string) => {
    if (!providers.has(name)) problems.push({ path, message: `unknown provider ${name}` });
  };
  const seen = new Set<string>();
  const routes = gateway.routes.map((r, i): RouteSpec => {
    const id = r.id ?? slugOf(r.model_pattern);
    if (seen.has(id)) {
      problems.push({ path: `gateway.routes[${i}]`, message: `duplicate route id ${id}; set id` });
    }
    seen.add(id);
    known(r.provider, `gateway.routes[${i}].provider`);
    r.fallbacks.forEach((f, j) => known(f.provider, `gateway.routes[${i}].fallbacks[${j}].provider`));
    return {
      id,
      modelPattern: r.model_pattern,
      provider: r.provider,
      upstreamModel: r.upstream_model,
      fallbacks: r.fallbacks.map((f) => ({ provider: f.provider, upstreamModel: f.upstream_model })),
      timeoutMs: r.timeout_ms,
    };
  });
  if (gateway.default_provider) known(gateway.default_provider, "gateway.default_provider");
  return {
    table: { routes, providers, defaultProvider: gateway.default_provider, timeoutMs: gateway.timeout_ms },
    problems,
  };
}

export function resolveRoute(table: RouteTable, model: string): ResolvedRoute | undefined {
  const route = table.routes.find((r) => matchesPattern(r.modelPattern, model));
  if (route) {
    const primary = candidate(table, route.provider, route.upstreamModel ?? model);
    if (!primary) return undefined;
    const fallbacks = route.fallbacks.flatMap((f) =>
      candidate(table, f.provider, f.upstreamModel ?? model) ?? []
    );
    const provider = table.providers.get(route.provider);
    return {
      routeId: route.id,
      candidates: [primary, ...fallbacks],
      timeoutMs: route.timeoutMs ?? provider?.timeoutMs ?? table.timeoutMs,
    };
  }
  for (const provider of table.providers.values()) {
    if (!provider.models.some((m) => m.id === model)) continue;
    const only = candidate(table, provider.name, model)!;
    return { routeId: provider.name, candidates: [only], timeoutMs: provider.timeoutMs ?? table.timeoutMs };
  }
  if (!table.defaultProvider) return undefined;
  const fallback = candidate(table, table.defaultProvider, model);
  return fallback
    ? {
      routeId: "default",
      candidates: [fallback],
      timeoutMs: fallback.provider.timeoutMs ?? table.timeoutMs,
    }
    : undefined;
}

function candidate(table: RouteTable, providerName: string, upstreamModel: string): Candidate | undefined {
  const provider = table.providers.get(providerName);
  if (!provider) return undefined;
  return { provider, upstreamModel, model: provider.models.find((m) => m.id === upstreamModel) };
}

/** What `/v1/models` lists: every catalogued model and every exact route pattern, once. */
export function listedModels(table: RouteTable): { id: string; owner: string; displayName: string }[] {
  const out = new Map<string, { id: string; owner: string; displayName: string }>();
  for (const r of table.routes) {
    if (!r.modelPattern.includes("*")) {
      out.set(r.modelPattern, { id: r.modelPattern, owner: r.provider, displayName: r.modelPattern });
    }
  }
  for (const p of table.providers.values()) {
    for (const m of p.models) {
      if (!out.has(m.id)) out.set(m.id, { id: m.id, owner: p.name, displayName: m.displayName ?? m.id });
    }
  }
  return [...out.values()];
}
