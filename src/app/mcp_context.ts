import { egressScanOptions } from "./scanner_port.ts";
import type { Config } from "@infra/config/config.ts";
import type { Db } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { Vault } from "@domain/vault/mod.ts";
import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";
import { McpHub } from "./mcp_hub.ts";
import { adminOnlyToolNames } from "./mcp_policy.ts";
import { createVaultSecretSource } from "./mcp_secrets.ts";

/** The MCP gateway's part of the composition root (kept here so `context.ts` stays a list). */
export interface McpContextInput {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: MetricsRegistry;
  readonly vault: Vault;
  readonly instanceId: string;
  readonly version: string;
}

export function createMcpHub(input: McpContextInput): McpHub {
  const { config } = input;
  return new McpHub({
    servers: config.services.mcp,
    db: input.db,
    clock: input.clock,
    log: input.log,
    metrics: input.metrics,
    secrets: createVaultSecretSource({
      vault: input.vault,
      db: input.db,
      clock: input.clock,
      log: input.log,
    }),
    logsDir: config.paths.logs,
    servicesDir: config.services.dir,
    version: input.version,
    instanceId: input.instanceId,
    fingerprintKey: mcpFingerprintKey(config),
    egressScan: egressScanOptions(mcpFingerprintKey(config), config.services.governance.stages.secret_scan),
  });
}

/**
 * The governance chain's MCP ports: pin states (PostgreSQL through the hub's notified cache, so an
 * approval in any process applies to the next call everywhere) and the admin-only tool names.
 */
export function mcpPolicyPorts(config: Config, hub: McpHub) {
  return { toolPins: hub.pins, adminOnlyTools: adminOnlyToolNames(config.services.mcp) };
}

/** The scanner's fingerprint key, as the `secret_scan` stage uses it (derived from the pepper). */
export function mcpFingerprintKey(config: Config): Uint8Array {
  return new TextEncoder().encode(config.secrets.tokenPepper.reveal());
}
