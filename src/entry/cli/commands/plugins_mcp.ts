import { approveTools, serverTools } from "@app/mcp_admin.ts";
import { registryView } from "@app/mcp_registry.ts";
import { AppError } from "@shared/errors.ts";
import { resourceUrl } from "../../http/routes/mcp_resource.ts";
import { command, type Group, group } from "../command.ts";
import { mcpCall } from "./plugins_mcp_call.ts";
import { mcpContext } from "./plugins_mcp_context.ts";

/**
 * `plugins mcp list|status|tools|call|approve|restart` (ARCHITECTURE §8). Status is this process's
 * view: run against a server (forwarded over the admin channel, or the server's own process) it
 * shows the server's upstreams; run alone it shows what a fresh process sees.
 */
const listCmd = command({
  name: "list",
  summary: "MCP servers of the registry with their status and tool count",
  forwardable: true,
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const entries = await registryView(
      { hub: ctx.mcp, policy: ctx.policy, db: ctx.db },
      undefined,
      (name) => resourceUrl(ctx.config.server.externalUrl, name),
    );
    return {
      kind: "list",
      columns: ["name", "kind", "status", "enabled", "tool_count", "endpoint"],
      items: entries.map((e) => ({ ...e, tools: [...e.tools] })),
    };
  },
});

const statusCmd = command({
  name: "status",
  summary: "Health of each MCP upstream: status, last health check, last error, restarts",
  forwardable: true,
  positionals: [{ name: "server", summary: "only this server", required: false }],
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const only = inv.positionals[0];
    if (only !== undefined && !ctx.mcp.server(only)) {
      throw new AppError("mcp.server_not_found", `unknown MCP server ${only}`);
    }
    const items = ctx.mcp.servers.filter((s) => only === undefined || s.name === only).flatMap((s) => {
      const slot = ctx.mcp.slot(s.name);
      // One row per per-owner child after its server's row, named `<server>/owner:<label>`.
      const owners = ctx.mcp.ownerChildViews(s.name).map((o) => ({
        name: `${s.name}/owner:${o.child}`,
        kind: "stdio-owner",
        status: o.status,
        owner_children: null,
        last_health_check: o.last_health_check,
        last_error: o.last_error,
        restarts: o.restarts,
      }));
      const shared = {
        name: s.name,
        kind: s.kind,
        status: slot.status,
        owner_children: owners.length,
        last_health_check: slot.lastHealthCheck?.toISOString() ?? null,
        last_error: slot.lastError,
        restarts: slot.restarts,
      };
      return [shared, ...owners];
    });
    return {
      kind: "list",
      columns: ["name", "kind", "status", "owner_children", "last_health_check", "restarts", "last_error"],
      items,
    };
  },
});

const toolsCmd = command({
  name: "tools",
  summary: "Every tool a server lists now, with its pin state (pinned, quarantined, disabled)",
  forwardable: true,
  flags: [{ name: "server", type: "string", value: "S", summary: "the MCP server", required: true }],
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const items = await serverTools(ctx, String(inv.flags["server"]));
    return {
      kind: "list",
      columns: ["name", "status", "admin_only", "reason", "description"],
      items: items.map((t) => ({ ...t })),
    };
  },
});

const approveCmd = command({
  name: "approve",
  summary: "Approve quarantined tools of a server (all of them, or one): pin what they look like now",
  forwardable: true,
  positionals: [
    { name: "server", summary: "the MCP server", required: true },
    { name: "tool", summary: "only this tool", required: false },
  ],
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const server = inv.positionals[0]!;
    const approved = await approveTools(ctx, {
      server,
      tool: inv.positionals[1] ?? null,
      actor: { kind: "cli" },
    });
    return { kind: "object", value: { server, approved } };
  },
});

const restartCmd = command({
  name: "restart",
  summary: "Restart an upstream in every server process (stdio children are started again)",
  forwardable: true,
  positionals: [{ name: "server", summary: "the MCP server", required: true }],
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const server = inv.positionals[0]!;
    await ctx.mcp.requestRestart(server);
    return { kind: "object", value: { server, restart: "requested" } };
  },
});

export const pluginsMcp: Group = group("mcp", "MCP servers: registry, health, tools, calls, approvals", [
  listCmd,
  statusCmd,
  toolsCmd,
  mcpCall,
  approveCmd,
  restartCmd,
]);
