import type { Policy } from "@domain/governance/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { listPins } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { Db } from "@infra/db/db.ts";
import type { Catalog } from "./mcp_catalog.ts";
import type { McpHub } from "./mcp_hub.ts";
import type { OwnerChildView } from "./mcp_owners.ts";
import { visibleTools } from "./mcp_visibility.ts";

/**
 * The registry as clients and the CLI see it (`GET /api/v1/mcp/registry`, `plugins mcp list`):
 * each server with its status in this process and the tools the caller may call. A server whose
 * catalogue this process has not listed yet (a stdio child not started) shows its pinned tools, so
 * reading the registry never starts an upstream; builtins are listed directly.
 */
export interface RegistryDeps {
  readonly hub: McpHub;
  readonly policy: Policy;
  readonly db: Db;
}

export interface RegistryEntry {
  readonly name: string;
  readonly description: string;
  readonly kind: McpServerConfig["kind"];
  readonly endpoint: string;
  readonly enabled: boolean;
  readonly oauth_required: boolean;
  readonly scopes: readonly string[];
  readonly status: string;
  readonly tools: readonly string[];
  readonly tool_count: number;
  readonly last_health_check: string | null;
  readonly last_error: string | null;
  readonly restarts: number;
  /** Per-owner stdio children in this process (a per-user secret in `env`), one per owner. */
  readonly owner_children: number;
  /** Each child's status (admins and the host's CLI; empty for other callers). */
  readonly owners: readonly OwnerChildView[];
}

/** `principal` undefined: the host's CLI, which sees every pinned, enabled tool. */
export async function registryView(
  deps: RegistryDeps,
  principal: Principal | undefined,
  endpointOf: (server: string) => string,
): Promise<RegistryEntry[]> {
  const entries: RegistryEntry[] = [];
  for (const server of deps.hub.servers) {
    const slot = deps.hub.slot(server.name);
    const tools = server.enabled ? await toolNames(deps, server, principal) : [];
    const owners = deps.hub.ownerChildViews(server.name);
    // Other owners' children are the operator's business: a user sees only how many there are.
    const operator = principal === undefined || principal.scope === "admin";
    entries.push({
      name: server.name,
      description: server.description,
      kind: server.kind,
      endpoint: endpointOf(server.name),
      enabled: server.enabled,
      oauth_required: server.oauth.required,
      scopes: server.oauth.scopes,
      status: slot.status,
      tools,
      tool_count: tools.length,
      last_health_check: slot.lastHealthCheck?.toISOString() ?? null,
      last_error: slot.lastError,
      restarts: slot.restarts,
      owner_children: owners.length,
      owners: operator ? owners : [],
    });
  }
  return entries;
}

async function toolNames(deps: RegistryDeps, server: McpServerConfig, principal: Principal | undefined) {
  const catalog = await currentCatalog(deps, server);
  if (!principal) {
    return catalog.tools.map((t) => t.name)
      .filter((name) => catalog.statuses.get(name) === "pinned" && !server.tools[name]?.disabled);
  }
  return (await visibleTools(deps.policy, principal, server, catalog)).map((t) => t.name);
}

async function currentCatalog(deps: RegistryDeps, server: McpServerConfig): Promise<Catalog> {
  const cached = deps.hub.cachedCatalog(server.name);
  if (cached) return cached;
  if (server.kind === "builtin") {
    const listed = await deps.hub.catalog(server.name, 60_000).catch(() => undefined);
    if (listed) return listed;
  }
  const pins = await listPins(deps.db, server.name);
  return {
    server: server.name,
    tools: pins.map((p) => ({ name: p.tool, description: p.description, inputSchema: { type: "object" } })),
    statuses: new Map(pins.map((p) => [p.tool, p.status])),
    fetchedAt: 0,
  };
}
