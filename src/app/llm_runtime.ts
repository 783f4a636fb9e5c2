import {
  buildRouteTable,
  DEFAULT_CATALOG,
  mergeProviders,
  type ProviderProblem,
  type RouteTable,
} from "@domain/llm/mod.ts";
import type { Config } from "@infra/config/config.ts";
import { configError } from "@infra/config/config_error.ts";
import type { GatewayPolicies } from "@infra/config/gateway_policies_schema.ts";
import { gatewayProfileSchema, providersSchema } from "@infra/config/profile_schema.ts";

/**
 * The provider gateway's configuration, resolved once at start: profile `providers` merged over the
 * embedded catalog, `gateway.routes` checked against them (an unknown provider is a config error
 * naming the profile key), and `services/gateway/policies.yaml`.
 */
export interface LlmRuntime {
  readonly enabled: boolean;
  readonly table: RouteTable;
  readonly policies: GatewayPolicies;
  /** Retries per upstream (429, 5xx, connection errors) before the first streamed byte. */
  readonly retries: number;
  readonly retryBackoffMs: number;
}

export interface LlmConfig {
  readonly profile: Config["profile"];
  readonly layout: Pick<Config["layout"], "profileFile">;
  readonly services: Pick<Config["services"], "gatewayPolicies">;
}

export function createLlmRuntime(config: LlmConfig): LlmRuntime {
  const gateway = gatewayProfileSchema.parse(config.profile["gateway"] ?? {});
  const merged = mergeProviders(DEFAULT_CATALOG, providersSchema.parse(config.profile["providers"] ?? []));
  const routed = buildRouteTable(gateway, merged.providers);
  const problems: ProviderProblem[] = [...merged.problems, ...routed.problems];
  if (problems.length > 0) {
    throw configError(problems.map((p) => ({ file: config.layout.profileFile, ...p })));
  }
  return {
    enabled: gateway.enabled,
    table: routed.table,
    policies: config.services.gatewayPolicies,
    retries: gateway.retries,
    retryBackoffMs: gateway.retry_backoff_ms,
  };
}
