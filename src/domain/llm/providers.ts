import type { ProviderProfile } from "@infra/config/profile_schema.ts";
import type { Wire } from "./types.ts";

/** USD per million tokens (= microdollars per token). */
export interface Pricing {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export interface ModelSpec {
  readonly id: string;
  readonly displayName?: string;
  readonly maxOutputTokens?: number;
  /** Undefined: a model nobody priced (e.g. a local one) costs nothing. */
  readonly pricing?: Pricing;
}

export interface ProviderSpec {
  readonly name: string;
  readonly wire: Wire;
  /** Includes the provider's version segment (`…/v1`); the operation path is appended. */
  readonly endpoint: string;
  readonly apiKeySecret: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly models: readonly ModelSpec[];
}

export interface ProviderProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Profile `providers` merged over the catalog: a profile entry named like a catalog entry
 * overrides the fields it sets, and its models override catalog models of the same id (others
 * stay). A new provider must name its `wire` and `endpoint`.
 */
export function mergeProviders(
  catalog: readonly ProviderSpec[],
  profile: readonly ProviderProfile[],
): { providers: ReadonlyMap<string, ProviderSpec>; problems: ProviderProblem[] } {
  const providers = new Map(catalog.map((p) => [p.name, p]));
  const problems: ProviderProblem[] = [];
  profile.forEach((entry, i) => {
    const base = providers.get(entry.name);
    const wire = entry.wire ?? base?.wire;
    const endpoint = entry.endpoint ?? base?.endpoint;
    if (!wire) {
      problems.push({ path: `providers[${i}].wire`, message: "required for a provider not in the catalog" });
    }
    if (!endpoint) {
      problems.push({
        path: `providers[${i}].endpoint`,
        message: "required for a provider not in the catalog",
      });
    }
    if (!wire || !endpoint) return;
    providers.set(entry.name, {
      name: entry.name,
      wire,
      endpoint: endpoint.replace(/\/+$/, ""),
      apiKeySecret: entry.api_key_secret ?? base?.apiKeySecret,
      timeoutMs: entry.timeout_ms ?? base?.timeoutMs,
      models: mergeModels(base?.models ?? [], entry.models ?? []),
    });
  });
  return { providers, problems };
}

function mergeModels(base: readonly ModelSpec[], extra: NonNullable<ProviderProfile["models"]>): ModelSpec[] {
  const byId = new Map(base.map((m) => [m.id, m]));
  for (const m of extra) {
    const prior = byId.get(m.id);
    const pricing = m.pricing
      ? {
        input: m.pricing.input_per_million,
        output: m.pricing.output_per_million,
        cacheRead: m.pricing.cache_read_per_million ?? m.pricing.input_per_million,
        cacheWrite: m.pricing.cache_write_per_million ?? m.pricing.input_per_million,
      }
      : prior?.pricing;
    const displayName = m.display_name ?? prior?.displayName;
    const maxOutputTokens = m.max_output_tokens ?? prior?.maxOutputTokens;
    byId.set(m.id, {
      id: m.id,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
      ...(pricing !== undefined ? { pricing } : {}),
    });
  }
  return [...byId.values()];
}
